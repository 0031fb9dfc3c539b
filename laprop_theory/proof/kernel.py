"""The proof kernel: claims are derived from decided steps by a few explicit rules.

In the style of an LCF kernel, a :class:`Theorem` can only be made by the functions of this
module; each checks its premises *syntactically* (sympy structural equality, exact rational
range arithmetic) and does nothing clever. Everything clever (sympy, intervals, z3, search)
lives outside and only hands the kernel verdicts through :func:`axiom`.

Judgements:

* a **fact** ``∀ x ∈ D: lhs REL rhs`` (a :class:`Step` statement);
* a **run fact** ``∀ runs of a system, ∀ t ≥ 1: I(state_t, t)`` where ``I`` is a conjunction
  of relations over the state symbols, t and the parameters (:class:`System`).

Rules:

* :func:`axiom` -- a step a decision method proved is a fact (the methods are trusted; the
  certificates of :mod:`.certificates` let a second tool re-check them);
* :func:`weaken` -- a fact over D holds over D' ⊆ D (every range of D' inside the range of D,
  every constraint of D among those of D');
* :func:`instantiate` -- substitute numbers inside the ranges for some symbols;
* :func:`chain` -- a ≤ b and b ≤ c (same domain, the shared side b structurally equal) give
  a ≤ c; < and = compose as usual;
* :func:`case_split` -- facts over pieces of one symbol's range that cover it exactly give the
  fact over the whole range;
* :func:`induction` -- for a system (state recurrence read from
  :mod:`laprop_theory.recurrences`), the base (the invariant after the first step from the
  initial state, t = 1) and the step (the invariant at t ≥ 2 after one step from any state that
  satisfies the invariant at t − 1, for every input) give the invariant for every run and
  every t; the kernel builds both obligations itself and requires theorems whose statements
  equal them;
* :func:`consequence` -- a run fact I and a fact ``I ⇒ Q`` (Q's domain contains I's relations
  as constraints) give the run fact Q;
* :func:`hypothesis` -- a constraint of a domain is a fact over that domain;
* :func:`product` -- facts 0 ≤ e₁, ..., 0 ≤ e_k (read as b − a ≥ 0 from a ≤ b) over one
  domain give 0 ≤ e₁ ⋯ e_k;
* :func:`combine` -- a linear combination: facts aᵢ ≤ bᵢ (or =) over domains that contain D
  and rational weights wᵢ (≥ 0 for ≤) give lhs ≤ rhs over D when
  (rhs − lhs) − Σ wᵢ (bᵢ − aᵢ) is identically 0 as a rational function (checked exactly by
  sympy's expand and cancel: a syntactic identity of polynomials over Q, with every other
  subterm -- a root, a power with a symbolic exponent -- an opaque atom);
* :func:`substitute` -- ∀-elimination: a fact over D₀ holds with expressions put for some of
  its symbols, over a domain D where every value lies in its symbol's range and every
  constraint of D₀ holds after the substitution (each shown by a fact over D or a
  constraint of D);
* :func:`monotone` -- the mean value theorem: h(a) ≥ 0 and h'(x) ≥ 0 on [a, b] (h an
  elementary function: sums, products, powers, log, exp; h' computed by sympy's diff and
  compared exactly) give h(x) ≥ 0 on [a, b];
* :func:`coordinates` -- a run fact of one coordinate of a coordinate-wise system holds for
  each coordinate of a d-dimensional run, and so does its sum over the coordinates.

A :class:`System` may name per-step quantities (``lets``: u = μ_t, s = s_t, ...) that its
update uses; the obligations then carry their definitions as equations (a conservative
extension: every point of the plain obligation extends to exactly one point with the lets).
It may also carry run ``assumptions`` (the theorem's hypotheses on the runs, e.g.
|θ_t − θ*| ≤ D): its run facts then hold for every run that satisfies them at every step.

A claim's ``derivation`` uses these rules; :func:`judge` runs it and reports the claim
``proved`` (by the kernel, naming the last rule) only when it succeeds, else ``unverified``
with the steps that block it -- or ``refuted`` when its statement step is refuted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from .core import Claim, Domain, Range, Step, StepResult, show

_TOKEN = object()
_FLIP = {">=": "<=", ">": "<"}


class KernelError(ValueError):
    """A rule's premises do not fit: the derivation is rejected (never a silent pass)."""


class Blocked(Exception):
    """A derivation needs a step that is not proved."""

    def __init__(self, step_id: str, status: str) -> None:
        super().__init__(f"step {step_id} is {status}")
        self.step_id, self.status = step_id, status


def _rel(lhs: Any, rel: str, rhs: Any) -> tuple[Any, str, Any]:
    """Normal form: ≥ and > become ≤ and < with the sides swapped."""
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if rel in _FLIP:
        return rhs, _FLIP[rel], lhs
    if rel not in ("<=", "<", "="):
        raise KernelError(f"unknown relation {rel!r}")
    return lhs, rel, rhs


