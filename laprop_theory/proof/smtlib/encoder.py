"""sympy terms → SMT-LIB2 terms with fresh variables and their total and strict definitions
(:class:`Encoder`), and a step → :class:`Query` (:func:`encode_step`); see
:mod:`laprop_theory.proof.smtlib`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..core import Range, Step
from .names import Names, NotEncodable, _exact, _txt, rational_literal

_CMP: dict[type, str] = {sp.LessThan: "<=", sp.StrictLessThan: "<", sp.GreaterThan: ">=",
                         sp.StrictGreaterThan: ">", sp.Eq: "="}
#: powers up to this exponent are written as products; higher ones through squarings
_DIRECT_POWER = 8


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
