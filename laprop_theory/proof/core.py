"""A proof as data: symbols with explicit domains, steps as relations, claims as step lists.

A :class:`Step` is one relation ``lhs REL rhs`` between sympy expressions that the paper
asserts for every point of a :class:`Domain` (a box of intervals, some integer-valued, cut
down by extra constraints). A :class:`Claim` is a statement (itself a step) plus the ordered
steps of the paper's proof of it. Deciding a step yields a :class:`Verdict` whose status is
``proved``, ``refuted`` or ``unverified`` and which names the ``method`` that decided it
(``sympy``, ``interval``, ``smt``, ``counterexample``). Nothing passes silently: a step no
method decides is ``unverified``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp

Relation = Literal["<=", "<", "=", ">=", ">"]
Status = Literal["proved", "refuted", "unverified"]
Method = Literal["sympy", "interval", "smt", "counterexample", "kernel"]
STATUSES: tuple[str, ...] = ("proved", "refuted", "unverified")
METHODS: tuple[str, ...] = ("sympy", "interval", "smt", "counterexample", "kernel")


def _holds(constraint: Any, point: dict[sp.Symbol, Any]) -> bool:
    """``bool(constraint.subs(point))``, with every symbol replaced at once first
    (``xreplace``): ``subs`` replaces one symbol at a time, and an intermediate expression such
    as ``Max(v1, v2)`` with one argument numeric is simplified symbolically (most of the time
    spent building the AMSGrad claims). Where replacing at once gives no plain True or False,
    or fails (huge exact numbers), ``subs`` decides, as it always did."""
    try:
        value = constraint.xreplace({sp.sympify(k): sp.sympify(v) for k, v in point.items()})
    except Exception:  # noqa: BLE001 -- subs below decides (or raises) exactly as before
        value = None
    if value is sp.true or value is sp.false:
        return bool(value)
    return bool(constraint.subs(point))


@dataclass(frozen=True)
class Range:
    """The range of one symbol: ``lo (<|<=) x (<|<=) hi``; ``integer`` restricts to Z.

    ``lo``/``hi`` are sympy numbers or ``sp.oo``/``-sp.oo``.
    """

    lo: Any = -sp.oo
    hi: Any = sp.oo
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False

    def normalized(self) -> Range:
        """The same set with exact sympy bounds and, for an integer range, closed integer
        bounds: ``ceil(lo)`` (``lo + 1`` when ``lo`` is an open integer bound) and ``floor(hi)``
        (``hi − 1`` when open). An integer range with bound 1/2 means t ≥ 1, never t = 1/2 + k.
        """
        lo, hi = sp.sympify(self.lo), sp.sympify(self.hi)
        if not self.integer:
            return Range(lo, hi, self.lo_open, self.hi_open, False)
        if lo != -sp.oo:
            c = sp.ceiling(lo)
            lo = c + 1 if (self.lo_open and c == lo) else c
        if hi != sp.oo:
            f = sp.floor(hi)
            hi = f - 1 if (self.hi_open and f == hi) else f
        return Range(lo, hi, False, False, True)

    def contains(self, value: Any) -> bool:
        v = sp.nsimplify(value) if not isinstance(value, sp.Basic) else value
        if self.integer and not sp.Integer(v) == v:
            return False
        lo_ok = (v > self.lo) if self.lo_open else (v >= self.lo)
        hi_ok = (v < self.hi) if self.hi_open else (v <= self.hi)
        return bool(lo_ok) and bool(hi_ok)

    def __str__(self) -> str:
        left = "(" if self.lo_open or self.lo == -sp.oo else "["
        right = ")" if self.hi_open or self.hi == sp.oo else "]"
        kind = " integer" if self.integer else ""
        return f"{left}{self.lo}, {self.hi}{right}{kind}"


@dataclass(frozen=True)
class Domain:
    """Where a step must hold: a box ``{symbol: Range}`` and extra ``constraints``.

    ``constraints`` are sympy relationals over the same symbols (e.g. ``mu < sp.sqrt(nu)``)
    that every point of the domain satisfies in addition to the box.
    """

    ranges: dict[sp.Symbol, Range]
    constraints: tuple[Any, ...] = ()

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.ranges)

    def contains(self, point: dict[sp.Symbol, Any]) -> bool:
        if any(not self.ranges[s].contains(point[s]) for s in self.ranges):
            return False
        return all(_holds(c, point) for c in self.constraints)

    def normalized(self) -> Domain:
        """Every range normalised (:meth:`Range.normalized`); constraints unchanged."""
        return Domain({s: r.normalized() for s, r in self.ranges.items()}, self.constraints)

    def widened(self, symbol: sp.Symbol, rng: Range) -> Domain:
        """A copy with one symbol's range replaced (used by the mutation suite)."""
        ranges = dict(self.ranges)
        ranges[symbol] = rng
        return Domain(ranges, self.constraints)

    def describe(self) -> str:
        parts = [f"{s} in {r}" for s, r in self.ranges.items()]
        parts += [str(c) for c in self.constraints]
        return ", ".join(parts)


