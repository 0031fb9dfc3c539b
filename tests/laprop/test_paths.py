"""The single-tensor, foreach and fused paths compute the same update (float64, 100 steps)."""

from __future__ import annotations

import itertools

import pytest
import torch

import laprop.functional as F
from laprop import LaProp

torch.set_num_threads(1)

PATHS = {"single": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True}}
SHAPES = [(7,), (3, 4), (0,), (2, 0, 3), (1,), (5, 1, 2)]
FLAGS = list(itertools.product([False, True], [False, True], ["inside", "outside"],
                               [False, True], [0.0, 0.05]))


def _params(seed: int) -> list[torch.nn.Parameter]:
    g = torch.Generator().manual_seed(seed)
    ps = [torch.randn(s, generator=g, dtype=torch.float64) for s in SHAPES]
    ps.append(torch.randn(3, 2, generator=g, dtype=torch.complex128))  # complex
    ps[0][0] = 0.0  # this element always gets gradient 0 below
    return [torch.nn.Parameter(p) for p in ps]


def _trajectory(path: str, flags: tuple, steps: int = 100, seed: int = 0, **extra):
    amsgrad, centered, eps_mode, maximize, wd = flags
    params = _params(seed)
    opt = LaProp(params, lr=3e-2, betas=(0.9, 0.7), eps=1e-12, weight_decay=wd,
                 amsgrad=amsgrad, centered=centered, t_init=4, eps_mode=eps_mode,
                 maximize=maximize, **PATHS[path], **extra)
    gen = torch.Generator().manual_seed(seed + 1)
    for _ in range(steps):
        for p in params:
            z = torch.randn(p.shape, generator=gen, dtype=p.dtype)
            with torch.no_grad():
                p.grad = z + 0.3 * p
            if p.dim() == 1 and p.numel() == 7:
                p.grad[0] = 0.0
        opt.step()
    return params, opt


def _rel(a: torch.Tensor, b: torch.Tensor) -> float:
    if a.numel() == 0:
        return 0.0
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-300)).item()


@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: "-".join(map(str, f)))
def test_paths_agree_float64(flags):
    ref, ref_opt = _trajectory("single", flags)
    for path in ("foreach", "fused"):
        got, opt = _trajectory(path, flags)
        for p, q in zip(got, ref, strict=True):
            assert _rel(p.detach(), q.detach()) <= 1e-12, (path, p.shape)
            for key, v in ref_opt.state[q].items():
                w = opt.state[p][key]
                assert w.dtype == v.dtype and w.shape == v.shape, key
                if key == "step":
                    assert torch.equal(w, v)
                else:
                    assert _rel(w, v) <= 1e-12, (path, key)
        assert got[0][0].item() == 0.0


def test_paths_agree_with_tensor_lr_and_groups():
    outs = {}
    for path in PATHS:
        params = _params(3)
        opt = LaProp([{"params": params[:3]},
                      {"params": params[3:], "lr": torch.tensor(1e-2, dtype=torch.float64),
                       "betas": (0.5, 0.99)}],
                     lr=torch.tensor(3e-2, dtype=torch.float64), amsgrad=True, centered=True,
                     t_init=3, weight_decay=0.05, **PATHS[path])
        gen = torch.Generator().manual_seed(9)
        for _ in range(30):
            for p in params:
                p.grad = torch.randn(p.shape, generator=gen, dtype=p.dtype)
            opt.step()
        outs[path] = params
    for path in ("foreach", "fused"):
        for p, q in zip(outs[path], outs["single"], strict=True):
            assert _rel(p.detach(), q.detach()) <= 1e-12


def test_paths_agree_float32_mixed_dtypes():
    # one optimizer over float32 and float64 params: foreach/fused group by dtype
    outs = {}
    for path in PATHS:
        torch.manual_seed(0)
        params = [torch.nn.Parameter(torch.randn(5, dtype=torch.float32)),
                  torch.nn.Parameter(torch.randn(4, dtype=torch.float64)),
                  torch.nn.Parameter(torch.randn(3, dtype=torch.float32))]
        opt = LaProp(params, lr=1e-2, centered=True, t_init=2, **PATHS[path])
        for _ in range(20):
            for p in params:
                p.grad = torch.randn_like(p)
            opt.step()
        outs[path] = params
    for path in ("foreach", "fused"):
        for p, q in zip(outs[path], outs["single"], strict=True):
            tol = 1e-5 if p.dtype == torch.float32 else 1e-12
            assert _rel(p.detach(), q.detach()) <= tol


