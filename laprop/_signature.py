"""What is derived from :class:`laprop._rule.StepOptions`, the step's keywords written once.

Every path of the step (:mod:`laprop.functional`'s reference and foreach paths, the fused
paths of :mod:`laprop._fused`) takes the seven lists of :data:`STATE_LISTS` and the keywords of
:class:`StepOptions`; :func:`step_path` gives each path that one signature. The public
signatures of :func:`laprop.functional.laprop` and ``laprop.LaProp.__init__`` are written out
(as torch's are) and checked against the fields at import (:func:`check_signature`,
:func:`check_constructor`): a field missing there is named. :data:`ARG_DOCS` is built from the
fields' ``doc`` metadata plus the entries that are not step keywords (``foreach``, ``fused``),
for ``laprop.functional.laprop``, :class:`StepOptions` and ``laprop.LaProp`` (as torch shares
``_foreach_doc`` and friends; torch's own texts describe torch's defaults, not LaProp's, so
they are not reused). :func:`unsupported` says which fields a fast path does not implement for
given options (their declared ``paths``), for :func:`laprop.functional.choose_path`'s fallback
to the reference path.

``StepOptions`` lives in :mod:`laprop._rule`, next to the math; it is re-exported here.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import MISSING, Field, fields
from typing import Any

from torch import Tensor

from ._rule import FAST_PATHS, StepOptions

__all__ = ["ARG_DOCS", "FAST_PATHS", "STATE_LISTS", "STEP_KEYWORDS", "StepOptions", "args_doc",
           "check_constructor", "check_signature", "fill_arg_docs", "group_fields",
           "step_path", "unsupported"]

# the keywords of functional.laprop and LaProp that are not step options: which path runs
_PATH_DOCS: dict[str, str] = {
    "foreach": """``True``: the multi-tensor ``torch._foreach_*`` path; ``False``: the
