"""The ``point`` certificate of a refutation: the exact point and what it gives."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..core import StepResult
from ..smtlib import Names, NotEncodable, sexpr
from .formatting import _domain_json, _dump


def _point_files(r: StepResult, step: Any, ev: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The refutation JSON: the exact point and what it gives."""
    names = Names()
    for s in step.domain.ranges:
        names.symbol(s)
    by_name = {str(s): s for s in step.domain.ranges}
    if len(by_name) != len(step.domain.ranges):
        raise NotEncodable("two symbols share a name")
    point = {names.symbol(by_name[k]): str(sp.Rational(v)) for k, v in ev["point"].items()}
    cex = r.verdict.counterexample or {}
    cert = {"format": "laprop-certificate/point-1", "claim": r.claim, "step": r.step.id,
            "rel": step.rel, "lhs": sexpr(step.lhs, names), "rhs": sexpr(step.rhs, names),
            "domain": _domain_json(step.domain, names), "names": names.table(),
            "point": point, "abstract": bool(step.abstract),
            "values": {"lhs": cex.get("lhs"), "rhs": cex.get("rhs"),
                       "violation": cex.get("violation")}}
    if "run" in cex:
        cert["run"] = cex["run"]
    return [(".json", "point", _dump(cert))]
