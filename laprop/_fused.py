"""The fused LaProp path: one pass over memory per step.

On CPU the update runs in a C++ kernel (``laprop/csrc/laprop_fused.cpp``, :data:`CPP_SOURCE`)
compiled on first use with ``torch.utils.cpp_extension.load`` (gcc + ninja; cached under
``~/.cache/torch_extensions``, so later processes load it in well under a second; the module's
name carries a hash of the source, so an edited source is built afresh). In one call it
updates every tensor of the step: the elements of all tensors are cut into chunks of whole
SIMD vectors (``at::vec::Vectorized``, AVX2 where torch's CPU dispatch reports it), the chunks
are spread over threads with ``at::parallel_for``, and each element reads p, g, m, n (ṽ, n̄
when enabled) once and writes p, m, n (ṽ, n̄) once. On CUDA the same per-element formula
runs as a hand-written Triton kernel (:mod:`laprop._triton`: one pass, AMP and capturable
without host synchronisation) where ``triton`` is installed; elsewhere (or without triton)
it is compiled by ``torch.compile`` once per flag combination over flat 1-D views with
dynamic shapes (the fallback).

The update (docs/optimizer-spec.md; paper Algorithms 1-4), per element at step t:

    n_t = ν n_{t-1} + (1 - ν) g²
    n̄_t = ν n̄_{t-1} + (1 - ν) g;  v_t = n_t - n̄_t² if t >= t_init and > 0 else n_t  (centered)
    ṽ_t = max(ṽ_{t-1}, v_t);  d_t = ṽ_t                                  (amsgrad)
    s_t = sqrt(d_t / c_n + ε)  ("inside")   or   sqrt(d_t / c_n) + ε  ("outside")
    m_t = μ m_{t-1} + (1 - μ) λ g / s_t         (g / s_t := 0 where s_t = 0)
    θ_{t+1} = (θ_t - m_t / c_m)(1 - λ w),       c_m = 1 - μ^t,  c_n = 1 - ν^t

AMP: ``grad_scale``/``found_inf`` follow torch's fused Adam: where ``found_inf`` is nonzero the
step is skipped (nothing changes, the step count included); otherwise the gradients are divided
by ``grad_scale`` in the same pass (and written back unscaled, as torch does).
"""

from __future__ import annotations

import hashlib
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from ._rule import StepOptions, laprop_rule
from ._signature import step_path

# the C++ kernel, shipped with the package (pyproject.toml: tool.setuptools.package-data)
CPP_SOURCE = Path(__file__).with_name("csrc") / "laprop_fused.cpp"

_lock = threading.Lock()
_ext: Any = None
_ext_error: Exception | None = None


def _build_flags() -> tuple[str, list[str]]:
    """(tag, compiler flags): AVX2 vectors where torch's own CPU dispatch uses AVX2 or better
    (AVX-512 machines run AVX2 code too, and the step is memory-bound), portable code else."""
    cap = torch.backends.cpu.get_cpu_capability()
    flags = ["-O3", "-fopenmp", "-fno-math-errno"]
    if cap in ("AVX2", "AVX512"):
        return "avx2", [*flags, "-mavx2", "-mfma", "-mf16c", "-mbmi", "-mbmi2",
                        "-DCPU_CAPABILITY=AVX2", "-DCPU_CAPABILITY_AVX2"]
    return "default", [*flags, "-DCPU_CAPABILITY=DEFAULT"]


#: a build lock older than this is a leftover of a killed build (a build takes about a minute)
STALE_LOCK_SECONDS = 600.0


