"""Terms as SMT-LIB2 nonlinear real arithmetic (:class:`SmtWriter`), with fresh variables for
roots and reciprocals and the definedness conditions they need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .exact_values import exact
from .syntax import _INT, Inexact, Node, SexprError, Undefined, _arity, parse


def smt_real(x: Fraction) -> str:
    mag = f"{abs(x.numerator)}.0" if x.denominator == 1 else \
        f"(/ {abs(x.numerator)}.0 {x.denominator}.0)"
    return f"(- {mag})" if x < 0 else mag


@dataclass
class SmtWriter:
    """Translate terms to SMT-LIB2 Real terms. ``const``: names replaced by numbers (fixed
    integers); ``real``: names declared as Real variables (written ``x_<name>``). Fresh
    variables (``f_<k>``), their definitions and the definedness conditions accumulate.
    exp, log and pi become unconstrained variables (``o_<k>``), which is sound for an
    identity (it then holds for every value they could take)."""

    real: set[str]
    const: dict[str, Fraction] = field(default_factory=dict)
    fresh: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    _memo: dict[tuple[str, str], str] = field(default_factory=dict)

    def _new(self, key: tuple[str, str], make: Callable[[str], tuple[str, str | None]]) -> str:
        if key not in self._memo:
            name = f"f_{len(self.fresh)}"
            self.fresh.append(name)
            d, c = make(name)
            self.definitions.append(d)
            self._memo[key] = name
            if c is not None:
                self._memo[(key[0] + "?", key[1])] = c
        cond = self._memo.get((key[0] + "?", key[1]))
        if cond is not None and cond not in self.conditions:
            self.conditions.append(cond)
        return self._memo[key]

    def _prod(self, xs: list[str]) -> str:
        return "1.0" if not xs else (xs[0] if len(xs) == 1 else f"(* {' '.join(xs)})")

    def domain(self, ranges: list[dict[str, Any]], cons: list[tuple[Node, str, Node]],
               skip: Any = (), read: Callable[[Any], Node] | None = None) -> list[str]:
        """The domain as SMT-LIB2 assertions: lo (<|<=) x_name (<|<=) hi for each range (names
        in ``skip`` left out), and lhs REL rhs for each constraint (``!=`` as ``not =``).
        ``read`` parses a bound (default :func:`parse`)."""
        read = read or parse
        out = []
        for r in ranges:
            if r["name"] in skip:
                continue
            x = f"x_{r['name']}"
            if r.get("lo") is not None:
                out.append(f"({'<' if r.get('lo_open') else '<='} {self.term(read(r['lo']))} {x})")
            if r.get("hi") is not None:
                out.append(f"({'<' if r.get('hi_open') else '<='} {x} {self.term(read(r['hi']))})")
        for cl, crel, cr in cons:
            a, b = self.term(cl), self.term(cr)
            out.append(f"(not (= {a} {b}))" if crel == "!=" else f"({crel} {a} {b})")
        return out

    def term(self, node: Node) -> str:
        if isinstance(node, str):
            if _INT.match(node):
                return smt_real(Fraction(int(node)))
            if node in self.const:
                return smt_real(self.const[node])
            if node in self.real:
                return f"x_{node}"
            if node == "pi":
                return self._new(("opaque", "pi"), lambda n: ("true", None))
            raise SexprError(f"unknown name {node}")
        op, args = node[0], node[1:]
        if op in ("+", "*"):
            _arity(node, 1)
            return f"({op} {' '.join(self.term(a) for a in args)})"
        if op == "-":
            _arity(node, 1, 2)
            return f"(- {' '.join(self.term(a) for a in args)})"
        if op == "/":
            _arity(node, 2, 2)
            try:
                return smt_real(exact(node, dict(self.const)))
            except (SexprError, Inexact, Undefined):
                pass
            den = self.term(args[1])
            r = self._recip(den)
            return f"(* {self.term(args[0])} {r})"
        if op == "^":
            _arity(node, 2, 2)
            try:
                e = exact(args[1], dict(self.const))
            except (SexprError, Inexact, Undefined) as exc:
                raise SexprError("symbolic exponent: not in SMT-LIB2 arithmetic") from exc
            base = self.term(args[0])
            p, q = e.numerator, e.denominator
            if q != 1:
                def make(n: str, q: int = q, base: str = base) -> tuple[str, str]:
                    yq = self._prod([n] * q)
                    return (f"(and (>= {n} 0.0) (=> (>= {base} 0.0) (= {yq} {base})))",
                            f"(>= {base} 0.0)")
                base = self._new((f"root{q}", base), make)
            if p < 0:
                base = self._recip(base)
                p = -p
            if p > 64:
                raise SexprError("exponent too large")
            return self._prod([base] * p)
        if op == "abs":
            _arity(node, 1, 1)
            a = self.term(args[0])
            return f"(ite (>= {a} 0.0) {a} (- {a}))"
        if op == "sign":
            _arity(node, 1, 1)
            a = self.term(args[0])
            return f"(ite (> {a} 0.0) 1.0 (ite (< {a} 0.0) (- 1.0) 0.0))"
        if op in ("max", "min"):
            _arity(node, 1)
            cmp = ">=" if op == "max" else "<="
            xs = [self.term(a) for a in args]
            out = xs[0]
            for x in xs[1:]:
                out = f"(ite ({cmp} {out} {x}) {out} {x})"
            return out
        if op in ("exp", "log"):
            _arity(node, 1, 1)
            a = self.term(args[0])
            if op == "log" and f"(> {a} 0.0)" not in self.conditions:
                self.conditions.append(f"(> {a} 0.0)")
            return self._new(("opaque", f"({op} {a})"), lambda n: ("true", None))
        raise SexprError(f"unknown operator {op}")

    def _recip(self, den: str) -> str:
        return self._new(("recip", den), lambda n: (
            f"(=> (not (= {den} 0.0)) (= (* {n} {den}) 1.0))", f"(not (= {den} 0.0))"))
