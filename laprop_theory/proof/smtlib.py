"""sympy → SMT-LIB2, written out as text (independent of z3's API), for certificates.

A step ``lhs REL rhs`` over a domain becomes SMT-LIB2 scripts that any SMT solver can re-check:

* every symbol of the domain is declared once (``Real``, or ``Int`` for an integer range; an
  ``Int`` appears in real terms as ``(to_real t)``), under a name that is SMT-safe and unique
  (``v_`` + the name with every other character than ``[A-Za-z0-9_]`` replaced, plus a
  counter on a clash); names are keyed by the symbol object, never by its text;
* the domain is asserted: ``lo <= x`` / ``lo < x``, ``x <= hi`` / ``x < hi`` per range and
  each constraint;
* what is not a polynomial gets a fresh variable with two definitions: a *total* one (some
  value of the variable satisfies it at every point, so it restricts nothing) and a *strict*
  one (the total one under the definedness condition, which it implies):

  ===============  =================================  ==================  ============
  term             total definition                   strict definition   condition
  ===============  =================================  ==================  ============
  b^(1/q), q ≥ 2   y ≥ 0 ∧ (b ≥ 0 ⇒ y^q = b)          y ≥ 0 ∧ y^q = b     b ≥ 0
  u^(-1)           u ≠ 0 ⇒ r·u = 1                    r·u = 1             u ≠ 0
  b^(p/q)          (b^(1/q))^p, p < 0 via u^(-1)      likewise            both
  b^k, k > 8       squarings s = b·b (equalities)     likewise            --
  |u|, sign(u)     ``ite`` terms                      likewise            --
  Max, Min         ``ite`` terms                      likewise            --
  ===============  =================================  ==================  ============

  Where the definedness conditions D hold, the strict definitions pin every fresh variable
  to the value it names (y = b^(1/q) is the unique y ≥ 0 with y^q = b; r = 1/u), and they
  hold nowhere else. So, with C the conditions of the constraints (a point where a
  constraint is undefined is not in the domain),

  - the *definedness* query ``domain ∧ C ∧ total defs ∧ ¬D`` is unsat iff both sides are
    defined at every point of the domain, and
  - the *negation* query ``domain ∧ strict defs ∧ ¬(lhs REL rhs)`` is unsat iff the relation
    holds at every point of the domain where both sides are defined;

  together: the step holds on the whole domain. (The strict form keeps the negation query
  free of the case splits of the implications, which solvers handle far better.)

Symbolic exponents (b^t), exp, log, pi, sums, limits, integrals and infinities cannot be
written in nonlinear real arithmetic: :class:`NotEncodable`. (A step with symbolic powers
b^(t+c) arrives here *relaxed* -- fresh variables in place of the powers -- when the checker
proved it that way.) For an *identity* query (:func:`identity_script`) exp(u), log(u) and pi
may instead be abstracted into free variables: an identity that holds for every value of
such a variable holds for the actual one.

:func:`sexpr` writes an expression as an SMT-LIB2-style s-expression with a few extra
operators (``^``, ``sqrt``-free roots as ``(^ b (/ 1 2))``, ``abs``, ``sign``, ``max``,
``min``, ``exp``, ``log``, ``pi``) for the JSON certificates that
:mod:`laprop_theory.verify` evaluates in interval arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy as sp

from .core import Range, Step

__all__ = ["NotEncodable", "Names", "Encoder", "Query", "encode_step", "negation_script",
           "definedness_script", "identity_script", "sexpr", "rational_literal", "NEGATION"]

#: the SMT-LIB2 term of ``not (lhs REL rhs)``, by REL (``{0}`` lhs, ``{1}`` rhs)
NEGATION: dict[str, str] = {"<=": "(not (<= {0} {1}))", "<": "(not (< {0} {1}))",
                            ">=": "(not (>= {0} {1}))", ">": "(not (> {0} {1}))",
                            "=": "(not (= {0} {1}))"}
_CMP: dict[type, str] = {sp.LessThan: "<=", sp.StrictLessThan: "<", sp.GreaterThan: ">=",
                         sp.StrictGreaterThan: ">", sp.Eq: "="}
#: powers up to this exponent are written as products; higher ones through squarings
_DIRECT_POWER = 8


class NotEncodable(ValueError):
    """An expression that SMT-LIB2 nonlinear real arithmetic cannot express (the message
    says what)."""


def _exact(x: Any) -> Fraction:
    """The exact rational value of a sympy Rational or Float (a Float is a binary fraction)."""
    q = sp.Rational(x) if isinstance(x, sp.Float) else x
    return Fraction(int(q.p), int(q.q))


def rational_literal(x: Fraction | int) -> str:
    """An SMT-LIB2 Real literal: ``3.0``, ``(/ 3.0 4.0)``, ``(- (/ 3.0 4.0))``."""
    x = Fraction(x)
    mag = f"{abs(x.numerator)}.0" if x.denominator == 1 else \
        f"(/ {abs(x.numerator)}.0 {x.denominator}.0)"
    return f"(- {mag})" if x < 0 else mag


def _txt(e: Any) -> str:
    """sympy's text without term ordering (ordering evaluates terms numerically)."""
    return sp.sstr(e, order="none")


