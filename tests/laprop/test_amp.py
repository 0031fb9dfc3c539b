"""torch.amp.GradScaler with LaProp: torch's fused-optimizer protocol
(``_step_supports_amp_scaling``, ``grad_scale``/``found_inf``) on float16 and bfloat16 params,
on the fused path and every other.

The expected trajectory is an independent float64 transcription of docs/optimizer-spec.md (no
laprop code) fed the *unscaled* gradients of the steps that were not skipped, with θ rounded
into the param dtype after each step (the optimizer computes in float32 and rounds once).
"""

from __future__ import annotations

import pytest
import torch

from laprop import LaProp

torch.set_num_threads(1)

PATHS = {"fused": {"fused": True}, "default": {}, "foreach": {"foreach": True},
         "single": {"foreach": False}}
LR, B1, B2, EPS = 1e-2, 0.9, 0.99, 1e-8
ULP = {torch.float16: 2.0**-11, torch.bfloat16: 2.0**-8}


def reference(theta0: torch.Tensor, grads: list[torch.Tensor], dtype: torch.dtype
              ) -> torch.Tensor:
    """The spec (Alg. 1, eps inside) in float64; θ rounded into ``dtype`` after every step."""
    th = theta0.double()
    m = torch.zeros_like(th)
    n = torch.zeros_like(th)
    for t, g in enumerate(grads, start=1):
        g = g.double()
        n = B2 * n + (1 - B2) * g * g
        s = torch.sqrt(n / (1 - B2**t) + EPS)
        m = B1 * m + (1 - B1) * LR * g / s
        th = (th - m / (1 - B1**t)).to(dtype).double()
    return th


def _grads(dtype: torch.dtype, k: int, size: int) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(1)
    return [torch.randn(size, generator=gen).to(dtype) for _ in range(k)]


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("path", list(PATHS))
def test_grad_scaler_matches_unscaled_steps_and_skips_inf(path, dtype):
    size, steps, bad = 37, 6, 3  # step 3 gets an inf gradient
    theta0 = torch.randn(size, generator=torch.Generator().manual_seed(0)).to(dtype)
    grads = _grads(dtype, steps, size)
    p = torch.nn.Parameter(theta0.clone())
    opt = LaProp([p], lr=LR, betas=(B1, B2), eps=EPS, **PATHS[path])
    assert opt._step_supports_amp_scaling
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**8, growth_interval=1000)
    for k, g in enumerate(grads, start=1):
        opt.zero_grad()
        scaler.scale((p.float() * g.float()).sum()).backward()  # p.grad = 2^s · g, exact
        if k == bad:
            p.grad[5] = float("inf")
        before = p.detach().clone()
        steps_before = opt.state[p]["step"].item() if p in opt.state else 0.0
        scaler.step(opt)
        scaler.update()
        if k == bad:  # skipped: params, state and step count untouched; the scale backs off
            assert torch.equal(p.detach(), before)
            assert opt.state[p]["step"].item() == steps_before == bad - 1
            assert scaler.get_scale() == 2.0**7
        else:
            assert opt.state[p]["step"].item() == steps_before + 1
            assert torch.equal(p.grad, g)  # the gradient was left unscaled, as torch does
    want = reference(theta0, [g for k, g in enumerate(grads, 1) if k != bad], dtype)
    # float32 state vs float64 reference: ≪ ulp; θ may round to the other neighbour of a
    # near-tie once in a while: 2 ulp of the largest |θ|
    err = (p.detach().double() - want).abs().max().item()
    assert err <= 2 * ULP[dtype] * want.abs().max().item(), err
    for v in opt.state[p].values():
        assert v.dtype == torch.float32


@pytest.mark.parametrize("path", list(PATHS))
def test_grad_scale_and_found_inf_set_by_hand(path):
    """What GradScaler does, by hand: found_inf = 1 skips the step (the count included),
    found_inf = 0 steps with the gradient divided by grad_scale."""
    p = torch.nn.Parameter(torch.ones(4, dtype=torch.float64))
    opt = LaProp([p], lr=0.1, eps=0.0, betas=(0.5, 0.75), **PATHS[path])
    g = torch.tensor([2.0, -1.0, 0.5, 4.0], dtype=torch.float64)
    opt.grad_scale = torch.tensor(8.0)
    opt.found_inf = torch.tensor(1.0)
    p.grad = 8 * g
    opt.step()
    assert torch.equal(p.detach(), torch.ones(4, dtype=torch.float64))
    assert p not in opt.state or opt.state[p]["step"].item() == 0
    opt.found_inf = torch.tensor(0.0)
    opt.step()
    # t = 1, ε = 0: s = |g|, m = (1 − μ) λ sign(g), θ = 1 − λ sign(g)
    assert torch.allclose(p.detach(), 1 - 0.1 * torch.sign(g), rtol=0, atol=1e-15)
    assert torch.equal(p.grad, g) and opt.state[p]["step"].item() == 1


def test_unscale_then_step_bfloat16():
    """The clipping flow: scaler.unscale_(opt), then scaler.step(opt) (grad_scale is None)."""
    dtype = torch.bfloat16
    theta0 = torch.randn(16, generator=torch.Generator().manual_seed(2)).to(dtype)
    grads = _grads(dtype, 3, 16)
    p = torch.nn.Parameter(theta0.clone())
    opt = LaProp([p], lr=LR, betas=(B1, B2), eps=EPS, fused=True)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**6)
    for g in grads:
        opt.zero_grad()
        scaler.scale((p.float() * g.float()).sum()).backward()
        scaler.unscale_(opt)
        assert torch.equal(p.grad, g)
        scaler.step(opt)
        scaler.update()
    want = reference(theta0, grads, dtype)
    err = (p.detach().double() - want).abs().max().item()
    assert err <= 2 * ULP[dtype] * want.abs().max().item()
