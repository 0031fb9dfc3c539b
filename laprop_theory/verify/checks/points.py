"""The check of a ``point`` certificate (a refutation): the exact point lies in the domain and
the relation certainly fails there."""

from __future__ import annotations

from typing import Any

from .. import sexpr as sx
from .domains import _ORIENT, _certain, _domain, _in_range, _meets
from .reading import Failed, _frac, _parse


def check_point(cert: dict[str, Any]) -> None:
    """A refutation: the point is in the domain and violates the relation (certified)."""
    rel = cert.get("rel")
    if rel not in _ORIENT:
        raise Failed(f"bad relation {rel!r}")
    ranges, cons = _domain(cert)
    point = {k: _frac(v) for k, v in (cert.get("point") or {}).items()}
    if set(point) != {r["name"] for r in ranges}:
        raise Failed("the point does not give one value per range")
    try:
        for r in ranges:
            if not _in_range(r, point[r["name"]], point):
                raise Failed(f"{r['name']} = {point[r['name']]} is outside its range")
        for i, (cl, crel, cr) in enumerate(cons):
            lx, li = sx.value(cl, point)
            rx, ri = sx.value(cr, point)
            dx = lx - rx if lx is not None and rx is not None else None
            if not _certain(crel, li - ri, dx, True):
                raise Failed(f"constraint {i} is not certainly satisfied at the point")
        lhs, rhs = _parse(cert.get("lhs")), _parse(cert.get("rhs"))
        lx, li = sx.value(lhs, point)
        rx, ri = sx.value(rhs, point)
    except (sx.Undefined, sx.SexprError) as exc:
        raise Failed(f"at the point: {exc}") from None
    sign, kind = _ORIENT[rel]
    f = (li - ri) if sign > 0 else (ri - li)
    fx = None if lx is None or rx is None else ((lx - rx) if sign > 0 else (rx - lx))
    violated = {"le": ">", "lt": ">=", "eq": "!="}[kind]
    if not _certain(violated, f, fx, True):
        raise Failed("the violation is not certified at the point")
    values = cert.get("values") or {}
    if not _meets(values.get("lhs"), lx, li) or not _meets(values.get("rhs"), rx, ri):
        raise Failed("the recorded values of lhs/rhs do not match the point")
