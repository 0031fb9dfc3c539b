"""The keyword arguments of the LaProp step, written once, and their documentation.

Every path of the step (:mod:`laprop.functional`'s reference and foreach paths, the fused
paths of :mod:`laprop._fused`) takes the seven lists of :data:`STATE_LISTS` and the keywords of
:class:`StepOptions`; :func:`step_path` gives each path that one signature, and
:func:`laprop.functional.laprop` (whose public signature is written out) is checked against it
at import (:func:`check_signature`). :data:`ARG_DOCS` documents each keyword once, for
``laprop.functional.laprop``, :class:`StepOptions` and ``laprop.LaProp`` (as torch shares
``_foreach_doc`` and friends; torch's own texts describe torch's defaults, not LaProp's, so
they are not reused).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from torch import Tensor

ARG_DOCS: dict[str, str] = {
    "amsgrad": "AmsProp (Algorithm 3): the running maximum of the second moment.",
    "centered": """centered LaProp (Algorithm 4). Before step ``t_init`` it runs plain LaProp
(the paper's second option). Where the centered second moment is ≤ 0 (exactly 0
only when every gradient so far is 0; negative only by cancellation in floating
point) the element falls back to the uncentered n_t, so no NaN or Inf arises.""",
    "t_init": "first step of centering (default 10).",
    "beta1": "μ, the momentum's decay, in [0, 1).",
    "beta2": "ν, the second moment's decay, in [0, 1).",
    "lr": "λ, a float or a 0-dim tensor.",
    "weight_decay": """w ≥ 0, decoupled (LaPropW, Algorithm 2): after the update θ is
multiplied by 1 − λ w.""",
    "eps": "ε ≥ 0.",
    "eps_mode": """where ε goes. "inside" (the paper): s = sqrt(v/c_n + ε), a floor of