def _same(a: Any, b: Any) -> bool:
    return sp.sympify(a) == sp.sympify(b)


def _same_range(a: Range, b: Range) -> bool:
    a, b = a.normalized(), b.normalized()
    return (_same(a.lo, b.lo) and _same(a.hi, b.hi) and a.lo_open == b.lo_open
            and a.hi_open == b.hi_open and a.integer == b.integer)


def _range_within(inner: Range, outer: Range) -> bool:
    """inner ⊆ outer, decided by exact comparison of the (normalised) bounds."""
    i, o = inner.normalized(), outer.normalized()
    if o.integer and not i.integer:
        return False

    def lo_ok() -> bool:
        if o.lo == -sp.oo:
            return True
        if i.lo == -sp.oo:
            return False
        if i.lo > o.lo:
            return True
        return bool(i.lo == o.lo and (i.lo_open or not o.lo_open))

    def hi_ok() -> bool:
        if o.hi == sp.oo:
            return True
        if i.hi == sp.oo:
            return False
        if i.hi < o.hi:
            return True
        return bool(i.hi == o.hi and (i.hi_open or not o.hi_open))

    return lo_ok() and hi_ok()


def _tightened(dom: Domain, s: sp.Symbol) -> Range:
    """The range of ``s`` cut by the constraints of the simple form ``s REL number`` or
    ``number REL s`` (a syntactic reading: nothing else is inferred)."""
    r = dom.ranges[s].normalized()
    lo, hi, lo_open, hi_open = r.lo, r.hi, r.lo_open, r.hi_open
    for c in dom.constraints:
        if not isinstance(c, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan,
                              sp.StrictGreaterThan)):
            continue
        a, b = c.lhs, c.rhs
        strict = isinstance(c, (sp.StrictLessThan, sp.StrictGreaterThan))
        if isinstance(c, (sp.GreaterThan, sp.StrictGreaterThan)):
            a, b = b, a  # now a REL b with REL in <, <=
        if a == s and b.is_Rational:  # s <(=) b
            if hi == sp.oo or b < hi or (b == hi and strict):
                hi, hi_open = b, strict
        elif b == s and a.is_Rational:  # a <(=) s
            if lo == -sp.oo or a > lo or (a == lo and strict):
                lo, lo_open = a, strict
    return Range(lo, hi, lo_open, hi_open, r.integer)


def _canon(c: Any) -> Any:
    """A constraint in normal form: ``b >= a`` is ``a <= b``, ``b > a`` is ``a < b``."""
    c = sp.sympify(c)
    if isinstance(c, sp.GreaterThan):
        return sp.Le(c.rhs, c.lhs, evaluate=False)
    if isinstance(c, sp.StrictGreaterThan):
        return sp.Lt(c.rhs, c.lhs, evaluate=False)
    return c


def _domain_within(inner: Domain, outer: Domain) -> bool:
    """inner ⊆ outer × (the other symbols of inner): every symbol of ``outer`` has a range in
    ``inner`` inside its range in ``outer`` (after :func:`_tightened`), and every constraint of
    ``outer`` is one of ``inner``'s. Symbols only ``inner`` has are free: a fact over ``outer``
    does not mention them, so it holds for each of their values."""
    if not set(outer.ranges) <= set(inner.ranges):
        return False
    if not all(_range_within(_tightened(inner, s), outer.ranges[s]) for s in outer.ranges):
        return False
    have = {_canon(c) for c in inner.constraints}
    return all(_canon(c) in have for c in outer.constraints)


def _same_domain(a: Domain, b: Domain) -> bool:
    return _domain_within(a, b) and _domain_within(b, a)


@dataclass(frozen=True)
class Fact:
    """``∀ x ∈ domain: lhs rel rhs`` with rel in ≤, <, = (normal form)."""

    lhs: Any
    rel: str
    rhs: Any
    domain: Domain

    def __str__(self) -> str:
        return f"{show(self.lhs)} {self.rel} {show(self.rhs)}   for {self.domain.describe()}"


@dataclass(frozen=True)
class System:
    """A state recurrence: ``state_t = step(state_{t−1}, input_t, t)``, ``state_0 = init``.

    ``state``: the state symbols (e.g. m, n); ``inputs``: the input symbols with their range
    and constraints (e.g. g real, g ≠ 0); ``params``: the parameter domain (μ, ν, ...);
    ``t``: the step counter symbol; ``update``: state symbol → expression of (state, inputs,
    t, params) -- built from :mod:`laprop_theory.recurrences` in sympy by the claim modules;
    ``init``: state symbol → initial value; ``state_ranges``: the range of each state symbol
    in the induction step (typically the whole line: the invariant carries what is known).
    ``lets``: per-step quantities, symbol → expression of (state_{t−1}, inputs, t, params,
    earlier lets), in order; ``update`` may use them. ``assumptions``: relations over the
    same symbols (and ``update`` expressions) that every run considered satisfies at every
    step (hypotheses of a theorem about runs). ``coordinatewise``: the system is one
    coordinate of an algorithm that updates every coordinate alike from its own state and
    gradient (the premise of :func:`coordinates`).
    """

    name: str
    state: tuple[sp.Symbol, ...]
    update: dict[sp.Symbol, Any]
    init: dict[sp.Symbol, Any]
    inputs: Domain
    params: Domain
    t: sp.Symbol
    state_ranges: dict[sp.Symbol, Range] = field(default_factory=dict)
    lets: dict[sp.Symbol, Any] = field(default_factory=dict)
    assumptions: tuple[Any, ...] = ()
    coordinatewise: bool = False


