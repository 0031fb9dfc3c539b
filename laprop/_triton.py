"""The fused LaProp step as one Triton kernel (``fused=True`` on CUDA).

One program handles ``BLOCK`` elements of one tensor and reads p, g, m, n (ṽ with amsgrad, n̄
with centered) once and writes p, m, n (ṽ, n̄) once; with AMP it also writes the unscaled
gradient back, as torch's fused Adam does. Nothing forces a host synchronisation: the step
count, the learning rate, ``grad_scale`` and ``found_inf`` are read from device memory inside
the kernel, so the step can be captured in a CUDA graph (``capturable``).

Per element, at step t (already incremented on the device), with μ = β1, ν = β2, λ = lr,
w = weight_decay (docs/optimizer-spec.md; paper Algorithms 1-4)::

    g ← g / grad_scale  (written back);  g ← −g if maximize
    n_t = ν n_{t−1} + (1 − ν) g²                                  (Alg. 1)
    n̄_t = ν n̄_{t−1} + (1 − ν) g;  v_t = n_t − n̄_t² if t ≥ t_init and > 0, else n_t  (Alg. 4)
    ṽ_t = max(ṽ_{t−1}, v_t)                                        (Alg. 3, NaN propagates)
    s_t = sqrt(ṽ_t / c_n + ε)  ("inside")   or   sqrt(ṽ_t / c_n) + ε  ("outside")
    m_t = μ m_{t−1} + (1 − μ) λ g / s_t        (g / s_t := 0 where s_t = 0)
    θ_{t+1} = (θ_t − m_t / c_m)(1 − λ w)                           (Alg. 2)

and where ``found_inf`` is nonzero nothing is written. The bias corrections
c = 1 − β^t = −expm1(t ln β) are computed in float64 with Kahan's expm1 (u = exp(x);
expm1(x) = (u − 1) x / ln u), which keeps full relative precision for small t ln β, where
1 − exp(x) would lose digits. ln β1, ln β2, β1, β2, ε, w and t_init reach the kernel as a
float64 device tensor (Triton passes Python floats as float32). The arithmetic is that of the
CPU kernel: state dtype S (float32 for float16/bfloat16/float32 params, float64 for float64),
IEEE-rounded division and square root (``div_rn``, ``sqrt_rn`` in float32), and bfloat16
results rounded to nearest-even by integer arithmetic (Triton's interpreter truncates in its
float32 -> bfloat16 cast; the GPU rounds; this way both give the same bits). The kernel uses
only Triton builtins (no ``@triton.jit`` helpers such as ``tl.zeros``), so that it also runs
in the interpreter when ``triton`` was imported before ``TRITON_INTERPRET`` was set.

This module imports ``triton``; :mod:`laprop._fused` imports it only when it is installed. Set
``TRITON_INTERPRET=1`` to run the kernel on CPU tensors in Triton's interpreter (the tests do).
"""

from __future__ import annotations

import math
import os
from typing import Any

import torch
import triton
import triton.language as tl
from torch import Tensor

BLOCK = 1024