def wait_for_other_build(name: str, stale_after: float = STALE_LOCK_SECONDS) -> None:
    """Wait while another process builds extension ``name``; remove a stale lock.

    torch's ``load`` guards a build with the file ``<build dir>/lock`` and waits for it to
    disappear, forever: a build killed half-way (Ctrl-C, an OOM kill) leaves the lock behind
    and every later process hangs on its first fused step. Here a lock is waited for while it
    is younger than ``stale_after`` seconds and removed, with a warning, once it is older."""
    from torch.utils.cpp_extension import _get_build_directory

    lock = Path(_get_build_directory(name, verbose=False)) / "lock"
    while True:
        try:
            age = time.time() - lock.stat().st_mtime
        except FileNotFoundError:
            return
        if age > stale_after:
            warnings.warn(f"removing a build lock left {age:.0f} s ago by an interrupted build "
                          f"of the fused LaProp kernel: {lock}", RuntimeWarning, stacklevel=2)
            lock.unlink(missing_ok=True)
            return
        time.sleep(0.5)


def _load_extension() -> Any:
    """Compile (first use per machine; ~15 s) or load (cached) the C++ kernel."""
    global _ext, _ext_error
    with _lock:
        if _ext is None and _ext_error is None:
            try:
                from torch.utils.cpp_extension import load

                tag, cflags = _build_flags()
                # the source's hash in the name: an edited kernel never loads a stale build
                # (torch's own check hashes sources only within one process; ninja's compares
                # file times)
                digest = hashlib.sha256(CPP_SOURCE.read_bytes()).hexdigest()[:12]
                name = f"laprop_fused_cpu_{tag}_{digest}"
                wait_for_other_build(name)
                _ext = load(name=name, sources=[str(CPP_SOURCE)],
                            extra_cflags=cflags, extra_ldflags=["-fopenmp"], verbose=False)
            except Exception as exc:  # no compiler or ninja, ...
                _ext_error = exc
        if _ext_error is not None:
            raise RuntimeError(f"the fused LaProp CPU kernel could not be built (it needs a C++ "
                               f"compiler and the `ninja` package): {_ext_error}")
        return _ext


_warned = False


def cpu_kernel_available() -> bool:
    """True when the C++ kernel is loaded or can be built now (the first call on a machine
    builds it: about 15 s, then cached). Where it cannot be built, warns once and returns
    False: the default path then runs foreach."""
    global _warned
    try:
        _load_extension()
        return True
    except RuntimeError as exc:
        if not _warned:
            _warned = True
            warnings.warn(f"LaProp: {exc}; the default path uses foreach instead of the fused "
                          f"kernel", RuntimeWarning, stacklevel=4)
        return False


_triton_ok: bool | None = None


def triton_available() -> bool:
    """True when ``triton`` imports (then ``fused=True`` on CUDA runs the Triton kernel, else
    the ``torch.compile`` fallback)."""
    global _triton_ok
    if _triton_ok is None:
        try:
            import triton  # noqa: F401

            _triton_ok = True
        except Exception:
            _triton_ok = False
    return _triton_ok


_FLOAT_DTYPES = (torch.float64, torch.float32, torch.float16, torch.bfloat16)


def _fused_supported(params: list[Tensor]) -> bool:
    """True when every param is a dense, real floating-point tensor (complex ones arrive here
    as real views) on CPU (the C++ kernel) or CUDA (the compiled kernel)."""
    return all(p.dtype in _FLOAT_DTYPES and p.device.type in ("cpu", "cuda")
               and p.layout == torch.strided for p in params)