@dataclass(frozen=True)
class RunFact:
    """``∀ runs of system, ∀ integer t ≥ 1: every relation of invariant holds of state_t``."""

    system: System
    invariant: tuple[tuple[Any, str, Any], ...]

    def __str__(self) -> str:
        rels = " and ".join(f"{a} {r} {b}" for a, r, b in self.invariant)
        under = ""
        if self.system.assumptions:
            under = " (runs with " + ", ".join(map(str, self.system.assumptions)) + \
                " at every step)"
        return f"every run of {self.system.name}{under}, every t >= 1: {rels}"


@dataclass(frozen=True)
class CoordinateSum:
    """``∀ d ≥ 1, ∀ runs of d coordinates of a coordinate-wise system, ∀ t ≥ 1:
    Σ_i lhs_i ≤ Σ_i rhs_i`` (lhs_i, rhs_i: the relation at coordinate i's state)."""

    system: System
    relation: tuple[Any, str, Any]

    def __str__(self) -> str:
        a, r, b = self.relation
        return (f"every d >= 1 and every run of d coordinates of {self.system.name}, every "
                f"t >= 1: sum_i ({a})_i {r} sum_i ({b})_i")


@dataclass(frozen=True)
class Theorem:
    """A judgement the kernel accepted, with the rule and the premises that made it."""

    statement: Fact | RunFact | CoordinateSum
    rule: str
    premises: tuple[Theorem, ...]
    steps: tuple[str, ...]  # the decided steps it rests on (claim/step ids)
    token: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.token is not _TOKEN:
            raise KernelError("theorems are made by the kernel's rules only")


def _thm(stmt: Fact | RunFact | CoordinateSum, rule: str, premises: Sequence[Theorem],
         steps: Sequence[str] = ()) -> Theorem:
    used = tuple(dict.fromkeys([*steps, *(s for p in premises for s in p.steps)]))
    return Theorem(stmt, rule, tuple(premises), used, _TOKEN)


# ----------------------------------------------------------------------------- rules

def axiom(result: StepResult) -> Theorem:
    """A step proved by a decision method (its verdict must be ``proved``)."""
    if result.verdict.status != "proved":
        raise Blocked(f"{result.claim}/{result.step.id}", result.verdict.status)
    st = result.step
    lhs, rel, rhs = _rel(st.lhs, st.rel, st.rhs)
    return _thm(Fact(lhs, rel, rhs, st.domain.normalized()),
                f"axiom ({result.verdict.method})", (), (f"{result.claim}/{st.id}",))


def weaken(th: Theorem, domain: Domain) -> Theorem:
    """The fact over a smaller domain (checked: ``domain`` ⊆ the fact's domain)."""
    f = _fact(th)
    dom = domain.normalized()
    if not _domain_within(dom, f.domain):
        raise KernelError("weaken: the new domain is not inside the fact's domain")
    return _thm(Fact(f.lhs, f.rel, f.rhs, dom), "weaken", (th,))


def instantiate(th: Theorem, values: dict[sp.Symbol, Any]) -> Theorem:
    """Substitute numbers for symbols (each inside the symbol's range; a symbol may not occur
    in a constraint of another symbol's...: constraints are substituted too)."""
    f = _fact(th)
    ranges = dict(f.domain.ranges)
    for s, v in values.items():
        v = sp.sympify(v)
        if s not in ranges or not v.is_Rational or not ranges[s].contains(v):
            raise KernelError(f"instantiate: {v} is not in the range of {s}")
        del ranges[s]
    cons = []
    for c in f.domain.constraints:
        c2 = c.xreplace(values)
        if c2 is sp.true:
            continue
        if c2 is sp.false:
            raise KernelError(f"instantiate: constraint {c} fails at the values")
        cons.append(c2)
    return _thm(Fact(sp.sympify(f.lhs).xreplace(values), f.rel,
                     sp.sympify(f.rhs).xreplace(values), Domain(ranges, tuple(cons))),
                "instantiate", (th,))


