"""``laprop.Adai`` and ``laprop.AdaiW``: adaptive inertia (Xie et al.), the peer optimizer.

Per element, at step t, with β0, β2, ε, λ = lr::

    v_t  = β2 v_{t−1} + (1 − β2) g_t²,        v̂_t = v_t / (1 − β2^t)
    v̄_t  = mean of v̂_t over every element of every parameter of the optimizer
    β1_t = clip(1 − β0 v̂_t / v̄_t, 0, 1 − ε)   (parameter-wise adaptive inertia)
    m_t  = β1_t m_{t−1} + (1 − β1_t) g_t,      P_t = P_{t−1} β1_t  (P_0 = 1)
    θ_{t+1} = θ_t − λ m_t / (1 − P_t)

Weight decay: ``Adai`` adds w θ_t to the gradient (L2); ``AdaiW`` decouples it,
θ_{t+1} ← θ_{t+1} − λ w θ_t. When every v̂ is 0 (all gradients zero so far) v̂/v̄ is taken as 1.
The same rule is ``laprop_theory.recurrences.Adai``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import Tensor
from torch.optim.optimizer import Optimizer

from ._signature import fill_arg_docs
from .functional import state_dtype

__all__ = ["Adai", "AdaiW"]


def _real(x: Tensor) -> Tensor:
    return torch.view_as_real(x) if torch.is_complex(x) else x


class Adai(Optimizer):
    """Adaptive inertia (see the module docstring for the update).

    Args:
        params: parameters or param groups.
        lr: λ ≥ 0 (default 1.0, Adai's reference default).
        betas: (β0, β2): β0 ≥ 0 scales the adaptive inertia, β2 ∈ [0, 1) averages g².
            Defaults (0.1, 0.99).
        eps: ε ∈ [0, 1): β1_t is clipped to at most 1 − ε (default 1e-3).
        weight_decay: w ≥ 0; L2 for ``Adai``, decoupled (θ ← θ − λ w θ) for ``AdaiW``.
        decoupled: decoupled weight decay (``AdaiW`` sets it).
        {maximize}

    State (per param): ``step``, ``exp_avg`` (m), ``exp_avg_sq`` (v), ``beta1_prod`` (P), kept
    in float32 for float16/bfloat16 params and in the param dtype otherwise.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict[str, Any]], lr: float = 1.0,
                 betas: tuple[float, float] = (0.1, 0.99), eps: float = 1e-3,
                 weight_decay: float = 0.0, *, decoupled: bool = False,
                 maximize: bool = False) -> None:
        if not isinstance(lr, (int, float)) or not lr >= 0.0:
            raise ValueError(f"Invalid learning rate: {lr!r} (must be a float >= 0)")
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Invalid betas: {betas!r} (must be a pair (beta0, beta2))")
        if not betas[0] >= 0.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]!r} (must be >= 0)")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]!r} "
                             f"(must be in [0, 1))")
        if not 0.0 <= eps < 1.0:
            raise ValueError(f"Invalid epsilon value: {eps!r} (must be in [0, 1))")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay!r} (must be >= 0)")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        decoupled=decoupled, maximize=maximize)
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("decoupled", False)
            group.setdefault("maximize", False)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One Adai step. Two passes: the second moments of *all* params first (their global
        mean v̄ sets every β1), then the momentum and parameter updates."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        work = []  # (group, param view, grad view, state)
        total, count = None, 0
        for group in self.param_groups:
            beta2 = group["betas"][1]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise RuntimeError("Adai does not support sparse gradients")
                state = self.state[p]
                if len(state) == 0:
                    sd = state_dtype(p) if not torch.is_complex(p) else p.dtype
                    state["step"] = torch.zeros((), dtype=torch.float32)
                    state["exp_avg"] = torch.zeros_like(p, dtype=sd)
                    state["exp_avg_sq"] = torch.zeros_like(p, dtype=sd)
                    state["beta1_prod"] = torch.ones_like(p, dtype=sd)
                pv, gv = _real(p), _real(p.grad)
                sd = _real(state["exp_avg"]).dtype
                g = gv.to(sd)
                if group["maximize"]:
                    g = -g
                if group["weight_decay"] != 0 and not group["decoupled"]:
                    g = g + group["weight_decay"] * pv.to(sd)
                state["step"] += 1
                t = int(state["step"].item())
                v = _real(state["exp_avg_sq"])
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                vhat = v / (1 - beta2**t)
                s = vhat.sum(dtype=torch.float64)
                total = s if total is None else total + s.to(total.device)
                count += vhat.numel()
                work.append((group, p, pv, g, vhat, state))
        if not work:
            return loss
        vbar = total / max(count, 1)
        for group, _p, pv, g, vhat, state in work:
            beta0 = group["betas"][0]
            eps, lr, wd = group["eps"], group["lr"], group["weight_decay"]
            vb = vbar.to(vhat.device, vhat.dtype)
            ratio = torch.where(vb > 0, vhat / vb, torch.ones_like(vhat))
            beta1 = (1 - beta0 * ratio).clamp(0.0, 1 - eps)
            m = _real(state["exp_avg"])
            prod = _real(state["beta1_prod"])
            m.mul_(beta1).add_((1 - beta1) * g)
            prod.mul_(beta1)
            new = pv.to(m.dtype)
            if wd != 0 and group["decoupled"]:
                new = new - lr * wd * new
            new = new - lr * m / (1 - prod)
            pv.copy_(new.to(pv.dtype))
        return loss


class AdaiW(Adai):
    """Adai with decoupled weight decay: θ_{t+1} ← θ_{t+1} − λ w θ_t."""

    def __init__(self, params: Iterable[Tensor] | Iterable[dict[str, Any]], lr: float = 1.0,
                 betas: tuple[float, float] = (0.1, 0.99), eps: float = 1e-3,
                 weight_decay: float = 0.0, *, maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, decoupled=True,
                         maximize=maximize)


# {maximize}: the entry of laprop._signature.ARG_DOCS, shared with LaProp
Adai.__doc__ = fill_arg_docs(Adai.__doc__)
