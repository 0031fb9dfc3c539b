"""The fused LaProp path: one pass over memory per step.

On CPU the update runs in a C++ kernel (:data:`_CPP_SOURCE`) compiled on first use with
``torch.utils.cpp_extension.load_inline`` (gcc + ninja; cached under
``~/.cache/torch_extensions``, so later processes load it in well under a second). In one call
it updates every tensor of the step: the elements of all tensors are cut into chunks of whole
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

import threading
import warnings
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

_CPP_SOURCE = r"""
// One-pass, multi-tensor LaProp step on CPU (see laprop/_fused.py and docs/optimizer-spec.md).
//
// Per element, with g <- g / grad_scale (written back) and g <- -g when maximizing:
//   n  = nu n + (1 - nu) g^2
//   nb = nu nb + (1 - nu) g                                  (centered)
//   v  = n - nb^2 if centered, t >= t_init and n - nb^2 > 0, else n
//   vm = max(vm, v); v = vm                                  (amsgrad)
//   s  = sqrt(v / c_n + eps_in) + eps_out    (one of eps_in, eps_out is eps, the other 0)
//   m  = mu m + (1 - mu) lr (g / s)          (g / s := 0 where s == 0; NaN propagates)
//   p  = (p - m / c_m) (1 - lr w)
// P is the param/grad type; S the state and compute type (float for Half and BFloat16).
// Work is cut into chunks of whole vectors across all tensors and spread over threads.
#include <ATen/Parallel.h>
#include <ATen/cpu/vec/functional.h>
#include <ATen/cpu/vec/vec.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using at::vec::Vectorized;

struct Flags {
  bool amsgrad, centered, maximize, scaled;
};

template <typename S>
struct Consts {
  using V = Vectorized<S>;
  V beta1, beta2, one_m_beta2, coef, inv_bc1, inv_bc2, eps_in, eps_out, decay, scale;
  bool use_centered;
};

// The update of `cnt` (<= V::size()) elements: p and g in, new p out; m, n, vm, nb in place.
template <typename S>
inline Vectorized<S> update(Vectorized<S> p, Vectorized<S> g, S* m, S* n, S* vm, S* nb,
                            int64_t cnt, const Flags& f, const Consts<S>& k) {
  using V = Vectorized<S>;
  const bool full = cnt == V::size();
  auto load = [&](const S* ptr) { return full ? V::loadu(ptr) : V::loadu(ptr, cnt); };
  auto store = [&](const V& v, S* ptr) {
    if (full) v.store(ptr); else v.store(ptr, static_cast<int>(cnt));
  };
  const V nv = k.beta2 * load(n) + k.one_m_beta2 * g * g;
  store(nv, n);
  V v = nv;
  if (f.centered) {
    const V nbv = k.beta2 * load(nb) + k.one_m_beta2 * g;
    store(nbv, nb);
    if (k.use_centered) {
      const V c = nv - nbv * nbv;
      v = V::blendv(nv, c, c > V(S(0)));
    }
  }
  if (f.amsgrad) {
    v = at::vec::maximum(load(vm), v);
    store(v, vm);
  }
  const V s = (v * k.inv_bc2 + k.eps_in).sqrt() + k.eps_out;
  const V q = V::blendv(g / s, V(S(0)), s == V(S(0)));
  const V mv = k.beta1 * load(m) + k.coef * q;
  store(mv, m);
  return (p - mv * k.inv_bc1) * k.decay;
}

struct Chunk {
  int64_t tensor, begin, end;
};