def chain(*ths: Theorem) -> Theorem:
    """a₀ R₁ a₁, a₁ R₂ a₂, ... (same domain, shared sides structurally equal) ⇒ a₀ R a_n,
    with R = '<' if any Rᵢ is '<', '<=' if any is '<=', else '='."""
    if len(ths) < 2:
        raise KernelError("chain needs at least two facts")
    fs = [_fact(t) for t in ths]
    dom = fs[0].domain
    for a, b in zip(fs, fs[1:], strict=False):
        if not _same_domain(a.domain, b.domain):
            raise KernelError("chain: the facts have different domains")
        if not _same(a.rhs, b.lhs):
            raise KernelError(f"chain: {a.rhs} and {b.lhs} differ")
    rels = {f.rel for f in fs}
    rel = "<" if "<" in rels else ("<=" if "<=" in rels else "=")
    return _thm(Fact(fs[0].lhs, rel, fs[-1].rhs, dom), "chain", ths)


def case_split(ths: Sequence[Theorem], symbol: sp.Symbol, domain: Domain) -> Theorem:
    """Facts with the same relation over pieces of ``symbol``'s range (all else equal to
    ``domain``) whose union is the range of ``symbol`` in ``domain``."""
    fs = [_fact(t) for t in ths]
    if not fs:
        raise KernelError("case_split needs cases")
    dom = domain.normalized()
    for f in fs:
        if not (_same(f.lhs, fs[0].lhs) and _same(f.rhs, fs[0].rhs) and f.rel == fs[0].rel):
            raise KernelError("case_split: the cases state different relations")
        others = {s: r for s, r in f.domain.ranges.items() if s is not symbol}
        if set(f.domain.ranges) != set(dom.ranges) or not all(
                _same_range(r, dom.ranges[s]) for s, r in others.items()):
            raise KernelError("case_split: the cases differ in another symbol's range")
        if {_canon(c) for c in f.domain.constraints} != {_canon(c) for c in dom.constraints}:
            raise KernelError("case_split: the cases have different constraints")
    whole = dom.ranges[symbol]
    pieces = sorted((f.domain.ranges[symbol] for f in fs), key=lambda r: (
        r.lo if r.lo != -sp.oo else -sp.oo, r.lo_open))
    # the pieces must cover `whole`: walk from its lower end
    cur_lo, cur_open = whole.lo, whole.lo_open
    for r in pieces:
        if not _range_within(r, Range(whole.lo, whole.hi, whole.lo_open, whole.hi_open,
                                      whole.integer)):
            raise KernelError("case_split: a piece lies outside the range")
        if r.integer != whole.integer:
            raise KernelError("case_split: integer and real pieces mixed")
        starts_ok = (r.lo == -sp.oo and cur_lo == -sp.oo) or (r.lo != -sp.oo and cur_lo != -sp.oo
                                                             and (r.lo < cur_lo or (
                                                                 r.lo == cur_lo and (
                                                                     not r.lo_open or cur_open))))
        if whole.integer and not starts_ok and r.lo != -sp.oo and cur_lo != -sp.oo:
            starts_ok = r.lo <= cur_lo
        if not starts_ok:
            raise KernelError("case_split: the pieces leave a gap")
        if r.hi == sp.oo:
            cur_lo, cur_open = sp.oo, True
            break
        if cur_lo == sp.oo or r.hi > cur_lo or (r.hi == cur_lo and not r.hi_open):
            cur_lo, cur_open = (r.hi + 1, False) if whole.integer else (r.hi, not r.hi_open)
    end_ok = (whole.hi == sp.oo and cur_lo == sp.oo) or (whole.hi != sp.oo and (
        cur_lo > whole.hi or (cur_lo == whole.hi and (cur_open or whole.hi_open))))
    if not end_ok:
        raise KernelError("case_split: the pieces do not reach the end of the range")
    return _thm(Fact(fs[0].lhs, fs[0].rel, fs[0].rhs, dom), f"case split on {symbol}", ths)


