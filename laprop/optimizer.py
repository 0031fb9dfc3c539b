"""``laprop.LaProp``: the LaProp optimizer (Ziyin, Wang & Ueda) for PyTorch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import Tensor
from torch.optim.optimizer import Optimizer

from .functional import laprop, state_dtype

__all__ = ["LaProp"]

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]


def _check_hyper(lr: Any, betas: Any, eps: Any, weight_decay: Any, eps_mode: Any,
                 t_init: Any) -> None:
    """Raise ValueError naming the parameter and the value for any bad hyperparameter."""
    if isinstance(lr, Tensor):
        if lr.numel() != 1:
            raise ValueError(f"Tensor lr must have exactly one element, got shape "
                             f"{tuple(lr.shape)}")
        lr_value = float(lr.item())
    else:
        lr_value = lr
    if not isinstance(lr_value, (int, float)) or not lr_value >= 0.0:
        raise ValueError(f"Invalid learning rate: {lr!r} (must be >= 0)")
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"Invalid betas: {betas!r} (must be a pair (beta1, beta2))")
    for i, b in enumerate(betas):
        if isinstance(b, Tensor):
            raise ValueError(f"Invalid beta parameter at index {i}: tensor betas are not "
                             f"supported, got {b!r}")
        if not isinstance(b, (int, float)) or not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b!r} (must be in [0, 1))")
    if not isinstance(eps, (int, float)) or not eps >= 0.0:
        raise ValueError(f"Invalid epsilon value: {eps!r} (must be >= 0)")
    if not isinstance(weight_decay, (int, float)) or not weight_decay >= 0.0:
        raise ValueError(f"Invalid weight_decay value: {weight_decay!r} (must be >= 0)")
    if eps_mode not in ("inside", "outside"):
        raise ValueError(f"Invalid eps_mode: {eps_mode!r} (must be 'inside' or 'outside')")
    if isinstance(t_init, bool) or not isinstance(t_init, int) or t_init < 1:
        raise ValueError(f"Invalid t_init: {t_init!r} (must be an integer >= 1)")


class LaProp(Optimizer):
    r"""LaProp: momentum over the adaptively normalised gradient (paper: Algorithms 1-4).

    Per element, at step :math:`t` (counted from 1), with :math:`\mu = \beta_1`,
    :math:`\nu = \beta_2`, :math:`\lambda_t` = ``lr`` and :math:`w` = ``weight_decay``::

        n_t = ν n_{t−1} + (1 − ν) g_t²                                 (Alg. 1)
        n̄_t = ν n̄_{t−1} + (1 − ν) g_t                                  (Alg. 4, centered=True)
        v_t = n_t − n̄_t²   if centered, t ≥ t_init and n_t − n̄_t² > 0
              n_t          otherwise
        ṽ_t = max(ṽ_{t−1}, v_t)                                        (Alg. 3, amsgrad=True)
        s_t = sqrt(ṽ_t / c_n + ε)        eps_mode="inside"  (default, the paper)
              sqrt(ṽ_t / c_n) + ε        eps_mode="outside" (the authors' code, timm)
        m_t = μ m_{t−1} + (1 − μ) λ_t g_t / s_t                       (λ_t inside the momentum)
        θ_{t+1} = (θ_t − m_t / c_m) · (1 − λ_t w)                      (Alg. 2, LaPropW)

    with bias corrections c_m = 1 − μ^t and c_n = 1 − ν^t, and m_0 = n_0 = n̄_0 = ṽ_0 = 0.

    Unlike Adam, the adaptive normalisation is applied to each gradient *before* it enters the
    momentum, so the momentum is never rescaled by later preconditioners and every update is
    bounded: |m_t / c_m| ≤ λ / sqrt(1 − ν) (Proposition 1) whatever μ is.

    Args:
        params: parameters or param groups (dicts), as for any torch optimizer.
        lr: λ, a float or a 0-dim tensor (default 4e-4, the paper's recommendation). A
            tensor lr works on every path, capturable or not (unlike ``torch.optim.Adam``,
            whose foreach path needs ``capturable=True`` for it).
        betas: (μ, ν), each in [0, 1) (default (0.9, 0.999); the paper recommends
            μ = 0.8-0.9, ν = 0.95-0.999, and ν = 0-0.9 for noisy tasks).
        eps: ε ≥ 0 (default 1e-15, the paper's).
        weight_decay: w ≥ 0, decoupled as in LaPropW (Algorithm 2). The decay *scales with the
            learning rate*: after the update the parameter is multiplied by (1 − lr · w), so
            the paper's w_t equals ``lr * weight_decay`` (the AdamW convention).
        amsgrad: AmsProp (Algorithm 3): the running maximum of the second moment.
        centered: centered LaProp (Algorithm 4). Before step ``t_init`` it runs plain LaProp
            (the paper's second option). Where the centered second moment is ≤ 0 (exactly 0
            only when every gradient so far is 0; negative only by cancellation in floating
            point) the element falls back to the uncentered n_t, so no NaN or Inf arises.
        t_init: first step of centering (default 10).
        eps_mode: where ε goes. "inside" (the paper): s = sqrt(v/c_n + ε), a floor of
            sqrt(ε) ≈ 3.2e-8 for ε = 1e-15. "outside" (the authors' public code and timm):
            s = sqrt(v/c_n) + ε, a floor of ε = 1e-15. Near zero gradients the two differ by
            orders of magnitude: with g = 1e-10 at t = 1 the inside step moves θ by
            ≈ 3.2e-3·λ, the outside one by ≈ λ (a near-sign update).
        maximize: maximise the objective instead of minimising it.
        foreach: ``True``: the multi-tensor ``torch._foreach_*`` path (also the default when
            neither flag is given, as in ``torch.optim.Adam``); ``False``: the single-tensor
            reference path.
        fused: the one-pass kernel (C++ on CPU, built on first use, about 45 s once per
            machine and cached; ``torch.compile`` on accelerators). Fastest; see
            ``python -m laprop.bench``. Plain dense float/complex params on one device; not
            for tensor subclasses such as FSDP2's DTensor. All paths compute the same update.
        capturable: keep the step count on the device and compute bias corrections there
            (for CUDA graphs).
        differentiable: let autograd flow through the step (single-tensor path only).

    Precision: float64 and float32 params keep their state (m, n, n̄, ṽ) in their own dtype.
    float16 and bfloat16 params keep all state in float32 and compute the update in float32,
    rounding once into the param: ε = 1e-15 and g² would underflow or overflow in half
    precision (an all-zero gradient would then give 0/0 = NaN).

    The 0/0 that arises when ε = 0 and every gradient so far is 0 is defined as 0.
    """

    def __init__(
        self, params: ParamsT, lr: float | Tensor = 4e-4, betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-15, weight_decay: float = 0.0, *, amsgrad: bool = False,
        centered: bool = False, t_init: int = 10, eps_mode: str = "inside",
        maximize: bool = False, foreach: bool | None = None, fused: bool | None = None,
        capturable: bool = False, differentiable: bool = False,
    ) -> None:
        _check_hyper(lr, betas, eps, weight_decay, eps_mode, t_init)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot both be True")
        if fused and differentiable:
            raise RuntimeError("`fused=True` does not support `differentiable=True`")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, centered=centered, t_init=t_init, eps_mode=eps_mode,
                        maximize=maximize, foreach=foreach, fused=fused,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)
        for group in self.param_groups:
            _check_hyper(group["lr"], group["betas"], group["eps"], group["weight_decay"],
                         group["eps_mode"], group["t_init"])
            if group["fused"]:
                self._check_fused_group(group)

    @staticmethod
    def _check_fused_group(group: dict[str, Any]) -> None:
        from ._fused import _fused_supported

        params = group["params"]
        subclasses = sorted({type(p).__name__ for p in params
                             if type(p) not in (Tensor, torch.nn.Parameter)})
        if subclasses:
            raise RuntimeError(f"fused=True supports plain tensors only, got {subclasses} "
                               f"(e.g. FSDP2's DTensor): use foreach=True or the default")
        devices = {p.device for p in params}
        if len(devices) > 1:
            raise RuntimeError(f"fused=True requires all params of a group on one device, "
                               f"got {sorted(str(d) for d in devices)}")
        if not _fused_supported([torch.view_as_real(p) if p.is_complex() else p
                                 for p in params]):
            bad = sorted({f"{p.dtype}@{p.device}" for p in params})
            raise RuntimeError(f"fused=True supports dense floating-point params on CPU or "
                               f"CUDA, got {bad}")

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("centered", False)
            group.setdefault("t_init", 10)
            group.setdefault("eps_mode", "inside")
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("fused", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            for p in group["params"]:
                st = self.state.get(p, {})
                if st and not torch.is_tensor(st.get("step")):
                    st["step"] = torch.tensor(float(st["step"]), dtype=torch.float32)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state dict (as ``torch.optim.Optimizer.load_state_dict``), keeping the
        float32 state of float16/bfloat16 params in float32: the base class casts every
        floating state tensor to the param's dtype, which would round m, n, n̄, ṽ to half
        precision and break bitwise resumption."""
        saved_state = state_dict["state"]
        super().load_state_dict(state_dict)
        params = [p for g in self.param_groups for p in g["params"]]
        for idx, saved in saved_state.items():
            if not isinstance(idx, int) or idx >= len(params):
                continue
            p = params[idx]
            if p.dtype not in (torch.float16, torch.bfloat16) or p not in self.state:
                continue
            for key, value in saved.items():
                if key != "step" and torch.is_tensor(value) and value.is_floating_point():
                    self.state[p][key] = value.to(device=p.device, dtype=state_dtype(p),
                                                  copy=True)

    def _init_group(self, group: dict[str, Any], params: list[Tensor], grads: list[Tensor],
                    exp_avgs: list[Tensor], exp_avg_sqs: list[Tensor],
                    max_exp_avg_sqs: list[Tensor], exp_avg_centers: list[Tensor],
                    state_steps: list[Tensor]) -> bool:
        has_complex = False
        devices = set()
        for p in group["params"]:
            if p.grad is None:
                continue
            if p.grad.is_sparse:
                raise RuntimeError("LaProp does not support sparse gradients")
            devices.add(p.device)
            has_complex |= torch.is_complex(p)
            params.append(p)
            grads.append(p.grad)
            state = self.state[p]
            if len(state) == 0:
                on_device = group["capturable"] or group["fused"]
                state["step"] = torch.zeros((), dtype=torch.float32,
                                            device=p.device if on_device else "cpu")
                sd = state_dtype(p) if not torch.is_complex(p) else p.dtype
                state["exp_avg"] = torch.zeros_like(p, dtype=sd,
                                                    memory_format=torch.preserve_format)
                state["exp_avg_sq"] = torch.zeros_like(p, dtype=sd,
                                                       memory_format=torch.preserve_format)
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = torch.zeros_like(
                        p, dtype=sd, memory_format=torch.preserve_format)
                if group["centered"]:
                    state["exp_avg_center"] = torch.zeros_like(
                        p, dtype=sd, memory_format=torch.preserve_format)
            exp_avgs.append(state["exp_avg"])
            exp_avg_sqs.append(state["exp_avg_sq"])
            if group["amsgrad"]:
                max_exp_avg_sqs.append(state["max_exp_avg_sq"])
            if group["centered"]:
                exp_avg_centers.append(state["exp_avg_center"])
            state_steps.append(state["step"])
        if group["fused"] and len(devices) > 1:
            raise RuntimeError(f"fused=True requires all params on one device, got "
                               f"{sorted(str(d) for d in devices)}")
        return has_complex

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Perform one optimisation step; ``closure`` re-evaluates the model and returns the
        loss (optional)."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params: list[Tensor] = []
            grads: list[Tensor] = []
            exp_avgs: list[Tensor] = []
            exp_avg_sqs: list[Tensor] = []
            max_exp_avg_sqs: list[Tensor] = []
            exp_avg_centers: list[Tensor] = []
            state_steps: list[Tensor] = []
            has_complex = self._init_group(group, params, grads, exp_avgs, exp_avg_sqs,
                                           max_exp_avg_sqs, exp_avg_centers, state_steps)
            if not params:
                continue
            beta1, beta2 = group["betas"]
            with torch.set_grad_enabled(group["differentiable"]):
                laprop(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, exp_avg_centers,
                       state_steps, foreach=group["foreach"], fused=group["fused"],
                       amsgrad=group["amsgrad"], centered=group["centered"],
                       t_init=group["t_init"], beta1=beta1, beta2=beta2, lr=group["lr"],
                       weight_decay=group["weight_decay"], eps=group["eps"],
                       eps_mode=group["eps_mode"], maximize=group["maximize"],
                       capturable=group["capturable"],
                       differentiable=group["differentiable"], has_complex=has_complex)
        return loss