def _laprop_kernel(p_ptr, g_ptr, m_ptr, n_ptr, vm_ptr, nb_ptr, step_ptr, lr_ptr, consts_ptr,
                   scale_ptr, inf_ptr, numel,
                   AMSGRAD: tl.constexpr, CENTERED: tl.constexpr, INSIDE: tl.constexpr,
                   MAXIMIZE: tl.constexpr, HAS_SCALE: tl.constexpr, HAS_INF: tl.constexpr,
                   BLOCK: tl.constexpr):
    S = m_ptr.dtype.element_ty  # state / compute dtype
    pid = tl.program_id(0).to(tl.int64)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < numel
    if HAS_INF:
        found = tl.load(inf_ptr + offs * 0, mask=mask, other=1.0)  # one value, broadcast
        mask = mask & (found == 0)
    # float64 scalars: [ln β1, ln β2, β1, β2, ε, w, t_init]
    ln_b1 = tl.load(consts_ptr + 0)
    ln_b2 = tl.load(consts_ptr + 1)
    b1 = tl.load(consts_ptr + 2)
    b2 = tl.load(consts_ptr + 3)
    eps = tl.load(consts_ptr + 4)
    wd = tl.load(consts_ptr + 5)
    t_init = tl.load(consts_ptr + 6)
    t = tl.load(step_ptr).to(tl.float64)
    lr = tl.load(lr_ptr).to(tl.float64)
    # c = 1 − β^t = −expm1(x), x = t ln β, by Kahan's expm1(x) = (u − 1) x / ln u, u = e^x
    x1 = t * ln_b1
    u1 = tl.exp(x1)
    ok1 = (u1 != 1.0) & (u1 != 0.0)
    c_m = tl.where(u1 == 1.0, -x1,
                   tl.where(u1 == 0.0, 1.0, (1.0 - u1) * x1 / tl.log(tl.where(ok1, u1, 2.0))))
    x2 = t * ln_b2
    u2 = tl.exp(x2)
    ok2 = (u2 != 1.0) & (u2 != 0.0)
    c_n = tl.where(u2 == 1.0, -x2,
                   tl.where(u2 == 0.0, 1.0, (1.0 - u2) * x2 / tl.log(tl.where(ok2, u2, 2.0))))
    inv_cm = (1.0 / c_m).to(S)
    inv_cn = (1.0 / c_n).to(S)
    coef = ((1.0 - b1) * lr).to(S)
    decay = (1.0 - lr * wd).to(S)
    b1_s = b1.to(S)
    b2_s = b2.to(S)
    omb2 = (1.0 - b2).to(S)
    eps_s = eps.to(S)

    g_raw = tl.load(g_ptr + offs, mask=mask, other=0.0)
    g = g_raw.to(S)
    if HAS_SCALE:
        sc = tl.load(scale_ptr).to(S)
        if S == tl.float64:
            g = g / sc
        else:
            g = tl.div_rn(g, sc)
        if g_raw.dtype == tl.bfloat16:  # round to nearest even by hand (see p below)
            gb = g.to(tl.uint32, bitcast=True)
            gr = ((gb + (((gb >> 16) & 1) + 0x7FFF)) >> 16).to(tl.uint16)
            gr = tl.where(g != g, ((gb >> 16) | 0x40).to(tl.uint16), gr)
            tl.store(g_ptr + offs, gr.to(tl.bfloat16, bitcast=True), mask=mask)
        else:
            tl.store(g_ptr + offs, g.to(g_raw.dtype), mask=mask)
    if MAXIMIZE:
        g = -g
    p_raw = tl.load(p_ptr + offs, mask=mask, other=0.0)
    p = p_raw.to(S)
    n = b2_s * tl.load(n_ptr + offs, mask=mask, other=0.0) + omb2 * g * g
    tl.store(n_ptr + offs, n, mask=mask)
    v = n
    if CENTERED:
        nb = b2_s * tl.load(nb_ptr + offs, mask=mask, other=0.0) + omb2 * g
        tl.store(nb_ptr + offs, nb, mask=mask)
        c = tl.where(t >= t_init, n - nb * nb, 0.0).to(S)  # 0 before t_init: falls back
        v = tl.where(c > 0, c, n)
    if AMSGRAD:
        v = tl.maximum(tl.load(vm_ptr + offs, mask=mask, other=0.0), v,
                       propagate_nan=tl.PropagateNan.ALL)
        tl.store(vm_ptr + offs, v, mask=mask)
    if INSIDE:
        r = v * inv_cn + eps_s
    else:
        r = v * inv_cn
    if S == tl.float64:  # float64 sqrt and division are IEEE-rounded in Triton
        s = tl.sqrt(r)
    else:  # float32 ones are approximate unless asked for
        s = tl.sqrt_rn(r)
    if not INSIDE:
        s = s + eps_s
    zero = s == 0
    s_safe = tl.where(zero, 1.0, s).to(S)
    if S == tl.float64:
        q = g / s_safe
    else:
        q = tl.div_rn(g, s_safe)
    q = tl.where(zero, 0.0, q).to(S)
    m = b1_s * tl.load(m_ptr + offs, mask=mask, other=0.0) + coef * q
    tl.store(m_ptr + offs, m, mask=mask)
    p = (p - m * inv_cm) * decay
    if p_raw.dtype == tl.bfloat16:
        # float32 -> bfloat16 rounded to nearest, ties to even, by integer arithmetic: what
        # the GPU's conversion does, and what Triton's interpreter does not (it truncates)
        pb = p.to(tl.uint32, bitcast=True)
        pr = ((pb + (((pb >> 16) & 1) + 0x7FFF)) >> 16).to(tl.uint16)
        pr = tl.where(p != p, ((pb >> 16) | 0x40).to(tl.uint16), pr)  # NaN stays NaN
        tl.store(p_ptr + offs, pr.to(tl.bfloat16, bitcast=True), mask=mask)
    else:
        tl.store(p_ptr + offs, p.to(p_raw.dtype), mask=mask)