def obligations(system: System, invariant: Sequence[tuple[Any, str, Any]]
                ) -> tuple[list[Fact], list[Fact]]:
    """The base and step facts :func:`induction` requires, one per relation of the invariant.

    base: the invariant at t = 1 of ``update(init, inputs, 1)``, over params × inputs (× the
    lets, under their defining equations at t = 1 from the initial state, and the
    assumptions there); step: the invariant at t of ``update(state, inputs, t)`` for t ≥ 2,
    over params × inputs × state (× lets), under the invariant at t − 1 of ``state``, the
    lets' definitions and the assumptions as constraints."""
    t = system.t
    inv = [_rel(a, r, b) for a, r, b in invariant]
    one = {**system.init, t: sp.Integer(1)}
    base_sub = {s: sp.sympify(system.update[s]).xreplace(one) for s in system.state}
    step_sub = {s: sp.sympify(system.update[s]) for s in system.state}
    ranges = {**system.params.ranges, **system.inputs.ranges,
              **{v: Range() for v in system.lets}}
    cons = (*system.params.constraints, *system.inputs.constraints)
    lets_step = tuple(sp.Eq(v, sp.sympify(e), evaluate=False) for v, e in system.lets.items())
    lets_base = tuple(sp.Eq(v, sp.sympify(e).xreplace(one), evaluate=False)
                      for v, e in system.lets.items())
    assume_base = tuple(sp.sympify(a).xreplace(one) for a in system.assumptions)
    base_dom = Domain(ranges, (*(c.xreplace({t: sp.Integer(1)}) for c in cons), *lets_base,
                               *assume_base)).normalized()
    hyp = []
    for a, r, b in inv:
        op = {"<=": sp.Le, "<": sp.Lt, "=": sp.Eq}[r]
        hyp.append(op(sp.sympify(a).xreplace({t: t - 1}), sp.sympify(b).xreplace({t: t - 1}),
                      evaluate=False))
    step_ranges = {**ranges, **{s: system.state_ranges.get(s, Range()) for s in system.state},
                   t: Range(2, sp.oo, integer=True)}
    step_dom = Domain(step_ranges, (*cons, *hyp, *lets_step,
                                    *map(sp.sympify, system.assumptions))).normalized()
    base = [Fact(sp.sympify(a).xreplace({**base_sub, t: sp.Integer(1)}), r,
                 sp.sympify(b).xreplace({**base_sub, t: sp.Integer(1)}), base_dom)
            for a, r, b in inv]
    step = [Fact(sp.sympify(a).xreplace(step_sub), r, sp.sympify(b).xreplace(step_sub),
                 step_dom) for a, r, b in inv]
    return base, step


def obligation_steps(system: System, invariant: Sequence[tuple[Any, str, Any]],
                     prefix: str = "ind") -> list[Step]:
    """The obligations of :func:`obligations` as steps ``{prefix}.base.i``/``{prefix}.step.i``
    (to put in a claim so that the methods decide them)."""
    base, step = obligations(system, invariant)
    out = [Step(f"{prefix}.base.{i}", f.lhs, f.rel, f.rhs, f.domain) for i, f in enumerate(base)]
    out += [Step(f"{prefix}.step.{i}", f.lhs, f.rel, f.rhs, f.domain)
            for i, f in enumerate(step)]
    return out


def induction(system: System, invariant: Sequence[tuple[Any, str, Any]],
              base: Sequence[Theorem], step: Sequence[Theorem]) -> Theorem:
    """The invariant for every run and every t ≥ 1, from one base and one step theorem per
    relation of the invariant whose statements equal :func:`obligations` (a theorem over a
    larger domain is accepted: it is stronger)."""
    want_base, want_step = obligations(system, invariant)
    if len(base) != len(want_base) or len(step) != len(want_step):
        raise KernelError("induction: one base and one step theorem per relation")
    for th, want in [*zip(base, want_base, strict=True), *zip(step, want_step, strict=True)]:
        f = _fact(th)
        if not (_same(f.lhs, want.lhs) and f.rel == want.rel and _same(f.rhs, want.rhs)):
            raise KernelError(f"induction: {f.lhs} {f.rel} {f.rhs} is not the obligation "
                              f"{want.lhs} {want.rel} {want.rhs}")
        if not _domain_within(want.domain, f.domain):
            raise KernelError("induction: a theorem's domain does not contain the obligation's")
    inv = tuple(_rel(a, r, b) for a, r, b in invariant)
    return _thm(RunFact(system, inv), f"induction on {system.t}", (*base, *step))


def consequence(run: Theorem, implication: Theorem, goal: tuple[Any, str, Any]) -> Theorem:
    """From the run fact I and the fact ``goal`` over params × state × (t ≥ 1) under I's
    relations as constraints, the run fact ``goal``."""
    rf = run.statement
    if not isinstance(rf, RunFact):
        raise KernelError("consequence needs a run fact")
    f = _fact(implication)
    sysm = rf.system
    lhs, rel, rhs = _rel(*goal)
    if not (_same(f.lhs, lhs) and f.rel == rel and _same(f.rhs, rhs)):
        raise KernelError("consequence: the implication does not state the goal")
    ranges = {**sysm.params.ranges, **{s: sysm.state_ranges.get(s, Range()) for s in sysm.state},
              sysm.t: Range(1, sp.oo, integer=True)}
    hyp = [{"<=": sp.Le, "<": sp.Lt, "=": sp.Eq}[r](a, b, evaluate=False)
           for a, r, b in rf.invariant]
    need = Domain(ranges, (*sysm.params.constraints, *hyp)).normalized()
    extra = set(f.domain.ranges) - set(need.ranges)
    if extra:
        raise KernelError("consequence: the implication has other variables "
                          f"{sorted(map(str, extra))}")
    if not _domain_within(need, f.domain):
        raise KernelError("consequence: the implication's domain does not contain "
                          "params × state × t under the invariant")
    return _thm(RunFact(sysm, ((lhs, rel, rhs),)), "consequence", (run, implication))