template <typename P>
void run_chunk(const Chunk& c, P* p, P* g, void* m_, void* n_, void* vm_, void* nb_,
               const Flags& f, const Consts<std::conditional_t<std::is_same_v<P, double>,
                                                               double, float>>& k) {
  using S = std::conditional_t<std::is_same_v<P, double>, double, float>;
  using V = Vectorized<S>;
  S* m = static_cast<S*>(m_);
  S* n = static_cast<S*>(n_);
  S* vm = static_cast<S*>(vm_);
  S* nb = static_cast<S*>(nb_);
  auto off = [](S* ptr, int64_t i) { return ptr ? ptr + i : nullptr; };
  if constexpr (std::is_same_v<P, S>) {
    for (int64_t i = c.begin; i < c.end; i += V::size()) {
      const int64_t cnt = std::min<int64_t>(V::size(), c.end - i);
      const bool full = cnt == V::size();
      V gv = full ? V::loadu(g + i) : V::loadu(g + i, cnt);
      if (f.scaled) {
        gv = gv / k.scale;
        if (full) gv.store(g + i); else gv.store(g + i, static_cast<int>(cnt));
      }
      if (f.maximize) gv = gv.neg();
      const V pv = full ? V::loadu(p + i) : V::loadu(p + i, cnt);
      const V r = update<S>(pv, gv, m + i, n + i, off(vm, i), off(nb, i), cnt, f, k);
      if (full) r.store(p + i); else r.store(p + i, static_cast<int>(cnt));
    }
  } else {
    using VP = Vectorized<P>;
    constexpr int64_t W = V::size();
    for (int64_t i = c.begin; i < c.end; i += VP::size()) {
      const int64_t cnt = std::min<int64_t>(VP::size(), c.end - i);
      const bool full = cnt == VP::size();
      const VP gp = full ? VP::loadu(g + i) : VP::loadu(g + i, cnt);
      auto [g0, g1] = at::vec::convert_to_float<P>(gp);
      if (f.scaled) {
        g0 = g0 / k.scale;
        g1 = g1 / k.scale;
        const VP gs = at::vec::convert_from_float<P>(g0, g1);
        if (full) gs.store(g + i); else gs.store(g + i, static_cast<int>(cnt));
      }
      if (f.maximize) {
        g0 = g0.neg();
        g1 = g1.neg();
      }
      const VP pp = full ? VP::loadu(p + i) : VP::loadu(p + i, cnt);
      auto [p0, p1] = at::vec::convert_to_float<P>(pp);
      const int64_t c0 = std::min<int64_t>(W, cnt), c1 = cnt - c0;
      V r0 = update<S>(p0, g0, m + i, n + i, off(vm, i), off(nb, i), c0, f, k);
      V r1 = p1;
      if (c1 > 0) {
        r1 = update<S>(p1, g1, m + i + W, n + i + W, off(vm, i + W), off(nb, i + W), c1, f,
                       k);
      }
      const VP out = at::vec::convert_from_float<P>(r0, r1);
      if (full) out.store(p + i); else out.store(p + i, static_cast<int>(cnt));
    }
  }
}

template <typename P>
void step_dtype(std::vector<at::Tensor>& ps, std::vector<at::Tensor>& gs,
                std::vector<at::Tensor>& ms, std::vector<at::Tensor>& ns,
                std::vector<at::Tensor>& vms, std::vector<at::Tensor>& nbs,
                const std::vector<double>& bc1, const std::vector<double>& bc2,
                const std::vector<bool>& use_centered, double beta1, double beta2, double lr,
                double weight_decay, double eps, bool inside, const Flags& f, double scale) {
  using S = std::conditional_t<std::is_same_v<P, double>, double, float>;
  using V = Vectorized<S>;
  const int64_t k = static_cast<int64_t>(ps.size());
  std::vector<Consts<S>> consts;
  consts.reserve(k);
  for (int64_t i = 0; i < k; ++i) {
    consts.push_back(Consts<S>{
        V(static_cast<S>(beta1)), V(static_cast<S>(beta2)), V(static_cast<S>(1.0 - beta2)),
        V(static_cast<S>((1.0 - beta1) * lr)), V(static_cast<S>(1.0 / bc1[i])),
        V(static_cast<S>(1.0 / bc2[i])), V(static_cast<S>(inside ? eps : 0.0)),
        V(static_cast<S>(inside ? 0.0 : eps)), V(static_cast<S>(1.0 - lr * weight_decay)),
        V(static_cast<S>(scale)), static_cast<bool>(use_centered[i])});
  }
  // chunks of whole vectors, so that every thread gets work even for one large tensor and
  // small tensors are batched together
  constexpr int64_t kChunk = 1 << 15;
  std::vector<Chunk> chunks;
  for (int64_t i = 0; i < k; ++i) {
    const int64_t numel = ps[i].numel();
    for (int64_t b = 0; b < numel; b += kChunk) {
      chunks.push_back({i, b, std::min(numel, b + kChunk)});
    }
  }
  auto ptr = [](std::vector<at::Tensor>& v, int64_t i) -> void* {
    return v.empty() ? nullptr : v[i].data_ptr();
  };
  at::parallel_for(0, static_cast<int64_t>(chunks.size()), 1, [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      const int64_t i = chunks[c].tensor;
      run_chunk<P>(chunks[c], static_cast<P*>(ps[i].data_ptr()),
                   static_cast<P*>(gs[i].data_ptr()), ptr(ms, i), ptr(ns, i), ptr(vms, i),
                   ptr(nbs, i), f, consts[i]);
    }
  });
}

}  // namespace

