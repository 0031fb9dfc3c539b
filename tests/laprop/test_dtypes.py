"""Precision: zero gradients never give NaN/Inf; half-precision params keep float32 state and
track the float32 trajectory within a derived bound."""

from __future__ import annotations

import pytest
import torch

from laprop import LaProp

torch.set_num_threads(1)

PATHS = {"single": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True}}
DTYPES = [torch.float64, torch.float32, torch.bfloat16, torch.float16]
DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.cuda)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("eps", [1e-15, 0.0])
@pytest.mark.parametrize("eps_mode", ["inside", "outside"])
def test_zero_gradient_is_finite(device, path, dtype, eps, eps_mode):
    p = torch.nn.Parameter(torch.linspace(-1, 1, 9, dtype=dtype, device=device))
    before = p.detach().clone()
    opt = LaProp([p], eps=eps, eps_mode=eps_mode, amsgrad=True, centered=True, t_init=1,
                 **PATHS[path])
    for _ in range(3):
        p.grad = torch.zeros_like(p)
        opt.step()
    assert torch.isfinite(p).all()
    assert torch.equal(p.detach(), before)  # zero gradient, no weight decay: nothing moves
    for key, v in opt.state[p].items():
        assert torch.isfinite(v).all(), key
    # a tiny but nonzero gradient after zeros: still finite, and a bounded update
    p.grad = torch.full_like(p, 1e-30 if dtype != torch.float16 else 6e-8)
    opt.step()
    assert torch.isfinite(p).all()


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=str)
def test_half_state_is_float32(path, dtype):
    p = torch.nn.Parameter(torch.ones(4, dtype=dtype))
    opt = LaProp([p], amsgrad=True, centered=True, **PATHS[path])
    p.grad = torch.ones(4, dtype=dtype)
    opt.step()
    for key, v in opt.state[p].items():
        assert v.dtype == torch.float32, key
    assert p.dtype == dtype


# Tolerance derivation for the half-precision trajectories.
# The gradients g_t are given (independent of θ) and exactly representable in the half dtype,
# so the float32 state (m, n, n̄, ṽ) of the half run evolves through the same float32
# operations as in the float32 run: the step δ_t = m_t / c_m is the same float32 number in both
# (up to kernel-level reassociation, ≤ a few float32 ulps). The only extra error is rounding θ
# into the half dtype once per step: |round(x) − x| ≤ u·|x| with unit roundoff u = 2^-8
# (bfloat16) or 2^-11 (float16). Starting from the same (half-representable) θ_1 and with
# weight-decay factor (1 − λw) ≤ 1 (which does not amplify earlier errors), after T steps
#     |θ_T^half − θ_T^32| ≤ u · Σ_t |θ_t| ≤ T · u · max_t |θ_t|   (+ float32 noise, ≪ this).
# The test asserts this worst-case bound and, as a sharper sanity check, that the observed
# error is at most 4·sqrt(T)·u·max|θ| (independent roundings behave like a random walk).
UNIT_ROUNDOFF = {torch.bfloat16: 2.0**-8, torch.float16: 2.0**-11}


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=str)
def test_half_tracks_float32(path, dtype):
    steps = 60
    gen = torch.Generator().manual_seed(0)
    theta0 = torch.randn(256, generator=gen).to(dtype)
    grads = [torch.randn(256, generator=gen).to(dtype) for _ in range(steps)]
    ph = torch.nn.Parameter(theta0.clone())
    p32 = torch.nn.Parameter(theta0.float())
    kw = dict(lr=1e-2, betas=(0.9, 0.99), weight_decay=0.1, amsgrad=True, **PATHS[path])
    oh, o32 = LaProp([ph], **kw), LaProp([p32], **kw)
    max_abs = theta0.float().abs().max().item()
    for g in grads:
        ph.grad, p32.grad = g.clone(), g.float()
        oh.step()
        o32.step()
        max_abs = max(max_abs, p32.detach().abs().max().item())
    u = UNIT_ROUNDOFF[dtype]
    err = (ph.detach().float() - p32.detach()).abs().max().item()
    assert err <= steps * u * max_abs
    assert err <= 4 * steps**0.5 * u * max_abs
    # the float32 state is the same computation in both runs
    for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
        torch.testing.assert_close(oh.state[ph][key], o32.state[p32][key], rtol=1e-6,
                                   atol=1e-9)