def hypothesis(domain: Domain, constraint: Any) -> Theorem:
    """A constraint of ``domain`` (≤, <, = or their mirror images) as a fact over it."""
    dom = domain.normalized()
    c = _canon(constraint)
    if c not in {_canon(k) for k in dom.constraints}:
        raise KernelError(f"hypothesis: {constraint} is not a constraint of the domain")
    rel = {sp.LessThan: "<=", sp.StrictLessThan: "<", sp.Equality: "="}.get(type(c))
    if rel is None:
        raise KernelError(f"hypothesis: {constraint} is not a relation")
    return _thm(Fact(c.lhs, rel, c.rhs, dom), "hypothesis", ())


def _gap(f: Fact) -> Any:
    return sp.sympify(f.rhs) - sp.sympify(f.lhs)


def product(*ths: Theorem) -> Theorem:
    """From aᵢ ≤ bᵢ over one domain, 0 ≤ Π (bᵢ − aᵢ)."""
    fs = [_fact(t) for t in ths]
    if not fs:
        raise KernelError("product needs facts")
    for f in fs:
        if f.rel not in ("<=", "<"):
            raise KernelError("product: every fact must be an inequality")
        if not _same_domain(f.domain, fs[0].domain):
            raise KernelError("product: the facts have different domains")
    return _thm(Fact(sp.Integer(0), "<=", sp.Mul(*(_gap(f) for f in fs)), fs[0].domain),
                "product", ths)


def _split_powers(e: Any, dom: Domain) -> Any:
    """b^(r + k) → b^r · b^k for an integer k ≠ 0 and a base b > 0 on ``dom`` (a positive
    number, or a symbol whose range lies in (0, ∞)): then both sides are defined and equal."""
    def positive(b: Any) -> bool:
        if b.is_Number:
            return bool(b > 0)
        if isinstance(b, sp.Symbol) and b in dom.ranges:
            r = _tightened(dom, b)
            return r.lo != -sp.oo and (r.lo > 0 or (r.lo == 0 and r.lo_open))
        return False

    def split(p: Any) -> Any:
        k, rest = p.exp.as_coeff_Add()
        if k != 0 and k.is_Integer and rest.free_symbols and positive(p.base):
            return sp.Pow(p.base, rest) * sp.Pow(p.base, k)
        return p

    return e.replace(lambda q: q.is_Pow and q.exp.is_Add, split)


def _identically_zero(e: Any, dom: Domain | None = None) -> bool:
    """e is 0 as a rational function of its atoms (exact: expand, then cancel), after
    :func:`_split_powers` on ``dom``."""
    e = sp.sympify(e)
    if dom is not None:
        e = _split_powers(e, dom)
    e = sp.expand(e)
    if e == 0:
        return True
    return sp.cancel(sp.together(e)) == 0


def combine(lhs: Any, rel: str, rhs: Any, domain: Domain, ths: Sequence[Theorem],
            weights: Sequence[Any] | None = None, defs: Sequence[Any] = ()) -> Theorem:
    """lhs ≤ rhs (or <) over ``domain`` from facts aᵢ ≤ bᵢ, aᵢ < bᵢ or aᵢ = bᵢ, each over a
    domain that contains ``domain``, and rational weights wᵢ (≥ 0 for an inequality) with
    (rhs − lhs) − Σ wᵢ (bᵢ − aᵢ) ≡ 0. ``<`` needs a strict fact with a positive weight.
    ``defs``: constraints ``Eq(v, E)`` of ``domain`` (v a symbol) applied as v → E to the
    residual before the identity test (on the domain v equals E)."""
    lhs, rel, rhs = _rel(lhs, rel, rhs)
    if rel == "=":
        raise KernelError("combine proves inequalities")
    dom = domain.normalized()
    fs = [_fact(t) for t in ths]
    ws = [sp.Integer(1)] * len(fs) if weights is None else [sp.sympify(w) for w in weights]
    if len(ws) != len(fs):
        raise KernelError("combine: one weight per fact")
    strict = False
    for f, w in zip(fs, ws, strict=True):
        if not w.is_Rational:
            raise KernelError(f"combine: the weight {w} is not a rational number")
        if f.rel != "=" and w < 0:
            raise KernelError("combine: a negative weight on an inequality")
        if not _domain_within(dom, f.domain):
            raise KernelError(f"combine: the domain of {f} does not contain the goal's")
        strict = strict or (f.rel == "<" and w > 0)
    if rel == "<" and not strict:
        raise KernelError("combine: a strict goal needs a strict fact with a positive weight")
    residual = rhs - lhs - sp.Add(*(w * _gap(f) for f, w in zip(fs, ws, strict=True)))
    have = {_canon(k) for k in dom.constraints}
    sub = {}
    for d in defs:
        d = sp.sympify(d)
        if not (isinstance(d, sp.Equality) and isinstance(d.lhs, sp.Symbol)) or d not in have:
            raise KernelError(f"combine: {d} is not a definition v = E among the constraints")
        sub[d.lhs] = d.rhs
    if sub:
        residual = residual.xreplace(sub)
    if not _identically_zero(residual, dom):
        raise KernelError("combine: rhs - lhs is not the weighted sum of the facts' gaps")
    return _thm(Fact(lhs, rel, rhs, dom), "combine", ths)


