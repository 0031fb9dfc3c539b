"""A certificate's domain read from its JSON, membership of an exact point, and the decision
of a sign from an interval (certain or not)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .. import sexpr as sx
from .reading import Failed, _parse

_ORIENT = {"<=": (1, "le"), "<": (1, "lt"), ">=": (-1, "le"), ">": (-1, "lt"), "=": (1, "eq")}


def _certain(rel: str, d: Any, dx: Fraction | None, want: bool) -> bool:
    """Is ``d REL 0`` certainly ``want`` (d an interval, dx its exact value or None)?"""
    if dx is not None:
        truth = {"<=": dx <= 0, "<": dx < 0, ">=": dx >= 0, ">": dx > 0, "=": dx == 0,
                 "!=": dx != 0}[rel]
        return truth == want
    lo, hi = sx.lo(d), sx.hi(d)
    if want:
        return {"<=": hi <= 0, "<": hi < 0, ">=": lo >= 0, ">": lo > 0, "=": lo == hi == 0,
                "!=": lo > 0 or hi < 0}[rel]
    return {"<=": lo > 0, "<": lo >= 0, ">=": hi < 0, ">": hi <= 0, "=": lo > 0 or hi < 0,
            "!=": lo == hi == 0}[rel]


def _domain(cert: dict[str, Any]) -> tuple[list[dict[str, Any]], list[tuple]]:
    dom = cert.get("domain") or {}
    ranges = dom.get("ranges")
    if not isinstance(ranges, list):
        raise Failed("the domain has no ranges")
    cons = []
    for c in dom.get("constraints", []):
        if c.get("rel") not in ("<=", "<", ">=", ">", "=", "!="):
            raise Failed(f"bad constraint relation {c.get('rel')!r}")
        cons.append((_parse(c["lhs"]), c["rel"], _parse(c["rhs"])))
    names = [r.get("name") for r in ranges]
    if len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        raise Failed("range names are not unique")
    return ranges, cons


def _in_range(r: dict[str, Any], x: Fraction, env: dict[str, Fraction]) -> bool:
    if r.get("integer") and x.denominator != 1:
        return False
    for end, rel_closed, rel_open in (("lo", ">=", ">"), ("hi", "<=", "<")):
        if r.get(end) is None:
            continue
        node = _parse(r[end])
        bx, bi = sx.value(node, env)
        rel = rel_open if r.get(f"{end}_open") else rel_closed
        d = sx.ival(x) - bi
        dx = x - bx if bx is not None else None
        if not _certain(rel, d, dx, True):
            return False
    return True


def _meets(recorded: Any, exact_v: Fraction | None, iv: Any) -> bool:
    """Does a recorded enclosure "[a, b]" meet the computed value (slack 1e-20 relative:
    the recorded ends are rounded to 25 digits)?"""
    if recorded is None:
        return True
    try:
        a_s, b_s = str(recorded).strip().strip("[]").split(",")
        a, b = Fraction(a_s.strip()), Fraction(b_s.strip())
    except (ValueError, ZeroDivisionError):
        return False
    slack = (abs(a) + abs(b)) * Fraction(1, 10**20) + Fraction(1, 10**60)
    if exact_v is not None:
        return a - slack <= exact_v <= b + slack
    lo, hi = sx.to_fraction(sx.lo(iv)), sx.to_fraction(sx.hi(iv))
    return (hi is None or a - slack <= hi) and (lo is None or lo <= b + slack)
