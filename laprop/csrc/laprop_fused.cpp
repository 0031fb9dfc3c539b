// One-pass, multi-tensor LaProp step on CPU (see laprop/_fused.py and docs/optimizer-spec.md).
// Compiled on first use by laprop._fused._load_extension (torch.utils.cpp_extension.load);
// the module's name carries a hash of this file, so an edit here is built afresh.
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
// The headers this file needs, not <torch/extension.h> (the whole C++ frontend): the first
// build takes about 15 s instead of about 40 s on a 2-core machine.
#include <ATen/core/Tensor.h>
#include <torch/csrc/Exceptions.h>  // torch::wrap_pybind_function
#include <torch/csrc/utils/pybind.h>  // the Tensor <-> Python casters

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

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("laprop_fused_step", torch::wrap_pybind_function(laprop_fused_step),
        "One fused LaProp step over lists of CPU tensors (laprop/_fused.py).");
}