def _states(f: Fact, lo: Any, rel: str, hi: Any) -> bool:
    a, r, b = _rel(lo, rel, hi)
    return _same(f.lhs, a) and f.rel == r and _same(f.rhs, b)


def substitute(th: Theorem, values: dict[sp.Symbol, Any], domain: Domain,
               side: Sequence[Theorem] = ()) -> Theorem:
    """The fact with ``values`` put for its symbols, over ``domain``: every other symbol of
    the fact's domain has a range in ``domain`` inside its own; every value lies in its
    symbol's range (each finite bound shown by a fact of ``side`` over a domain containing
    ``domain``, or a constraint of ``domain``; an integer symbol takes integer values only);
    every constraint of the fact's domain, substituted, is a constraint of ``domain`` or a
    fact of ``side``."""
    f = _fact(th)
    dom = domain.normalized()
    facts = [_fact(s) for s in side]
    for sf in facts:
        if not _domain_within(dom, sf.domain):
            raise KernelError(f"substitute: the side fact {sf} is not over the domain")
    have = [(_canon(c)) for c in dom.constraints]

    def shown(lo: Any, rel: str, hi: Any) -> bool:
        c = _canon({"<=": sp.Le, "<": sp.Lt, "=": sp.Eq}[rel](lo, hi, evaluate=False))
        if c in have:
            return True
        return any(_states(sf, lo, rel, hi) or (rel == "<=" and _states(sf, lo, "<", hi))
                   for sf in facts)

    vals = {k: sp.sympify(v) for k, v in values.items()}
    rest = Domain({s: r for s, r in f.domain.ranges.items() if s not in vals}, ())
    for s, r in rest.ranges.items():
        if s not in dom.ranges or not _range_within(_tightened(dom, s), r):
            raise KernelError(f"substitute: the range of {s} is not inside the fact's")
    for s, v in vals.items():
        if s not in f.domain.ranges:
            raise KernelError(f"substitute: {s} is not a symbol of the fact")
        r = f.domain.ranges[s].normalized()
        if isinstance(v, sp.Symbol) and v in dom.ranges and _range_within(
                _tightened(dom, v), r):
            continue  # a symbol whose own range lies inside s's range
        if r.integer and v.is_integer is not True:
            raise KernelError(f"substitute: {s} is an integer symbol, {v} is not integer")
        if r.lo != -sp.oo and not shown(r.lo, "<" if r.lo_open else "<=", v):
            raise KernelError(f"substitute: {r.lo} {'<' if r.lo_open else '<='} {v} is "
                              "not shown")
        if r.hi != sp.oo and not shown(v, "<" if r.hi_open else "<=", r.hi):
            raise KernelError(f"substitute: {v} {'<' if r.hi_open else '<='} {r.hi} is "
                              "not shown")
    for c in f.domain.constraints:
        c2 = _canon(sp.sympify(c).xreplace(vals))
        if c2 is sp.true:
            continue
        ok = c2 in have or (isinstance(c2, (sp.LessThan, sp.StrictLessThan, sp.Equality))
                            and shown(c2.lhs, {sp.LessThan: "<=", sp.StrictLessThan: "<",
                                               sp.Equality: "="}[type(c2)], c2.rhs))
        if not ok:
            raise KernelError(f"substitute: the constraint {c2} is not shown")
    return _thm(Fact(sp.sympify(f.lhs).xreplace(vals), f.rel,
                     sp.sympify(f.rhs).xreplace(vals), dom), "substitute", (th, *side))


_ELEMENTARY = (sp.Add, sp.Mul, sp.Pow, sp.log, sp.exp, sp.Symbol, sp.Number,
               sp.NumberSymbol)


def monotone(h: Any, x: sp.Symbol, derivative: Theorem, base: Theorem) -> Theorem:
    """0 ≤ h over the derivative fact's domain D, where x ∈ [a, b] (a finite and closed) in D,
    from ``derivative``: 0 ≤ E over D with E − dh/dx ≡ 0, and ``base``: 0 ≤ h(a) over a
    domain containing D without x. h must be elementary (:data:`_ELEMENTARY` nodes only): then
    h' defined on [a, b] (a proved fact is defined on its domain) makes h differentiable, and
    h(x) = h(a) + h'(ξ)(x − a) ≥ 0."""
    h = sp.sympify(h)
    for node in sp.preorder_traversal(h):
        if not isinstance(node, _ELEMENTARY):
            raise KernelError(f"monotone: {type(node).__name__} is not an elementary function")
    d, b0 = _fact(derivative), _fact(base)
    if x not in d.domain.ranges:
        raise KernelError(f"monotone: {x} has no range in the derivative's domain")
    r = d.domain.ranges[x].normalized()
    if r.lo == -sp.oo or r.lo_open or r.integer:
        raise KernelError("monotone: the range must be a real interval with a closed finite "
                          "lower end")
    if any(x in c.free_symbols for c in d.domain.constraints):
        raise KernelError(f"monotone: a constraint mentions {x}")
    if not (_same(d.lhs, 0) and d.rel in ("<=", "<")
            and _identically_zero(d.rhs - sp.diff(h, x), d.domain)):
        raise KernelError("monotone: the derivative fact is not 0 <= dh/dx")
    rest = Domain({s: q for s, q in d.domain.ranges.items() if s != x}, d.domain.constraints)
    if not (_same(b0.lhs, 0) and b0.rel in ("<=", "<", "=")
            and _identically_zero(b0.rhs - h.xreplace({x: r.lo}))
            and _domain_within(rest.normalized(), b0.domain)):
        raise KernelError("monotone: the base fact is not 0 <= h(a) over the other symbols")
    return _thm(Fact(sp.Integer(0), "<=", h, d.domain), f"monotone in {x}",
                (derivative, base))


