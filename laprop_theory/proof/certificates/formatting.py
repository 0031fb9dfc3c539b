"""Text and JSON of the certificates: file names, sympy text without term ordering,
deterministic JSON, ball bounds, a domain as JSON, and the comment header of a script."""

from __future__ import annotations

import json
import re
from typing import Any

import sympy as sp
from flint import arb

from ..core import Domain, StepResult
from ..smtlib import Names, NotEncodable, sexpr


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).strip(".") or "_"


def _text(e: Any) -> str:
    """sympy's text of ``e`` without term ordering (ordering an Add evaluates its terms
    numerically, which for an improper integral takes minutes)."""
    return sp.sstr(e, order="none")


def _relation(step: Any) -> str:
    return f"{_text(step.lhs)} {step.rel} {_text(step.rhs)}"


def _describe(domain: Domain) -> str:
    parts = [f"{_text(s)} in {r}" for s, r in domain.ranges.items()]
    return ", ".join(parts + [_text(c) for c in domain.constraints])


def _dump(obj: Any, compact: bool = False) -> str:
    """Deterministic JSON: sorted keys, ASCII; ``compact`` (box covers) without indentation."""
    if compact:
        return json.dumps(obj, sort_keys=True, ensure_ascii=True, separators=(",", ":")) + "\n"
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def _ball(v: arb) -> list[str]:
    """[lower, upper] of a ball as decimal strings of 25 significant digits (rounded to
    nearest: informational; a verifier recomputes the enclosure and only checks that it meets
    this one)."""
    return [v.lower().str(25, radius=False), v.upper().str(25, radius=False)]


def _domain_json(domain: Domain, names: Names) -> dict[str, Any]:
    ranges = []
    for s, r in domain.ranges.items():
        r = r.normalized()
        ranges.append({"name": names.symbol(s), "integer": bool(r.integer),
                       "lo": None if r.lo == -sp.oo else sexpr(r.lo, names),
                       "hi": None if r.hi == sp.oo else sexpr(r.hi, names),
                       "lo_open": bool(r.lo_open), "hi_open": bool(r.hi_open)})
    cons = []
    for c in domain.constraints:
        ops = {sp.LessThan: "<=", sp.StrictLessThan: "<", sp.GreaterThan: ">=",
               sp.StrictGreaterThan: ">", sp.Eq: "=", sp.Ne: "!="}
        if type(c) not in ops:
            raise NotEncodable(f"constraint {c}")
        cons.append({"lhs": sexpr(c.lhs, names), "rel": ops[type(c)],
                     "rhs": sexpr(c.rhs, names)})
    return {"ranges": ranges, "constraints": cons}


def _header(r: StepResult, step: Any, relaxation: str | None, what: str) -> list[str]:
    lines = [f"laprop_theory certificate: claim {r.claim}, step {r.step.id}, decided by "
             f"{r.verdict.method} ({r.verdict.status})",
             f"step: {_relation(step)}",
             f"domain: {_describe(step.domain)}"]
    if relaxation:
        lines.append(f"relaxation (the proof is of this relaxed step): {relaxation}")
    lines.append(what)
    return lines