#: Objects that sympy's printer would order by evaluating them numerically (an improper
#: integral is integrated by quadrature to sort the terms of a sum: 13 s for Eq. 8's step).
_UNORDERED = (sp.Integral, sp.Limit, sp.Sum, sp.Product, sp.Derivative)


def show(expr: Any) -> str:
    """The printed form of an expression: sympy's ``str``, except that an expression holding
    an integral, limit, sum, product or derivative keeps its terms in the order it was built
    (``order="none"``), so that printing never evaluates it."""
    if isinstance(expr, sp.Basic) and expr.has(*_UNORDERED):
        return sp.sstr(expr, order="none")
    return str(expr)


@dataclass(frozen=True)
class Step:
    """One asserted relation ``lhs rel rhs`` over ``domain``.

    ``eq`` is the paper's equation label (e.g. ``"(10) line 3"``); ``justification`` is the
    reason the paper gives, quoted or paraphrased; ``note`` is ours.
    """

    id: str
    lhs: Any
    rel: Relation
    rhs: Any
    domain: Domain
    eq: str = ""
    justification: str = ""
    note: str = ""
    #: ``True`` when the symbols stand for quantities of a run (a state m_{t-1}, a step size
    #: s_t, ...) tied together in ways the domain does not capture: then a point of the
    #: domain need not be reachable, and a counterexample refutes only if it is one of
    #: ``witnesses``, the points of actual runs of the recurrences (see below).
    abstract: bool = False
    #: Reachable points for an abstract step, each ``{"point": {symbol: exact value},
    #: "run": "what was run"}``, computed by replaying an algorithm of
    #: :mod:`laprop_theory.recurrences` (so a refutation at one of them is a real failure).
    witnesses: tuple[Any, ...] = field(default=(), compare=False)

    def text(self) -> str:
        """``lhs rel rhs`` as printed everywhere (JSON, tables, errata); see :func:`show`."""
        return f"{show(self.lhs)} {self.rel} {show(self.rhs)}"

    def relation(self) -> Any:
        ops = {"<=": sp.Le, "<": sp.Lt, "=": sp.Eq, ">=": sp.Ge, ">": sp.Gt}
        return ops[self.rel](self.lhs, self.rhs, evaluate=False)

    def __str__(self) -> str:
        return f"{self.id}: {self.text()}"


@dataclass(frozen=True)
class Claim:
    """A claim of the paper: its statement (a step) and the steps of its proof, in order."""

    id: str
    title: str
    statement: Step
    steps: tuple[Step, ...] = ()
    source: str = ""
    note: str = ""
    #: how the claim follows from its steps, for the kernel (:mod:`laprop_theory.proof.kernel`):
    #: a callable ``derivation(thm) -> Theorem`` where ``thm(step_id)`` returns the kernel's
    #: theorem for a decided step; ``None``: the claim's verdict is its statement step's.
    derivation: Any = field(default=None, compare=False, repr=False)
    #: the scope the derivation proves, in words, e.g. "every integer t >= 1"
    scope: str = ""
    #: the variables the derived statement is universally quantified over
    for_all: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The outcome of deciding one step.

    ``counterexample`` (refuted only): ``{"point": {symbol: decimal string}, "lhs": str,
    "rhs": str, "violation": str}`` where ``violation`` is an interval enclosure of the
    amount by which the relation fails, certified to exclude 0 (e.g. lhs − rhs ∈ [a, b] with
    a > 0 for a claimed ``<=``).
    """

    status: Status
    method: Method | None
    detail: str = ""
    counterexample: dict[str, Any] | None = None
    seconds: float = 0.0
    #: work units spent (deterministic: z3 rlimit, points, boxes, rewrites); never seconds
    work: int = 0
    #: what the deciding method produced, for a certificate: ``{"step": Step decided (the
    #: relaxed one where a relaxation was used), "relaxation": str | None, "boxes": [...],
    #: "point": {...}}``. Not part of the verdict's identity.
    evidence: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.status != "unverified" and self.method not in METHODS:
            raise ValueError(f"a {self.status} verdict must name its method, got {self.method!r}")
        if self.status == "refuted" and self.counterexample is None:
            raise ValueError("a refuted verdict must carry its certified counterexample")


@dataclass
class StepResult:
    """A step and its verdict, as reported by ``check``."""

    claim: str
    step: Step
    verdict: Verdict
    extra: dict[str, Any] = field(default_factory=dict)