void laprop_fused_step(std::vector<at::Tensor> params, std::vector<at::Tensor> grads,
                       std::vector<at::Tensor> exp_avgs, std::vector<at::Tensor> exp_avg_sqs,
                       std::vector<at::Tensor> max_exp_avg_sqs,
                       std::vector<at::Tensor> exp_avg_centers, std::vector<at::Tensor> steps,
                       double beta1, double beta2, double lr, double weight_decay, double eps,
                       bool inside, bool amsgrad, bool centered, bool maximize, int64_t t_init,
                       double grad_scale) {
  const size_t k = params.size();
  TORCH_CHECK(grads.size() == k && exp_avgs.size() == k && exp_avg_sqs.size() == k &&
                  steps.size() == k,
              "laprop_fused_step: list lengths differ");
  TORCH_CHECK(amsgrad ? max_exp_avg_sqs.size() == k : max_exp_avg_sqs.empty(),
              "laprop_fused_step: max_exp_avg_sqs must match amsgrad");
  TORCH_CHECK(centered ? exp_avg_centers.size() == k : exp_avg_centers.empty(),
              "laprop_fused_step: exp_avg_centers must match centered");
  if (k == 0) return;
  const auto dtype = params[0].scalar_type();
  const auto sdtype = dtype == at::kDouble ? at::kDouble : at::kFloat;
  for (size_t i = 0; i < k; ++i) {
    TORCH_CHECK(params[i].scalar_type() == dtype && grads[i].scalar_type() == dtype,
                "laprop_fused_step: params and grads of one call must share one dtype");
    TORCH_CHECK(params[i].device().is_cpu() && params[i].is_contiguous() &&
                    grads[i].is_contiguous() && grads[i].numel() == params[i].numel(),
                "laprop_fused_step: params and grads must be contiguous CPU tensors");
    auto check_state = [&](const at::Tensor& s) {
      TORCH_CHECK(s.scalar_type() == sdtype && s.is_contiguous() &&
                      s.numel() == params[i].numel(),
                  "laprop_fused_step: state must be contiguous ", sdtype);
    };
    check_state(exp_avgs[i]);
    check_state(exp_avg_sqs[i]);
    if (amsgrad) check_state(max_exp_avg_sqs[i]);
    if (centered) check_state(exp_avg_centers[i]);
  }
  // t <- t + 1 for every step tensor, then the bias corrections of the new t
  std::vector<double> bc1s(k), bc2s(k);
  std::vector<bool> use_centered(k);
  for (size_t i = 0; i < k; ++i) {
    at::Tensor& st = steps[i];
    double t;
    if (st.device().is_cpu() && st.scalar_type() == at::kFloat && st.numel() == 1) {
      float* sp = st.data_ptr<float>();
      *sp += 1.0f;
      t = *sp;
    } else {
      st.add_(1);
      t = st.item<double>();
    }
    bc1s[i] = 1.0 - std::pow(beta1, t);
    bc2s[i] = 1.0 - std::pow(beta2, t);
    use_centered[i] = t >= static_cast<double>(t_init);
  }
  const Flags f{amsgrad, centered, maximize, grad_scale != 1.0};
  auto go = [&](auto tag) {
    using P = decltype(tag);
    step_dtype<P>(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, exp_avg_centers,
                  bc1s, bc2s, use_centered, beta1, beta2, lr, weight_decay, eps, inside, f,
                  grad_scale);
  };
  switch (dtype) {
    case at::kDouble: go(double{}); break;
    case at::kFloat: go(float{}); break;
    case at::kHalf: go(at::Half{}); break;
    case at::kBFloat16: go(at::BFloat16{}); break;
    default: TORCH_CHECK(false, "laprop_fused_step: unsupported dtype ", dtype);
  }
}
"""

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


def _load_extension() -> Any:
    """Compile (first use per machine; ~40 s) or load (cached) the C++ kernel."""
    global _ext, _ext_error
    with _lock:
        if _ext is None and _ext_error is None:
            try:
                from torch.utils.cpp_extension import load_inline

                tag, cflags = _build_flags()
                _ext = load_inline(name=f"laprop_fused_cpu_{tag}", cpp_sources=[_CPP_SOURCE],
                                   functions=["laprop_fused_step"], extra_cflags=cflags,
                                   extra_ldflags=["-fopenmp"], verbose=False)
            except Exception as exc:  # no compiler or ninja, ...
                _ext_error = exc
        if _ext_error is not None:
            raise RuntimeError(f"the fused LaProp CPU kernel could not be built (it needs a C++ "
                               f"compiler and the `ninja` package): {_ext_error}")
        return _ext


_warned = False


def cpu_kernel_available() -> bool:
    """True when the C++ kernel is loaded or can be built now (the first call on a machine
    builds it: about 45 s, then cached). Where it cannot be built, warns once and returns
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