def coordinates(run: Theorem) -> Theorem:
    """A run fact ``lhs ≤ rhs`` (one relation) of a coordinate-wise system: for every d, every
    run of d coordinates (each coordinate a run of the system, with its own inputs and
    state, the parameters shared) satisfies it at each coordinate, hence Σ_i lhs_i ≤
    Σ_i rhs_i (a sum of d true inequalities)."""
    rf = run.statement
    if not isinstance(rf, RunFact) or len(rf.invariant) != 1:
        raise KernelError("coordinates needs a run fact of one relation")
    if not rf.system.coordinatewise:
        raise KernelError("coordinates: the system is not declared coordinate-wise")
    a, r, b = rf.invariant[0]
    if r == "=":
        raise KernelError("coordinates sums inequalities")
    return _thm(CoordinateSum(rf.system, (a, r, b)), "sum over coordinates", (run,))


def _fact(th: Theorem) -> Fact:
    if not isinstance(th, Theorem) or th.token is not _TOKEN:
        raise KernelError("not a theorem of the kernel")
    if not isinstance(th.statement, Fact):
        raise KernelError("a fact is needed here, not a run fact")
    return th.statement


# ----------------------------------------------------------------------------- judging

@dataclass(frozen=True)
class ClaimVerdict:
    """The verdict on a claim as a whole."""

    claim: str
    status: str
    rule: str
    for_all: tuple[str, ...]
    scope: str
    steps_used: tuple[str, ...]
    blocked_by: tuple[str, ...]
    statement: str = ""
    detail: str = ""

    def record(self) -> dict[str, Any]:
        return {"claim": self.claim, "status": self.status, "rule": self.rule,
                "for_all": list(self.for_all), "scope": self.scope,
                "steps_used": list(self.steps_used), "blocked_by": list(self.blocked_by),
                "statement": self.statement, "detail": self.detail}


def judge(claim: Claim, results: Sequence[StepResult]) -> ClaimVerdict:
    """Run the claim's derivation over the decided steps (see the module docstring)."""
    by_id = {r.step.id: r for r in results if r.claim == claim.id}
    stmt = by_id.get("statement")
    instance = f"the statement step ({claim.statement.note})" if claim.statement.note else \
        "the statement step"
    if stmt is not None and stmt.verdict.status == "refuted":
        how = "certified counterexample" if stmt.verdict.method == "counterexample" else \
            f"certified counterexample ({stmt.verdict.method} model)"
        return ClaimVerdict(claim.id, "refuted", how, claim.for_all,
                            f"refuted at an instance of {instance}; one failing instance "
                            "refutes the claim", (f"{claim.id}/statement",), (), "",
                            "the statement fails at a certified point, so the claim is false")
    if claim.derivation is None:
        status = stmt.verdict.status if stmt else "unverified"
        if status == "proved":
            return ClaimVerdict(claim.id, "unverified", "instance only", claim.for_all,
                                claim.scope or f"proved only at {instance}",
                                (f"{claim.id}/statement",), (), "",
                                "the statement is proved at an instance only; no derivation "
                                "of the general claim")
        return ClaimVerdict(claim.id, "unverified", "-", claim.for_all, claim.scope or instance,
                            (), (f"{claim.id}/statement",), "", "statement not decided")

    def thm(step_id: str) -> Theorem:
        r = by_id.get(step_id)
        if r is None:
            raise KernelError(f"derivation names an unknown step {step_id!r}")
        return axiom(r)

    try:
        th = claim.derivation(thm)
    except Blocked as exc:
        return ClaimVerdict(claim.id, "unverified", "-", claim.for_all, claim.scope, (),
                            (exc.step_id,), "", str(exc))
    except KernelError as exc:
        return ClaimVerdict(claim.id, "unverified", "rejected by the kernel", claim.for_all,
                            claim.scope, (), (), "", str(exc))
    return ClaimVerdict(claim.id, "proved", th.rule, claim.for_all, claim.scope, th.steps, (),
                        str(th.statement), "derived by the kernel")

