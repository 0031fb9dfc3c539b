"""The fused LaProp path (laprop/_fused.py) against an independent float64 reference.

The reference below is written from docs/optimizer-spec.md with plain float64 torch ops.
Agreement is measured norm-wise per tensor, |x - x_ref|_inf <= tol · |x_ref|_inf: element-wise
relative error is meaningless where θ passes near 0 (cancellation in θ - m/c_m).
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from torch import Tensor

from laprop import _fused
from laprop._fused import _compiled_update, _fused_laprop, _fused_supported

BETA1, BETA2, LR = 0.9, 0.99, 1e-2


def reference_step(p: Tensor, g: Tensor, m: Tensor, n: Tensor, vm: Tensor, nb: Tensor,
                   t: int, *, amsgrad: bool, centered: bool, t_init: int, eps: float,
                   eps_mode: str, maximize: bool, weight_decay: float, lr: float = LR,
                   beta1: float = BETA1, beta2: float = BETA2) -> None:
    """docs/optimizer-spec.md, in place, in the dtype of its arguments."""
    g = -g if maximize else g
    n.copy_(beta2 * n + (1 - beta2) * g * g)
    v = n
    if centered:
        nb.copy_(beta2 * nb + (1 - beta2) * g)
        c = n - nb * nb
        v = torch.where((c > 0) & (t >= t_init), c, n)
    if amsgrad:
        vm.copy_(torch.maximum(vm, v))
        v = vm
    c_n, c_m = 1 - beta2**t, 1 - beta1**t
    s = torch.sqrt(v / c_n + eps) if eps_mode == "inside" else torch.sqrt(v / c_n) + eps
    u = torch.where(s == 0, torch.zeros_like(g), g / s)
    m.copy_(beta1 * m + (1 - beta1) * lr * u)
    p.copy_((p - m / c_m) * (1 - lr * weight_decay))


def _call(fn, ps, gs, ms, ns, vms, nbs, steps, *, amsgrad, centered, t_init=5, eps=1e-8,
          eps_mode="inside", maximize=False, weight_decay=0.0, lr=LR, **kw):
    fn(ps, gs, ms, ns, vms if amsgrad else [], nbs if centered else [], steps,
       amsgrad=amsgrad, centered=centered, t_init=t_init, beta1=BETA1, beta2=BETA2, lr=lr,
       weight_decay=weight_decay, eps=eps, eps_mode=eps_mode, maximize=maximize,
       capturable=False, differentiable=False, has_complex=False,
       grad_scale=kw.get("grad_scale"), found_inf=kw.get("found_inf"))


def _close(x: Tensor, ref: Tensor, tol: float) -> bool:
    if ref.numel() == 0:
        return x.numel() == 0
    scale = ref.abs().max().item()
    return (x.double() - ref.double()).abs().max().item() <= tol * max(scale, 1e-300)


SHAPES = [(0,), (1,), (7,), (3, 5, 7), (33, 65)]
BIG = [(33_001,), (16,)]  # two 32768-element chunks (split over threads) and a tail
FLAGS = list(itertools.product([False, True], [False, True], ["inside", "outside"],
                               [False, True], [0.0, 0.1]))


def _run_vs_reference(dtype: torch.dtype, flags, steps: int, shapes=SHAPES, seed: int = 0,
                      eps: float = 1e-8, zero_grad: bool = False):
    amsgrad, centered, eps_mode, maximize, wd = flags
    sdtype = torch.float64 if dtype == torch.float64 else torch.float32
    gen = torch.Generator().manual_seed(seed)
    p0 = [torch.randn(s, generator=gen, dtype=torch.float64) for s in shapes]
    ps = [x.to(dtype) for x in p0]
    refs = [x.to(dtype).to(sdtype).double() for x in p0]  # same starting point
    z = lambda d: [torch.zeros(s, dtype=d) for s in shapes]  # noqa: E731
    st, rst = [z(sdtype) for _ in range(4)], [z(torch.float64) for _ in range(4)]
    counts = [torch.zeros((), dtype=torch.float32) for _ in shapes]
    for t in range(1, steps + 1):
        gs = [torch.zeros(s, dtype=dtype) if zero_grad else
              torch.randn(s, generator=gen, dtype=torch.float64).to(dtype) for s in shapes]
        _call(_fused_laprop, ps, gs, *st, counts, amsgrad=amsgrad, centered=centered,
              eps=eps, eps_mode=eps_mode, maximize=maximize, weight_decay=wd)
        for i in range(len(shapes)):
            reference_step(refs[i], gs[i].double(), *(x[i] for x in rst), t, amsgrad=amsgrad,
                           centered=centered, t_init=5, eps=eps, eps_mode=eps_mode,
                           maximize=maximize, weight_decay=wd)
            if dtype != torch.float64:  # θ is rounded into the param once per step
                refs[i] = refs[i].to(dtype).double()
    assert all(c.item() == steps for c in counts)
    return ps, st, refs, rst


@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: "-".join(map(str, f)))
def test_float64_matches_reference(flags):
    ps, st, refs, rst = _run_vs_reference(torch.float64, flags, steps=100)
    amsgrad, centered = flags[0], flags[1]
    for i in range(len(SHAPES)):
        assert _close(ps[i], refs[i], 1e-12)
        for k, on in enumerate([True, True, amsgrad, centered]):
            if on:
                assert _close(st[k][i], rst[k][i], 1e-12)


def test_float64_large_tensor_chunks_and_tail():
    flags = (True, True, "inside", True, 0.1)
    ps, st, refs, rst = _run_vs_reference(torch.float64, flags, steps=100, shapes=BIG)
    for i in range(len(BIG)):
        assert _close(ps[i], refs[i], 1e-12)
        assert all(_close(x[i], r[i], 1e-12) for x, r in zip(st, rst, strict=True))


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
@pytest.mark.parametrize("flags", [FLAGS[0], FLAGS[-1], (True, False, "outside", False, 0.1)],
                         ids=lambda f: "-".join(map(str, f)))
def test_low_precision_matches_float32_math(dtype, flags):
    """Against the float64 reference that also rounds θ into the param dtype after each step.
    The kernel computes in float32: m and n do not depend on θ, so they carry float32
    round-off only (a few ulp_32 per step, summed over the steps: 64 · steps · 2^-23). θ gets
    that error through m / c_m, plus the rare rounding of θ to the other neighbour of a
    near-tie in the param dtype (one ulp each time, at most a couple per element: 4 ulp)."""
    steps = 20
    ps, st, refs, rst = _run_vs_reference(dtype, flags, steps=steps, shapes=SHAPES + BIG)
    ulp = {torch.float32: 2.0**-23, torch.bfloat16: 2.0**-8, torch.float16: 2.0**-11}[dtype]
    tol_state = 64 * steps * 2.0**-23
    tol_p = 4 * 2 * ulp + tol_state
    amsgrad, centered = flags[0], flags[1]
    for i in range(len(SHAPES + BIG)):
        assert ps[i].dtype == dtype and st[0][i].dtype == torch.float32
        assert _close(ps[i], refs[i], tol_p)
        for k, on in enumerate([True, True, amsgrad, centered]):
            if on:
                assert _close(st[k][i], rst[k][i], tol_state)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.bfloat16, torch.float16])
@pytest.mark.parametrize("eps_mode", ["inside", "outside"])
@pytest.mark.parametrize("eps", [1e-15, 0.0])
def test_zero_gradient_is_finite(dtype, eps_mode, eps):
    for flags in [(False, False, eps_mode, False, 0.0), (True, True, eps_mode, True, 0.1)]:
        ps, st, _, _ = _run_vs_reference(dtype, flags, steps=3, eps=eps, zero_grad=True,
                                         shapes=[(5,), (40,)])
        for x in ps + [s for lst in st for s in lst]:
            assert torch.isfinite(x).all()
        for x in st[0]:
            assert (x == 0).all()  # g = 0 ⇒ u = 0 ⇒ m stays 0


def test_many_tensors_mixed_dtypes_in_one_call():
    gen = torch.Generator().manual_seed(1)
    dtypes = [torch.float32, torch.float64, torch.bfloat16] * 70
    ps = [torch.randn(int(k % 37), generator=gen).to(d) for k, d in enumerate(dtypes)]
    sd = [torch.float64 if d == torch.float64 else torch.float32 for d in dtypes]
    gs = [torch.randn(p.shape, generator=gen).to(p.dtype) for p in ps]
    ms = [torch.zeros(p.shape, dtype=s) for p, s in zip(ps, sd, strict=True)]
    ns = [torch.zeros(p.shape, dtype=s) for p, s in zip(ps, sd, strict=True)]
    refs = [(p.to(s).clone(), torch.zeros_like(m), torch.zeros_like(m))
            for p, s, m in zip(ps, sd, ms, strict=True)]
    steps = [torch.zeros(()) for _ in ps]
    _call(_fused_laprop, ps, gs, ms, ns, [], [], steps, amsgrad=False, centered=False)
    for i, (rp, rm, rn) in enumerate(refs):
        reference_step(rp, gs[i].to(rp.dtype), rm, rn, None, None, 1, amsgrad=False,
                       centered=False, t_init=5, eps=1e-8, eps_mode="inside",
                       maximize=False, weight_decay=0.0)
        assert _close(ms[i], rm, 1e-6) and _close(ps[i].to(rp.dtype), rp, 1e-2)
    assert all(s.item() == 1 for s in steps)


def test_non_contiguous_state_and_grads():
    p = torch.randn(6, 8, dtype=torch.float64)
    g = torch.randn(8, 6, dtype=torch.float64).t()  # non-contiguous
    m, n = torch.zeros(8, 6, dtype=torch.float64).t(), torch.zeros(6, 8, dtype=torch.float64)
    rp, rm, rn = p.clone(), torch.zeros(6, 8, dtype=torch.float64), torch.zeros_like(n)
    step = torch.zeros(())
    for t in (1, 2):
        _call(_fused_laprop, [p], [g], [m], [n], [], [], [step], amsgrad=False, centered=False)
        reference_step(rp, g, rm, rn, None, None, t, amsgrad=False, centered=False, t_init=5,
                       eps=1e-8, eps_mode="inside", maximize=False, weight_decay=0.0)
    assert _close(p, rp, 1e-12) and _close(m, rm, 1e-12)


def test_amp_grad_scale_and_found_inf():
    p, g = torch.randn(100, dtype=torch.float64), torch.randn(100, dtype=torch.float64)
    m, n, step = torch.zeros_like(p), torch.zeros_like(p), torch.zeros(())
    p0 = p.clone()
    _call(_fused_laprop, [p], [g * 8], [m], [n], [], [], [step], amsgrad=False,
          centered=False, grad_scale=torch.tensor(8.0), found_inf=torch.tensor(1.0))
    assert torch.equal(p, p0) and step.item() == 0 and (m == 0).all()
    scaled = g * 8
    _call(_fused_laprop, [p], [scaled], [m], [n], [], [], [step], amsgrad=False,
          centered=False, grad_scale=torch.tensor(8.0), found_inf=torch.tensor(0.0))
    rp, rm, rn = p0.clone(), torch.zeros_like(p), torch.zeros_like(p)
    reference_step(rp, g, rm, rn, None, None, 1, amsgrad=False, centered=False, t_init=5,
                   eps=1e-8, eps_mode="inside", maximize=False, weight_decay=0.0)
    assert step.item() == 1 and _close(p, rp, 1e-12) and _close(scaled, g, 1e-15)


def test_nan_gradient_propagates():
    p, g = torch.ones(9), torch.full((9,), float("nan"))
    m, n, step = torch.zeros(9), torch.zeros(9), torch.zeros(())
    _call(_fused_laprop, [p], [g], [m], [n], [], [], [step], amsgrad=False, centered=False)
    assert torch.isnan(p).all()


def test_supported():
    assert _fused_supported([torch.zeros(2), torch.zeros(2, dtype=torch.bfloat16)])
    assert not _fused_supported([torch.zeros(2, dtype=torch.int32)])
    assert not _fused_supported([torch.zeros(2, dtype=torch.float32).to_sparse()])


def test_optimizer_fused_matches_foreach():
    from laprop import LaProp

    torch.manual_seed(0)
    ps1 = [torch.randn(s, requires_grad=True) for s in [(3, 4), (5,), (0,), (1000,)]]
    ps2 = [p.detach().clone().requires_grad_() for p in ps1]
    o1, o2 = LaProp(ps1, lr=1e-2, fused=True), LaProp(ps2, lr=1e-2, foreach=True)
    for _ in range(10):
        for a, b in zip(ps1, ps2, strict=True):
            a.grad = torch.randn(a.shape)
            b.grad = a.grad.clone()
        o1.step()
        o2.step()
    for a, b in zip(ps1, ps2, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------ the torch.compile (accelerator) branch

def test_compiled_branch_eager_matches_reference():
    """The accelerator formula run eagerly on CPU (compile_fn = identity): all flag sets."""
    for flags in FLAGS[::3]:
        amsgrad, centered, eps_mode, maximize, wd = flags
        gen = torch.Generator().manual_seed(2)
        shapes = [(4, 3), (17,)]
        ps = [torch.randn(s, generator=gen, dtype=torch.float64) for s in shapes]
        refs = [p.clone() for p in ps]
        st = [[torch.zeros(s, dtype=torch.float64) for s in shapes] for _ in range(4)]
        rst = [[torch.zeros(s, dtype=torch.float64) for s in shapes] for _ in range(4)]
        counts = [torch.zeros(()) for _ in shapes]
        for t in range(1, 8):
            gs = [torch.randn(s, generator=gen, dtype=torch.float64) for s in shapes]
            _compiled_update(ps, gs, *st, counts, amsgrad=amsgrad, centered=centered,
                             t_init=5, beta1=BETA1, beta2=BETA2,
                             lr=torch.tensor(LR, dtype=torch.float64),
                             weight_decay=wd, eps=1e-8, eps_mode=eps_mode, maximize=maximize,
                             compile_fn=lambda f: f)
            for i in range(len(shapes)):
                reference_step(refs[i], gs[i], *(x[i] for x in rst), t, amsgrad=amsgrad,
                               centered=centered, t_init=5, eps=1e-8, eps_mode=eps_mode,
                               maximize=maximize, weight_decay=wd)
        for a, b in zip(ps, refs, strict=True):
            assert _close(a, b, 1e-12)


@pytest.mark.parametrize("backend,device", [
    pytest.param("aot_eager", "cpu", id="aot_eager-cpu"),
    pytest.param("inductor", "cuda", id="inductor-cuda", marks=pytest.mark.cuda)])
def test_compiled_branch_no_recompilation_when_lr_or_step_changes(backend, device, monkeypatch):
    """The branch's own ``torch.compile(step_fn, dynamic=True)``, with the backend chosen
    here: sizes, lr and step change, the captured graph does not (no recompilation).
    Whether a graph is reused is decided by Dynamo's guards, which every backend shares;
    on this CPU the graph goes to ``aot_eager`` (Inductor's C++ build would add ~30 s to a
    suite on a fresh machine, for a branch that runs only on accelerators); where a GPU is,
    Inductor compiles it for real (Triton), as in training."""
    from torch._dynamo.utils import counters

    compile_ = torch.compile
    monkeypatch.setattr(torch, "compile", lambda f, **kw: compile_(f, backend=backend, **kw))
    torch._dynamo.reset()
    _fused._compiled.clear()
    counters.clear()
    kw = dict(amsgrad=False, centered=False, t_init=5, beta1=BETA1, beta2=BETA2,
              weight_decay=0.0, eps=1e-8, eps_mode="inside", maximize=False)
    f64 = dict(dtype=torch.float64, device=device)
    p_ref, n_ref, m_ref = torch.randn(50, **f64), torch.zeros(50, **f64), torch.zeros(50, **f64)
    frames = None
    for t, (size, lr) in enumerate([(50, 1e-2), (50, 3e-3), (50, 1e-3), (50, 5e-4)], 1):
        ps = [p_ref.clone(), torch.randn(size + 13 * t, **f64)]
        gs = [torch.randn(x.shape, **f64) for x in ps]
        ms = [m_ref.clone(), torch.zeros_like(ps[1])]
        ns = [n_ref.clone(), torch.zeros_like(ps[1])]
        steps = [torch.tensor(float(t - 1), device=device) for _ in ps]
        _compiled_update(ps, gs, ms, ns, [], [], steps, lr=torch.tensor(lr, **f64), **kw)
        reference_step(p_ref, gs[0], m_ref, n_ref, None, None, t, amsgrad=False,
                       centered=False, t_init=5, eps=1e-8, eps_mode="inside", maximize=False,
                       weight_decay=0.0, lr=lr)
        assert _close(ps[0], p_ref, 1e-12)
        if t == 1:
            frames = counters["stats"]["unique_graphs"]
    assert frames and counters["stats"]["unique_graphs"] == frames, dict(counters["stats"])
    assert not any("recompil" in k for k in counters), dict(counters)
    assert len(_fused._compiled) == 1


@pytest.mark.cuda
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_cuda_matches_cpu_fused(dtype):
    gen = torch.Generator().manual_seed(3)
    shapes = [(0,), (5, 7), (4097,)]
    for flags in [FLAGS[0], FLAGS[-1]]:
        amsgrad, centered, eps_mode, maximize, wd = flags
        sets = {}
        for dev in ("cpu", "cuda"):
            g2 = torch.Generator().manual_seed(3)
            ps = [torch.randn(s, generator=g2).to(dev, dtype) for s in shapes]
            st = [[torch.zeros(s, device=dev) for s in shapes] for _ in range(4)]
            counts = [torch.zeros((), device=dev) for _ in shapes]
            for _ in range(5):
                gs = [torch.randn(s, generator=gen).to(dev, dtype) for s in shapes]
                _call(_fused_laprop, ps, gs, *st, counts, amsgrad=amsgrad, centered=centered,
                      eps_mode=eps_mode, maximize=maximize, weight_decay=wd)
            sets[dev] = ps
        gen = torch.Generator().manual_seed(3)
        for a, b in zip(sets["cpu"], sets["cuda"], strict=True):
            torch.testing.assert_close(a, b.cpu(), rtol=1e-2 if dtype != torch.float32
                                       else 1e-5, atol=1e-5)


def test_reference_is_the_spec():
    """Sanity of the test's own reference: one step from zero state by hand."""
    p, g = torch.tensor([1.0], dtype=torch.float64), torch.tensor([2.0], dtype=torch.float64)
    m, n = torch.zeros(1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    reference_step(p, g, m, n, None, None, 1, amsgrad=False, centered=False, t_init=5,
                   eps=0.0, eps_mode="inside", maximize=False, weight_decay=0.0)
    # n = 0.01·4; s = sqrt(n / 0.01) = 2; m = 0.1·LR·1; θ = 1 - m/0.1 = 1 - LR
    assert math.isclose(p.item(), 1 - LR, rel_tol=1e-14)


def test_the_cpp_source_is_package_data():
    """The kernel's C++ is a file of the package (not a string in _fused.py), found through
    importlib.resources (as in a non-editable install) and named by pyproject's package
    data."""
    import fnmatch
    import importlib.resources
    import inspect
    import re
    from pathlib import Path

    src = importlib.resources.files("laprop") / "csrc" / "laprop_fused.cpp"
    assert src.is_file()
    assert Path(str(src)).resolve() == _fused.CPP_SOURCE.resolve()
    assert "laprop_fused_step" in src.read_text()
    # pyproject.toml, read without tomllib (Python 3.10 has none): the package-data table
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    table = re.search(r"^\[tool\.setuptools\.package-data\]\n(.*?)(?=^\[|\Z)", text,
                      re.M | re.S)
    assert table, "pyproject.toml has no [tool.setuptools.package-data]"
    entry = re.search(r"^laprop\s*=\s*\[(.*?)\]", table.group(1), re.M | re.S)
    assert entry, "no package data for laprop"
    patterns = re.findall(r'"([^"]+)"', entry.group(1))
    assert any(fnmatch.fnmatch("csrc/laprop_fused.cpp", p) for p in patterns), patterns
    python_source = inspect.getsource(_fused)
    for cpp in ("#include", "template <", "Vectorized<", "PYBIND11_MODULE"):
        assert cpp not in python_source, cpp


def test_a_stale_build_lock_is_removed_and_a_fresh_one_waited_for(tmp_path, monkeypatch):
    """A build killed half-way leaves torch's lock file behind; torch would wait on it forever."""
    import os
    import threading
    import time
    import warnings

    from laprop import _fused

    monkeypatch.setenv("TORCH_EXTENSIONS_DIR", str(tmp_path))
    lock = tmp_path / "probe_ext" / "lock"
    lock.parent.mkdir()
    lock.touch()
    old = time.time() - 2 * _fused.STALE_LOCK_SECONDS
    os.utime(lock, (old, old))
    with pytest.warns(RuntimeWarning, match="interrupted build"):
        _fused.wait_for_other_build("probe_ext")
    assert not lock.exists()

    lock.touch()  # a build in progress elsewhere: waited for, not removed
    timer = threading.Timer(1.0, lock.unlink)
    timer.start()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _fused.wait_for_other_build("probe_ext")
    timer.join()
    assert not lock.exists()
