"""The LaProp step's options and update rule, written once (paper Algorithms 1-4;
docs/optimizer-spec.md): a flag's declaration and its math live in this one file.

:class:`StepOptions` declares every keyword of the step: each field carries, in its metadata
(:func:`option`), its documentation, the values on which every path is checked against the rule
(``cases``), which fast paths implement its non-neutral values (``paths``) and whether
``laprop.LaProp`` keeps it in a param group (``group``). Everything else is derived from the
fields (:mod:`laprop._signature`): ``ARG_DOCS`` and the docstrings of ``StepOptions``,
:func:`laprop.functional.laprop` and ``laprop.LaProp``; every path's signature; the import-time
checks of the written-out signatures of ``functional.laprop`` and ``LaProp.__init__``; the
param-group keys, type checks, ``__setstate__`` defaults and step call of ``LaProp``; the
fallback to the reference path (:func:`laprop._signature.unsupported`); and the combinations
of ``tests/laprop/test_rule.py``.

:func:`laprop_rule` is the one statement of the math of every flag combination. Two paths are
generated from it:

- the single-tensor reference (:func:`laprop.functional._single_tensor_laprop`) applies it to
  one tensor at a time and writes the results back;
- the ``torch.compile`` path for accelerators without Triton
  (:func:`laprop._fused.laprop_elementwise_`) compiles it into one kernel.

The paths that would lose speed by calling it (the ``torch._foreach_*`` path, which regroups
the algebra to save passes over memory; the C++ kernel ``csrc/laprop_fused.cpp``; the Triton
kernel :mod:`laprop._triton`) are checked against it by ``tests/laprop/test_rule.py``, for every
combination of the values each :class:`StepOptions` field declares, on the paths the field
declares. A call whose options use a value that the chosen fast path does not implement runs
the reference instead (silently under the default path choice; ``fused=True`` or
``foreach=True`` raise ``RuntimeError``: :func:`laprop.functional.choose_path`).

The step around the rule (the same for every path): the step count t is incremented before
the update (the first update has t = 1); under AMP a nonzero ``found_inf`` skips the whole step
(count included) and otherwise g ← g / ``grad_scale`` (written back into the gradient);
complex tensors are updated as pairs of reals.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field
from typing import Any, NamedTuple

import torch
from torch import Tensor

__all__ = ["FAST_PATHS", "StepOptions", "Updated", "laprop_rule", "option"]

#: the fast paths a field may declare in ``paths``: the ``torch._foreach_*`` path, the fused C++
#: CPU kernel, the CUDA Triton kernel and the ``torch.compile`` fallback of ``fused=True`` on
#: accelerators without Triton. The single-tensor reference runs every value of every field.
FAST_PATHS = ("foreach", "fused", "triton", "compiled")


def option(default: Any = MISSING, *, doc: str, cases: tuple[Any, ...],
           paths: tuple[str, ...] = (), group: bool = True, neutral: Any = MISSING,
           state: str = "", execution: bool = False) -> Any:
    """A :class:`StepOptions` field, declared once.

    - ``doc``: its documentation (``ARG_DOCS``; the docstrings of ``StepOptions``,
      ``functional.laprop`` and ``LaProp`` take the text from here);
    - ``cases``: the values ``tests/laprop/test_rule.py`` enumerates (every path is checked
      against :func:`laprop_rule` on the product of all fields' cases). Flags list every value
      they take; a number one value (or two where zero is a mode, as ``weight_decay``);
      tensor options as plain numbers (the test makes 0-dim tensors of them);
    - ``paths``: the fast paths of :data:`FAST_PATHS` that implement its non-neutral values.
      A value that differs from ``neutral`` runs on the reference path only where the chosen
      fast path is not listed (the default path choice falls back to the reference; an
      explicit ``fused=True``/``foreach=True`` raises);
    - ``neutral``: the value every path runs (default: ``default``); needed where ``paths``
      leaves out a fast path and the field has no default;
    - ``group``: whether ``laprop.LaProp`` keeps it as a param-group key of the same name
      (``False`` for the per-call ones the class maps itself: ``beta1``/``beta2`` from
      ``betas``, ``has_complex`` from the params, ``grad_scale``/``found_inf`` from AMP);
    - ``state``: for a flag that changes what the saved state means (which buffers exist, the
      sign of m), why, in words: ``LaProp.load_state_dict`` refuses a state saved with another
      value and gives this reason;
    - ``execution``: a flag that changes how the step runs, not what it computes: a loaded
      state dict keeps this optimizer's value (it describes this machine, not the state).
    """
    metadata = {"doc": doc, "cases": cases, "paths": paths, "group": group,
                "neutral": default if neutral is MISSING else neutral, "state": state,
                "execution": execution}
    return field(default=default, metadata=metadata)


_ALL = FAST_PATHS


@dataclass(frozen=True, kw_only=True)
class StepOptions:
    """The keyword arguments of every path of the LaProp step (and of
    :func:`laprop.functional.laprop`, which adds ``foreach`` and ``fused``): their one written
    signature. Defaults are those of :func:`laprop.functional.laprop`. Each field declares,
    in its metadata (:func:`option`), its documentation, the values on which every path is
    checked against the rule, and the fast paths that implement it: a new field without
    ``doc`` and ``cases`` does not import (:mod:`laprop._signature` checks them).

    Keyword arguments:
{doc}
    """

    amsgrad: bool = option(
        doc="AmsProp (Algorithm 3): the running maximum of the second moment.",
        cases=(False, True), paths=_ALL, neutral=False,
        state="amsgrad decides whether the state holds the running maximum ṽ "
              "(max_exp_avg_sq) that the step divides by")
    centered: bool = option(
        doc="""centered LaProp (Algorithm 4). Before step ``t_init`` it runs plain LaProp
(the paper's second option). Where the centered second moment is ≤ 0 (exactly 0
only when every gradient so far is 0; negative only by cancellation in floating
point) the element falls back to the uncentered n_t, so no NaN or Inf arises.""",
        cases=(False, True), paths=_ALL, neutral=False,
        state="centered decides whether the state holds n̄ (exp_avg_center) and whether the "
              "denominator subtracts n̄²")
    # the checked runs take 4 steps: both sides of t_init's case
    t_init: int = option(doc="first step of centering (default 10).", cases=(3,), paths=_ALL)
    beta1: float = option(doc="μ, the momentum's decay, in [0, 1).", cases=(0.9,), paths=_ALL,
                          group=False)
    beta2: float = option(doc="ν, the second moment's decay, in [0, 1).", cases=(0.7,),
                          paths=_ALL, group=False)
    # a tensor lr: tests/laprop/test_paths.py
    lr: float | Tensor = option(doc="λ, a float or a 0-dim tensor.", cases=(3e-2,), paths=_ALL)
    weight_decay: float = option(
        doc="""w ≥ 0, decoupled (LaPropW, Algorithm 2): after the update θ is
multiplied by 1 − λ w.""",
        cases=(0.0, 0.5), paths=_ALL, neutral=0.0)
    # large, so that eps_mode changes the update
    eps: float = option(doc="ε ≥ 0.", cases=(1e-3,), paths=_ALL)
    eps_mode: str = option(
        doc="""where ε goes. "inside" (the paper): s = sqrt(v/c_n + ε), a floor of
sqrt(ε) ≈ 3.2e-8 for ε = 1e-15. "outside" (the authors' public code and timm):
s = sqrt(v/c_n) + ε, a floor of ε = 1e-15. Near zero gradients the two differ by
orders of magnitude: with g = 1e-10 at t = 1 the inside step moves θ by
≈ 3.2e-3·λ, the outside one by ≈ λ (a near-sign update).""",
        cases=("inside", "outside"), paths=_ALL, neutral="inside")
    maximize: bool = option(
        doc="maximise the objective instead of minimising it.", cases=(False, True),
        paths=_ALL, neutral=False,
        state="m accumulates the normalised gradient with the sign maximize gives it; the "
              "other sign would send the momentum the wrong way")
    capturable: bool = option(
        False, doc="""keep the step count on the device and compute bias corrections there
(for CUDA graphs).""", cases=(False, True), paths=_ALL, execution=True)
    # the single-tensor path only: choose_path sends it there (fused=True refuses it)
    differentiable: bool = option(
        False, doc="""let autograd flow through the step (single-tensor path only), with
every other flag.""", cases=(False, True), execution=True)
    has_complex: bool = option(
        False, doc="some tensors are complex (viewed as pairs of reals before a path runs).",
        cases=(False, True), paths=_ALL, group=False)
    grad_scale: Tensor | None = option(
        None, doc="""AMP: divides every gradient (written back unscaled, as torch's fused
Adam does); ``None``: no scaling.""", cases=(None, 4.0), paths=_ALL, group=False)
    found_inf: Tensor | None = option(
        None, doc="""AMP: where nonzero, the step is skipped entirely (step counts
included).""", cases=(None, 0.0, 1.0), paths=_ALL, group=False)


class Updated(NamedTuple):
    """The new values of one tensor's param and state (``None`` for a disabled buffer)."""

    param: Tensor
    exp_avg: Tensor
    exp_avg_sq: Tensor
    max_exp_avg_sq: Tensor | None
    exp_avg_center: Tensor | None


def laprop_rule(o: StepOptions, param: Tensor, grad: Tensor, exp_avg: Tensor,
                exp_avg_sq: Tensor, max_exp_avg_sq: Tensor | None,
                exp_avg_center: Tensor | None, t: int | Tensor, lr: float | Tensor
                ) -> Updated:
    """One LaProp step of one tensor, out of place (inputs are not modified).

    With μ = β1, ν = β2, λ = ``lr``, w = ``weight_decay``, t the step count (already
    incremented), g the gradient (negated when ``maximize``), and the state computed in the
    dtype of ``exp_avg_sq`` (float32 for float16/bfloat16 params)::

        n_t = ν n_{t−1} + (1 − ν) g²                        (Alg. 1; Eq. 3's running mean square)
        n̄_t = ν n̄_{t−1} + (1 − ν) g                         (Alg. 4, centered)
        v_t = n_t − n̄_t²  if centered, t ≥ t_init and n_t − n̄_t² > 0;  else n_t
        ṽ_t = max(ṽ_{t−1}, v_t)                             (Alg. 3, AmsProp; else ṽ_t = v_t)
        c_m = 1 − μ^t,  c_n = 1 − ν^t                       (bias corrections, as Adam's, Eq. 4)
        s_t = sqrt(ṽ_t / c_n + ε)  (eps_mode "inside", the paper)
              sqrt(ṽ_t / c_n) + ε  ("outside": the authors' code, timm)
        m_t = μ m_{t−1} + (1 − μ) λ g / s_t                 (Alg. 1: λ inside; g / s_t := 0 where
                                                             s_t = 0: ε = 0 and ṽ_t = 0)
        θ_{t+1} = (θ_t − m_t / c_m) · (1 − λ w)              (Alg. 2, LaPropW)

    ``lr`` is passed on its own (a number or a 0-dim tensor on the device) because the paths
    hold it in different forms; ``o.lr``, ``o.grad_scale`` and ``o.found_inf`` are not read
    here (module docstring: the step around the rule), nor the execution flags
    ``capturable``, ``differentiable`` and ``has_complex``, which change how, not what.
    ``t`` is a Python int or a 0-dim tensor (``capturable``). Only out-of-place operations are
    used, so autograd records the step and ``torch.compile`` makes one kernel of it.
    ``max_exp_avg_sq`` is read when ``o.amsgrad``, ``exp_avg_center`` when ``o.centered``.
    """
    sd = exp_avg_sq.dtype
    g = grad.to(sd)
    if o.maximize:
        g = -g
    c_m, c_n = bias_corrections(t, o.beta1, o.beta2, sd)
    n = o.beta2 * exp_avg_sq + (1 - o.beta2) * (g * g)
    v = n
    nbar = None
    if o.centered:
        assert exp_avg_center is not None, "centered=True needs exp_avg_center"
        nbar = o.beta2 * exp_avg_center + (1 - o.beta2) * g
        centered_v = n - nbar * nbar
        v = torch.where((centered_v > 0) & (t >= o.t_init), centered_v, n)
    vmax = None
    if o.amsgrad:
        assert max_exp_avg_sq is not None, "amsgrad=True needs max_exp_avg_sq"
        vmax = torch.maximum(max_exp_avg_sq, v)
        v = vmax
    s = (v / c_n + o.eps).sqrt() if o.eps_mode == "inside" else (v / c_n).sqrt() + o.eps
    # g / s with 0/0 := 0; the safe denominator keeps the gradient of the guard 0, not NaN;
    # NaN gradients propagate (NaN == 0 is False)
    zero = s == 0
    u = torch.where(zero, torch.zeros_like(g), g / torch.where(zero, torch.ones_like(s), s))
    lr_s = lr.to(sd) if isinstance(lr, Tensor) else lr
    m = o.beta1 * exp_avg + ((1 - o.beta1) * lr_s) * u
    new_param = (param.to(sd) - m / c_m) * (1 - lr_s * o.weight_decay)
    return Updated(new_param, m, n, vmax, nbar)


def bias_corrections(t: int | Tensor, beta1: float, beta2: float,
                     dtype: torch.dtype | None = None) -> tuple[Any, Any]:
    """(c_m, c_n) = (1 − μ^t, 1 − ν^t): Python floats for an int t, else tensors computed in
    ``dtype`` (the state dtype, so that float64 runs keep float64 bias corrections even though
    the step count is float32)."""
    if isinstance(t, Tensor):
        t = t.to(dtype) if dtype is not None else t
        return 1 - torch.pow(beta1, t), 1 - torch.pow(beta2, t)
    return 1 - beta1**t, 1 - beta2**t
