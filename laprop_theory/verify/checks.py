"""One certificate, re-checked: SMT scripts by cvc5, boxes and points by interval arithmetic.

Nothing here imports the checker (``laprop_theory.proof``), z3 or sympy: the certificates are
read as text, the SMT-LIB2 scripts by cvc5's parser, the JSON s-expressions by
:mod:`.sexpr`.

What is checked, per kind of certificate (see ``laprop_theory.proof.certificates``):

``smt``
    every file's sha256 is the manifest's; cvc5 answers ``unsat`` to the ``definedness``
    script; for an equality whose ``statement`` file gives two rational functions, lhs − rhs
    expands to the zero rational function (:mod:`.algebra`); otherwise the ``negation``
    script's last assertion is ``not (lhs REL rhs)`` with the manifest's REL and cvc5 answers
    ``unsat`` to it. A ``lemmas`` file lists helper formulas, each shown unsat to negate
    under the domain, the definitions and the lemmas before it, then asserted before the
    negated relation; a ``split`` file lists atoms, and the negation must be unsat under every
    one of the 2^k truth assignments to them, which the verifier enumerates. Either can only
    make cvc5's work easier, never pass a wrong step.
``point``
    the point has one exact rational per range; it lies in every range (integers where the
    range is integer) and satisfies every constraint, decided exactly or by an interval that
    excludes the other side; lhs − rhs (oriented so that the step reads f ≤ 0, f < 0, f = 0)
    is certainly > 0, ≥ 0 or ≠ 0 there; the recorded enclosures of lhs and rhs meet the
    computed ones.
``boxes``
    the integer symbols' values are enumerated and each has exactly one cover; each cover's
    boxes lie in the hull of the continuous ranges and form a bisection of it (so their union
    is the hull and they overlap only on faces); each box either certainly violates a
    constraint on its whole closure, or the product of its factors Π bᵢ^kᵢ is certainly ≤ 0
    (< 0) on it; cvc5 shows, per value of the integers, that lhs and rhs are defined on the
    domain and that Π bᵢ^kᵢ = ±(lhs − rhs) wherever everything is defined (a query written
    here from the JSON, independent of the shipped ``identity`` script, which cvc5 also
    checks).
``extended`` (steps with ``oo`` or improper integrals)
    the rules of :mod:`.extended`: each integrand ≥ 0 almost everywhere (a structural sign
    analysis), a lower bound of each integral from pieces (a Riemann lower sum in interval
    arithmetic, or a pole c/|x − s|^p, p ≥ 1, shown by cvc5 and intervals: divergence), and
    the relation by the arithmetic of [0, ∞] with every finite term defined (and > 0 where a
    rule needs it) on the whole domain by cvc5.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import algebra
from . import sexpr as sx
from .extended import ExtendedError, check_extended
from .smt import CPU_SECONDS, NEGATED_KIND, RLIMIT, run_isolated

#: at most this many integer combinations and boxes in a cover certificate
MAX_COMBINATIONS = 10_000
MAX_BOXES = 2_000_000
_ORIENT = {"<=": (1, "le"), "<": (1, "lt"), ">=": (-1, "le"), ">": (-1, "lt"), "=": (1, "eq")}


class Failed(Exception):
    """A certificate that does not check (the message is the reason)."""


def _read(root: Path, rec: dict[str, Any]) -> bytes:
    rel = rec.get("path")
    if not isinstance(rel, str) or rel.startswith("/") or ".." in Path(rel).parts:
        raise Failed(f"bad path {rel!r}")
    path = root / rel
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Failed(f"cannot read: {exc.strerror or exc}") from None
    if hashlib.sha256(data).hexdigest() != rec.get("sha256"):
        raise Failed("sha256 differs from the manifest")
    return data


def _smt(text: str, name: str, rlimit: int, rel: str | None = None,
         cpu: float = CPU_SECONDS) -> None:
    out = run_isolated(text, name, rlimit=rlimit, cpu_limit=cpu)
    if out.error:
        raise Failed(out.error)
    if not out.answers:
        raise Failed("no check-sat in the script")
    if rel is not None and out.last_assertion != NEGATED_KIND[rel]:
        raise Failed(f"the last assertion is not the negated relation {rel!r}")
    bad = [a for a in out.answers if a != "unsat"]
    if bad:
        raise Failed(f"cvc5 answered {bad[0]} (expected unsat)")


# -- domains ------------------------------------------------------------------------------
def _frac(text: Any) -> Fraction:
    try:
        return Fraction(str(text))
    except (ValueError, ZeroDivisionError):
        raise Failed(f"not an exact rational: {text!r}") from None


def _parse(text: Any) -> sx.Node:
    try:
        return sx.parse(text)
    except sx.SexprError as exc:
        raise Failed(f"bad term: {exc}") from None


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


# -- points -------------------------------------------------------------------------------
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


# -- boxes --------------------------------------------------------------------------------
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


# -- one manifest entry -------------------------------------------------------------------
def _check_smt_entry(root: Path, entry: dict[str, Any], files: list[dict[str, Any]],
                     rlimit: int, cpu: float, tools: set[str], where: list[str]) -> None:
    """Definedness by cvc5; the relation by exact algebra (an identity between rational
    functions, where the ``statement`` file allows it) or else by cvc5 -- after the helper
    lemmas of a ``lemmas`` file (:func:`lemma_scripts`), in the cases of a ``split`` file
    (:func:`split_cases`)."""
    roles = [f.get("role") for f in files]
    if roles.count("negation") != 1 or len(set(roles)) != len(roles) or any(
            r not in ("negation", "definedness", "statement", "split", "lemmas") for r in roles):
        raise Failed(f"unexpected file roles {roles}")
    rel = entry.get("rel")
    if rel not in NEGATED_KIND:
        raise Failed(f"bad relation {rel!r}")
    by_role = {f["role"]: f for f in files}
    texts = {role: _read(root, f) for role, f in by_role.items()}  # every hash first
    if "definedness" in by_role:
        where[0] = by_role["definedness"]["path"]
        tools.add("cvc5")
        _smt(texts["definedness"].decode("utf-8"), where[0], rlimit, cpu=cpu)
    if "statement" in by_role:
        where[0] = by_role["statement"]["path"]
        st = json.loads(texts["statement"])
        if st.get("rel") != rel:
            raise Failed("the relation differs from the manifest's")
        if rel == "=":
            try:
                ok = algebra.identity(_parse(st.get("lhs")), _parse(st.get("rhs")))
            except algebra.NotRational:
                ok = None
            if ok is False:
                raise Failed("lhs - rhs is not the zero rational function")
            if ok:
                tools.add("exact-algebra")
                return
    where[0] = by_role["negation"]["path"]
    tools.add("cvc5")
    negation = texts["negation"].decode("utf-8")
    if "lemmas" in by_role:
        where[0] = by_role["lemmas"]["path"]
        scripts, negation = lemma_scripts(negation, json.loads(texts["lemmas"]))
        for i, text in enumerate(scripts):
            try:
                _smt(text, where[0], rlimit, cpu=cpu)
            except Failed as exc:
                raise Failed(f"lemma {i}: {exc}") from None
        where[0] = by_role["negation"]["path"]
    if "split" not in by_role:
        _smt(negation, where[0], rlimit, rel, cpu=cpu)
        return
    where[0] = by_role["split"]["path"]
    spec = json.loads(texts["split"])
    for case, text in split_cases(negation, spec):
        try:
            _smt(text, where[0], rlimit, rel, cpu=cpu)
        except Failed as exc:
            raise Failed(f"case {case}: {exc}") from None


#: at most this many lemmas in one certificate
MAX_LEMMAS = 64


def _split_last_assertion(negation: str) -> int:
    at = negation.rfind("\n(assert ")
    if at < 0:
        raise Failed("the negation script has no assertion")
    return at


def lemma_scripts(negation: str, spec: dict[str, Any]) -> tuple[list[str], str]:
    """Helper lemmas L₀ … Lₖ₋₁ (formulas over the negation script's symbols): per lemma i, the
    script up to its last assertion (domain and definitions), L₀ … Lᵢ₋₁ asserted and
    ``not Lᵢ`` -- each must be unsat, so every Lᵢ holds wherever the domain and definitions
    do (a lemma ``{"formula", "context": "none"}`` is shown from the declarations alone:
    valid for all real values, a fortiori there); and the negation script with all the
    lemmas asserted just before the negated relation, which is then equisatisfiable with the
    original (returned for the caller to check). A lemma can only make the check easier,
    never pass a wrong step."""
    raw = spec.get("lemmas")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_LEMMAS:
        raise Failed("lemmas must be 1 to MAX_LEMMAS formulas")
    lemmas: list[str] = []
    valid: list[bool] = []
    for item in raw:
        if isinstance(item, dict) and item.get("context") == "none":
            item, alone = item.get("formula"), True
        else:
            alone = False
        if not _one_term(item):
            raise Failed("a lemma is not one term")
        lemmas.append(item)
        valid.append(alone)
    at = _split_last_assertion(negation)
    prefix = negation[:at]
    # a lemma without context is shown valid over the reals from the declarations alone
    declarations = "\n".join(line for line in prefix.splitlines()
                             if line.startswith(("(set-option", "(set-logic", "(declare-fun")))
    scripts = []
    for i, lemma in enumerate(lemmas):
        if valid[i]:
            scripts.append(f"{declarations}\n(assert (not {lemma}))\n(check-sat)\n")
            continue
        asserted = "".join(f"\n(assert {a})" for a in lemmas[:i])
        scripts.append(f"{prefix}{asserted}\n(assert (not {lemma}))\n(check-sat)\n")
    final = prefix + "".join(f"\n(assert {a})" for a in lemmas) + negation[at:]
    return scripts, final


#: at most this many atoms in a case split (2^k cases)
MAX_SPLIT_ATOMS = 4


def _one_term(text: Any) -> bool:
    """Is ``text`` one balanced parenthesised term (so that it cannot smuggle commands)?"""
    if not isinstance(text, str) or not text.startswith("(") or not text.endswith(")"):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0 or (depth == 0 and i != len(text) - 1) or ch in ";|\"\n\r":
            return False
    return depth == 0


def split_cases(negation: str, spec: dict[str, Any]) -> list[tuple[str, str]]:
    """The scripts of a case split: per assignment of true/false to the ``atoms`` of
    ``spec`` (all 2^k of them, enumerated here, so the cases cover every point), the
    negation script with the atom or its negation asserted just before the negated relation,
    and the assignment's ``options`` (cvc5 strategies, checked by :mod:`.smt`) first.
    φ ∧ a and φ ∧ ¬a both unsat ⇒ φ unsat, whatever the atom a says."""
    atoms = spec.get("atoms")
    if not isinstance(atoms, list) or not 1 <= len(atoms) <= MAX_SPLIT_ATOMS or not all(
            _one_term(a) for a in atoms):
        raise Failed("a split needs 1 to MAX_SPLIT_ATOMS atoms, each one term")
    options = spec.get("options") or {}
    if not isinstance(options, dict):
        raise Failed("bad split options")
    at = _split_last_assertion(negation)
    out = []
    for bits in itertools.product("10", repeat=len(atoms)):
        case = "".join(bits)
        lits = [f"(assert {a})" if b == "1" else f"(assert (not {a}))"
                for a, b in zip(atoms, bits, strict=True)]
        opts = []
        for kv in options.get(case, []):
            if not (isinstance(kv, list) and len(kv) == 2 and all(
                    isinstance(v, str) and v.replace("-", "").isalnum() for v in kv)):
                raise Failed(f"bad option {kv!r}")
            opts.append(f"(set-option :{kv[0]} {kv[1]})")
        text = "\n".join(opts + [negation[:at]] + lits) + negation[at:]
        out.append((case, text))
    return out


def check_entry(root: Path, entry: dict[str, Any], rlimit: int = RLIMIT,
                cpu: float = CPU_SECONDS) -> tuple[str, str | None, set[str]]:
    """(file, failure reason or None, tools used) for one manifest entry."""
    files = entry.get("files") or []
    first = files[0]["path"] if files and isinstance(files[0], dict) and "path" in files[0] \
        else f"{entry.get('claim')}/{entry.get('step')}"
    kind = entry.get("kind")
    tools: set[str] = set()
    where = [first]
    try:
        if kind == "none" or not files:
            raise Failed(f"no certificate ({entry.get('reason', 'none written')})")
        if kind == "smt":
            if entry.get("status") != "proved":
                raise Failed("an SMT certificate must be of a proof")
            _check_smt_entry(root, entry, files, rlimit, cpu, tools, where)
        elif kind == "point":
            if entry.get("status") != "refuted" or len(files) != 1:
                raise Failed("a point certificate is one file of a refutation")
            tools.add("mpmath-iv")
            cert = json.loads(_read(root, files[0]))
            if cert.get("rel") != entry.get("rel"):
                raise Failed("the relation differs from the manifest's")
            check_point(cert)
        elif kind == "boxes":
            if entry.get("status") != "proved":
                raise Failed("a box cover must be of a proof")
            by_role = {f.get("role"): f for f in files}
            if set(by_role) != {"boxes", "identity"} or len(files) != 2:
                raise Failed("a box certificate is a cover and an identity script")
            tools |= {"mpmath-iv", "cvc5"}
            texts = {role: _read(root, f) for role, f in by_role.items()}
            where[0] = by_role["boxes"]["path"]
            cert = json.loads(texts["boxes"])
            if cert.get("rel") != entry.get("rel"):
                raise Failed("the relation differs from the manifest's")
            check_boxes(cert, rlimit, cpu)
            where[0] = by_role["identity"]["path"]
            _smt(texts["identity"].decode("utf-8"), where[0], rlimit, cpu=cpu)
        elif kind == "extended":
            if entry.get("status") != "proved" or len(files) != 1 or \
                    files[0].get("role") != "extended":
                raise Failed("an extended certificate is one file of a proof")
            cert = json.loads(_read(root, files[0]))
            if cert.get("rel") != entry.get("rel"):
                raise Failed("the relation differs from the manifest's")
            ranges, cons = _domain(cert)

            def run(script: str, what: str) -> None:
                try:
                    _smt(script, what, rlimit, cpu=cpu)
                except Failed as exc:
                    raise Failed(f"{what}: {exc}") from None

            try:
                check_extended(cert, ranges, cons, run, tools)
            except (ExtendedError, sx.SexprError, sx.Undefined) as exc:
                raise Failed(str(exc)) from None
        else:
            raise Failed(f"unknown certificate kind {kind!r}")
    except Failed as exc:
        return where[0], str(exc), tools
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        return where[0], f"malformed certificate: {type(exc).__name__}: {exc}", tools
    return where[0], None, tools
