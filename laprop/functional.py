"""The LaProp update as functions over lists of tensors: reference, foreach and fused paths.

All three paths implement the update that :func:`laprop._rule.laprop_rule` states once
(docs/optimizer-spec.md; paper Algorithms 1-4): the reference path applies it tensor by
tensor, the foreach path regroups it into list operations and is checked against it
(``tests/laprop/test_rule.py``)::

    n_t = ν n_{t−1} + (1 − ν) g_t²                               (Alg. 1)
    n̄_t = ν n̄_{t−1} + (1 − ν) g_t                                (Alg. 4, centered)
    v_t = n_t − n̄_t²  if centered, t ≥ t_init and n_t − n̄_t² > 0;  else n_t
    ṽ_t = max(ṽ_{t−1}, v_t)                                      (Alg. 3, amsgrad)
    s_t = sqrt(v_t / c_n + ε)  (eps_mode="inside", the paper)  or  sqrt(v_t / c_n) + ε
    m_t = μ m_{t−1} + (1 − μ) λ_t g_t / s_t                      (0/0 := 0)
    θ_{t+1} = (θ_t − m_t / c_m)(1 − λ_t w)                        (Alg. 2, LaPropW)

with c_m = 1 − μ^t, c_n = 1 − ν^t, μ = β1, ν = β2, λ_t = lr, w = weight_decay.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor
from torch.optim.optimizer import _get_value, _view_as_real

from ._rule import StepOptions, bias_corrections, laprop_rule
from ._signature import STEP_KEYWORDS, args_doc, check_signature, step_path, unsupported

__all__ = ["laprop"]

LOW_PRECISION = (torch.float16, torch.bfloat16)


def state_dtype(param: Tensor) -> torch.dtype:
    """float32 for float16/bfloat16 params (so ε = 1e-15 and g² stay representable), else the
    param's own dtype."""
    return torch.float32 if param.dtype in LOW_PRECISION else param.dtype


def laprop(
    params: list[Tensor], grads: list[Tensor], exp_avgs: list[Tensor],
    exp_avg_sqs: list[Tensor], max_exp_avg_sqs: list[Tensor], exp_avg_centers: list[Tensor],
    state_steps: list[Tensor], *, foreach: bool | None = None, fused: bool | None = None,
    grad_scale: Tensor | None = None, found_inf: Tensor | None = None, amsgrad: bool,
    centered: bool, t_init: int, beta1: float, beta2: float, lr: float | Tensor,
    weight_decay: float, eps: float, eps_mode: str, maximize: bool, capturable: bool = False,
    differentiable: bool = False, has_complex: bool = False,
) -> None:
    """Functional LaProp (paper Algorithms 1-4, module docstring): dispatch to a path.

    Path choice (:func:`choose_path`): ``fused=True`` runs the one-pass kernel of
    :mod:`laprop._fused`; ``foreach=True`` the ``torch._foreach_*`` path; ``foreach=False`` (or
    ``differentiable=True``) the single-tensor reference. With ``foreach=None, fused=None`` (the
    default) the fused C++ kernel runs where it can (plain dense CPU tensors, kernel built or
    buildable), else the foreach path: see :func:`choose_path`. Options whose value the chosen
    fast path does not implement (a :class:`StepOptions` field's declared ``paths``) run on the
    reference path: silently under the default, a ``RuntimeError`` under ``fused=True`` or
    ``foreach=True``.

    AMP (torch's fused-optimizer protocol): ``grad_scale`` divides every gradient (which is
    written back unscaled, as torch's fused Adam does) and a nonzero ``found_inf`` skips the
    step entirely, step counts included. The fused kernels do both in their single pass; the
    other paths unscale in place before the update.

    Complex tensors are viewed as pairs of reals before any path runs, so every path sees
    real tensors only.

    Keyword arguments (:class:`StepOptions`, the signature every path shares):
{doc}
    """
    options = {k: v for k, v in locals().items() if k in _STEP_KEYWORD_SET}  # before any rebind
    if fused and foreach:
        raise RuntimeError("fused=True and foreach=True cannot both be set")
    if has_complex:
        # torch's helper views, in place, the i-th entry of every list where params[i] is
        # complex: copies keep the caller's lists as they were; lists left empty by the flags
        # (amsgrad, centered) are not passed
        params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, exp_avg_centers = (
            list(x) for x in (params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs,
                              exp_avg_centers))
        _view_as_real(params, *(x for x in (grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs,
                                            exp_avg_centers) if x))
    path = choose_path(params, foreach=foreach, fused=fused, differentiable=differentiable,
                       options=StepOptions(**options))
    if path == "fused":
        from ._fused import _fused_laprop as fn
    else:
        fn = _multi_tensor_laprop if path == "foreach" else _single_tensor_laprop
        if grad_scale is not None or found_inf is not None:
            if found_inf is not None and float(found_inf) != 0.0:
                return  # AMP found an inf/NaN gradient: skip the step (the count included)
            if grad_scale is not None:
                if differentiable:
                    grads = [g / grad_scale.to(g.device) for g in grads]
                else:
                    for g in grads:
                        g.div_(grad_scale.to(g.device))
            grad_scale = found_inf = None
    fn(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, exp_avg_centers, state_steps,
       **{**options, "has_complex": False, "grad_scale": grad_scale, "found_inf": found_inf})


