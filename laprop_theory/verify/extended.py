"""Steps about the extended reals: ``oo`` and improper integrals of non-negative functions.

A certificate of kind ``extended`` (format ``laprop-certificate/extended-1``, written by
``laprop_theory.proof.certificates``) gives lhs and rhs as s-expressions of :mod:`.sexpr` with
two more forms,

    ``oo``                             +∞
    ``(integral BODY X LO HI)``        ∫_LO^HI BODY dX, LO and HI rationals, ``oo`` or ``(- oo)``,

and, per integral, *pieces* from which this module derives a certified lower bound. Nothing
of the checker is trusted; what is checked:

1. **The integrand is ≥ 0 almost everywhere** (:func:`ae_class`): a structural sign analysis
   over the null sets where terms may vanish or be undefined -- X ≠ 0 a.e.; exp(·) > 0;
   π > 0; b^k with k even is > 0 where b ≠ 0; b^(p/q) needs b > 0 a.e.; products and sums
   by their signs. The integrand may use X only (no parameter of the domain). Then the
   integral exists in [0, ∞] (Lebesgue) and is at least the sum of lower bounds of disjoint
   pieces of [LO, HI].
2. **Pieces** (their interiors pairwise disjoint, inside [LO, HI]):

   ``riemann``: consecutive boxes [a₀, a₁], [a₁, a₂], …; ∫ ≥ Σ (aᵢ₊₁ − aᵢ)·max(0, inf f)
   with inf f the lower end of f's ``mpmath`` interval enclosure on the box.

   ``pole``: a point s, a width δ > 0, an order p ≥ 1 (integer), a side (``right``: the
   piece [s, s + δ]; ``left``: [s − δ, s]) and a term g of X: cvc5 shows
   f · |X − s|^p = g wherever everything is defined on the open piece (exp, log and π
   abstracted into free variables, which is sound for an identity), and interval arithmetic
   shows g ≥ c > 0 on a cover of the closed piece by consecutive boxes. Then
   ∫ f ≥ c ∫_0^δ u^(−p) du = ∞.

3. **The relation**, by the rules of [0, ∞]-valued terms: a term is ``inf`` (+∞ at every
   point of the domain), ``ext`` (an extended value ≥ a certified bound ≥ 0) or finite (a term
   of :mod:`.sexpr`: cvc5 shows it is defined on the whole domain, and > 0 where a rule needs
   that). ``oo`` and a divergent integral are ``inf``; a sum is ``inf`` when one term is
   ``inf`` and every other is finite or ``ext``; a product is ``inf`` when one factor is
   ``inf`` and every other is certainly > 0 (finite: cvc5; ``ext``: its bound > 0). The step
   holds when: ``=`` both sides ``inf``; ``>=`` lhs ``inf``; ``<=`` rhs ``inf``; ``>`` lhs
   ``inf`` and rhs finite; ``<`` rhs ``inf`` and lhs finite. Anything else fails.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import sexpr as sx

__all__ = ["check_extended", "ae_class", "ExtendedError", "MAX_PIECE_BOXES"]

#: at most this many boxes in one piece
MAX_PIECE_BOXES = 4096

_NONNEG = ("pos", "nonneg", "zero")


class ExtendedError(ValueError):
    """The certificate does not establish the step (the message says why)."""


# -- the structural sign analysis ---------------------------------------------------------
def _neg_class(c: str) -> str:
    return {"pos": "neg", "neg": "pos", "nonneg": "nonpos", "nonpos": "nonneg"}.get(c, c)


def _mul_classes(cs: list[str]) -> str:
    if "zero" in cs:
        return "zero"
    if "any" in cs:
        return "any"
    if "nz" in cs:
        return "nz" if all(c in ("pos", "neg", "nz") for c in cs) else "any"
    negative = sum(c in ("neg", "nonpos") for c in cs) % 2 == 1
    strict = all(c in ("pos", "neg") for c in cs)
    return ("neg" if strict else "nonpos") if negative else ("pos" if strict else "nonneg")


def _add_classes(cs: list[str]) -> str:
    if all(c in _NONNEG for c in cs):
        return "pos" if "pos" in cs else ("zero" if all(c == "zero" for c in cs) else "nonneg")
    if all(c in ("neg", "nonpos", "zero") for c in cs):
        return "neg" if "neg" in cs else "nonpos"
    return "any"


def ae_class(node: sx.Node, var: str) -> str:
    """The sign of ``node`` (a term of the variable ``var`` only) at almost every real value
    of ``var``: ``pos``, ``neg``, ``nz`` (≠ 0), ``nonneg``, ``nonpos``, ``zero`` or ``any``;
    the term is also defined almost everywhere (outside a null set). Raises
    :class:`ExtendedError` where that cannot be shown."""
    if isinstance(node, str):
        if sx._INT.match(node):
            v = int(node)
            return "pos" if v > 0 else "neg" if v < 0 else "zero"
        if node == "pi":
            return "pos"
        if node == var:
            return "nz"  # x ≠ 0 except at one point
        raise ExtendedError(f"the integrand uses {node}, not only the integration variable")
    op, args = node[0], node[1:]
    if op == "+":
        return _add_classes([ae_class(a, var) for a in args])
    if op == "-":
        cs = [ae_class(a, var) for a in args]
        if len(cs) == 1:
            return _neg_class(cs[0])
        return _add_classes([cs[0], _neg_class(cs[1])])
    if op == "*":
        return _mul_classes([ae_class(a, var) for a in args])
    if op == "/":
        a, b = ae_class(args[0], var), ae_class(args[1], var)
        if b not in ("pos", "neg", "nz"):
            raise ExtendedError("a denominator that may vanish on a set of positive measure")
        return _mul_classes([a, b])
    if op == "^":
        b = ae_class(args[0], var)
        try:
            e: Fraction | None = sx.exact(args[1], {})
        except (sx.Inexact, sx.Undefined, sx.SexprError):
            e = None
        if e is not None and e.denominator == 1:
            k = e.numerator
            if k == 0:
                return "pos"
            if k < 0 and b not in ("pos", "neg", "nz"):
                raise ExtendedError("a negative power of a term that may vanish")
            if k % 2 == 0:
                return "pos" if b in ("pos", "neg", "nz") else "nonneg"
            return b
        if e is None:
            ae_class(args[1], var)  # the exponent must be defined a.e.
        if b == "pos" or (b in ("pos", "nonneg", "zero") and e is not None and e > 0):
            return b if b != "zero" else "zero"
        raise ExtendedError("a real power of a term not certainly positive")
    if op == "exp":
        ae_class(args[0], var)
        return "pos"
    if op == "log":
        if ae_class(args[0], var) != "pos":
            raise ExtendedError("log of a term not certainly positive")
        return "any"
    if op == "abs":
        c = ae_class(args[0], var)
        return "pos" if c in ("pos", "neg", "nz") else ("zero" if c == "zero" else "nonneg")
    if op == "sign":
        return ae_class(args[0], var)
    if op in ("max", "min"):
        for a in args:
            ae_class(a, var)
        return "any"
    raise ExtendedError(f"operator {op} in an integrand")


# -- extended terms ---------------------------------------------------------------------
def _is_oo(node: sx.Node) -> bool:
    return node == "oo"


def _bound(node: sx.Node) -> Fraction | None:
    """An integration bound: a rational, or None for ±oo (the caller checks which)."""
    if node == "oo" or node == ["-", "oo"]:
        return None
    try:
        return sx.exact(node, {})
    except (sx.Inexact, sx.Undefined, sx.SexprError):
        raise ExtendedError("an integration bound is not a rational or oo") from None


def _has_extended(node: sx.Node) -> bool:
    if isinstance(node, str):
        return node == "oo"
    return node[0] == "integral" or any(_has_extended(a) for a in node[1:])


def parse(text: Any) -> sx.Node:
    """Parse an extended s-expression and check the shape of its integrals."""
    if not isinstance(text, str):
        raise ExtendedError("a term is not a string")
    try:
        node = sx.parse(text)
    except sx.SexprError as exc:
        raise ExtendedError(f"bad term: {exc}") from None
    _shape(node)
    return node


def _shape(node: sx.Node) -> None:
    if isinstance(node, str):
        return
    if node[0] == "integral" and (len(node) != 5 or not isinstance(node[2], str)):
        raise ExtendedError("an integral is (integral BODY X LO HI)")
    for a in node[1:]:
        _shape(a)


# -- integrals ----------------------------------------------------------------------------
def _boxes(raw: Any, start: Fraction, end: Fraction) -> list[tuple[Fraction, Fraction]]:
    """Consecutive boxes from ``start`` to ``end`` (exact rationals)."""
    if not isinstance(raw, list) or not raw or len(raw) > MAX_PIECE_BOXES:
        raise ExtendedError("a piece needs 1 to MAX_PIECE_BOXES boxes")
    out = []
    at = start
    for b in raw:
        try:
            lo, hi = Fraction(str(b[0])), Fraction(str(b[1]))
        except (ValueError, ZeroDivisionError, TypeError, IndexError):
            raise ExtendedError(f"bad box {b!r}") from None
        if lo != at or hi <= lo:
            raise ExtendedError("the boxes of a piece are not consecutive")
        out.append((lo, hi))
        at = hi
    if at != end:
        raise ExtendedError("the boxes do not end where the piece ends")
    return out


def _on_box(node: sx.Node, var: str, lo: Fraction, hi: Fraction) -> Any:
    try:
        return sx.interval(node, {var: sx.IV.mpf([sx.ival(lo).a, sx.ival(hi).b])})
    except (sx.Undefined, sx.SexprError) as exc:
        raise ExtendedError(f"on [{lo}, {hi}]: {exc}") from None


def _pole_identity(body: sx.Node, var: str, s: Fraction, delta: Fraction, side: str,
                   p: int, g: sx.Node) -> str:
    """SMT-LIB2: on the open piece, wherever everything is defined, body·|X − s|^p ≠ g."""
    w = sx.SmtWriter(real={var})
    x = f"x_{var}"
    if side == "right":
        dom = [f"(< {sx.smt_real(s)} {x})", f"(<= {x} {sx.smt_real(s + delta)})"]
        dist = f"(- {x} {sx.smt_real(s)})"
    else:
        dom = [f"(<= {sx.smt_real(s - delta)} {x})", f"(< {x} {sx.smt_real(s)})"]
        dist = f"(- {sx.smt_real(s)} {x})"
    f, gt = w.term(body), w.term(g)
    lhs = f"(* {f} {' '.join([dist] * p)})"
    lines = ["(set-logic QF_NRA)", f"(declare-fun {x} () Real)"]
    lines += [f"(declare-fun {n} () Real)" for n in w.fresh]
    lines += [f"(assert {a})" for a in dom + w.definitions + w.conditions]
    lines += [f"(assert (not (= {lhs} {gt})))", "(check-sat)"]
    return "\n".join(lines) + "\n"


def integral_bound(node: list, info: dict[str, Any], smt: Any) -> tuple[bool, Any]:
    """(diverges, lower bound interval) of an ``(integral BODY X LO HI)`` term from its
    certificate ``info`` (see the module docstring); ``smt(script, what)`` runs cvc5 and
    raises unless every answer is unsat."""
    _, body, var, lo_n, hi_n = node
    if not isinstance(var, str) or not sx._NAME.match(var) or var in ("pi", "oo"):
        raise ExtendedError("bad integration variable")
    a, b = _bound(lo_n), _bound(hi_n)
    if (a is None and lo_n != ["-", "oo"]) or (b is None and hi_n != "oo"):
        raise ExtendedError("an integral from +oo or to -oo")
    if a is not None and b is not None and a >= b:
        raise ExtendedError("an integral over an empty or reversed range")
    if sx.names_in(body) - {var}:
        raise ExtendedError("the integrand depends on more than the integration variable")
    cls = ae_class(body, var)
    if cls not in _NONNEG:
        raise ExtendedError(f"the integrand is not certainly >= 0 a.e. ({cls})")
    pieces = info.get("pieces")
    if not isinstance(pieces, list) or not pieces:
        raise ExtendedError("an integral without pieces")
    spans: list[tuple[Fraction, Fraction]] = []
    total = sx.IV.mpf(0)
    diverges = False
    for pc in pieces:
        kind = pc.get("kind")
        if kind == "riemann":
            raw = pc.get("boxes")
            try:
                start, end = Fraction(str(raw[0][0])), Fraction(str(raw[-1][1]))
            except (ValueError, ZeroDivisionError, TypeError, IndexError):
                raise ExtendedError("a riemann piece without boxes") from None
            for lo, hi in _boxes(raw, start, end):
                v = _on_box(body, var, lo, hi)
                low = sx.lo(v) if sx.lo(v) > 0 else sx.IV.mpf(0)
                total = total + sx.IV.mpf(low) * (sx.ival(hi) - sx.ival(lo))
        elif kind == "pole":
            try:
                s, delta, p = Fraction(str(pc["at"])), Fraction(str(pc["width"])), pc["order"]
            except (KeyError, ValueError, ZeroDivisionError, TypeError):
                raise ExtendedError("a pole piece needs at, width and order") from None
            side = pc.get("side")
            if side not in ("left", "right") or delta <= 0 or not isinstance(p, int) or \
                    isinstance(p, bool) or not 1 <= p <= 64:
                raise ExtendedError("a pole piece needs a side, a width > 0 and an order >= 1")
            start, end = (s, s + delta) if side == "right" else (s - delta, s)
            g = sx.parse(pc.get("g")) if isinstance(pc.get("g"), str) else None
            if g is None or sx.names_in(g) - {var}:
                raise ExtendedError("a pole piece needs g, a term of the integration variable")
            for lo, hi in _boxes(pc.get("cover"), start, end):
                if not sx.lo(_on_box(g, var, lo, hi)) > 0:
                    raise ExtendedError(f"g is not certainly > 0 on [{lo}, {hi}]")
            try:
                script = _pole_identity(body, var, s, delta, side, p, g)
            except sx.SexprError as exc:
                raise ExtendedError(f"pole identity not expressible: {exc}") from None
            smt(script, f"pole identity at {s}")
            diverges = True
        else:
            raise ExtendedError(f"unknown piece kind {kind!r}")
        if (a is not None and start < a) or (b is not None and end > b):
            raise ExtendedError("a piece is outside the range of integration")
        spans.append((start, end))
    spans.sort()
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        if s2 < e1:
            raise ExtendedError("two pieces overlap")
    return diverges, total


# -- finite terms on the domain -----------------------------------------------------------
def _finite_script(ranges: list[dict[str, Any]], cons: list[tuple], node: sx.Node,
                   positive: bool) -> str:
    """SMT-LIB2 with two check-sats (both to be unsat): some condition of ``node`` fails
    somewhere on the domain; ``node`` ≤ 0 somewhere on it (when ``positive``)."""
    real = {r["name"] for r in ranges}
    w = sx.SmtWriter(real=real)
    dom = w.domain(ranges, cons)
    dom_conds = list(w.conditions)
    t = w.term(node)
    conds = [c for c in w.conditions if c not in dom_conds]
    lines = ["(set-option :incremental true)", "(set-logic QF_NRA)"]
    lines += [f"(declare-fun x_{n} () Real)" for n in sorted(real)]
    lines += [f"(declare-fun {n} () Real)" for n in w.fresh]
    lines += [f"(assert {a})" for a in dom + w.definitions + dom_conds]
    lines += ["(push 1)", f"(assert (not (and {' '.join(conds)} true)))", "(check-sat)",
              "(pop 1)"]
    if positive:
        lines += ["(push 1)"] + [f"(assert {c})" for c in conds]
        lines += [f"(assert (not (> {t} 0.0)))", "(check-sat)", "(pop 1)"]
    return "\n".join(lines) + "\n"


def check_extended(cert: dict[str, Any], ranges: list[dict[str, Any]], cons: list[tuple],
                   smt: Any, tools: set[str]) -> None:
    """Check an ``extended`` certificate (see the module docstring); ``ranges`` and ``cons``
    are its parsed domain, ``smt(script, what)`` runs cvc5 (raising unless unsat); the tools
    that take part are added to ``tools``. Raises :class:`ExtendedError`."""
    rel = cert.get("rel")
    if rel not in ("=", "<=", "<", ">=", ">"):
        raise ExtendedError(f"bad relation {rel!r}")
    if any(r.get("integer") for r in ranges):
        raise ExtendedError("integer symbols are not supported in an extended certificate")
    for cl, _, cr in cons:
        if _has_extended(cl) or _has_extended(cr):
            raise ExtendedError("a constraint with oo or an integral")
    lhs, rhs = parse(cert.get("lhs")), parse(cert.get("rhs"))
    infos: list[tuple[sx.Node, dict[str, Any]]] = []
    for info in cert.get("integrals") or []:
        if not isinstance(info, dict):
            raise ExtendedError("bad integral entry")
        infos.append((parse(info.get("term")), info))
    memo: dict[str, tuple[bool, Any]] = {}

    def integral(node: list) -> tuple[bool, Any]:
        key = repr(node)
        if key not in memo:
            found = [info for t, info in infos if t == node]
            if not found:
                raise ExtendedError("an integral without a certificate entry")
            tools.add("mpmath-iv")
            memo[key] = integral_bound(node, found[0], smt)
        return memo[key]

    def finite(node: sx.Node, positive: bool) -> None:
        if sx.names_in(node) - {r["name"] for r in ranges}:
            raise ExtendedError("a finite term uses a name outside the domain")
        tools.add("cvc5")
        try:
            script = _finite_script(ranges, cons, node, positive)
        except (sx.SexprError, KeyError) as exc:
            raise ExtendedError(f"not expressible in SMT-LIB2: {exc}") from None
        smt(script, "a finite term is defined" + (" and > 0" if positive else ""))

    def classify(node: sx.Node) -> tuple[str, Any]:
        """("inf", None), ("ext", lower bound interval) or ("fin", node)."""
        if not _has_extended(node):
            return "fin", node
        if _is_oo(node):
            return "inf", None
        if isinstance(node, str):
            raise ExtendedError(f"unexpected {node}")
        op, args = node[0], node[1:]
        if op == "integral":
            div, low = integral(node)
            return ("inf", None) if div else ("ext", low)
        if op in ("+", "*"):
            parts = [classify(a) for a in args]
            if not any(k == "inf" for k, _ in parts):
                raise ExtendedError(f"a {op} of extended terms without an infinite one")
            for k, v in parts:
                if k == "fin":
                    finite(v, positive=op == "*")
                elif k == "ext" and op == "*" and not sx.lo(v) > 0:
                    raise ExtendedError("a factor of oo is not certainly > 0")
            return "inf", None
        raise ExtendedError(f"{op} of an extended term is not supported")

    (lk, lv), (rk, rv) = classify(lhs), classify(rhs)
    for k, v in ((lk, lv), (rk, rv)):
        if k == "fin":
            finite(v, positive=False)
    ok = {"=": lk == rk == "inf", ">=": lk == "inf", "<=": rk == "inf",
          ">": lk == "inf" and rk == "fin", "<": rk == "inf" and lk == "fin"}[rel]
    if not ok:
        raise ExtendedError(f"the extended rules do not decide {lk} {rel} {rk}")