sqrt(ε) ≈ 3.2e-8 for ε = 1e-15. "outside" (the authors' public code and timm):
s = sqrt(v/c_n) + ε, a floor of ε = 1e-15. Near zero gradients the two differ by
orders of magnitude: with g = 1e-10 at t = 1 the inside step moves θ by
≈ 3.2e-3·λ, the outside one by ≈ λ (a near-sign update).""",
    "maximize": "maximise the objective instead of minimising it.",
    "foreach": """``True``: the multi-tensor ``torch._foreach_*`` path; ``False``: the
single-tensor reference path.""",
    "fused": """``True``: the one-pass kernel (C++ on CPU, built on first use, about 45 s
once per machine and cached; a Triton kernel on CUDA, ``torch.compile`` where
triton is missing). Plain dense float/complex params on one device; not for
tensor subclasses such as FSDP2's DTensor. With neither ``foreach`` nor ``fused``
given (the default) the fused C++ kernel runs for plain CPU params where it can be
built (a warning and foreach where no compiler is found), foreach elsewhere: see
:func:`laprop.functional.choose_path` and ``python -m laprop.bench``. All paths
compute the same update.""",
    "capturable": """keep the step count on the device and compute bias corrections there
(for CUDA graphs).""",
    "differentiable": """let autograd flow through the step (single-tensor path only), with
every other flag.""",
    "has_complex": "some tensors are complex (viewed as pairs of reals before a path runs).",
    "grad_scale": """AMP: divides every gradient (written back unscaled, as torch's fused
Adam does); ``None``: no scaling.""",
    "found_inf": """AMP: where nonzero, the step is skipped entirely (step counts
included).""",
}


def args_doc(names: Iterable[str], indent: int = 8) -> str:
    """The "name: text" entries of :data:`ARG_DOCS` for ``names``, as in an Args section."""
    out = []
    for name in names:
        first, *rest = ARG_DOCS[name].split("\n")
        out.append(" " * indent + f"{name}: {first}")
        out.extend(" " * (indent + 4) + line for line in rest)
    return "\n".join(out)


def cases(*values: Any) -> dict[str, tuple[Any, ...]]:
    """A field's ``metadata``: the values ``tests/laprop/test_rule.py`` enumerates (every path is
    checked against :func:`laprop._rule.laprop_rule` on the product of all fields' cases).
    Flags list every value they take; a number one value (or two where zero is a mode, as
    ``weight_decay``); tensor options as plain numbers (the test makes 0-dim tensors of
    them)."""
    return {"cases": values}


def fill_arg_docs(doc: str | None, **groups: Iterable[str]) -> str | None:
    """``doc`` with each line that holds only ``{name}`` (indented) replaced by the entry of
    ``name`` in :data:`ARG_DOCS` (or by the entries of ``groups[name]``), at that indent: so
    that ``LaProp``, ``Adai`` and :func:`laprop.functional.laprop` document a shared argument
    with the same text. ``None`` (python -OO) stays ``None``."""
    if doc is None:
        return None

    def entry(match: re.Match[str]) -> str:
        return args_doc(groups.get(match.group(2), (match.group(2),)), len(match.group(1)))

    return re.sub(r"^( *)\{(\w+)\}$", entry, doc, flags=re.M)


@dataclass(frozen=True, kw_only=True)
class StepOptions:
    """The keyword arguments of every path of the LaProp step (and of
    :func:`laprop.functional.laprop`, which adds ``foreach`` and ``fused``): their one written
    signature. Defaults are those of :func:`laprop.functional.laprop`. Each field declares,
    in its metadata (:func:`cases`), the values on which every path is checked against the
    rule: a new field without them fails ``tests/laprop/test_rule.py``.

    Keyword arguments:
{doc}
    """

    amsgrad: bool = field(metadata=cases(False, True))
    centered: bool = field(metadata=cases(False, True))
    t_init: int = field(metadata=cases(3))  # the checked runs take 4 steps: both sides of it
    beta1: float = field(metadata=cases(0.9))
    beta2: float = field(metadata=cases(0.7))
    lr: float | Tensor = field(metadata=cases(3e-2))  # a tensor lr: tests/laprop/test_paths.py
    weight_decay: float = field(metadata=cases(0.0, 0.5))
    eps: float = field(metadata=cases(1e-3))  # large, so that eps_mode changes the update
    eps_mode: str = field(metadata=cases("inside", "outside"))
    maximize: bool = field(metadata=cases(False, True))
    capturable: bool = field(default=False, metadata=cases(False, True))
    differentiable: bool = field(default=False, metadata=cases(False, True))
    has_complex: bool = field(default=False, metadata=cases(False, True))
    grad_scale: Tensor | None = field(default=None, metadata=cases(None, 4.0))
    found_inf: Tensor | None = field(default=None, metadata=cases(None, 0.0, 1.0))


STEP_KEYWORDS = tuple(f.name for f in fields(StepOptions))
if StepOptions.__doc__:  # None under python -OO
    StepOptions.__doc__ = StepOptions.__doc__.replace("{doc}", args_doc(STEP_KEYWORDS))

STATE_LISTS = ("params", "grads", "exp_avgs", "exp_avg_sqs", "max_exp_avg_sqs",
               "exp_avg_centers", "state_steps")
_LIST_PARAMS = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY,
                                  annotation="list[Tensor]") for n in STATE_LISTS]
_PATH_SIGNATURE = inspect.Signature(
    [*_LIST_PARAMS, *(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY,
                                        annotation=f.type,
                                        default=inspect.Parameter.empty if f.default is MISSING
                                        else f.default)
                      for f in fields(StepOptions))], return_annotation="None")

PathFn = Callable[..., None]


def step_path(fn: Callable[..., None]) -> PathFn:
    """A path ``fn(*lists, o: StepOptions)`` called as ``fn(*lists, **keywords)``: the keywords
    (:class:`StepOptions`'s, checked by it: unknown or missing ones raise ``TypeError``)
    become one ``StepOptions``."""

    @functools.wraps(fn)
    def call(*lists: list[Tensor], **keywords: Any) -> None:
        if len(lists) != len(STATE_LISTS):
            raise TypeError(f"{fn.__name__}() takes the {len(STATE_LISTS)} lists "
                            f"{', '.join(STATE_LISTS)} positionally, got {len(lists)}")
        fn(*lists, StepOptions(**keywords))

    call.__signature__ = _PATH_SIGNATURE  # type: ignore[attr-defined]
    return call


def check_signature(fn: Callable[..., Any], extra: Iterable[str] = ("foreach", "fused")
                    ) -> None:
    """Raise ``TypeError`` unless ``fn`` (:func:`laprop.functional.laprop`, whose public
    signature is written out) takes the lists of :data:`STATE_LISTS` and, besides ``extra``,
    exactly the keywords of :class:`StepOptions` with its defaults."""
    params = inspect.signature(fn).parameters
    kw = {n: p for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    problems = []
    if list(params)[:len(STATE_LISTS)] != list(STATE_LISTS):
        problems.append(f"lists {list(params)[:len(STATE_LISTS)]} != {list(STATE_LISTS)}")
    if set(kw) - set(extra) != set(STEP_KEYWORDS):
        problems.append(f"keywords differ: {sorted((set(kw) - set(extra)) ^ set(STEP_KEYWORDS))}")
    for f in fields(StepOptions):
        default = inspect.Parameter.empty if f.default is MISSING else f.default
        if f.name in kw and kw[f.name].default is not default:
            problems.append(f"{f.name}: default {kw[f.name].default!r} != {default!r}")
    if problems:
        raise TypeError(f"{fn.__qualname__} and StepOptions disagree: {'; '.join(problems)}")
