"""The LaProp update rule, written once (paper Algorithms 1-4; docs/optimizer-spec.md).

:func:`laprop_rule` is the one statement of the math of every flag combination of
:class:`laprop._signature.StepOptions`. Two paths are generated from it:

- the single-tensor reference (:func:`laprop.functional._single_tensor_laprop`) applies it to
  one tensor at a time and writes the results back;
- the ``torch.compile`` path for accelerators without Triton
  (:func:`laprop._fused.laprop_elementwise_`) compiles it into one kernel.

The paths that would lose speed by calling it (the ``torch._foreach_*`` path, which regroups
the algebra to save passes over memory; the C++ kernel ``csrc/laprop_fused.cpp``; the Triton
kernel :mod:`laprop._triton`) are checked against it by ``tests/laprop/test_rule.py``, for every
combination of the values each :class:`~laprop._signature.StepOptions` field declares.

The step around the rule (the same for every path): the step count t is incremented before
the update (the first update has t = 1); under AMP a nonzero ``found_inf`` skips the whole step
(count included) and otherwise g ← g / ``grad_scale`` (written back into the gradient);
complex tensors are updated as pairs of reals.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch
from torch import Tensor

from ._signature import StepOptions

__all__ = ["Updated", "laprop_rule"]


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