single-tensor reference path.""",
    "fused": """``True``: the one-pass kernel (C++ on CPU, built on first use, about 15 s
once per machine and cached; a Triton kernel on CUDA, ``torch.compile`` where
triton is missing). Plain dense float/complex params on one device; not for
tensor subclasses such as FSDP2's DTensor. With neither ``foreach`` nor ``fused``
given (the default) the fused C++ kernel runs for plain CPU params where it can be
built (a warning and foreach where no compiler is found), foreach elsewhere: see
:func:`laprop.functional.choose_path` and ``python -m laprop.bench``. All paths
compute the same update.""",
}
PATH_KEYWORDS = tuple(_PATH_DOCS)


def _check_fields(options: type) -> None:
    """Raise ``TypeError`` naming each field of ``options`` declared without :func:`option`'s
    metadata (``doc``, ``cases``), with an unknown fast path, or without the neutral value that
    the fallback of a fast path it leaves out compares with."""
    problems = []
    for f in fields(options):
        md = f.metadata
        if not md.get("doc") or not md.get("cases"):
            problems.append(f"{f.name}: declare it with laprop._rule.option(doc=..., cases=...)")
            continue
        unknown = sorted(set(md.get("paths", ())) - set(FAST_PATHS))
        if unknown:
            problems.append(f"{f.name}: unknown paths {unknown} (known: {list(FAST_PATHS)})")
        if set(md.get("paths", ())) != set(FAST_PATHS) and md.get("neutral", MISSING) is MISSING:
            problems.append(f"{f.name}: paths {tuple(md.get('paths', ()))} leave out a fast "
                            f"path, so it needs a default or neutral= (the value every path "
                            f"runs)")
    if problems:
        raise TypeError(f"{options.__qualname__} fields: {'; '.join(problems)}")


_check_fields(StepOptions)
STEP_KEYWORDS = tuple(f.name for f in fields(StepOptions))
ARG_DOCS: dict[str, str] = {**{f.name: f.metadata["doc"] for f in fields(StepOptions)},
                            **_PATH_DOCS}


def args_doc(names: Iterable[str], indent: int = 8) -> str:
    """The "name: text" entries of :data:`ARG_DOCS` for ``names``, as in an Args section."""
    out = []
    for name in names:
        first, *rest = ARG_DOCS[name].split("\n")
        out.append(" " * indent + f"{name}: {first}")
        out.extend(" " * (indent + 4) + line for line in rest)
    return "\n".join(out)


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


if StepOptions.__doc__ and "{doc}" in StepOptions.__doc__:  # None under python -OO
    StepOptions.__doc__ = StepOptions.__doc__.replace("{doc}", args_doc(STEP_KEYWORDS))


def group_fields(options: type = StepOptions) -> tuple[str, ...]:
    """The fields ``laprop.LaProp`` keeps as param-group keys of the same name (``group=True``
    in their :func:`option`); the others it maps itself (``betas``, AMP, complex params)."""
    return tuple(f.name for f in fields(options) if f.metadata.get("group", True))


def _differs(value: Any, neutral: Any) -> bool:
    if value is neutral:
        return False
    if value is None or neutral is None or isinstance(value, Tensor):
        return True
    try:
        return bool(value != neutral)
    except Exception:  # a value that cannot be compared is not the neutral one
        return True


def unsupported(o: Any, path: str) -> list[str]:
    """The fields of the options ``o`` (a :class:`StepOptions`, or any dataclass declared with
    :func:`laprop._rule.option`) whose value differs from their neutral one and whose declared
    ``paths`` leave out the fast path ``path`` (one of :data:`FAST_PATHS`): the values that only
    the reference path runs. Read from the fields on each call (no cache)."""
    out = []
    for f in fields(o):
        md = f.metadata
        if path not in md.get("paths", ()) and _differs(getattr(o, f.name), md["neutral"]):
            out.append(f.name)
    return out


STATE_LISTS = ("params", "grads", "exp_avgs", "exp_avg_sqs", "max_exp_avg_sqs",
               "exp_avg_centers", "state_steps")
_LIST_PARAMS = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY,
                                  annotation="list[Tensor]") for n in STATE_LISTS]


def _default(f: Field[Any]) -> Any:
    return inspect.Parameter.empty if f.default is MISSING else f.default


_PATH_SIGNATURE = inspect.Signature(
    [*_LIST_PARAMS, *(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY,
                                        annotation=f.type, default=_default(f))
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


def check_signature(fn: Callable[..., Any], extra: Iterable[str] = PATH_KEYWORDS
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
        if f.name in kw and kw[f.name].default is not _default(f):
            problems.append(f"{f.name}: default {kw[f.name].default!r} != {_default(f)!r}")
    if problems:
        raise TypeError(f"{fn.__qualname__} and StepOptions disagree: {'; '.join(problems)}")


def check_constructor(init: Callable[..., Any], *, mapped: dict[str, tuple[str, ...]],
                      per_call: Iterable[str], extra: Iterable[str] = PATH_KEYWORDS) -> None:
    """Raise ``TypeError`` unless ``init`` (``laprop.LaProp.__init__``, written out) takes
    ``self, params``, then exactly the param-group fields of :class:`StepOptions`
    (:func:`group_fields`), the keys of ``mapped`` (a constructor argument standing for fields
    it does not take by name: ``betas`` for ``beta1`` and ``beta2``) and ``extra``, each with a
    default (``__setstate__`` fills the keyword-only ones into old states); and unless every
    other field is in ``mapped`` or ``per_call`` (the ones the class's ``step`` supplies on
    each call)."""
    params = inspect.signature(init).parameters
    names = list(params)
    problems = []
    if names[:2] != ["self", "params"]:
        problems.append(f"first parameters {names[:2]} != ['self', 'params']")
    taken = set(names[2:]) - set(extra) - set(mapped)
    want = set(group_fields())
    if taken != want:
        problems.append(f"param-group keywords differ: {sorted(taken ^ want)}")
    covered = {f for fs in mapped.values() for f in fs} | set(per_call)
    unmapped = sorted(set(STEP_KEYWORDS) - want - covered)
    if unmapped:
        problems.append(f"per-call fields (group=False) the class does not supply: {unmapped}")
    no_default = [n for n in names[2:] if params[n].default is inspect.Parameter.empty]
    if no_default:
        problems.append(f"no default: {no_default}")
    if problems:
        raise TypeError(f"{init.__qualname__} and StepOptions disagree: {'; '.join(problems)}")