@step_path
def _fused_laprop(
    params: list[Tensor], grads: list[Tensor], exp_avgs: list[Tensor],
    exp_avg_sqs: list[Tensor], max_exp_avg_sqs: list[Tensor], exp_avg_centers: list[Tensor],
    state_steps: list[Tensor], o: StepOptions,
) -> None:
    """One fused LaProp step (module docstring) over real tensors of one device.

    Increments every ``state_steps`` tensor by one, then updates p, m, n (ṽ, n̄) in place in a
    single pass. Tensors of several dtypes may be mixed; each dtype is one kernel call.
    """
    # o.capturable: steps may live anywhere; o.has_complex: complex ones arrive as real views
    if o.differentiable:
        raise RuntimeError("fused=True does not support differentiable=True")
    if o.eps_mode not in ("inside", "outside"):
        raise ValueError(f"eps_mode must be 'inside' or 'outside', got {o.eps_mode!r}")
    if not params:
        return
    if params[0].device.type != "cpu":
        if params[0].device.type == "cuda" and triton_available():
            from ._triton import triton_update

            lists = (params, grads, exp_avgs, exp_avg_sqs,
                     max_exp_avg_sqs if o.amsgrad else [], exp_avg_centers if o.centered else [])
            fix = _contiguous_or_none(*lists)
            triton_update(*(fix[0] if fix is not None else lists), state_steps,
                          **_kernel_keywords(o, "triton"))
            if fix is not None:
                for dst, src in fix[1]:
                    dst.copy_(src)
            return
        _compiled_update(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs,
                         exp_avg_centers, state_steps, **_kernel_keywords(o, "compiled"))
        return
    if o.found_inf is not None and float(o.found_inf) != 0.0:
        return  # AMP found an inf/NaN gradient: skip the step (the count included)
    scale = 1.0 if o.grad_scale is None else float(o.grad_scale)
    lr_f = float(o.lr)
    ext = _load_extension()
    by_dtype: dict[torch.dtype, list[int]] = {}
    for i, p in enumerate(params):
        by_dtype.setdefault(p.dtype, []).append(i)
    all_lists = (params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs if o.amsgrad else [],
                 exp_avg_centers if o.centered else [], state_steps)
    for idx in by_dtype.values():
        lists = all_lists if len(by_dtype) == 1 else tuple(
            [lst[i] for i in idx] if lst else [] for lst in all_lists)
        fix = _contiguous_or_none(*lists[:6])
        ext.laprop_fused_step(*(fix[0] if fix is not None else lists[:6]), lists[6],
                              float(o.beta1), float(o.beta2), lr_f, float(o.weight_decay),
                              float(o.eps), o.eps_mode == "inside", o.amsgrad, o.centered,
                              o.maximize, int(o.t_init), scale)
        if fix is not None:  # write the results back into the non-contiguous originals
            for dst, src in fix[1]:
                dst.copy_(src)


# the keywords of the one-pass kernels (triton_update, _compiled_update): the StepOptions fields
# that declare the kernel in their paths (laprop._rule.option), less the ones that only the
# dispatch reads; a field that leaves the kernel out never reaches it at a non-neutral value
# (functional.choose_path falls back to the reference)
_DISPATCH_ONLY = ("capturable", "differentiable", "has_complex")


def kernel_keywords(kernel: str) -> tuple[str, ...]:
    """The keywords ``kernel`` (``"triton"`` or ``"compiled"``) takes."""
    return tuple(f.name for f in fields(StepOptions)
                 if kernel in f.metadata["paths"] and f.name not in _DISPATCH_ONLY)


def _kernel_keywords(o: StepOptions, kernel: str) -> dict[str, Any]:
    return {k: getattr(o, k) for k in kernel_keywords(kernel)}


def _contiguous_or_none(*lists: list[Tensor]
                        ) -> tuple[tuple[list[Tensor], ...], list[tuple[Tensor, Tensor]]] | None:
    """None when every tensor is contiguous (the usual case); else contiguous copies of the
    lists and the (original, copy) pairs to write back after the kernel."""
    if all(t.is_contiguous() for lst in lists for t in lst):
        return None
    back: list[tuple[Tensor, Tensor]] = []
    out = []
    for lst in lists:
        new = []
        for t in lst:
            if t.is_contiguous():
                new.append(t)
            else:
                c = t.contiguous()
                back.append((t, c))
                new.append(c)
        out.append(new)
    return tuple(out), back


# ------------------------------------------------------------ accelerators: torch.compile

