"""``laprop.LaProp``: the LaProp optimizer (Ziyin, Wang & Ueda) for PyTorch."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any

import torch
from torch import Tensor
from torch.optim.optimizer import Optimizer, _view_as_real

from ._rule import StepOptions
from ._signature import PATH_KEYWORDS, check_constructor, fill_arg_docs, group_fields
from .functional import laprop, state_dtype

__all__ = ["LaProp"]

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]


# The flags come from laprop._rule.StepOptions: its param-group fields (group=True) are group
# keys of the same name; the others the class supplies itself, on each call of step():
_MAPPED = {"betas": ("beta1", "beta2")}  # a group key standing for two fields
_PER_CALL = ("has_complex", "grad_scale", "found_inf")  # from the params and from AMP
_GROUP_FIELDS = group_fields()
_HYPER = ("lr", "betas", *(k for k in _GROUP_FIELDS if k != "lr"), *PATH_KEYWORDS)
# keys torch or its LR schedulers put in a param group, and a free-form label
_EXTRA_GROUP_KEYS = frozenset({"params", "param_names", "initial_lr", "max_lr", "min_lr",
                               "base_momentum", "max_momentum", "swa_lr", "name"})
GROUP_KEYS = frozenset(_HYPER) | _EXTRA_GROUP_KEYS
STATE_KEYS = frozenset({"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "exp_avg_center"})
_BOOLS = tuple(f.name for f in fields(StepOptions)
               if f.name in _GROUP_FIELDS and f.type in ("bool", bool))
# how the step runs, not what it computes (kept from this optimizer when a state is loaded),
# and what the state tensors hold (a state saved with another value is refused), with why:
# both declared on the fields (option(execution=True), option(state="why"))
_EXECUTION = (*PATH_KEYWORDS, *(f.name for f in fields(StepOptions)
                                if f.metadata.get("execution")))
_MEANING_WHY = {f.name: f.metadata["state"] for f in fields(StepOptions)
                if f.metadata.get("state")}
_MEANING = tuple(_MEANING_WHY)


def _guess_owner(keys: set[str]) -> str:
    if "decoupled_weight_decay" in keys:
        return " (it looks like torch.optim.Adam's or AdamW's)"
    if {"weight_decouple", "ams_bound"} & keys:
        return " (it looks like pytorch_optimizer's)"
    if {"caution", "corrected_weight_decay"} & keys:
        return " (it looks like timm's)"
    if {"momentum", "nesterov", "dampening"} & keys:
        return " (it looks like torch.optim.SGD's)"
    return ""


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _check_hyper(lr: Any, betas: Any, eps: Any, weight_decay: Any, eps_mode: Any,
                 t_init: Any) -> None:
    """Raise ValueError naming the parameter and the value for any bad hyperparameter."""
    if isinstance(lr, Tensor):
        if lr.numel() != 1:
            raise ValueError(f"Tensor lr must have exactly one element, got shape "
                             f"{tuple(lr.shape)}")
        if not lr.is_floating_point():
            raise ValueError(f"Tensor lr must be floating point, got {lr.dtype}")
        lr_value = float(lr.detach().item())
    else:
        lr_value = lr
    if not _number(lr_value) or not 0.0 <= lr_value < math.inf:
        raise ValueError(f"Invalid learning rate: {lr!r} (must be a finite number >= 0)")
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"Invalid betas: {betas!r} (must be a pair (beta1, beta2))")
    for i, b in enumerate(betas):
        if isinstance(b, Tensor):
            raise ValueError(f"Invalid beta parameter at index {i}: tensor betas are not "
                             f"supported, got {b!r}")
        if not _number(b) or not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b!r} (must be in [0, 1))")
    if not _number(eps) or not 0.0 <= eps < math.inf:
        raise ValueError(f"Invalid epsilon value: {eps!r} (must be a finite number >= 0)")
    if not _number(weight_decay) or not 0.0 <= weight_decay < math.inf:
        raise ValueError(f"Invalid weight_decay value: {weight_decay!r} (must be a finite "
                         f"number >= 0)")
    if not lr_value * weight_decay < 1.0:
        raise ValueError(f"Invalid lr * weight_decay = {lr_value!r} * {weight_decay!r} = "
                         f"{lr_value * weight_decay!r}: the decoupled decay multiplies θ by "
                         f"1 - lr * weight_decay after each step, which must stay > 0 (use "
                         f"lr * weight_decay < 1)")
    if eps_mode not in ("inside", "outside"):
        raise ValueError(f"Invalid eps_mode: {eps_mode!r} (must be 'inside' or 'outside')")
    if isinstance(t_init, bool) or not isinstance(t_init, int) or t_init < 1:
        raise ValueError(f"Invalid t_init: {t_init!r} (must be an integer >= 1)")


def _check_group(group: dict[str, Any], where: str) -> None:
    """Validate one param group (defaults filled in): unknown keys, types, values, flags."""
    unknown = sorted(set(group) - GROUP_KEYS, key=str)
    if unknown:
        raise ValueError(f"{where}: unknown param-group key(s) {unknown}; LaProp takes "
                         f"{sorted(_HYPER)} (and 'params', 'param_names', 'name' and the keys "
                         f"LR schedulers add: 'initial_lr', 'max_lr', 'min_lr', ...)")
    _check_hyper(group["lr"], group["betas"], group["eps"], group["weight_decay"],
                 group["eps_mode"], group["t_init"])
    for key in _BOOLS:
        if not isinstance(group[key], bool):
            raise ValueError(f"Invalid {key}: {group[key]!r} (must be True or False)")
    for key in ("foreach", "fused"):
        if group[key] is not None and not isinstance(group[key], bool):
            raise ValueError(f"Invalid {key}: {group[key]!r} (must be True, False or None)")
    if group["fused"] and group["foreach"]:
        raise RuntimeError("`fused` and `foreach` cannot both be True")
    if group["fused"] and group["differentiable"]:
        raise RuntimeError("`fused=True` does not support `differentiable=True`")
    if group["foreach"] and group["differentiable"]:
        raise RuntimeError("`foreach=True` does not support `differentiable=True` (the "
                           "single-tensor path is the differentiable one)")


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
        {lr}
            Default 4e-4, the paper's recommendation. A tensor lr works on every path,
            capturable or not (unlike ``torch.optim.Adam``, whose foreach path needs
            ``capturable=True`` for it).
        betas: (μ, ν), each in [0, 1) (default (0.9, 0.999); the paper recommends
            μ = 0.8-0.9, ν = 0.95-0.999, and ν = 0-0.9 for noisy tasks).
        {eps}
            Default 1e-15, the paper's.
        {weight_decay}
            The decay *scales with the learning rate*, so the paper's w_t equals
            ``lr * weight_decay`` (the AdamW convention).
        {flag_args}

    AMP: ``torch.amp.GradScaler`` drives LaProp through torch's fused-optimizer protocol
    (``_step_supports_amp_scaling``; the scaler sets ``grad_scale`` and ``found_inf``): the
    step unscales the gradients itself (float16 ones too) and is skipped, step count included,
    when an inf/NaN was found. See :meth:`step`.

    Validation: the constructor and :meth:`add_param_group` refuse, with a message naming the
    key and the value, unknown group keys, a non-finite or negative lr, eps or weight_decay,
    lr · weight_decay ≥ 1, betas outside [0, 1), flags that are not booleans, and impossible
    flag pairs. :meth:`load_state_dict` refuses another optimizer's state.

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
        given = locals()
        defaults = {k: given[k] for k in _INIT_KEYWORDS}  # the signature's order
        if isinstance(betas, (tuple, list)):
            defaults["betas"] = tuple(betas)
        _check_group(defaults, "LaProp")
        super().__init__(params, defaults)  # every group goes through add_param_group

    # torch.amp.GradScaler: step() reads self.grad_scale / self.found_inf (set by the scaler)
    # instead of letting the scaler unscale the gradients (which refuses float16 ones).
    _step_supports_amp_scaling = True

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a param group (as ``torch.optim.Optimizer.add_param_group``), validated as the
        constructor's: unknown keys are named, lr finite and ≥ 0, lr · weight_decay < 1,
        betas in [0, 1), flags of the right type, fused groups on one device."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        merged = {**self.defaults, **param_group}
        if isinstance(merged.get("betas"), list):
            merged["betas"] = tuple(merged["betas"])
        _check_group(merged, f"param group {len(self.param_groups)}")
        if isinstance(param_group.get("betas"), list):
            param_group = {**param_group, "betas": tuple(param_group["betas"])}
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        if group["fused"]:
            try:
                self._check_fused_group(group)
            except RuntimeError:
                self.param_groups.pop()
                raise

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
        real = list(params)
        _view_as_real(real)  # complex params as pairs of reals (in place in the copy)
        if not _fused_supported(real):
            bad = sorted({f"{p.dtype}@{p.device}" for p in params})
            raise RuntimeError(f"fused=True supports dense floating-point params on CPU or "
                               f"CUDA, got {bad}")

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            for key, default in _FLAG_DEFAULTS.items():  # states saved before a flag existed
                group.setdefault(key, default)
            for p in group["params"]:
                st = self.state.get(p, {})
                if st and not torch.is_tensor(st.get("step")):
                    st["step"] = torch.tensor(float(st["step"]), dtype=torch.float32)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state dict (as ``torch.optim.Optimizer.load_state_dict``), after checking
        that it is LaProp's and means what this optimizer's state means.

        Refused, with a ``ValueError`` that says what was found and what was expected:

        - another optimizer's state (``torch.optim.Adam``'s has the same state keys, but its
          ``exp_avg`` is the raw gradient average where LaProp's m carries λ and the
          normalisation): a group key LaProp never saves (``decoupled_weight_decay``,
          ``momentum``, ...) or none of LaProp's own (``eps_mode``, ``t_init``, ``centered``),
          or a state key LaProp never saves;
        - a LaProp state saved with other ``amsgrad``, ``centered`` or ``maximize`` flags than
          this optimizer's (they decide which buffers exist and the sign of m), or whose
          buffers do not match its own flags or its params' shapes.

        Hyperparameters (lr, betas, eps, weight_decay, eps_mode, t_init) come from the saved
        state, as in torch. How the step runs (``foreach``, ``fused``, ``capturable``,
        ``differentiable``) stays this optimizer's: it describes this machine, not the state.
        States saved by earlier versions of LaProp load; missing flags take their defaults.
        float16/bfloat16 params keep their float32 state in float32 (the base class would
        cast it to the param dtype and break bitwise resumption).
        """
        state_dict = dict(state_dict) if isinstance(state_dict, dict) else state_dict
        hooks = self._optimizer_load_state_dict_pre_hooks
        for hook in list(hooks.values()):  # run the user's pre-hooks first, then check
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        self._check_loadable(state_dict)
        saved_state = state_dict["state"]
        execution = [{k: g[k] for k in _EXECUTION} for g in self.param_groups]
        self._optimizer_load_state_dict_pre_hooks = type(hooks)()
        try:
            super().load_state_dict(state_dict)
        finally:
            self._optimizer_load_state_dict_pre_hooks = hooks
        for group, how in zip(self.param_groups, execution, strict=True):
            group.update(how)
            on_device = group["capturable"] or group["fused"]
            for p in group["params"]:
                st = self.state.get(p)
                if st and torch.is_tensor(st.get("step")):
                    st["step"] = st["step"].to(dtype=torch.float32,
                                               device=p.device if on_device else "cpu")
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

    def _check_loadable(self, state_dict: Any) -> None:
        where = "LaProp.load_state_dict"
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            found = sorted(state_dict) if isinstance(state_dict, dict) else type(state_dict)
            raise ValueError(f"{where}: expected an optimizer state dict with 'state' and "
                             f"'param_groups', got {found}")
        groups, state = state_dict["param_groups"], state_dict["state"]
        for i, g in enumerate(groups):
            keys = set(g)
            foreign = sorted(keys - GROUP_KEYS, key=str)
            lacking = sorted(set(_HYPER) - keys)
            if (foreign or not {"params", "lr", "betas", "eps", "weight_decay"} <= keys
                    or not keys & {"eps_mode", "t_init", "centered"}):
                raise ValueError(
                    f"{where}: this is not a LaProp state{_guess_owner(keys)}: param group {i} "
                    f"has key(s) {foreign} that LaProp never saves and lacks {lacking}; found "
                    f"{sorted(keys - {'params'}, key=str)}, expected LaProp's "
                    f"{sorted(_HYPER)}. Its exp_avg/exp_avg_sq would be read as LaProp's m "
                    f"(which carries the learning rate) and n: start LaProp from a fresh state "
                    f"instead")
        for pid, st in state.items():
            bad = sorted(set(st) - STATE_KEYS, key=str) if isinstance(st, dict) else None
            if bad is None or bad:
                raise ValueError(f"{where}: this is not a LaProp state: the state of param "
                                 f"{pid} has key(s) {bad if bad else st!r} that LaProp never "
                                 f"saves; expected keys among {sorted(STATE_KEYS)}")
        if len(groups) != len(self.param_groups):
            return  # the base class says so
        for i, (g, cur) in enumerate(zip(groups, self.param_groups, strict=True)):
            for key in _MEANING:
                saved = g.get(key, False)
                if saved != cur[key]:
                    raise ValueError(
                        f"{where}: param group {i} was saved with {key}={saved!r}, this "
                        f"optimizer has {key}={cur[key]!r}: {_MEANING_WHY[key]}. Build LaProp "
                        f"with {key}={saved!r} to resume this state")
            if len(g["params"]) != len(cur["params"]):
                continue  # the base class says so
            need = {"step", "exp_avg", "exp_avg_sq"}
            if g.get("amsgrad", False):
                need.add("max_exp_avg_sq")
            if g.get("centered", False):
                need.add("exp_avg_center")
            for pid, p in zip(g["params"], cur["params"], strict=True):
                st = state.get(pid)
                if not st:
                    continue
                if set(st) != need:
                    raise ValueError(
                        f"{where}: the state of param {pid} has keys {sorted(st)}, but group {i} "
                        f"(amsgrad={g.get('amsgrad', False)}, centered="
                        f"{g.get('centered', False)}) keeps {sorted(need)}")
                for key, val in st.items():
                    if key != "step" and torch.is_tensor(val) and val.shape != p.shape:
                        raise ValueError(
                            f"{where}: the state of param {pid} has {key} of shape "
                            f"{tuple(val.shape)}, but the param it would load into has shape "
                            f"{tuple(p.shape)}")

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

    # torch.optim.optimizer._use_grad_for_differentiable is not used: it enables autograd by
    # self.defaults["differentiable"], where LaProp follows each param group's flag
    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Perform one optimisation step (paper Algorithms 1-4); ``closure`` re-evaluates the
        model and returns the loss (optional).

        Under ``torch.amp.GradScaler`` (torch's fused-optimizer protocol, which this class
        declares with ``_step_supports_amp_scaling``) the scaler sets ``self.grad_scale`` and
        ``self.found_inf``: gradients are divided by ``grad_scale`` (and left unscaled in
        ``p.grad``), and a nonzero ``found_inf`` skips the step without touching the params,
        the state or the step count. The fused kernels do both in their one pass."""
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
                       state_steps, **{k: group[k] for k in (*PATH_KEYWORDS, *_GROUP_FIELDS)},
                       beta1=beta1, beta2=beta2, has_complex=has_complex,
                       grad_scale=getattr(self, "grad_scale", None),
                       found_inf=getattr(self, "found_inf", None))
        return loss


# the written-out constructor against StepOptions: a param-group field missing there is named
check_constructor(LaProp.__init__, mapped=_MAPPED, per_call=_PER_CALL)
_INIT = inspect.signature(LaProp.__init__).parameters
_INIT_KEYWORDS = tuple(list(_INIT)[2:])  # lr, betas, eps, weight_decay, then the flags
# the keyword-only flags and their defaults, for states saved before a flag existed
_FLAG_DEFAULTS = {k: p.default for k, p in _INIT.items() if p.kind is p.KEYWORD_ONLY}

# {lr}, {eps}, {weight_decay}, {flag_args}: LaProp's Args entries, written once in the fields
# of laprop._rule.StepOptions and laprop._signature.ARG_DOCS (shared with
# laprop.functional.laprop and StepOptions); {flag_args}: the keyword-only flags, in order
LaProp.__doc__ = fill_arg_docs(LaProp.__doc__, flag_args=tuple(_FLAG_DEFAULTS))
