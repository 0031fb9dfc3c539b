"""The check of a ``boxes`` certificate (an interval proof): the covers are bisections of the
hull, every box is outside the domain or of the right sign, and cvc5 shows the factorisation
identity (a query written here from the JSON)."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

from .. import sexpr as sx
from ..smt import CPU_SECONDS, RLIMIT
from .domains import _ORIENT, _certain, _domain, _meets
from .reading import Failed, _frac, _parse, _smt

#: at most this many integer combinations and boxes in a cover certificate
MAX_COMBINATIONS = 10_000
MAX_BOXES = 2_000_000


def _int_values(r: dict[str, Any]) -> list[int]:
    if r.get("lo") is None or r.get("hi") is None:
        raise Failed(f"integer range of {r['name']} is unbounded")
    try:
        lo, hi = sx.exact(_parse(r["lo"]), {}), sx.exact(_parse(r["hi"]), {})
    except (sx.Inexact, sx.Undefined, sx.SexprError):
        raise Failed(f"integer range of {r['name']} has no rational bounds") from None
    first = -((-lo.numerator) // lo.denominator)  # ceil
    last = hi.numerator // hi.denominator  # floor
    vals = [k for k in range(first, last + 1)
            if not (r.get("lo_open") and k == lo) and not (r.get("hi_open") and k == hi)]
    if len(vals) > MAX_COMBINATIONS:
        raise Failed("too many integer values")
    return vals


Box = tuple[tuple[Fraction, Fraction], ...]


def _is_bisection(hull: Box, boxes: list[Box]) -> str | None:
    """None if ``boxes`` is a bisection of ``hull`` (a tree of halvings at midpoints: then
    their union is the hull and interiors are disjoint); else why not."""
    for b in boxes:
        if any(not (h[0] <= lo <= hi <= h[1]) for (lo, hi), h in zip(b, hull, strict=True)):
            return "a box is not inside the hull"
    stack = [(hull, boxes)]
    while stack:
        h, bs = stack.pop()
        if not bs:
            return f"no box covers {[[str(a), str(b)] for a, b in h]}"
        if len(bs) == 1 and bs[0] == h:
            continue
        if h in bs:
            return "a box overlaps another"
        for i, (a, b) in enumerate(h):
            if a == b:
                continue
            m = (a + b) / 2
            left = [x for x in bs if x[i][1] <= m]
            right = [x for x in bs if x[i][0] >= m]
            if len(left) + len(right) == len(bs) and left and right:
                stack.append((h[:i] + ((a, m),) + h[i + 1:], left))
                stack.append((h[:i] + ((m, b),) + h[i + 1:], right))
                break
        else:
            return "the boxes are not a bisection of the hull (overlap or gap)"
    return None


def _sign_class(v: Any, k: int) -> str:
    """The sign of v^k for an interval v: pos, neg, zero, nonneg, nonpos or unknown."""
    lo, hi = sx.lo(v), sx.hi(v)
    if lo == hi == 0:
        if k <= 0:
            raise sx.Undefined("0 to a power <= 0 in a factor")
        return "zero"
    if k < 0 and lo <= 0 <= hi:
        raise sx.Undefined("a factor with a negative exponent may be 0")
    base = "pos" if lo > 0 else "neg" if hi < 0 else "nonneg" if lo >= 0 else \
        "nonpos" if hi <= 0 else "unknown"
    if k % 2 == 0:
        return {"pos": "pos", "neg": "pos", "nonneg": "nonneg", "nonpos": "nonneg",
                "unknown": "nonneg"}[base]
    return base


def _product_sign(classes: list[str]) -> str:
    if "zero" in classes:
        return "zero"
    if "unknown" in classes:
        return "unknown"
    negative = sum(c in ("neg", "nonpos") for c in classes) % 2 == 1
    strict = all(c in ("pos", "neg") for c in classes)
    if negative:
        return "neg" if strict else "nonpos"
    return "pos" if strict else "nonneg"


def _identity_query(cert: dict[str, Any], ranges: list[dict[str, Any]], cons: list[tuple],
                    fixed: dict[str, Fraction], fs: list[tuple[sx.Node, int]]) -> str:
    """SMT-LIB2, written here from the JSON: (1) lhs, rhs defined on the domain; (2) the
    product of the factors equals ±(lhs − rhs) wherever everything is defined."""
    real = {r["name"] for r in ranges if r["name"] not in fixed}
    w = sx.SmtWriter(real=real, const=dict(fixed))
    domain = w.domain(ranges, cons, skip=fixed, read=_parse)
    dom_conds = list(w.conditions)
    lhs, rhs = w.term(_parse(cert["lhs"])), w.term(_parse(cert["rhs"]))
    side_conds = [c for c in w.conditions if c not in dom_conds]
    sign, _ = _ORIENT[cert["rel"]]
    f = f"(- {lhs} {rhs})" if sign > 0 else f"(- {rhs} {lhs})"
    parts = []
    for base, k in fs:
        t = w.term(base)
        if k < 0:
            t = w._recip(t)
        parts += [t] * abs(k)
    prod = "1.0" if not parts else (parts[0] if len(parts) == 1 else f"(* {' '.join(parts)})")
    lines = ["(set-option :incremental true)", "(set-logic QF_NRA)"]
    lines += [f"(declare-fun x_{n} () Real)" for n in sorted(real)]
    lines += [f"(declare-fun {n} () Real)" for n in w.fresh]
    lines += [f"(assert {a})" for a in domain + w.definitions + dom_conds]
    if side_conds:
        lines += ["(push 1)", f"(assert (not (and {' '.join(side_conds)} true)))",
                  "(check-sat)", "(pop 1)"]
    all_conds = [c for c in w.conditions if c not in dom_conds]
    lines += ["(push 1)"] + [f"(assert {c})" for c in all_conds]
    lines += [f"(assert (not (= {f} {prod})))", "(check-sat)", "(pop 1)"]
    return "\n".join(lines) + "\n"


def check_boxes(cert: dict[str, Any], rlimit: int = RLIMIT, cpu: float = CPU_SECONDS
                ) -> None:
    """An interval proof: cover, signs, outside boxes and the factor identity."""
    rel = cert.get("rel")
    if rel not in ("<=", "<", ">=", ">"):
        raise Failed(f"bad relation {rel!r} for a box cover")
    _, kind = _ORIENT[rel]
    ranges, cons = _domain(cert)
    by_name = {r["name"]: r for r in ranges}
    cont = cert.get("variables")
    if not isinstance(cont, list) or set(cont) != {r["name"] for r in ranges
                                                   if not r.get("integer")}:
        raise Failed("the box variables are not the domain's continuous symbols")
    ints = [r["name"] for r in ranges if r.get("integer")]
    hull_l = []
    for n in cont:
        r = by_name[n]
        if r.get("lo") is None or r.get("hi") is None:
            raise Failed(f"the range of {n} is unbounded")
        try:
            hull_l.append((sx.exact(_parse(r["lo"]), {}), sx.exact(_parse(r["hi"]), {})))
        except (sx.Inexact, sx.Undefined, sx.SexprError):
            raise Failed(f"the range of {n} has no rational bounds") from None
    hull: Box = tuple(hull_l)
    combos = list(itertools.product(*[_int_values(by_name[n]) for n in ints]))
    if len(combos) > MAX_COMBINATIONS:
        raise Failed("too many integer combinations")
    covers = cert.get("covers")
    if not isinstance(covers, list):
        raise Failed("no covers")
    seen: dict[tuple, dict[str, Any]] = {}
    for cv in covers:
        fixed = cv.get("fixed") or {}
        if set(fixed) != set(ints):
            raise Failed("a cover does not fix exactly the integer symbols")
        key = tuple(int(fixed[n]) for n in ints)
        if key in seen:
            raise Failed(f"two covers for {dict(zip(ints, key, strict=True))}")
        seen[key] = cv
    missing = [c for c in combos if c not in seen]
    if missing or len(seen) != len(combos):
        raise Failed(f"no cover for the integer values {missing[:1] or 'listed'}")
    n_boxes = 0
    for key in combos:
        cv = seen[key]
        fixed = {n: Fraction(v) for n, v in zip(ints, key, strict=True)}
        try:
            fs = [(_parse(b), int(k)) for b, k in cv["factors"]]
        except (TypeError, ValueError, KeyError):
            raise Failed("bad factor list") from None
        boxes_raw = cv.get("boxes") or []
        n_boxes += len(boxes_raw)
        if n_boxes > MAX_BOXES:
            raise Failed("too many boxes")
        boxes: list[Box] = []
        for b in boxes_raw:
            coords = b.get("box")
            if not isinstance(coords, list) or len(coords) != len(cont):
                raise Failed("a box has the wrong dimension")
            boxes.append(tuple((_frac(lo), _frac(hi)) for lo, hi in coords))
        why = _is_bisection(hull, boxes)
        if why:
            raise Failed(f"cover at {fixed or 'the box'}: {why}")
        fixed_iv = {n: sx.ival(v) for n, v in fixed.items()}
        for b, box in zip(boxes_raw, boxes, strict=True):
            env = {**{n: sx.IV.mpf([sx.ival(lo).a, sx.ival(hi).b])
                      for n, (lo, hi) in zip(cont, box, strict=True)}, **fixed_iv}
            try:
                if b.get("why") == "outside":
                    order = [b.get("constraint")] if isinstance(b.get("constraint"), int) \
                        else []
                    order += [i for i in range(len(cons)) if i not in order]
                    if not any(0 <= i < len(cons) and _certain(
                            cons[i][1], sx.interval(cons[i][0], env, fixed)
                            - sx.interval(cons[i][2], env, fixed), None, False)
                            for i in order):
                        raise Failed(f"box {box_str(box)} is not certainly outside a "
                                     "constraint")
                    continue
                if b.get("why") != "sign":
                    raise Failed(f"box {box_str(box)}: unknown reason {b.get('why')!r}")
                vals = [(sx.interval(base, env, fixed), k) for base, k in fs]
                sign = _product_sign([_sign_class(v, k) for v, k in vals])
            except (sx.Undefined, sx.SexprError) as exc:
                raise Failed(f"box {box_str(box)}: {exc}") from None
            if sign not in (("neg",) if kind == "lt" else ("neg", "nonpos", "zero")):
                raise Failed(f"box {box_str(box)}: the sign of the product is not certified "
                             f"({sign})")
            if b.get("enclosure") is not None:
                prod = sx.IV.mpf(1)
                for v, k in vals:
                    prod = prod * (sx._ipow_int(v, k) if k >= 0
                                   else sx.IV.mpf(1) / sx._ipow_int(v, -k))
                if not _meets(f"[{b['enclosure'][0]}, {b['enclosure'][1]}]", None, prod):
                    raise Failed(f"box {box_str(box)}: the recorded enclosure does not match")
        try:
            query = _identity_query(cert, ranges, cons, fixed, fs)
        except (sx.SexprError, KeyError) as exc:
            raise Failed(f"identity not expressible: {exc}") from None
        try:
            _smt(query, "identity", rlimit, cpu=cpu)
        except Failed as exc:
            raise Failed(f"factor identity at {fixed or 'the box'}: {exc}") from None


def box_str(box: Box) -> str:
    return "[" + ", ".join(f"[{lo}, {hi}]" for lo, hi in box) + "]"