def _sanitize(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


class Names:
    """SMT-safe unique names for symbols, keyed by the symbol object.

    A user symbol ``mu`` becomes ``v_mu``; ``gamma*sqrt(nu)^(t+0)`` becomes
    ``v_gamma_sqrt_nu___t_0_``; a second symbol with the same sanitised text gets ``_2``...
    Fresh variables never start with ``v_``, so they cannot capture a symbol."""

    def __init__(self) -> None:
        self.of: dict[sp.Basic, str] = {}
        self.taken: set[str] = set()

    def symbol(self, s: sp.Basic) -> str:
        if s in self.of:
            return self.of[s]
        base = "v_" + _sanitize(str(s))
        name, k = base, 1
        while name.lower() in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name.lower())
        self.of[s] = name
        return name

    def fresh(self, kind: str) -> str:
        k = 0
        while f"{kind}_{k}" in self.taken:
            k += 1
        name = f"{kind}_{k}"
        self.taken.add(name)
        return name

    def table(self) -> dict[str, str]:
        """{SMT name: the symbol's text}, in declaration order."""
        return {n: str(s) for s, n in self.of.items()}


@dataclass
class Encoder:
    """Translates sympy terms to SMT-LIB2 terms, collecting fresh variables (``fresh``: name
    → (sort, description)), their total definitions (``definitions``) and, per *context*, the
    definedness conditions met while translating (``conditions[context]``).

    ``integers``: the symbols declared ``Int``. ``abstract``: abstract exp/log/pi into free
    variables (identity queries only, see the module docstring)."""

    names: Names = field(default_factory=Names)
    integers: frozenset = frozenset()
    abstract: bool = False
    fresh: dict[str, str] = field(default_factory=dict)
    definitions: list[str] = field(default_factory=list)
    strict: list[str] = field(default_factory=list)
    conditions: dict[str, list[str]] = field(default_factory=dict)
    _cache: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    _abstracted: dict[sp.Basic, str] = field(default_factory=dict)

    # -- helpers -------------------------------------------------------------------------
    def _cond(self, context: str, cond: str | None) -> None:
        if cond is None:
            return
        lst = self.conditions.setdefault(context, [])
        if cond not in lst:
            lst.append(cond)

    def _fresh_var(self, kind: str, arg: str, describe: str, make: Any,
                   context: str) -> str:
        """A fresh variable for ``kind(arg)``, shared by equal terms; ``make(name)`` returns
        (total definition, strict definition, definedness condition or None); the strict
        definition is the total one under the condition."""
        key = (kind, arg)
        if key not in self._cache:
            name = self.names.fresh(kind)
            definition, strict, cond = make(name)
            self.fresh[name] = describe
            self.definitions.append(definition)
            self.strict.append(strict)
            self._cache[key] = (name, cond)
        name, cond = self._cache[key]
        self._cond(context, cond)
        return name

    def _product(self, factors: list[str]) -> str:
        return factors[0] if len(factors) == 1 else f"(* {' '.join(factors)})"

    def _power(self, base: str, k: int, context: str) -> str:
        """base^k for an integer k ≥ 0: a product, or squarings for large k."""
        if k == 0:
            return "1.0"
        if k <= _DIRECT_POWER:
            return self._product([base] * k)
        sq = self._fresh_var("sq", base, f"({base})^2", lambda n: (
            f"(= {n} (* {base} {base}))", f"(= {n} (* {base} {base}))", None), context)
        half = self._power(sq, k // 2, context)
        return f"(* {half} {base})" if k % 2 else half

    def _root(self, base: str, q: int, describe: str, context: str) -> str:
        """y = base^(1/q): y ≥ 0 ∧ (base ≥ 0 ⇒ y^q = base); condition base ≥ 0."""
        def make(n: str) -> tuple[str, str, str]:
            yq = self._product([n] * q)
            return (f"(and (>= {n} 0.0) (=> (>= {base} 0.0) (= {yq} {base})))",
                    f"(and (>= {n} 0.0) (= {yq} {base}))", f"(>= {base} 0.0)")
        return self._fresh_var("sqrt" if q == 2 else f"root{q}", base, describe, make, context)

    def _recip(self, base: str, describe: str, context: str) -> str:
        """r = 1/base: (base ≠ 0 ⇒ r·base = 1); condition base ≠ 0."""
        return self._fresh_var("recip", base, describe, lambda n: (
            f"(=> (not (= {base} 0.0)) (= (* {n} {base}) 1.0))",
            f"(= (* {n} {base}) 1.0)", f"(not (= {base} 0.0))"), context)

    # -- the translation -----------------------------------------------------------------
    def term(self, e: Any, context: str = "relation") -> str:
        """The SMT-LIB2 Real term of the sympy expression ``e`` (conditions go to
        ``conditions[context]``)."""
        e = sp.sympify(e)
        if isinstance(e, sp.Symbol):
            name = self.names.symbol(e)
            return f"(to_real {name})" if e in self.integers else name
        if e.is_Rational or isinstance(e, sp.Float):
            return rational_literal(_exact(e))
        if e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
            raise NotEncodable(f"infinity {_txt(e)}")
        if isinstance(e, sp.Add):
            return f"(+ {' '.join(self.term(a, context) for a in e.args)})"
        if isinstance(e, sp.Mul):
            return self._product([self.term(a, context) for a in e.args])
        if isinstance(e, sp.Pow):
            return self._pow(e, context)
        if isinstance(e, sp.Abs):
            a = self.term(e.args[0], context)
            return f"(ite (>= {a} 0.0) {a} (- {a}))"
        if isinstance(e, sp.sign):
            a = self.term(e.args[0], context)
            return f"(ite (> {a} 0.0) 1.0 (ite (< {a} 0.0) (- 1.0) 0.0))"
        if isinstance(e, (sp.Max, sp.Min)):
            op = ">=" if isinstance(e, sp.Max) else "<="
            args = [self.term(a, context) for a in sorted(e.args, key=sp.default_sort_key)]
            out = args[0]
            for a in args[1:]:
                out = f"(ite ({op} {out} {a}) {out} {a})"
            return out
        if self.abstract and (isinstance(e, (sp.exp, sp.log)) or e in (sp.pi, sp.E)):
            # the argument is translated all the same: its own conditions count
            args = [self.term(a, context) for a in e.args]
            if isinstance(e, sp.log):
                self._cond(context, f"(> {args[0]} 0.0)")
            if e not in self._abstracted:
                name = self.names.fresh("opaque")
                self.fresh[name] = f"{_txt(e)} (abstracted: any real value)"
                self._abstracted[e] = name
            return self._abstracted[e]
        raise NotEncodable(f"{type(e).__name__} ({_txt(e)[:200]})")

    def _pow(self, e: sp.Pow, context: str) -> str:
        b, x = e.args
        if isinstance(x, sp.Float) and sp.Rational(x).q <= 64:
            x = sp.Rational(x)
        if not x.is_Rational:
            raise NotEncodable(f"symbolic exponent in {_txt(e)[:200]}")
        base = self.term(b, context)
        p, q = int(x.p), int(x.q)
        if q != 1:
            base = self._root(base, q, f"({_txt(b)})^(1/{q})", context)
        if p < 0:
            what = f"1/({_txt(b)})" if q == 1 else f"({_txt(b)})^(-1/{q})"
            base = self._recip(base, what, context)
            p = -p
        return self._power(base, p, context)

    def relation(self, lhs: str, rel: str, rhs: str) -> str:
        return f"({rel} {lhs} {rhs})" if rel != "=" else f"(= {lhs} {rhs})"


@dataclass
class Query:
    """An encoded step, ready to be written as scripts."""

    logic: str
    declarations: list[str]
    domain: list[str]
    definitions: list[str]
    strict: list[str]
    domain_conditions: list[str]
    conditions: list[str]
    lhs: str
    rel: str
    rhs: str
    names: dict[str, str]
    fresh: dict[str, str]


def _range_assertions(enc: Encoder, s: sp.Symbol, rng: Range) -> list[str]:
    name = enc.names.symbol(s)
    out = []
    if rng.integer:
        if rng.lo != -sp.oo:
            out.append(f"(>= {name} {int(rng.lo)})")
        if rng.hi != sp.oo:
            out.append(f"(<= {name} {int(rng.hi)})")
        return out
    if rng.lo != -sp.oo:
        out.append(f"({'<' if rng.lo_open else '<='} {enc.term(rng.lo, 'domain')} {name})")
    if rng.hi != sp.oo:
        out.append(f"({'<' if rng.hi_open else '<='} {name} {enc.term(rng.hi, 'domain')})")
    return out


def constraint_term(enc: Encoder, c: Any) -> str:
    """A domain constraint (a sympy relational) as an SMT-LIB2 formula."""
    if isinstance(c, sp.Ne):
        return f"(not (= {enc.term(c.lhs, 'domain')} {enc.term(c.rhs, 'domain')}))"
    if type(c) in _CMP:
        return f"({_CMP[type(c)]} {enc.term(c.lhs, 'domain')} {enc.term(c.rhs, 'domain')})"
    if c is sp.true or c is True:
        return "true"
    raise NotEncodable(f"constraint {_txt(c)}")


def encode_step(step: Step, *, fixed: dict[sp.Symbol, int] | None = None,
                abstract: bool = False) -> Query:
    """Encode ``step`` (its domain must be normalised, as :func:`~.decide.prepare` leaves it).

    ``fixed``: integer symbols replaced by values (their ranges dropped); ``abstract``: see
    :class:`Encoder`. Raises :class:`NotEncodable`."""
    fixed = fixed or {}
    ranges = {s: r.normalized() for s, r in step.domain.ranges.items() if s not in fixed}
    sub = {s: sp.Integer(v) for s, v in fixed.items()}

    def fix(e: Any) -> Any:
        e = sp.sympify(e)
        return e.xreplace(sub) if sub else e

    lhs, rhs = fix(step.lhs), fix(step.rhs)
    constraints = [fix(c) for c in step.domain.constraints]
    for e in (lhs, rhs, *constraints):
        for cls in (sp.Sum, sp.Limit, sp.Integral, sp.Derivative, sp.Piecewise):
            if e.has(cls):
                raise NotEncodable(f"{cls.__name__.lower()} (not in SMT-LIB2 arithmetic)")
    enc = Encoder(integers=frozenset(s for s, r in ranges.items() if r.integer),
                  abstract=abstract)
    for s in ranges:
        enc.names.symbol(s)  # declaration order = domain order
    domain: list[str] = []
    for s, r in ranges.items():
        domain += _range_assertions(enc, s, r)
    for c in constraints:
        t = constraint_term(enc, c)
        if t != "true":
            domain.append(t)
    lt, rt = enc.term(lhs, "relation"), enc.term(rhs, "relation")
    stray = (lhs.free_symbols | rhs.free_symbols).union(*[sp.sympify(c).free_symbols
                                                          for c in constraints]) - set(ranges)
    if stray:
        raise NotEncodable(f"symbol {sorted(map(str, stray))[0]} has no range")
    decls = [f"(declare-fun {n} () {'Int' if s in enc.integers else 'Real'})"
             for s, n in enc.names.of.items()]
    decls += [f"(declare-fun {n} () Real)" for n in enc.fresh]
    logic = "QF_NIRA" if enc.integers else "QF_NRA"
    return Query(logic, decls, domain, list(enc.definitions), list(enc.strict),
                 list(enc.conditions.get("domain", [])),
                 [c for c in enc.conditions.get("relation", [])
                  if c not in enc.conditions.get("domain", [])],
                 lt, step.rel, rt, enc.names.table(), dict(enc.fresh))


def _conj(terms: list[str]) -> str:
    if not terms:
        return "true"
    return terms[0] if len(terms) == 1 else f"(and {' '.join(terms)})"


def _comment(lines: list[str]) -> list[str]:
    return ["; " + line.replace("\n", " ").replace("\r", " ") for line in lines]


def _prelude(q: Query, header: list[str], strict: bool,
             options: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Comments, solver options, logic, declarations, the domain and the definitions:
    ``strict``: the strict definitions (which imply every definedness condition), else the
    total ones and the constraints' conditions."""
    out = _comment(header)
    if q.names:
        out += _comment(["symbols: " + ", ".join(f"{n} = {s}" for n, s in q.names.items())])
    if q.fresh:
        out += _comment(["fresh variables: " + ", ".join(f"{n} = {d}"
                                                         for n, d in q.fresh.items())])
    if options:
        out.append("; a search strategy for the second solver (it cannot change an answer)")
        out += [f"(set-option :{k} {v})" for k, v in options]
    out.append(f"(set-logic {q.logic})")
    out += q.declarations
    if q.domain:
        out.append("; the domain")
        out += [f"(assert {a})" for a in q.domain]
    if strict and q.strict:
        out.append("; definitions of the fresh variables where everything is defined (y >= 0, "
                   "y^q = b; r*u = 1): they imply every definedness condition, which the "
                   "definedness query shows on the whole domain")
        out += [f"(assert {d})" for d in q.strict]
    if not strict and q.definitions:
        out.append("; definitions of the fresh variables (total: satisfiable at every point)")
        out += [f"(assert {d})" for d in q.definitions]
    if not strict and q.domain_conditions:
        out.append("; the constraints are defined (a point where one is not is not in the "
                   "domain)")
        out += [f"(assert {c})" for c in q.domain_conditions]
    return out


def negation_script(q: Query, header: list[str],
                    options: tuple[tuple[str, str], ...] = ()) -> str:
    """``domain ∧ strict defs ∧ ¬(lhs REL rhs)``, expected ``unsat``; the negated relation is
    the last assertion. (The strict definitions hold exactly where everything is defined,
    each fresh variable then being the value it names.) ``options``: cvc5 search-strategy
    options ``(set-option :key value)`` written before the logic."""
    out = _prelude(q, header, strict=True, options=options)
    out.append(f"; the negated relation: lhs {q.rel} rhs fails")
    out.append(f"(assert {NEGATION[q.rel].format(q.lhs, q.rhs)})")
    out += ["(check-sat)", "(exit)"]
    return "\n".join(out) + "\n"


def definedness_script(q: Query, header: list[str]) -> str | None:
    """``domain ∧ C ∧ total defs ∧ ¬D``, expected ``unsat``; None when there is no
    condition."""
    if not q.conditions:
        return None
    out = _prelude(q, header, strict=False)
    out.append("; some side is undefined somewhere on the domain")
    out.append(f"(assert (not {_conj(q.conditions)}))")
    out += ["(check-sat)", "(exit)"]
    return "\n".join(out) + "\n"


def identity_script(blocks: list[tuple[Query, str, str, list[str]]],
                    header: list[str]) -> str:
    """Several queries in one incremental script, each in a ``push``/``pop`` scope and
    expected ``unsat``: per block (query, left term, right term, comment) the identity
    ``left = right`` fails somewhere where everything is defined; or, where left is
    ``"defined"``, some condition of the query fails."""
    out = _comment(header)
    out.append("(set-option :incremental true)")
    logic = "QF_NIRA" if any(q.logic == "QF_NIRA" for q, *_ in blocks) else "QF_NRA"
    out.append(f"(set-logic {logic})")
    for q, left, right, note in blocks:
        out.append("(push 1)")
        out += _comment(note)
        body = _prelude(q, [], strict=left != "defined")
        out += [line for line in body if not line.startswith("(set-logic")]
        if left == "defined":
            out.append("; some side is undefined somewhere on the domain")
            out.append(f"(assert (not {_conj(q.conditions)}))")
        else:
            out.append("; the identity fails")
            out.append(f"(assert (not (= {left} {right})))")
        out += ["(check-sat)", "(pop 1)"]
    out.append("(exit)")
    return "\n".join(out) + "\n"


# -- s-expressions for the JSON certificates ----------------------------------------------
def _sx_rational(x: Fraction) -> str:
    mag = str(abs(x.numerator)) if x.denominator == 1 else \
        f"(/ {abs(x.numerator)} {x.denominator})"
    return f"(- {mag})" if x < 0 else mag


def sexpr(e: Any, names: Names, extended: bool = False) -> str:
    """``e`` as an s-expression over the names of ``names`` (see the module docstring).

    Numbers are exact: integers ``12``, rationals ``(/ 3 4)``, a sympy Float its exact binary
    value. Raises :class:`NotEncodable` for sums, limits, integrals, infinities and functions
    outside the list -- except, when ``extended``, +∞ (``oo``), −∞ (``(- oo)``) and a definite
    integral ∫_a^b f dx (``(integral F X A B)``, the bound variable named like a symbol),
    for the ``extended`` certificates."""
    e = sp.sympify(e)

    def rec(a: Any) -> str:
        return sexpr(a, names, extended)

    if isinstance(e, sp.Symbol):
        return names.symbol(e)
    if e.is_Rational or isinstance(e, sp.Float):
        return _sx_rational(_exact(e))
    if e is sp.pi:
        return "pi"
    if e is sp.E:
        return "(exp 1)"
    if extended and e in (sp.oo, -sp.oo):
        return "oo" if e is sp.oo else "(- oo)"
    if e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise NotEncodable(f"infinity {_txt(e)}")
    if extended and isinstance(e, sp.Integral):
        if len(e.limits) != 1 or len(e.limits[0]) != 3:
            raise NotEncodable("an integral that is not one definite integral")
        x, a, b = e.limits[0]
        return f"(integral {rec(e.function)} {names.symbol(x)} {rec(a)} {rec(b)})"
    if isinstance(e, sp.Add):
        return f"(+ {' '.join(rec(a) for a in e.args)})"
    if isinstance(e, sp.Mul):
        return f"(* {' '.join(rec(a) for a in e.args)})"
    if isinstance(e, sp.Pow):
        return f"(^ {rec(e.args[0])} {rec(e.args[1])})"
    unary = {sp.Abs: "abs", sp.sign: "sign", sp.exp: "exp", sp.log: "log"}
    for cls, op in unary.items():
        if isinstance(e, cls) and len(e.args) == 1:
            return f"({op} {rec(e.args[0])})"
    if isinstance(e, (sp.Max, sp.Min)):
        op = "max" if isinstance(e, sp.Max) else "min"
        return f"({op} {' '.join(rec(a) for a in e.args)})"
    raise NotEncodable(f"{type(e).__name__} ({_txt(e)[:200]})")