def test_default_path_choice(monkeypatch):
    calls = []
    import laprop._fused as fused_mod

    real_fused = fused_mod._fused_laprop
    real_multi = F._multi_tensor_laprop
    real_single = F._single_tensor_laprop
    monkeypatch.setattr(fused_mod, "_fused_laprop",
                        lambda *a, **k: (calls.append("fused"), real_fused(*a, **k)))
    monkeypatch.setattr(F, "_multi_tensor_laprop",
                        lambda *a, **k: (calls.append("foreach"), real_multi(*a, **k)))
    monkeypatch.setattr(F, "_single_tensor_laprop",
                        lambda *a, **k: (calls.append("single"), real_single(*a, **k)))
    # the default is the fused CPU kernel where it is available (it is, on this machine: the
    # suite builds it), as fast as torch's fused Adam
    cases = [({}, "fused"), ({"foreach": True}, "foreach"), ({"foreach": False}, "single"),
             ({"fused": True}, "fused"), ({"fused": False}, "foreach")]
    for kw, expected in cases:
        calls.clear()
        p = torch.nn.Parameter(torch.ones(3))
        opt = LaProp([p], **kw)
        p.grad = torch.ones(3)
        opt.step()
        assert calls == [expected], kw
    # differentiable=True always runs the single-tensor path
    calls.clear()
    w = torch.ones(3, requires_grad=True).clone()
    opt = LaProp([w], differentiable=True)
    w.grad = torch.ones(3)
    opt.step()
    assert calls == ["single"]


def _record_paths(monkeypatch) -> list[str]:
    calls: list[str] = []
    import laprop._fused as fused_mod

    for mod, name, tag in ((fused_mod, "_fused_laprop", "fused"),
                           (F, "_multi_tensor_laprop", "foreach"),
                           (F, "_single_tensor_laprop", "single")):
        real = getattr(mod, name)
        monkeypatch.setattr(mod, name, lambda *a, _r=real, _t=tag, **k: (calls.append(_t),
                                                                         _r(*a, **k)))
    return calls


def test_default_falls_back_to_foreach_without_a_compiler(monkeypatch):
    """No C++ compiler (the build raises): one warning, then foreach, with the same result."""
    import laprop._fused as fused_mod

    calls = _record_paths(monkeypatch)
    monkeypatch.setattr(fused_mod, "_ext", None)
    monkeypatch.setattr(fused_mod, "_ext_error", OSError("no compiler: c++ not found"))
    monkeypatch.setattr(fused_mod, "_warned", False)
    p = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
    q = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
    opt, ref = LaProp([p], lr=0.1), LaProp([q], lr=0.1, foreach=True)
    with pytest.warns(RuntimeWarning, match=r"could not be built.*c\+\+ not found.*foreach"):
        p.grad = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
        opt.step()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once only
        p.grad = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
        opt.step()
    assert calls == ["foreach", "foreach"]
    for _ in range(2):
        q.grad = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
        ref.step()
    assert torch.equal(p, q)
    # an explicit fused=True still says why it cannot run
    with pytest.raises(RuntimeError, match="could not be built"):
        o = LaProp([p], fused=True)
        p.grad = torch.ones(3, dtype=torch.float64)
        o.step()


def test_default_takes_foreach_for_tensor_subclasses_and_compile(monkeypatch):
    calls = _record_paths(monkeypatch)

    class Sub(torch.Tensor):  # stands for FSDP2's DTensor: the C++ kernel takes plain tensors
        pass

    w = torch.ones(3).as_subclass(Sub)
    assert not F._default_fused_ok([w])
    assert F.choose_path([torch.ones(3)], foreach=None, fused=None,
                         differentiable=False) == "fused"
    assert F.choose_path([torch.ones(3)], foreach=None, fused=None,
                         differentiable=True) == "single"
    assert F.choose_path([torch.ones(3, device="meta")], foreach=None, fused=None,
                         differentiable=False) == "foreach"
    monkeypatch.setattr(torch.compiler, "is_compiling", lambda: True)
    assert F.choose_path([torch.ones(3)], foreach=None, fused=None,
                         differentiable=False) == "foreach"
    assert calls == []