_STEP_KEYWORD_SET = frozenset(STEP_KEYWORDS)


if laprop.__doc__:  # None under python -OO
    laprop.__doc__ = laprop.__doc__.replace("{doc}", args_doc(("foreach", "fused",
                                                               *STEP_KEYWORDS)))
check_signature(laprop)


def choose_path(params: list[Tensor], *, foreach: bool | None, fused: bool | None,
                differentiable: bool, options: StepOptions | None = None) -> str:
    """The path that runs: ``"fused"``, ``"foreach"`` or ``"single"``.

    Explicit flags win (``fused=True``; ``foreach=True``; ``foreach=False``: the reference).
    ``differentiable=True`` (and TorchScript) always take the single-tensor reference. With
    neither flag set (``foreach=None, fused=None``, the default):

    - ``"fused"`` when every param is a plain dense floating-point tensor on the CPU, the
      step is not being traced by ``torch.compile``, and the C++ kernel is available: built
      on first use (once per machine, then cached) and loaded; where it cannot be built (no
      C++ compiler, no ninja) a warning is given once and the default is ``"foreach"``;
    - ``"foreach"`` otherwise (accelerators, as ``torch.optim.Adam`` defaults there; tensor
      subclasses such as FSDP2's DTensor; ``torch.compile``d steps).

    Fallback: where ``options`` (the call's :class:`StepOptions`) hold a value that the chosen
    fast path does not implement (:func:`laprop._signature.unsupported`: a field whose declared
    ``paths`` leave out that path, set to other than its neutral value; the fast path of
    ``"fused"`` is :func:`fused_kernel`'s), the reference ``"single"`` runs instead: silently
    when the path was the default's, with a ``RuntimeError`` naming the field and the path
    when ``fused=True`` or ``foreach=True`` asked for it.
    """
    if fused:
        path = "fused"
    elif differentiable or torch.jit.is_scripting():
        return "single"
    elif foreach is not None:
        path = "foreach" if foreach else "single"
    elif fused is None and _default_fused_ok(params):
        path = "fused"
    else:
        path = "foreach"
    if path == "single" or options is None or not params:
        return path
    kernel = path if path == "foreach" else fused_kernel(params)
    missing = unsupported(options, kernel)
    if not missing:
        return path
    if fused or foreach:
        asked = "fused" if fused else "foreach"
        values = ", ".join(f"{n}={getattr(options, n)!r}" for n in missing)
        raise RuntimeError(
            f"{asked}=True does not support {values}: the {kernel} path does not implement "
            f"it (StepOptions.{missing[0]} declares paths "
            f"{_declared_paths(options, missing[0])}); the single-tensor reference runs it "
            f"(foreach=False, or leave foreach and fused unset to fall back to it)")
    return "single"


def fused_kernel(params: list[Tensor]) -> str:
    """The fast path behind ``"fused"`` for ``params`` (as :func:`laprop._fused._fused_laprop`
    picks it by the first param's device): ``"fused"`` (the C++ kernel) on the CPU,
    ``"triton"`` on CUDA where triton is installed, else ``"compiled"``."""
    device = params[0].device.type
    if device == "cpu":
        return "fused"
    from ._fused import triton_available

    return "triton" if device == "cuda" and triton_available() else "compiled"