def _fused_laprop(
    params: list[Tensor], grads: list[Tensor], exp_avgs: list[Tensor],
    exp_avg_sqs: list[Tensor], max_exp_avg_sqs: list[Tensor], exp_avg_centers: list[Tensor],
    state_steps: list[Tensor], *, amsgrad: bool, centered: bool, t_init: int, beta1: float,
    beta2: float, lr: float | Tensor, weight_decay: float, eps: float, eps_mode: str,
    maximize: bool, capturable: bool, differentiable: bool, has_complex: bool,
    grad_scale: Tensor | None, found_inf: Tensor | None,
) -> None:
    """One fused LaProp step (module docstring) over real tensors of one device.

    Increments every ``state_steps`` tensor by one, then updates p, m, n (ṽ, n̄) in place in a
    single pass. Tensors of several dtypes may be mixed; each dtype is one kernel call.
    """
    del capturable, has_complex  # steps may live anywhere; complex arrive as real views
    if differentiable:
        raise RuntimeError("fused=True does not support differentiable=True")
    if eps_mode not in ("inside", "outside"):
        raise ValueError(f"eps_mode must be 'inside' or 'outside', got {eps_mode!r}")
    if not params:
        return
    if params[0].device.type != "cpu":
        if params[0].device.type == "cuda" and triton_available():
            from ._triton import triton_update

            lists = (params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs if amsgrad else [],
                     exp_avg_centers if centered else [])
            fix = _contiguous_or_none(*lists)
            triton_update(*(fix[0] if fix is not None else lists), state_steps,
                          amsgrad=amsgrad, centered=centered, t_init=t_init, beta1=beta1,
                          beta2=beta2, lr=lr, weight_decay=weight_decay, eps=eps,
                          eps_mode=eps_mode, maximize=maximize, grad_scale=grad_scale,
                          found_inf=found_inf)
            if fix is not None:
                for dst, src in fix[1]:
                    dst.copy_(src)
            return
        _compiled_update(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs,
                         exp_avg_centers, state_steps, amsgrad=amsgrad, centered=centered,
                         t_init=t_init, beta1=beta1, beta2=beta2, lr=lr,
                         weight_decay=weight_decay, eps=eps, eps_mode=eps_mode,
                         maximize=maximize, grad_scale=grad_scale, found_inf=found_inf)
        return
    if found_inf is not None and float(found_inf) != 0.0:
        return  # AMP found an inf/NaN gradient: skip the step (the count included)
    scale = 1.0 if grad_scale is None else float(grad_scale)
    lr_f = float(lr)
    ext = _load_extension()
    by_dtype: dict[torch.dtype, list[int]] = {}
    for i, p in enumerate(params):
        by_dtype.setdefault(p.dtype, []).append(i)
    all_lists = (params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs if amsgrad else [],
                 exp_avg_centers if centered else [], state_steps)
    for idx in by_dtype.values():
        lists = all_lists if len(by_dtype) == 1 else tuple(
            [lst[i] for i in idx] if lst else [] for lst in all_lists)
        fix = _contiguous_or_none(*lists[:6])
        ext.laprop_fused_step(*(fix[0] if fix is not None else lists[:6]), lists[6],
                              float(beta1), float(beta2), lr_f, float(weight_decay),
                              float(eps), eps_mode == "inside", amsgrad, centered, maximize,
                              int(t_init), scale)
        if fix is not None:  # write the results back into the non-contiguous originals
            for dst, src in fix[1]:
                dst.copy_(src)


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
                        scale: Tensor | None, *, beta1: float, beta2: float, eps: float,
                        weight_decay: float, t_init: int, inside: bool, maximize: bool
                        ) -> None:
    """The update of the module docstring as tensor math on flat views, in place; ``step`` is
    the (already incremented) 0-dim step count and ``lr`` a 0-dim tensor, so neither forces a
    recompilation. ``skip`` (AMP's found_inf) leaves everything unchanged where nonzero;
    ``scale`` divides the gradient (written back). Under ``torch.compile`` this becomes one
    kernel: each tensor read once and written once."""
    sd = m.dtype
    t = step.to(sd)
    gi = g.to(sd)
    if scale is not None:
        gi = gi / scale.to(sd)
    g_out = gi
    if maximize:
        gi = -gi
    c_m = 1 - beta1 ** t
    c_n = 1 - beta2 ** t
    n_new = beta2 * n + (1 - beta2) * gi * gi
    v = n_new
    nb_new = None
    if nb is not None:
        nb_new = beta2 * nb + (1 - beta2) * gi
        c = n_new - nb_new * nb_new
        v = torch.where((c > 0) & (t >= t_init), c, n_new)
    vm_new = None
    if vm is not None:
        vm_new = torch.maximum(vm, v)
        v = vm_new
    s = torch.sqrt(v / c_n + eps) if inside else torch.sqrt(v / c_n) + eps
    q = torch.where(s == 0, torch.zeros_like(gi), gi / s)
    lr_s = lr.to(sd)
    m_new = beta1 * m + ((1 - beta1) * lr_s) * q
    p_new = (p.to(sd) - m_new / c_m) * (1 - lr_s * weight_decay)
    pairs = [(p, p_new), (m, m_new), (n, n_new), (vm, vm_new), (nb, nb_new)]
    if scale is not None:
        pairs.append((g, g_out))
    for dst, new in pairs:
        if dst is not None:
            if skip is not None:
                new = torch.where(skip == 0, new, dst.to(new.dtype))
            dst.copy_(new)


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
        def step_fn(*a: Tensor | None) -> None:
            laprop_elementwise_(*a, beta1=beta1, beta2=beta2, eps=eps,
                                weight_decay=weight_decay, t_init=t_init,
                                inside=eps_mode == "inside", maximize=maximize)

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
