"""The fused LaProp path: one pass over memory per step.

On CPU the update runs in a small C++ kernel (``laprop/csrc/laprop_fused.cpp``) compiled on
first use with ``torch.utils.cpp_extension.load`` (gcc + ninja; cached under
``~/.cache/torch_extensions``): for every element it reads p, g, m, n (and ṽ, n̄ when enabled)
once and writes p, m, n (ṽ, n̄) once, for all tensors of the step in a single call, parallel
over elements with ``at::parallel_for``. On other devices it runs the same per-element formula
compiled by ``torch.compile`` (Triton on CUDA), one compilation per dtype and flag
combination, over flat views with dynamic shapes.

The update is the one in ``docs/optimizer-spec.md`` (paper: Algorithms 1-4).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

_SRC = Path(__file__).with_name("csrc") / "laprop_fused.cpp"
_lock = threading.Lock()
_ext: Any = None
_ext_error: Exception | None = None


def _load_extension() -> Any:
    """Compile (first call only) and import the C++ kernel; raise a clear error if impossible."""
    global _ext, _ext_error
    with _lock:
        if _ext is not None:
            return _ext
        if _ext_error is not None:
            raise RuntimeError(f"the fused LaProp CPU kernel is unavailable: {_ext_error}")
        try:
            from torch.utils.cpp_extension import load

            _ext = load(
                name="laprop_fused_cpu",
                sources=[str(_SRC)],
                extra_cflags=["-O3", "-fno-math-errno", "-fopenmp"],
                extra_ldflags=["-fopenmp"],
                verbose=bool(os.environ.get("LAPROP_VERBOSE_BUILD")),
            )
        except Exception as exc:  # compiler or ninja missing, ...
            _ext_error = exc
            raise RuntimeError(f"the fused LaProp CPU kernel could not be built: {exc}") from exc
        return _ext


def _fused_supported(params: list[Tensor]) -> bool:
    """True when every param is a dense float (or complex, run as pairs of reals) tensor on CPU
    (C++ kernel) or CUDA (compiled)."""
    ok_dtypes = (torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.complex64,
                 torch.complex128)
    return all(p.dtype in ok_dtypes and p.device.type in ("cpu", "cuda") and not p.is_sparse
               for p in params)


def _as_float(x: float | Tensor) -> float:
    return float(x.item()) if isinstance(x, Tensor) else float(x)


def _fused_laprop(
    params: list[Tensor], grads: list[Tensor], exp_avgs: list[Tensor],
    exp_avg_sqs: list[Tensor], max_exp_avg_sqs: list[Tensor], exp_avg_centers: list[Tensor],
    state_steps: list[Tensor], *, amsgrad: bool, centered: bool, t_init: int, beta1: float,
    beta2: float, lr: float | Tensor, weight_decay: float, eps: float, eps_mode: str,
    maximize: bool, capturable: bool, differentiable: bool, has_complex: bool,
    grad_scale: Tensor | None, found_inf: Tensor | None,
) -> None:
    """One fused LaProp step over real tensors (complex ones already viewed as real).

    Increments every ``state_steps`` tensor, then applies docs/optimizer-spec.md in one pass.
    ``grad_scale``/``found_inf`` (AMP's fused protocol) are not supported: GradScaler unscales
    the gradients itself for this optimizer, which does not declare the fused-AMP capability.
    """
    if differentiable:
        raise RuntimeError("fused=True does not support differentiable=True")
    if grad_scale is not None or found_inf is not None:
        raise NotImplementedError("the fused LaProp path does not take grad_scale/found_inf")
    if not params:
        return
    torch._foreach_add_(state_steps, 1)
    device = params[0].device
    if device.type != "cpu":
        _compiled_update(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs,
                         exp_avg_centers, state_steps, amsgrad=amsgrad, centered=centered,
                         t_init=t_init, beta1=beta1, beta2=beta2, lr=lr,
                         weight_decay=weight_decay, eps=eps, eps_mode=eps_mode,
                         maximize=maximize)
        return
    steps = [int(s.item()) for s in state_steps]
    lr_f = _as_float(lr)
    _load_extension().laprop_fused_step(
        params, [g.contiguous() for g in grads], exp_avgs, exp_avg_sqs,
        max_exp_avg_sqs, exp_avg_centers,
        [1.0 - beta1**t for t in steps], [1.0 - beta2**t for t in steps],
        [t >= t_init for t in steps], float(beta1), float(beta2), lr_f, float(weight_decay),
        float(eps), eps_mode == "inside", amsgrad, centered, maximize,
    )


# ----------------------------------------------------------------- accelerators: torch.compile

def laprop_elementwise(p: Tensor, g: Tensor, m: Tensor, n: Tensor, vm: Tensor | None,
                       nb: Tensor | None, beta1: Tensor, beta2: Tensor, coef: Tensor,
                       bc1: Tensor, bc2: Tensor, eps: Tensor, decay: Tensor, use_centered: bool,
                       *, inside: bool, maximize: bool) -> tuple[Tensor, ...]:
    """The per-element update of docs/optimizer-spec.md as pure tensor math (the function that
    ``torch.compile`` fuses into one kernel on accelerators). Returns the new (p, m, n, vm, nb)
    in the state dtype; the caller writes them back."""
    s_dtype = m.dtype
    gi = g.to(s_dtype)
    if maximize:
        gi = -gi
    n_new = beta2 * n + (1 - beta2) * gi * gi
    v = n_new
    nb_new = None
    if nb is not None:
        nb_new = beta2 * nb + (1 - beta2) * gi
        if use_centered:
            c = n_new - nb_new * nb_new
            v = torch.where(c > 0, c, n_new)
    vm_new = None
    if vm is not None:
        vm_new = torch.maximum(vm, v)
        v = vm_new
    s = torch.sqrt(v / bc2 + eps) if inside else torch.sqrt(v / bc2) + eps
    q = torch.where(s > 0, gi / s, torch.zeros_like(gi))
    m_new = beta1 * m + coef * q
    p_new = (p.to(s_dtype) - m_new / bc1) * decay
    return p_new, m_new, n_new, vm_new, nb_new


def laprop_elementwise_(p: Tensor, g: Tensor, m: Tensor, n: Tensor, vm: Tensor | None,
                        nb: Tensor | None, beta1: Tensor, beta2: Tensor, coef: Tensor,
                        bc1: Tensor, bc2: Tensor, eps: Tensor, decay: Tensor,
                        use_centered: bool, *, inside: bool, maximize: bool) -> None:
    """In-place version of :func:`laprop_elementwise` (writes p, m, n, vm, nb). Under
    ``torch.compile`` the write-backs fuse into the same kernel: one read and one write of
    each tensor."""
    p_new, m_new, n_new, vm_new, nb_new = laprop_elementwise(
        p, g, m, n, vm, nb, beta1, beta2, coef, bc1, bc2, eps, decay, use_centered,
        inside=inside, maximize=maximize)
    p.copy_(p_new)
    m.copy_(m_new)
    n.copy_(n_new)
    if vm is not None:
        vm.copy_(vm_new)
    if nb is not None:
        nb.copy_(nb_new)


_compiled: dict[tuple[Any, ...], Callable[..., Any]] = {}


def _compiled_update(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, exp_avg_centers,
                     state_steps, *, amsgrad, centered, t_init, beta1, beta2, lr, weight_decay,
                     eps, eps_mode, maximize, compile_fn: Callable[..., Any] | None = None
                     ) -> None:
    """Accelerator branch: ``laprop_elementwise_`` compiled once per flag combination (dynamic
    shapes over flat views; hyperparameters as 0-dim tensors so changing lr or the step does
    not recompile). ``compile_fn`` replaces ``torch.compile`` (tests run it eagerly)."""
    key = (eps_mode, maximize, amsgrad, centered)
    fn = _compiled.get(key) if compile_fn is None else None
    if fn is None:
        def step_fn(*a: Any, use_centered: bool) -> None:
            laprop_elementwise_(*a, use_centered, inside=eps_mode == "inside",
                                maximize=maximize)

        fn = (compile_fn or (lambda f: torch.compile(f, dynamic=True)))(step_fn)
        if compile_fn is None:
            _compiled[key] = fn
    for i, p in enumerate(params):
        if p.numel() == 0:
            continue
        dev, sd = p.device, exp_avgs[i].dtype
        t = float(state_steps[i].item())
        lr_t = lr.to(dev, sd) if isinstance(lr, Tensor) else torch.tensor(lr, device=dev,
                                                                          dtype=sd)

        def c(x: float) -> Tensor:
            return torch.tensor(x, device=dev, dtype=sd)  # noqa: B023

        vm = max_exp_avg_sqs[i].view(-1) if amsgrad else None
        nb = exp_avg_centers[i].view(-1) if centered else None
        fn(p.view(-1), grads[i].reshape(-1), exp_avgs[i].view(-1), exp_avg_sqs[i].view(-1),
           vm, nb, c(beta1), c(beta2), (1 - beta1) * lr_t, c(1 - beta1**t), c(1 - beta2**t),
           c(eps), 1 - lr_t * weight_decay, use_centered=t >= t_init)