def _declared_paths(options: StepOptions, name: str) -> tuple[str, ...]:
    from dataclasses import fields

    return next(f for f in fields(options) if f.name == name).metadata.get("paths", ())


_FUSED_DTYPES = (torch.float64, torch.float32, torch.float16, torch.bfloat16)


# torch.optim.optimizer._default_to_fused_or_foreach is not used (read again in torch 2.13):
# its default is foreach on the devices of _get_foreach_kernels_supported_devices (cuda, xpu,
# mtia, privateuse1) and the single-tensor loop on the CPU, and fused only when asked for
# (use_fused, then on every device of _get_fused_kernels_supported_devices, CUDA included);
# LaProp's default is its fused C++ kernel on the CPU and foreach everywhere else
# (choose_path). torch's _foreach_supported_types is not used either: where torch.distributed
# is set up it includes DTensor (FSDP2's parameters), which the foreach ops take but the C++
# kernel cannot (it reads local memory); the fused kernel accepts plain tensors only.
_PLAIN = (Tensor, torch.nn.Parameter)
def _default_fused_ok(params: list[Tensor]) -> bool:
    if not params or torch.compiler.is_compiling():
        return False
    if not all(type(p) in _PLAIN and p.device.type == "cpu"
               and p.dtype in _FUSED_DTYPES
               and p.layout == torch.strided for p in params):
        return False
    from ._fused import cpu_kernel_available

    return cpu_kernel_available()


def _step_count(step_t: Tensor, capturable: bool) -> int | Tensor:
    """t for the rule: the count tensor itself when ``capturable`` (no host sync), else an int."""
    return step_t if capturable else int(_get_value(step_t))


@step_path
def _single_tensor_laprop(
    params: list[Tensor], grads: list[Tensor], exp_avgs: list[Tensor],
    exp_avg_sqs: list[Tensor], max_exp_avg_sqs: list[Tensor], exp_avg_centers: list[Tensor],
    state_steps: list[Tensor], o: StepOptions,
) -> None:
    """The reference: :func:`laprop._rule.laprop_rule` (the update, written once) applied to
    one tensor at a time, its results written back in place.

    Half-precision params: g and θ are promoted to the float32 state dtype, the update is
    computed there and rounded once into θ. With ``differentiable=True`` every operation is
    recorded by autograd (the rule is out of place; ṽ enters it as a copy, since it is
    overwritten here and autograd keeps ``maximum``'s inputs). ``grad_scale``/``found_inf``
    are applied by :func:`laprop` before this runs.
    """
    if o.grad_scale is not None or o.found_inf is not None:
        raise RuntimeError("grad_scale/found_inf are applied by laprop() before this path")
    for i, param in enumerate(params):
        m, n, step_t = exp_avgs[i], exp_avg_sqs[i], state_steps[i]
        vmax = max_exp_avg_sqs[i] if o.amsgrad else None
        nbar = exp_avg_centers[i] if o.centered else None
        step_t += 1
        new = laprop_rule(o, param, grads[i], m, n,
                          vmax.clone() if o.differentiable and vmax is not None else vmax,
                          nbar, _step_count(step_t, o.capturable), o.lr)
        m.copy_(new.exp_avg)
        n.copy_(new.exp_avg_sq)
        if vmax is not None:
            vmax.copy_(new.max_exp_avg_sq)
        if nbar is not None:
            nbar.copy_(new.exp_avg_center)
        param.copy_(new.param if o.differentiable else new.param.to(param.dtype))


