"""Decided steps kept on disk, shared between processes: opt-in, by the variable
``LAPROP_VERDICT_CACHE`` naming a folder.

:func:`laprop_theory.proof.decide.decide` is a function of the step, the budget, the seed and
the methods alone (every budget counts work, never seconds), so a verdict decided once can be
read back instead of decided again: the test suite's two workers and the notebooks' kernels
share one folder this way, and each step of the paper is decided once per run.

* The key is the SHA-256 of the step's mathematical content (both sides as ``sympy.srepr``,
  the relation, every range and constraint of the domain, ``abstract`` and the replayed
  witnesses), the budget, the seed and the methods, and of the *checker's identity*: the
  source of every module of :mod:`laprop_theory.proof` and of :mod:`laprop_theory.numerics`,
  and the versions of sympy, mpmath, z3 and python-flint. Changing any of them changes every
  key, so an entry can never answer for a different checker.
* The key is the same in every process: sums are printed with their terms in sympy's stored
  (canonical) order, not sorted by value (which would integrate Eq. (8)'s improper integrals
  numerically, seconds per key), and a witness's point (a dict of symbols) is printed sorted,
  whatever the hash seed (the suite's workers and the notebooks' kernels each have their own).
* A verdict cut short by the wall-clock safety guard (:data:`~.budget.GUARD_SECONDS`) is
  never stored: it is not a function of the inputs.
* An entry that cannot be read (truncated, from another Python) is ignored and decided again.
* Entries are written whole (:func:`laprop_theory.files.write_bytes`): two processes that
  decide the same step at once both write the same verdict, and the last rename wins.

The ``seconds`` of a verdict read back are those of the run that decided it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
from importlib import metadata
from pathlib import Path
from typing import Any

import sympy as sp

from ..files import write_bytes
from .core import Step, Verdict

ENV = "LAPROP_VERDICT_CACHE"
_PACKAGES = ("sympy", "mpmath", "z3-solver", "python-flint")

__all__ = ["ENV", "folder", "key", "load", "store"]


def folder() -> Path | None:
    """The cache folder, or ``None`` when ``LAPROP_VERDICT_CACHE`` is unset or empty."""
    where = os.environ.get(ENV, "")
    return Path(where) if where else None


@functools.lru_cache(maxsize=1)
def checker_identity() -> str:
    """SHA-256 of the checker's sources (proof/ and numerics.py) and its libraries' versions."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), root.parent / "numerics.py"]):
        h.update(str(path.relative_to(root.parent)).encode())
        h.update(path.read_bytes())
    for name in _PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=absent".encode())
    return h.hexdigest()


def key(step: Step, budget: float, seed: int, methods: tuple[str, ...] | None) -> str:
    """The hex key of one decision (see the module docstring for what it covers)."""
    dom = step.domain
    ranges = sorted((_srepr(s), repr(r)) for s, r in dom.ranges.items())
    parts = (_srepr(step.lhs), step.rel, _srepr(step.rhs), ranges,
             [_srepr(c) for c in dom.constraints], step.abstract, _canonical(step.witnesses),
             repr(float(budget)), int(seed), methods, checker_identity())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _srepr(expr: Any) -> str:
    """``sympy.srepr`` with the terms of each sum in their stored (canonical) order: the
    default printer orders them by value, which evaluates improper integrals numerically
    (seconds per key for Eq. (8)'s steps)."""
    return sp.srepr(sp.sympify(expr), order="none")


def _canonical(obj: Any) -> str:
    """A repr of ``obj`` that does not depend on the order of its dicts and sets (a witness's
    point is a dict of symbols, whose order can follow the hash seed)."""
    if isinstance(obj, dict):
        items = sorted((_canonical(k), _canonical(v)) for k, v in obj.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(obj, (set, frozenset)):
        return "{" + ", ".join(sorted(_canonical(x) for x in obj)) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ", ".join(_canonical(x) for x in obj) + "]"
    if isinstance(obj, sp.Basic):
        return _srepr(obj)
    return repr(obj)


def load(k: str) -> Verdict | None:
    """The stored verdict for key ``k``, or ``None`` (no folder, no entry, unreadable)."""
    where = folder()
    if where is None:
        return None
    try:
        data = (where / f"{k}.pickle").read_bytes()
    except OSError:
        return None
    try:
        v = pickle.loads(data)  # noqa: S301 -- our own folder, written by store()
    except Exception:  # noqa: BLE001 -- any unreadable entry is decided again
        return None
    return v if isinstance(v, Verdict) else None


def store(k: str, verdict: Verdict) -> None:
    """Keep ``verdict`` under ``k`` (nothing when no folder is set, when the verdict was cut
    short by the safety guard, or when it cannot be pickled)."""
    where = folder()
    if where is None or "safety guard" in verdict.detail:
        return
    try:
        data = pickle.dumps(verdict, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 -- an evidence object without pickle support
        return
    with contextlib.suppress(OSError):
        write_bytes(where / f"{k}.pickle", data, parents=True)


def lookup(step: Step, budget: float, seed: int, methods: tuple[str, ...] | None
           ) -> tuple[str | None, Any]:
    """``(key, verdict or None)``; the key is ``None`` when no folder is set."""
    if folder() is None:
        return None, None
    k = key(step, budget, seed, methods)
    return k, load(k)