def laprop_elementwise_(p: Tensor, g: Tensor, m: Tensor, n: Tensor, vm: Tensor | None,
                        nb: Tensor | None, step: Tensor, lr: Tensor, skip: Tensor | None,
                        scale: Tensor | None, *, o: StepOptions) -> None:
    """:func:`laprop._rule.laprop_rule` on flat views, written back in place; ``step`` is the
    (already incremented) 0-dim step count and ``lr`` a 0-dim tensor, so neither forces a
    recompilation. ``skip`` (AMP's found_inf) leaves everything unchanged where nonzero;
    ``scale`` divides the gradient (written back). Under ``torch.compile`` this becomes one
    kernel: each tensor read once and written once."""
    gi = g.to(m.dtype)
    if scale is not None:
        gi = gi / scale.to(m.dtype)
    new = laprop_rule(o, p, gi, m, n, vm, nb, step, lr)
    pairs = [(p, new.param), (m, new.exp_avg), (n, new.exp_avg_sq), (vm, new.max_exp_avg_sq),
             (nb, new.exp_avg_center)]
    if scale is not None:
        pairs.append((g, gi))
    for dst, value in pairs:
        if dst is not None:
            assert value is not None
            if skip is not None:
                value = torch.where(skip == 0, value, dst.to(value.dtype))
            dst.copy_(value)


_compiled: dict[tuple[Any, ...], Callable[..., None]] = {}


def _compiled_update(params: list[Tensor], grads: list[Tensor], exp_avgs: list[Tensor],
                     exp_avg_sqs: list[Tensor], max_exp_avg_sqs: list[Tensor],
                     exp_avg_centers: list[Tensor], state_steps: list[Tensor], *,
                     amsgrad: bool, centered: bool, t_init: int, beta1: float, beta2: float,
                     lr: float | Tensor, weight_decay: float, eps: float, eps_mode: str,
                     maximize: bool, grad_scale: Tensor | None = None,
                     found_inf: Tensor | None = None,
                     compile_fn: Callable[..., Any] | None = None) -> None:
    """Accelerator branch: :func:`laprop_elementwise_` compiled with ``dynamic=True`` once per
    flag combination and reused for every tensor (flat views), without host syncs (steps,
    lr, found_inf stay on the device). ``compile_fn`` replaces ``torch.compile`` (tests)."""
    key = (eps_mode, maximize, amsgrad, centered, float(beta1), float(beta2), float(eps),
           float(weight_decay), int(t_init), grad_scale is not None, found_inf is not None)
    fn = _compiled.get(key) if compile_fn is None else None
    if fn is None:
        # the flags and constants of this kernel (lr, grad_scale, found_inf are its arguments)
        o = StepOptions(amsgrad=amsgrad, centered=centered, t_init=int(t_init),
                        beta1=float(beta1), beta2=float(beta2), lr=0.0,
                        weight_decay=float(weight_decay), eps=float(eps), eps_mode=eps_mode,
                        maximize=maximize)

        def step_fn(*a: Tensor | None) -> None:
            laprop_elementwise_(*a, o=o)

        fn = (compile_fn or (lambda f: torch.compile(f, dynamic=True)))(step_fn)
        if compile_fn is None:
            _compiled[key] = fn
    dev = params[0].device
    lr_t = (lr.to(dev) if isinstance(lr, Tensor)
            else torch.tensor(float(lr), dtype=torch.float64, device=dev))
    if found_inf is not None:  # no host sync: the count moves by 1 - (found_inf != 0)
        found_inf = found_inf.to(dev)
        for s in state_steps:
            s.add_((found_inf == 0).to(s.device, s.dtype))
    else:
        torch._foreach_add_(state_steps, 1)
    for i, p in enumerate(params):
        if p.numel() == 0:
            continue
        flat = [x.view(-1) if x.is_contiguous() else x for x in
                (p, grads[i], exp_avgs[i], exp_avg_sqs[i])]
        vm = max_exp_avg_sqs[i].view(-1) if amsgrad else None
        nb = exp_avg_centers[i].view(-1) if centered else None
        if not all(x.is_contiguous() for x in (p, grads[i], exp_avgs[i], exp_avg_sqs[i])):
            flat = [p, grads[i], exp_avgs[i], exp_avg_sqs[i]]
            vm = max_exp_avg_sqs[i] if amsgrad else None
            nb = exp_avg_centers[i] if centered else None
        fn(*flat, vm, nb, state_steps[i].to(dev), lr_t, found_inf, grad_scale)
