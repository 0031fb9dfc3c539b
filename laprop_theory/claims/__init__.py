"""The claims as data, per paper: one module (or package) per claim group, each with
``claims()`` and, when it is not the LaProp paper's, a module-level ``PAPER``.

The registry:

* :data:`MODULES` names every module; :func:`all_claims` imports them (none is skipped
  silently: an import error propagates; ``theorem1`` is imported only when its file exists);
* a module's paper is its ``PAPER`` attribute, :data:`LAPROP` (``"laprop2020"``, Ziyin et al.,
  LaProp) when it has none; :func:`papers` lists the papers, :func:`claims_of` one paper's
  claims, :func:`paper_claims` (paper, claim) pairs, :func:`paper_of` the paper of each
  claim id;
* :func:`load_file` reads a user's proof file (a Python file whose ``claims()`` returns a list
  of :class:`~laprop_theory.proof.Claim`), with an error naming the problem when it cannot.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from ..proof.core import Claim, Step

MODULES: tuple[str, ...] = ("prop1", "prop2", "table1", "eq8", "eqs", "suprema", "theorem1",
                            "adam2015", "amsgrad2018")
OPTIONAL: frozenset[str] = frozenset({"theorem1"})
LAPROP = "laprop2020"
"""The paper of every module without a ``PAPER`` attribute: LaProp (Ziyin et al., 2020)."""


class ClaimFileError(ValueError):
    """A user's proof file that cannot be checked: the message names the file and the problem."""


def _modules() -> list[ModuleType]:
    here = Path(__file__).parent
    out = []
    for name in MODULES:
        if name in OPTIONAL and not (here / f"{name}.py").exists():
            continue
        out.append(importlib.import_module(f"{__name__}.{name}"))
    return out


#: each module's claims, built once per process (about 5 s for all of them, most of it the
#: AMSGrad encoding's exact run points); keyed by the module and its ``claims`` function, so a
#: reloaded or replaced module is built again. Claims are frozen dataclasses of sympy
#: expressions, so sharing them is safe.
_BUILT: dict[tuple[ModuleType, Any], tuple[Claim, ...]] = {}


def _built(module: ModuleType) -> tuple[Claim, ...]:
    key = (module, module.claims)
    if key not in _BUILT:
        _BUILT[key] = tuple(module.claims())
    return _BUILT[key]


def module_paper(module: ModuleType) -> str:
    """The paper a claim module encodes: its ``PAPER``, or :data:`LAPROP`."""
    return str(getattr(module, "PAPER", LAPROP))


def papers() -> tuple[str, ...]:
    """The papers of the built-in claims, in the order of :data:`MODULES` (LaProp first)."""
    return tuple(dict.fromkeys(module_paper(m) for m in _modules()))


def _unique(claims: list[Claim], where: str) -> list[Claim]:
    ids = [c.id for c in claims]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate claim ids {where}: {dupes}")
    return claims


def paper_claims(paper: str | Iterable[str] | None = None) -> list[tuple[str, Claim]]:
    """(paper, claim) for each built-in claim of ``paper`` (one name or several; None: every
    paper), in the order of :data:`MODULES`; claim ids are unique. An unknown paper name
    raises :class:`ValueError` naming the known ones."""
    wanted = _papers_wanted(paper)
    pairs = [(module_paper(m), c) for m in _modules()
             if wanted is None or module_paper(m) in wanted for c in _built(m)]
    _unique([c for _, c in pairs], "among the selected papers")
    return pairs


def all_claims(paper: str | Iterable[str] | None = None) -> list[Claim]:
    """The built-in claims of ``paper`` (see :func:`paper_claims`; None: every paper)."""
    return [c for _, c in paper_claims(paper)]


def _papers_wanted(paper: str | Iterable[str] | None) -> set[str] | None:
    if paper is None:
        return None
    wanted = {paper} if isinstance(paper, str) else set(paper)
    known = papers()
    unknown = sorted(wanted - set(known))
    if unknown:
        raise ValueError(f"unknown paper {unknown[0]!r}; known: {', '.join(known)}")
    return wanted


