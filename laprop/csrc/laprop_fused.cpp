// One-pass LaProp update over a list of tensors (CPU).
//
// For every element, reads p, g, m, n (and v~, n-bar when enabled) once and writes p, m, n
// (v~, n-bar) once, following docs/optimizer-spec.md:
//
//   n   = nu n + (1 - nu) g^2
//   nb  = nu nb + (1 - nu) g                         (centered)
//   v   = n - nb^2 if centered, t >= t_init and > 0, else n
//   vm  = max(vm, v); v = vm                          (amsgrad)
//   s   = sqrt(v / c_n + eps)  |  sqrt(v / c_n) + eps  (eps inside | outside)
//   m   = mu m + (1 - mu) lr g / s                    (0/0 := 0)
//   p   = (p - m / c_m) (1 - lr w)
//
// P is the param/grad type, S the state/compute type (float for half and bfloat16 params).
#include <torch/extension.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <vector>

namespace {

struct Scalars {
  double beta1, beta2, coef, bc1, bc2, eps, decay;
  bool inside, amsgrad, centered, use_centered, maximize;
};

template <typename P, typename S>
void update_one(at::Tensor& p_t, const at::Tensor& g_t, at::Tensor& m_t, at::Tensor& n_t,
                at::Tensor* vm_t, at::Tensor* nb_t, const Scalars& sc) {
  const int64_t numel = p_t.numel();
  if (numel == 0) return;
  P* p = p_t.data_ptr<P>();
  const P* g = g_t.data_ptr<P>();
  S* m = m_t.data_ptr<S>();
  S* n = n_t.data_ptr<S>();
  S* vm = vm_t ? vm_t->data_ptr<S>() : nullptr;
  S* nb = nb_t ? nb_t->data_ptr<S>() : nullptr;
  const S beta1 = static_cast<S>(sc.beta1), beta2 = static_cast<S>(sc.beta2);
  const S one_m_beta2 = static_cast<S>(1.0 - sc.beta2);
  const S coef = static_cast<S>(sc.coef);
  const S inv_bc1 = static_cast<S>(1.0 / sc.bc1), inv_bc2 = static_cast<S>(1.0 / sc.bc2);
  const S eps = static_cast<S>(sc.eps), decay = static_cast<S>(sc.decay);
  const S sign = sc.maximize ? S(-1) : S(1);
  const bool inside = sc.inside, amsgrad = sc.amsgrad, centered = sc.centered;
  const bool use_centered = sc.use_centered;
  at::parallel_for(0, numel, 16384, [&](int64_t begin, int64_t end) {
    if (!amsgrad && !centered) {
      // the common case, written branch-free so the compiler vectorises it
      for (int64_t i = begin; i < end; ++i) {
        const S gi = sign * static_cast<S>(g[i]);
        const S ni = beta2 * n[i] + one_m_beta2 * gi * gi;
        n[i] = ni;
        const S s = inside ? std::sqrt(ni * inv_bc2 + eps) : std::sqrt(ni * inv_bc2) + eps;
        const S q = s > S(0) ? gi / s : S(0);
        const S mi = beta1 * m[i] + coef * q;
        m[i] = mi;
        p[i] = static_cast<P>((static_cast<S>(p[i]) - mi * inv_bc1) * decay);
      }
      return;
    }
    for (int64_t i = begin; i < end; ++i) {
      const S gi = sign * static_cast<S>(g[i]);
      const S ni = beta2 * n[i] + one_m_beta2 * gi * gi;
      n[i] = ni;
      S v = ni;
      if (centered) {
        const S nbi = beta2 * nb[i] + one_m_beta2 * gi;
        nb[i] = nbi;
        if (use_centered) {
          const S c = ni - nbi * nbi;
          v = c > S(0) ? c : ni;
        }
      }
      if (amsgrad) {
        const S vmi = vm[i] > v ? vm[i] : v;
        vm[i] = vmi;
        v = vmi;
      }
      const S s = inside ? std::sqrt(v * inv_bc2 + eps) : std::sqrt(v * inv_bc2) + eps;
      const S q = s > S(0) ? gi / s : S(0);
      const S mi = beta1 * m[i] + coef * q;
      m[i] = mi;
      p[i] = static_cast<P>((static_cast<S>(p[i]) - mi * inv_bc1) * decay);
    }
  });
}

void laprop_fused_step(std::vector<at::Tensor> params, std::vector<at::Tensor> grads,
                       std::vector<at::Tensor> exp_avgs, std::vector<at::Tensor> exp_avg_sqs,
                       std::vector<at::Tensor> max_exp_avg_sqs,
                       std::vector<at::Tensor> exp_avg_centers, std::vector<double> bc1s,
                       std::vector<double> bc2s, std::vector<bool> use_centered, double beta1,
                       double beta2, double lr, double weight_decay, double eps, bool inside,
                       bool amsgrad, bool centered, bool maximize) {
  const size_t k = params.size();
  TORCH_CHECK(grads.size() == k && exp_avgs.size() == k && exp_avg_sqs.size() == k &&
                  bc1s.size() == k && bc2s.size() == k && use_centered.size() == k,
              "laprop_fused_step: list lengths differ");
  TORCH_CHECK(!amsgrad || max_exp_avg_sqs.size() == k, "amsgrad needs max_exp_avg_sqs");
  TORCH_CHECK(!centered || exp_avg_centers.size() == k, "centered needs exp_avg_centers");
  for (size_t i = 0; i < k; ++i) {
    auto& p = params[i];
    const auto& g = grads[i];
    TORCH_CHECK(p.is_contiguous() && g.is_contiguous() && exp_avgs[i].is_contiguous() &&
                    exp_avg_sqs[i].is_contiguous(),
                "laprop_fused_step: tensors must be contiguous");
    TORCH_CHECK(g.scalar_type() == p.scalar_type(), "grad dtype must equal param dtype");
    Scalars sc{beta1, beta2, (1.0 - beta1) * lr, bc1s[i], bc2s[i], eps,
               1.0 - lr * weight_decay, inside, amsgrad, centered,
               static_cast<bool>(use_centered[i]), maximize};
    at::Tensor* vm = amsgrad ? &max_exp_avg_sqs[i] : nullptr;
    at::Tensor* nb = centered ? &exp_avg_centers[i] : nullptr;
    switch (p.scalar_type()) {
      case at::kDouble:
        update_one<double, double>(p, g, exp_avgs[i], exp_avg_sqs[i], vm, nb, sc);
        break;
      case at::kFloat:
        update_one<float, float>(p, g, exp_avgs[i], exp_avg_sqs[i], vm, nb, sc);
        break;
      case at::kHalf:
        update_one<at::Half, float>(p, g, exp_avgs[i], exp_avg_sqs[i], vm, nb, sc);
        break;
      case at::kBFloat16:
        update_one<at::BFloat16, float>(p, g, exp_avgs[i], exp_avg_sqs[i], vm, nb, sc);
        break;
      default:
        TORCH_CHECK(false, "laprop_fused_step: unsupported dtype ", p.scalar_type());
    }
  }
}

}  // namespace

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("laprop_fused_step", &laprop_fused_step, "one-pass multi-tensor LaProp step (CPU)");
}