def _declare_paths(monkeypatch, name: str, paths: tuple[str, ...]) -> None:
    """Let the field ``name`` of StepOptions declare only ``paths`` (as a new flag would)."""
    import dataclasses
    import types

    from laprop._rule import StepOptions

    f = next(f for f in dataclasses.fields(StepOptions) if f.name == name)
    monkeypatch.setattr(f, "metadata", types.MappingProxyType({**f.metadata, "paths": paths}))


def _maximize_run(**how) -> tuple[torch.Tensor, torch.Tensor]:
    """θ and m after 3 steps of F.laprop with maximize=True (float64) on the path ``how``."""
    p = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    m, n, s = torch.zeros_like(p), torch.zeros_like(p), torch.zeros(())
    for k in range(3):
        g = torch.tensor([0.3, -0.2, 0.1], dtype=torch.float64) * (k + 1)
        F.laprop([p], [g], [m], [n], [], [], [s], amsgrad=False, centered=False, t_init=10,
                 beta1=0.9, beta2=0.7, lr=3e-2, weight_decay=0.0, eps=1e-8,
                 eps_mode="inside", maximize=True, **how)
    return p, m


def test_a_value_a_fast_path_does_not_declare_runs_the_reference(monkeypatch):
    """choose_path's fallback on an existing flag: with ``maximize`` declaring no foreach (nor
    fused) support, the default path choice runs the reference instead, silently; an explicit
    foreach=True or fused=True refuses, naming the flag and the path; the neutral value keeps
    the fast path."""
    calls = _record_paths(monkeypatch)
    # the control: as declared today, foreach and the default (fused) run maximize=True
    _maximize_run(foreach=None, fused=False)
    _maximize_run()
    assert calls == ["foreach"] * 3 + ["fused"] * 3
    want = _maximize_run(foreach=False)
    calls.clear()

    _declare_paths(monkeypatch, "maximize", ("triton", "compiled"))
    got_default = _maximize_run()  # would be the fused C++ kernel
    got_foreach = _maximize_run(foreach=None, fused=False)  # would be foreach
    assert calls == ["single"] * 6
    for got in (got_default, got_foreach):  # the reference's own result, bit for bit
        assert all(torch.equal(a, b) for a, b in zip(got, want, strict=True))
    with pytest.raises(RuntimeError, match=r"foreach=True does not support maximize=True: the "
                                           r"foreach path does not implement it"):
        _maximize_run(foreach=True)
    with pytest.raises(RuntimeError, match=r"fused=True does not support maximize=True: the "
                                           r"fused path does not implement it"):
        _maximize_run(fused=True)
    from laprop._rule import StepOptions

    def options(maximize: bool) -> StepOptions:
        return StepOptions(amsgrad=False, centered=False, t_init=10, beta1=0.9, beta2=0.7,
                           lr=3e-2, weight_decay=0.0, eps=1e-8, eps_mode="inside",
                           maximize=maximize)

    # the neutral value (maximize=False) keeps the fast path, explicit or by default
    assert F.choose_path([torch.ones(3)], foreach=True, fused=None, differentiable=False,
                         options=options(False)) == "foreach"
    assert F.choose_path([torch.ones(3)], foreach=None, fused=False, differentiable=False,
                         options=options(False)) == "foreach"
    assert F.choose_path([torch.ones(3)], foreach=None, fused=False, differentiable=False,
                         options=options(True)) == "single"
    # through the class: the same refusal for an explicit flag
    p = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
    opt = LaProp([p], maximize=True, foreach=True)
    p.grad = torch.ones(3, dtype=torch.float64)
    with pytest.raises(RuntimeError, match="foreach=True does not support maximize=True"):
        opt.step()