def claims_of(paper: str) -> list[Claim]:
    """The built-in claims of one paper (``"laprop2020"``, ``"adam2015"``, ``"amsgrad2018"``)."""
    return all_claims(paper)


def paper_of() -> dict[str, str]:
    """Claim id -> paper, for every built-in claim."""
    return {c.id: p for p, c in paper_claims()}


def claim_verdicts(results: list[Any], claims: Iterable[Claim] | None = None) -> list[Any]:
    """The proof kernel's verdict on each claim that ``results`` (step results of
    :func:`laprop_theory.proof.decide.check_claim`) cover, in the order they appear.
    ``claims``: where to find those claims (default: every built-in claim; pass a user
    file's claims from :func:`load_file`)."""
    from ..proof.kernel import judge

    order = list(dict.fromkeys(r.claim for r in results))
    if claims is None:
        # the LaProp paper's claims first: building the other papers' takes seconds, and
        # results of LaProp's claims alone (the note, the notebooks) do not need them
        claims = all_claims(LAPROP)
        if not set(order) <= {c.id for c in claims}:
            claims = all_claims()
    known = {c.id: c for c in claims}
    return [judge(known[c], [r for r in results if r.claim == c]) for c in order]


def claim_ids(paper: str | Iterable[str] | None = None) -> list[str]:
    return [c.id for c in all_claims(paper)]


# ----------------------------------------------------------------------------- a user's file


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def load_file(path: str | Path) -> list[Claim]:
    """The claims of a user's proof file: a Python file that defines ``claims()`` returning a
    list of :class:`~laprop_theory.proof.Claim` with distinct ids (see
    ``docs/writing-a-proof.md``). Raises :class:`ClaimFileError` naming the file and the
    problem: missing, not importable (the exception's first line), no ``claims()``,
    ``claims()`` failing or returning something else than a list of Claim, duplicate ids."""
    p = Path(path)
    where = f"--file {str(path)!r}"
    if not p.exists():
        raise ClaimFileError(f"{where}: no such file")
    if not p.is_file():
        raise ClaimFileError(f"{where}: not a regular file")
    if p.suffix != ".py":
        raise ClaimFileError(f"{where}: a proof file is a Python file ending in .py")
    name = "laprop_user_proof_" + re.sub(r"\W", "_", p.stem)
    spec = importlib.util.spec_from_file_location(name, p)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has one
        raise ClaimFileError(f"{where}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - any error in the user's file is reported
        sys.modules.pop(name, None)
        raise ClaimFileError(f"{where} failed to import: {_one_line(exc)}") from None
    make = getattr(module, "claims", None)
    if not callable(make):
        raise ClaimFileError(f"{where} defines no function claims() (it must return a list "
                             "of laprop_theory.proof.Claim)")
    try:
        out = make()
    except Exception as exc:  # noqa: BLE001
        raise ClaimFileError(f"{where}: claims() raised {_one_line(exc)}") from None
    if not isinstance(out, list):
        raise ClaimFileError(f"{where}: claims() must return a list of Claim, got "
                             f"{type(out).__name__}")
    bad = [i for i, c in enumerate(out) if not isinstance(c, Claim)]
    if bad:
        raise ClaimFileError(f"{where}: claims() item {bad[0]} is of type "
                             f"{type(out[bad[0]]).__name__}, not a laprop_theory.proof.Claim")
    if not out:
        raise ClaimFileError(f"{where}: claims() returned an empty list")
    for c in out:
        steps = (c.statement, *c.steps)
        wrong = [s for s in steps if not isinstance(s, Step)]
        if wrong:
            raise ClaimFileError(f"{where}: claim {c.id!r} has a statement or step of type "
                                 f"{type(wrong[0]).__name__}, not a laprop_theory.proof.Step")
        ids = [s.id for s in steps]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ClaimFileError(f"{where}: claim {c.id!r} has duplicate step ids {dupes}")
    try:
        return _unique(out, "in the file")
    except ValueError as exc:
        raise ClaimFileError(f"{where}: {exc}") from None