_kernels: dict[bool, Any] = {}
_consts: dict[tuple[Any, ...], Tensor] = {}
_lrs: dict[tuple[Any, ...], Tensor] = {}


def interpreting() -> bool:
    """True when Triton runs kernels in its CPU interpreter (``TRITON_INTERPRET=1``)."""
    return os.environ.get("TRITON_INTERPRET", "0").lower() in ("1", "true", "on", "yes")


def _kernel() -> Any:
    """The jitted kernel; jitted on first use (and again if ``TRITON_INTERPRET`` changes),
    since ``triton.jit`` picks the interpreter at decoration time."""
    key = interpreting()
    if key not in _kernels:
        _kernels[key] = triton.jit(_laprop_kernel)
    return _kernels[key]


def _log(b: float) -> float:
    return math.log(b) if b > 0 else -math.inf


def _device_consts(device: torch.device, beta1: float, beta2: float, eps: float,
                   weight_decay: float, t_init: int) -> Tensor:
    key = (device, beta1, beta2, eps, weight_decay, t_init)
    c = _consts.get(key)
    if c is None:
        c = torch.tensor([_log(beta1), _log(beta2), beta1, beta2, eps, weight_decay,
                          float(t_init)], dtype=torch.float64, device=device)
        _consts[key] = c
    return c


def _device_lr(lr: float | Tensor, device: torch.device) -> Tensor:
    if isinstance(lr, Tensor):
        return lr.detach().to(device)
    key = (device, float(lr))
    t = _lrs.get(key)
    if t is None:
        if len(_lrs) > 64:  # a schedule makes a new value every step: keep the cache small
            _lrs.clear()
        t = torch.tensor(float(lr), dtype=torch.float64, device=device)
        _lrs[key] = t
    return t


def triton_update(params: list[Tensor], grads: list[Tensor], exp_avgs: list[Tensor],
                  exp_avg_sqs: list[Tensor], max_exp_avg_sqs: list[Tensor],
                  exp_avg_centers: list[Tensor], state_steps: list[Tensor], *, amsgrad: bool,
                  centered: bool, t_init: int, beta1: float, beta2: float,
                  lr: float | Tensor, weight_decay: float, eps: float, eps_mode: str,
                  maximize: bool, grad_scale: Tensor | None = None,
                  found_inf: Tensor | None = None) -> None:
    """One LaProp step of real, contiguous tensors of one device (module docstring).

    The step counts are incremented on the device (by ``1 − [found_inf ≠ 0]`` under AMP:
    a skipped step leaves them unchanged), then one kernel launch per tensor updates it in a
    single pass. Non-contiguous tensors must be made contiguous by the caller.
    """
    if not params:
        return
    dev = params[0].device
    consts = _device_consts(dev, float(beta1), float(beta2), float(eps),
                            float(weight_decay), int(t_init))
    lr_t = _device_lr(lr, dev)
    torch._foreach_add_(state_steps, 1)
    scale = grad_scale.to(dev) if grad_scale is not None else None
    inf = found_inf.to(dev) if found_inf is not None else None
    kernel = _kernel()
    for i, p in enumerate(params):
        numel = p.numel()
        if numel == 0:
            continue
        m = exp_avgs[i]
        grid = (triton.cdiv(numel, BLOCK),)
        kernel[grid](p, grads[i], m, exp_avg_sqs[i],
                     max_exp_avg_sqs[i] if amsgrad else m,
                     exp_avg_centers[i] if centered else m,
                     state_steps[i], lr_t, consts,
                     scale if scale is not None else consts,
                     inf if inf is not None else consts, numel,
                     AMSGRAD=amsgrad, CENTERED=centered, INSIDE=eps_mode == "inside",
                     MAXIMIZE=maximize, HAS_SCALE=scale is not None, HAS_INF=inf is not None,
                     BLOCK=BLOCK)
    if inf is not None:  # undo the increment where the step was skipped (no host sync)
        torch._foreach_sub_(state_steps, [inf.to(s.device, s.dtype) for s in state_steps])