@step_path
def _multi_tensor_laprop(
    params: list[Tensor], grads: list[Tensor], exp_avgs: list[Tensor],
    exp_avg_sqs: list[Tensor], max_exp_avg_sqs: list[Tensor], exp_avg_centers: list[Tensor],
    state_steps: list[Tensor], o: StepOptions,
) -> None:
    """The same update with ``torch._foreach_*`` kernels, grouped by device and dtype.

    Python-number bias corrections (the default, ``capturable=False``) take the short form
    of :func:`_foreach_group`: seven passes over memory per step, as many as
    ``torch.optim.Adam``'s foreach path.
    """
    if o.grad_scale is not None or o.found_inf is not None:
        raise RuntimeError("grad_scale/found_inf are applied by laprop() before this path")
    if o.differentiable:
        raise RuntimeError("foreach=True does not support differentiable=True")
    if not params:
        return
    from torch.optim.optimizer import Optimizer

    lists = [params, grads, exp_avgs, exp_avg_sqs, state_steps]
    if o.amsgrad:
        lists.append(max_exp_avg_sqs)
    if o.centered:
        lists.append(exp_avg_centers)
    grouped = Optimizer._group_tensors_by_device_and_dtype(lists)
    for (_device, _dtype), (group, _) in grouped.items():
        p_l, g_l, m_l, n_l, s_l = group[:5]
        rest = list(group[5:])
        vm_l = rest.pop(0) if o.amsgrad else []
        nb_l = rest.pop(0) if o.centered else []
        if o.capturable or (isinstance(o.lr, Tensor) and o.lr.device.type != "cpu"):
            _foreach_group_tensor(p_l, g_l, m_l, n_l, vm_l, nb_l, s_l, o)
        else:
            _foreach_group(p_l, g_l, m_l, n_l, vm_l, nb_l, s_l, o)


def _foreach_group(p_l, g_l, m_l, n_l, vm_l, nb_l, s_l, o: StepOptions) -> None:
    """Host-number bias corrections: tensors with equal step counts share one set of calls.

    With r = sqrt(c_n), the denominator is carried as d = s_t · r, which needs no pass of its
    own for the division by c_n::

        d = sqrt(ṽ_t + ε c_n)   ("inside":  s_t = sqrt(ṽ_t / c_n + ε) = d / r)
        d = sqrt(ṽ_t) + ε r     ("outside": s_t = sqrt(ṽ_t / c_n) + ε = d / r)
        m_t = μ m_{t−1} + ((1 − μ) λ r) · g / d                  (one addcdiv)
        θ_{t+1} = (θ_t − m_t / c_m) · (1 − λ w)                   (one add, one mul if w ≠ 0)
    """
    lr = float(o.lr)
    torch._foreach_add_(s_l, 1)
    sd = n_l[0].dtype
    low = p_l[0].dtype in LOW_PRECISION
    g = [x.to(sd) for x in g_l] if low else list(g_l)
    if o.maximize:
        g = torch._foreach_neg(g)
    work = [p.to(sd) for p in p_l] if low else list(p_l)
    # n_t = ν n_{t−1} + (1 − ν) g_t²
    torch._foreach_mul_(n_l, o.beta2)
    torch._foreach_addcmul_(n_l, g, g, value=1 - o.beta2)
    if o.centered:  # n̄_t = ν n̄_{t−1} + (1 − ν) g_t
        torch._foreach_mul_(nb_l, o.beta2)
        torch._foreach_add_(nb_l, g, alpha=1 - o.beta2)
    by_t: dict[int, list[int]] = {}
    for i, s in enumerate(s_l):
        by_t.setdefault(int(s.item()), []).append(i)
    tiny = torch.finfo(sd).tiny
    for t, idx in by_t.items():
        def sub(lst: list[Tensor], idx: list[int] = idx) -> list[Tensor]:
            return lst if len(idx) == len(lst) else [lst[i] for i in idx]

        P, G, M, N = sub(work), sub(g), sub(m_l), sub(n_l)
        c_m, c_n = 1 - o.beta1**t, 1 - o.beta2**t
        r = math.sqrt(c_n)
        v = N
        if o.centered and t >= o.t_init:  # v_t = n_t − n̄_t² where > 0, else n_t
            NB = sub(nb_l)
            cen = torch._foreach_sub(N, torch._foreach_mul(NB, NB))
            v = [torch.where(c > 0, c, n) for c, n in zip(cen, N, strict=True)]
        if o.amsgrad:  # ṽ_t = max(ṽ_{t−1}, v_t)
            VM = sub(vm_l)
            torch._foreach_maximum_(VM, v)
            v = VM
        if o.eps_mode == "inside":
            d = torch._foreach_add(v, o.eps * c_n)
            torch._foreach_sqrt_(d)
        else:
            d = torch._foreach_sqrt(v)
            torch._foreach_add_(d, o.eps * r)
        # m_t = μ m_{t−1} + (1 − μ) λ g / s_t, with g / s_t := 0 where s_t = 0
        torch._foreach_mul_(M, o.beta1)
        coef = (1 - o.beta1) * lr * r
        if o.eps * c_n < tiny:  # d can be 0 only when the ε term vanishes
            u = torch._foreach_div(G, d)
            u = [torch.where(x == 0, torch.zeros_like(y), y) for x, y in zip(d, u, strict=True)]
            torch._foreach_add_(M, u, alpha=coef)
        else:
            torch._foreach_addcdiv_(M, G, d, value=coef)
        # θ_{t+1} = (θ_t − m_t / c_m)(1 − λ w)
        torch._foreach_add_(P, M, alpha=-1 / c_m)
        if o.weight_decay != 0:
            torch._foreach_mul_(P, 1 - lr * o.weight_decay)
    if low:
        torch._foreach_copy_(p_l, work)


