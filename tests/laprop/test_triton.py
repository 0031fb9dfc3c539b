"""The Triton kernel of ``fused=True`` on CUDA (laprop/_triton.py) against the single-tensor
reference path.

On a machine without a GPU the kernel runs in Triton's interpreter (``TRITON_INTERPRET=1``,
set by the fixture below) on CPU tensors; on a GPU the same tests run unchanged on CUDA. Every
test name contains "triton": ``pytest -k triton`` selects them. They are skipped (visibly)
only where ``triton`` cannot be imported.
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from torch import Tensor

pytest.importorskip("triton", reason="triton is not installed (pip install -e '.[test]')")

from laprop._triton import triton_update  # noqa: E402
from laprop.functional import _single_tensor_laprop  # noqa: E402

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
FLAGS = list(itertools.product([False, True], [False, True], ["inside", "outside"],
                               [False, True], [0.0, 0.1]))
SHAPES = [(5, 3), (37,)]


@pytest.fixture(autouse=True)
def _interpreter(monkeypatch):
    if DEVICE == "cpu":
        monkeypatch.setenv("TRITON_INTERPRET", "1")


def _lists(shapes, dtype, sdtype, gen):
    ps = [torch.randn(s, generator=gen, dtype=torch.float64).to(dtype) for s in shapes]
    st = [[torch.zeros(s, dtype=sdtype) for s in shapes] for _ in range(4)]
    counts = [torch.zeros(()) for _ in shapes]
    return ps, st, counts


def _to(xs, dev):
    return [x.to(dev) for x in xs]


def _run(flags, dtype, steps, *, shapes=SHAPES, lr=1e-2, eps=1e-8, seed=0, t_init=3,
         grad_fn=None):
    """Run the Triton kernel (on DEVICE) and the single-tensor reference (CPU) side by side."""
    amsgrad, centered, eps_mode, maximize, wd = flags
    sdtype = torch.float64 if dtype == torch.float64 else torch.float32
    gen = torch.Generator().manual_seed(seed)
    ps, st, counts = _lists(shapes, dtype, sdtype, gen)
    rps, rst, rcounts = [p.clone() for p in ps], [[x.clone() for x in s] for s in st], \
        [c.clone() for c in counts]
    ps, st, counts = _to(ps, DEVICE), [_to(s, DEVICE) for s in st], _to(counts, DEVICE)
    kw = dict(amsgrad=amsgrad, centered=centered, t_init=t_init, beta1=0.9, beta2=0.99,
              weight_decay=wd, eps=eps, eps_mode=eps_mode, maximize=maximize)
    for t in range(1, steps + 1):
        gs = [(grad_fn(t, s) if grad_fn else torch.randn(s, generator=gen, dtype=torch.float64))
              .to(dtype) for s in shapes]
        triton_update(ps, _to(gs, DEVICE), st[0], st[1], st[2] if amsgrad else [],
                      st[3] if centered else [], counts, lr=lr, **kw)
        _single_tensor_laprop(rps, [g.clone() for g in gs], rst[0], rst[1],
                              rst[2] if amsgrad else [], rst[3] if centered else [], rcounts,
                              lr=lr, capturable=False, differentiable=False, has_complex=False,
                              grad_scale=None, found_inf=None, **kw)
    assert [c.item() for c in counts] == [float(steps)] * len(shapes)
    return ps, st, rps, rst


def _rel(x: Tensor, ref: Tensor) -> float:
    """Norm-wise relative difference (element-wise is meaningless where θ crosses 0)."""
    scale = ref.abs().max().item()
    return (x.cpu().double() - ref.double()).abs().max().item() / max(scale, 1e-300)


@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: "-".join(map(str, f)))
def test_triton_float64_matches_reference(flags):
    ps, st, rps, rst = _run(flags, torch.float64, steps=6)
    for i in range(len(SHAPES)):
        assert _rel(ps[i], rps[i]) <= 1e-13
        for k, on in enumerate([True, True, flags[0], flags[1]]):
            if on:
                assert _rel(st[k][i], rst[k][i]) <= 1e-13


@pytest.mark.parametrize("flags", FLAGS[::4] + [FLAGS[-1]], ids=lambda f: "-".join(map(str, f)))
def test_triton_float32_matches_reference(flags):
    """Same float32 arithmetic as the reference up to reassociation: a few ulp per step."""
    steps = 6
    ps, st, rps, rst = _run(flags, torch.float32, steps=steps)
    tol = 16 * steps * 2.0**-24
    for i in range(len(SHAPES)):
        assert _rel(ps[i], rps[i]) <= tol
        assert _rel(st[0][i], rst[0][i]) <= tol and _rel(st[1][i], rst[1][i]) <= tol


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=str)
def test_triton_half_params_float32_state(dtype):
    """float32 state and math, θ rounded once into the half dtype (as the reference does)."""
    flags = (True, True, "inside", False, 0.1)
    ps, st, rps, rst = _run(flags, dtype, steps=4)
    ulp = {torch.bfloat16: 2.0**-8, torch.float16: 2.0**-11}[dtype]
    for i in range(len(SHAPES)):
        assert ps[i].dtype == dtype and st[0][i].dtype == torch.float32
        assert _rel(ps[i], rps[i]) <= 2 * ulp  # a near-tie may round the other way
        assert _rel(st[0][i], rst[0][i]) <= 1e-5


def test_triton_bfloat16_rounds_to_nearest_even():
    """g = 0 (and ε > 0) leaves m = 0, so θ_{t+1} = θ_t · (1 − λw) computed in float32 and
    rounded once into bfloat16: bit for bit torch's round-to-nearest-even conversion,
    infinities, NaN and values that overflow to inf included."""
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(300, generator=gen) * 10.0 ** torch.randint(-30, 30, (300,), generator=gen)
    x[:4] = torch.tensor([float("inf"), float("-inf"), float("nan"), 3.3e38])
    p32 = x.to(torch.bfloat16).float()
    p = p32.to(torch.bfloat16).to(DEVICE)
    decay = torch.tensor(1 - 0.5 * 0.37, dtype=torch.float32)  # lr = 0.5, w = 0.37
    m, n = torch.zeros(300, device=DEVICE), torch.zeros(300, device=DEVICE)
    triton_update([p], [torch.zeros(300, dtype=torch.bfloat16, device=DEVICE)], [m], [n], [],
                  [], [torch.zeros((), device=DEVICE)], amsgrad=False, centered=False,
                  t_init=10, beta1=0.9, beta2=0.99, lr=0.5, weight_decay=0.37, eps=1e-8,
                  eps_mode="inside", maximize=False)
    want = (p32 * decay).to(torch.bfloat16)
    got = p.cpu()
    same = (got == want) | (torch.isnan(got) & torch.isnan(want))
    assert same.all(), (got[~same], want[~same])


def test_triton_amp_found_inf_skips_and_grad_scale_unscales():
    p = torch.randn(40, dtype=torch.float64, device=DEVICE)
    g = torch.randn(40, dtype=torch.float64, device=DEVICE)
    m, n = torch.zeros_like(p), torch.zeros_like(p)
    step = torch.zeros((), device=DEVICE)
    kw = dict(amsgrad=False, centered=False, t_init=10, beta1=0.9, beta2=0.99, lr=1e-2,
              weight_decay=0.0, eps=1e-8, eps_mode="inside", maximize=False)
    p0, scaled = p.clone(), g * 1024
    triton_update([p], [scaled], [m], [n], [], [], [step], grad_scale=torch.tensor(1024.0),
                  found_inf=torch.tensor(1.0), **kw)
    assert torch.equal(p, p0) and step.item() == 0 and (m == 0).all() and (n == 0).all()
    assert torch.equal(scaled, g * 1024)  # nothing written, the gradient included
    triton_update([p], [scaled], [m], [n], [], [], [step],
                  grad_scale=torch.tensor(1024.0, device=DEVICE),
                  found_inf=torch.tensor(0.0, device=DEVICE), **kw)
    assert step.item() == 1 and torch.equal(scaled, g)  # unscaled in place (power of 2)
    rp, rm, rn, rs = p0.cpu(), torch.zeros(40, dtype=torch.float64), \
        torch.zeros(40, dtype=torch.float64), [torch.zeros(())]
    _single_tensor_laprop([rp], [g.cpu()], [rm], [rn], [], [], rs, capturable=False,
                          differentiable=False, has_complex=False, grad_scale=None,
                          found_inf=None, **kw)
    assert _rel(p, rp) <= 1e-15


def test_triton_tensor_lr_and_device_step_capturable():
    """lr as a device tensor changed in place between steps (as under a CUDA graph) and the
    step count on the device: the kernel reads both from memory."""
    flags = (False, False, "outside", False, 0.1)
    lr = torch.tensor(1e-2, dtype=torch.float64, device=DEVICE)
    gen = torch.Generator().manual_seed(4)
    p = torch.randn(30, generator=gen, dtype=torch.float64)
    rp = p.clone()
    p = p.to(DEVICE)
    m, n, rm, rn = (torch.zeros(30, dtype=torch.float64) for _ in range(4))
    m, n = m.to(DEVICE), n.to(DEVICE)
    step, rstep = torch.zeros((), device=DEVICE), torch.zeros(())
    for t, value in enumerate([1e-2, 3e-3, 5e-4], start=1):
        lr.fill_(value)
        g = torch.randn(30, generator=gen, dtype=torch.float64)
        kw = dict(amsgrad=flags[0], centered=flags[1], t_init=10, beta1=0.9, beta2=0.99,
                  weight_decay=flags[4], eps=1e-8, eps_mode=flags[2], maximize=flags[3])
        triton_update([p], [g.to(DEVICE)], [m], [n], [], [], [step], lr=lr, **kw)
        _single_tensor_laprop([rp], [g], [rm], [rn], [], [], [rstep], lr=value,
                              capturable=False, differentiable=False, has_complex=False,
                              grad_scale=None, found_inf=None, **kw)
        assert step.device.type == DEVICE and step.item() == t
    assert _rel(p, rp) <= 1e-13


def test_triton_bias_corrections_keep_full_precision():
    """c = 1 − β^t in float64 by Kahan's expm1: at t = 1 with ν = 1 − 1e-9 (c_n = 1e-9) and at
    t = 10^6, the step equals the float64 formula with math.pow (relative 1e-12)."""
    for t0, beta2 in ((0, 1 - 1e-9), (10**6 - 1, 0.999)):
        p = torch.zeros(3, dtype=torch.float64, device=DEVICE)
        g = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
        m, n = torch.zeros_like(p), torch.zeros_like(p)
        step = torch.full((), float(t0), device=DEVICE)
        triton_update([p], [g.to(DEVICE)], [m], [n], [], [], [step], amsgrad=False,
                      centered=False, t_init=10, beta1=0.5, beta2=beta2, lr=1.0,
                      weight_decay=0.0, eps=1e-30, eps_mode="inside", maximize=False)
        t = t0 + 1
        c_m, c_n = 1 - 0.5**t, -math.expm1(t * math.log(beta2))
        nn = (1 - beta2) * g * g
        want = -(0.5 * g / torch.sqrt(nn / c_n + 1e-30)) / c_m
        assert _rel(p, want) <= 1e-12, (t, _rel(p, want))


def test_triton_zero_gradient_and_nan():
    """ε = 0 and g = 0: 0/0 := 0 (θ unchanged, no NaN); a NaN gradient propagates."""
    for eps_mode in ("inside", "outside"):
        p = torch.ones(8, device=DEVICE)
        m, n, vm = (torch.zeros(8, device=DEVICE) for _ in range(3))
        step = torch.zeros((), device=DEVICE)
        kw = dict(amsgrad=True, centered=False, t_init=10, beta1=0.9, beta2=0.99, lr=1e-2,
                  weight_decay=0.0, eps=0.0, eps_mode=eps_mode, maximize=False)
        triton_update([p], [torch.zeros(8, device=DEVICE)], [m], [n], [vm], [], [step], **kw)
        assert torch.equal(p, torch.ones(8, device=DEVICE)) and torch.equal(m, torch.zeros_like(m))
        g = torch.zeros(8, device=DEVICE)
        g[3] = float("nan")
        triton_update([p], [g], [m], [n], [vm], [], [step], **kw)
        assert torch.isnan(p[3]) and torch.isnan(vm[3]) and torch.isfinite(p[:3]).all()


def test_triton_empty_and_multi_block_tensors():
    """A 0-element tensor is skipped; a tensor of several blocks with a ragged tail."""
    from laprop._triton import BLOCK

    shapes = [(0,), (2 * BLOCK + 3,)]
    ps, st, rps, rst = _run((True, False, "inside", True, 0.0), torch.float64, steps=2,
                            shapes=shapes)
    assert ps[0].numel() == 0
    assert _rel(ps[1], rps[1]) <= 1e-13


@pytest.mark.cuda
def test_triton_is_the_cuda_fused_path(monkeypatch):
    """On CUDA, LaProp(fused=True) runs the Triton kernel (the torch.compile step is the
    fallback where triton is missing), non-contiguous tensors included."""
    import laprop._triton as tri
    from laprop import LaProp

    calls = []
    real = tri.triton_update
    monkeypatch.setattr(tri, "triton_update",
                        lambda *a, **k: (calls.append(1), real(*a, **k)))
    base = torch.randn(6, 8, device="cuda", dtype=torch.float64)
    p = torch.nn.Parameter(base.t().contiguous().t())  # non-contiguous
    q = torch.nn.Parameter(base.clone().cpu())
    o1, o2 = LaProp([p], lr=1e-2, fused=True), LaProp([q], lr=1e-2, foreach=False)
    for _ in range(3):
        g = torch.randn(6, 8, dtype=torch.float64)
        p.grad, q.grad = g.cuda().t().contiguous().t(), g.clone()
        o1.step()
        o2.step()
    assert calls and _rel(p.detach(), q.detach()) <= 1e-13
