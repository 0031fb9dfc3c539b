"""Every path of the LaProp step against the rule written once (``laprop._rule.laprop_rule``),
on every combination of the values the fields of ``StepOptions`` declare (their ``cases``).

A new field of ``StepOptions`` is enumerated here without editing this file; a field without
declared cases fails :func:`test_every_field_declares_its_cases`; a path that ignores a flag
disagrees with the rule on the combinations where the flag is set. A fast path runs the
combinations whose values it implements (the fields' declared ``paths``); the others are the
reference's (``choose_path`` falls back to it), checked on the ``single`` path.

The reference applies the rule in float64 to each tensor (complex ones as pairs of reals) with
the step around it written out here from its specification (docs/optimizer-spec.md): a nonzero
``found_inf`` skips the step, ``grad_scale`` divides the gradient (the paths are handed
gradients multiplied by it, a power of two, so the unscaled gradients are exact).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import fields
from typing import Any

import pytest
import torch
from torch import Tensor

import laprop.functional as F
from laprop._fused import _compiled_update, kernel_keywords
from laprop._rule import StepOptions, laprop_rule
from laprop._signature import STATE_LISTS, unsupported

torch.set_num_threads(1)

FIELDS = fields(StepOptions)
NAMES = tuple(f.name for f in FIELDS)
STEPS = 4  # t_init's case is 3: centering is off at t = 1, 2 and on at t = 3, 4
SHAPES = [(5,), (2, 3)]
TENSOR_OPTIONS = ("grad_scale", "found_inf")  # declared as numbers, passed as 0-dim tensors

# Tolerance, from float64's unit roundoff u = 2^-53. One step of one element is about 16
# rounded operations (the foreach path regroups them: d = sqrt(ṽ + ε c_n), λ sqrt(c_n) in
# the coefficient), each off by at most u relative; the state carries the error of earlier
# steps, contracted by μ, ν < 1, so after STEPS steps a path and the rule differ by at most
# about 16 · STEPS · u relative, times the amplification of the one cancelling subtraction
# (n_t − n̄_t² with the centered flag; the seeds below keep n_t / (n_t − n̄_t²) under 8,
# checked by test_centered_cancellation_is_bounded). Compared norm-wise per tensor.
UNIT_ROUNDOFF = 2.0**-53
CANCELLATION = 8.0
TOL = 16 * STEPS * CANCELLATION * UNIT_ROUNDOFF


def test_every_field_declares_its_cases():
    missing = [f.name for f in FIELDS if not f.metadata.get("cases")]
    assert not missing, f"StepOptions fields without declared cases: {missing}"


COMBOS = list(itertools.product(*(f.metadata["cases"] for f in FIELDS)))


def _options(combo: tuple[Any, ...], device: str) -> dict[str, Any]:
    kw = dict(zip(NAMES, combo, strict=True))
    for name in TENSOR_OPTIONS:
        if kw[name] is not None:
            kw[name] = torch.tensor(float(kw[name]), device=device)
    return kw


def _gradients(has_complex: bool) -> list[list[Tensor]]:
    """The gradients of each step (independent of θ), the first element of the first tensor
    always 0 (so ε alone keeps its denominator away from 0)."""
    gen = torch.Generator().manual_seed(1)
    out = []
    for _ in range(STEPS):
        gs = [torch.randn(s, generator=gen, dtype=torch.float64) for s in SHAPES]
        if has_complex:
            gs.append(torch.randn(3, generator=gen, dtype=torch.complex128))
        gs[0][0] = 0.0
        out.append(gs)
    return out


def _initial(has_complex: bool) -> list[Tensor]:
    gen = torch.Generator().manual_seed(0)
    ps = [torch.randn(s, generator=gen, dtype=torch.float64) for s in SHAPES]
    if has_complex:
        ps.append(torch.randn(3, generator=gen, dtype=torch.complex128))
    return ps


def _real(x: Tensor) -> Tensor:
    return torch.view_as_real(x) if x.is_complex() else x


@functools.cache
def _reference(meaning: tuple[Any, ...]) -> tuple[list[Tensor], list[dict[str, Tensor]]]:
    """θ and the state after STEPS steps of the rule (float64), for the options ``meaning``
    (a combination with the execution flags and AMP options at their defaults)."""
    o = StepOptions(**dict(zip(NAMES, meaning, strict=True)))
    params = [_real(p).clone() for p in _initial(o.has_complex)]
    state = [{"exp_avg": torch.zeros_like(p), "exp_avg_sq": torch.zeros_like(p),
              "max_exp_avg_sq": torch.zeros_like(p), "exp_avg_center": torch.zeros_like(p)}
             for p in params]
    for t, grads in enumerate(_gradients(o.has_complex), start=1):
        for i, g in enumerate(grads):
            st = state[i]
            new = laprop_rule(o, params[i], _real(g), st["exp_avg"], st["exp_avg_sq"],
                              st["max_exp_avg_sq"] if o.amsgrad else None,
                              st["exp_avg_center"] if o.centered else None, t, o.lr)
            params[i] = new.param
            for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "exp_avg_center"):
                if getattr(new, key) is not None:
                    st[key] = getattr(new, key)
    return params, state


def _run_path(path: str, kw: dict[str, Any], device: str
              ) -> tuple[list[Tensor], list[list[Tensor]], list[Tensor]]:
    """θ, the five buffers lists and the step counts after STEPS steps of ``path``."""
    params = [p.to(device) for p in _initial(kw["has_complex"])]
    lists: list[list[Tensor]] = [
        [torch.zeros_like(p) for p in params] for _ in range(4)]  # m, n, ṽ, n̄
    if not kw["amsgrad"]:
        lists[2] = []
    if not kw["centered"]:
        lists[3] = []
    steps = [torch.zeros((), dtype=torch.float32,
                         device=device if kw["capturable"] else "cpu") for _ in params]
    scale = 1.0 if kw["grad_scale"] is None else float(kw["grad_scale"])
    for grads in _gradients(kw["has_complex"]):
        grads = [g.to(device) * scale for g in grads]
        if path == "compiled":  # the accelerator fallback, run eagerly on this device
            real = [[_real(x) for x in lst] for lst in (params, grads, *lists)]
            _compiled_update(*real, steps, compile_fn=lambda f: f,
                             **{k: v for k, v in kw.items() if k in kernel_keywords("compiled")})
        else:
            F.laprop(params, grads, *lists, steps, **PATHS[path], **kw)
    return params, lists, steps


PATHS: dict[str, dict[str, Any]] = {
    "single": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True},
    "compiled": {}}


GENERATED = ("single", "compiled")  # built from laprop_rule; foreach and fused are checked


def _takes(path: str, kw: dict[str, Any], device: str) -> bool:
    """Whether ``path`` runs this combination: the reference runs every one; a fast path those
    whose values it implements (the fields' declared ``paths``: ``differentiable`` declares
    none, so it is the single-tensor path's alone)."""
    if path == "single":
        return True
    kernel = {"foreach": "foreach", "compiled": "compiled"}.get(path) or F.fused_kernel(
        [torch.empty(0, device=device)])
    return not unsupported(StepOptions(**kw), kernel)


def _rel(got: Tensor, want: Tensor) -> float:
    return ((got.cpu() - want).abs().max() / want.abs().max().clamp_min(1e-300)).item()


def _disagreements(path: str, device: str, combos: list[tuple[Any, ...]] = COMBOS
                   ) -> tuple[list[str], float, int]:
    """(the combinations of ``combos`` where ``path`` and the rule differ by more than TOL,
    the largest difference seen, the number of combinations run)."""
    bad, worst, ran = [], 0.0, 0
    defaults = {f.name: f.default for f in FIELDS if f.name in ("capturable", "differentiable",
                                                                  "grad_scale", "found_inf")}
    for combo in combos:
        kw = _options(combo, device)
        if not _takes(path, kw, device):
            continue
        ran += 1
        meaning = tuple(defaults.get(n, v) for n, v in zip(NAMES, combo, strict=True))
        skipped = kw["found_inf"] is not None and float(kw["found_inf"]) != 0
        if skipped:  # nothing moves: θ as it was, buffers 0, counts 0
            want_p = [_real(p) for p in _initial(kw["has_complex"])]
            want_s = [{k: torch.zeros_like(p) for k in ("exp_avg", "exp_avg_sq",
                                                        "max_exp_avg_sq", "exp_avg_center")}
                      for p in want_p]
        else:
            want_p, want_s = _reference(meaning)
        params, lists, steps = _run_path(path, kw, device)
        errors = [_rel(_real(p), w) for p, w in zip(params, want_p, strict=True)]
        for key, lst in zip(("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "exp_avg_center"),
                            lists, strict=True):
            if lst:  # [] for a disabled buffer
                errors += [_rel(_real(x), s[key]) for x, s in zip(lst, want_s, strict=True)]
        count = 0 if skipped else STEPS
        err = max(errors)
        worst = max(worst, err)
        if err > TOL or any(s.item() != count for s in steps):
            label = ", ".join(f"{n}={v}" for n, v in zip(NAMES, combo, strict=True))
            bad.append(f"{label}: error {err:.3g}, steps {[s.item() for s in steps]}")
    return bad, worst, ran


@pytest.mark.parametrize("path", ["single", "foreach", "fused", "compiled"])
def test_path_agrees_with_the_rule_on_every_combination(path):
    bad, worst, ran = _disagreements(path, "cpu")
    assert ran > 0
    assert not bad, (f"{path}: {len(bad)} of {ran} combinations disagree with the rule "
                     f"(tolerance {TOL:.3g}); first: " + "; ".join(bad[:3]))
    if path in GENERATED:  # they call the rule itself: the same operations, the same bits
        assert worst == 0.0, f"{path} is generated from the rule but differs by {worst:.3g}"


@pytest.mark.cuda
@pytest.mark.parametrize("path", ["foreach", "fused"])
def test_cuda_path_agrees_with_the_rule_on_every_combination(path):
    bad, _, ran = _disagreements(path, "cuda")
    assert not bad, (f"cuda {path}: {len(bad)} of {ran} combinations disagree with the rule; "
                     f"first: " + "; ".join(bad[:3]))


def test_centered_cancellation_is_bounded():
    """The CANCELLATION factor of TOL: n_t / (n_t − n̄_t²) ≤ 8 where centering is used, on
    the gradients of the checks above (computed here from the gradients alone)."""
    nu = next(f for f in FIELDS if f.name == "beta2").metadata["cases"][0]
    for has_complex in (False, True):
        per_step = _gradients(has_complex)
        for i in range(len(per_step[0])):
            n = nb = torch.zeros_like(_real(per_step[0][i]))
            for grads in per_step:
                g = _real(grads[i])
                n, nb = nu * n + (1 - nu) * g * g, nu * nb + (1 - nu) * g
                c = n - nb * nb
                used = c > 0
                assert (n[used] / c[used]).max().item() <= CANCELLATION


def test_a_path_that_ignores_a_flag_is_caught(monkeypatch):
    """The check can fail: a foreach path that ignores ``maximize`` disagrees with the rule."""
    real = F._multi_tensor_laprop

    def ignoring_maximize(*lists: list[Tensor], **kw: Any) -> None:
        real(*lists, **{**kw, "maximize": False})

    monkeypatch.setattr(F, "_multi_tensor_laprop", ignoring_maximize)
    execution = [NAMES.index(n) for n in ("capturable", "differentiable", "grad_scale",
                                          "found_inf")]
    plain = [c for c in COMBOS if all(c[i] in (False, None) for i in execution)]
    bad, _, ran = _disagreements("foreach", "cpu", plain)
    assert len(bad) == ran // 2 and all("maximize=True" in b for b in bad)


assert len(STATE_LISTS) == 7  # params, grads, m, n, ṽ, n̄, steps: the order _run_path uses