def _foreach_group_tensor(p_l, g_l, m_l, n_l, vm_l, nb_l, s_l, o: StepOptions) -> None:
    """Device-tensor bias corrections (``capturable=True``) or a device-tensor lr: no host
    synchronisation; the formulas of the module docstring, one list operation each."""
    lr = o.lr
    if isinstance(lr, Tensor):  # a 0-dim tensor lr works here, capturable or not
        lr = lr.to(p_l[0].device)
    torch._foreach_add_(s_l, 1)
    ts = [_step_count(s, o.capturable) for s in s_l]
    corrections = [bias_corrections(t, o.beta1, o.beta2, n_l[0].dtype) for t in ts]
    c_m = [c[0] for c in corrections]
    c_n = [c[1] for c in corrections]
    low = p_l[0].dtype in LOW_PRECISION
    g = [x.to(n_l[0].dtype) for x in g_l] if low else list(g_l)
    if o.maximize:
        g = torch._foreach_neg(g)
    # n_t = ν n_{t−1} + (1 − ν) g_t²
    torch._foreach_mul_(n_l, o.beta2)
    torch._foreach_addcmul_(n_l, g, g, value=1 - o.beta2)
    v = n_l
    if o.centered:
        torch._foreach_mul_(nb_l, o.beta2)
        torch._foreach_add_(nb_l, g, alpha=1 - o.beta2)
        cen = torch._foreach_sub(n_l, torch._foreach_mul(nb_l, nb_l))
        v = [torch.where((c > 0) & (t >= o.t_init), c, n)
             for c, n, t in zip(cen, n_l, ts, strict=True)]
    if o.amsgrad:
        torch._foreach_maximum_(vm_l, v)
        v = vm_l
    if o.capturable:
        s = [x / c for x, c in zip(v, c_n, strict=True)]
    else:
        s = torch._foreach_div(v, c_n)
    if o.eps_mode == "inside":
        torch._foreach_add_(s, o.eps)
        torch._foreach_sqrt_(s)
    else:
        torch._foreach_sqrt_(s)
        torch._foreach_add_(s, o.eps)
    u = torch._foreach_div(g, s)
    if o.eps < torch.finfo(m_l[0].dtype).tiny:  # 0/0 := 0 (s can only be 0 when eps ~ 0)
        u = [torch.where(d == 0, torch.zeros_like(x), x) for x, d in zip(u, s, strict=True)]
    # m_t = μ m_{t−1} + (1 − μ) λ u_t
    torch._foreach_mul_(m_l, o.beta1)
    torch._foreach_mul_(u, (1 - o.beta1) * lr)
    torch._foreach_add_(m_l, u)
    # θ_{t+1} = (θ_t − m_t / c_m)(1 − λ w)
    if o.capturable:
        step = [x / c for x, c in zip(m_l, c_m, strict=True)]
    else:
        step = torch._foreach_div(m_l, c_m)
    work = [p.to(m_l[0].dtype) for p in p_l] if low else p_l
    torch._foreach_sub_(work, step)
    if o.weight_decay != 0:
        torch._foreach_mul_(work, 1 - lr * o.weight_decay)
    if low:
        torch._foreach_copy_(p_l, work)
