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
  as constraints) give the run fact Q.

A claim's ``derivation`` uses these rules; :func:`judge` runs it and reports the claim
``proved`` (by the kernel, naming the last rule) only when it succeeds, else ``unverified``
with the steps that block it -- or ``refuted`` when its statement step is refuted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from .core import Claim, Domain, Range, Step, StepResult

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
        return f"{self.lhs} {self.rel} {self.rhs}   for {self.domain.describe()}"


@dataclass(frozen=True)
class System:
    """A state recurrence: ``state_t = step(state_{t−1}, input_t, t)``, ``state_0 = init``.

    ``state``: the state symbols (e.g. m, n); ``inputs``: the input symbols with their range
    and constraints (e.g. g real, g ≠ 0); ``params``: the parameter domain (μ, ν, ...);
    ``t``: the step counter symbol; ``update``: state symbol → expression of (state, inputs,
    t, params) -- built from :mod:`laprop_theory.recurrences` in sympy by the claim modules;
    ``init``: state symbol → initial value; ``state_ranges``: the range of each state symbol
    in the induction step (typically the whole line: the invariant carries what is known).
    """

    name: str
    state: tuple[sp.Symbol, ...]
    update: dict[sp.Symbol, Any]
    init: dict[sp.Symbol, Any]
    inputs: Domain
    params: Domain
    t: sp.Symbol
    state_ranges: dict[sp.Symbol, Range] = field(default_factory=dict)


@dataclass(frozen=True)
class RunFact:
    """``∀ runs of system, ∀ integer t ≥ 1: every relation of invariant holds of state_t``."""

    system: System
    invariant: tuple[tuple[Any, str, Any], ...]

    def __str__(self) -> str:
        rels = " and ".join(f"{a} {r} {b}" for a, r, b in self.invariant)
        return f"every run of {self.system.name}, every t >= 1: {rels}"


@dataclass(frozen=True)
class Theorem:
    """A judgement the kernel accepted, with the rule and the premises that made it."""

    statement: Fact | RunFact
    rule: str
    premises: tuple[Theorem, ...]
    steps: tuple[str, ...]  # the decided steps it rests on (claim/step ids)
    token: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.token is not _TOKEN:
            raise KernelError("theorems are made by the kernel's rules only")


def _thm(stmt: Fact | RunFact, rule: str, premises: Sequence[Theorem],
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

    base: the invariant at t = 1 of ``update(init, inputs, 1)``, over params × inputs;
    step: the invariant at t of ``update(state, inputs, t)`` for t ≥ 2, over params × inputs ×
    state, under the invariant at t − 1 of ``state`` as constraints."""
    t = system.t
    inv = [_rel(a, r, b) for a, r, b in invariant]
    base_sub = {s: sp.sympify(system.update[s]).xreplace({**system.init, t: sp.Integer(1)})
                for s in system.state}
    step_sub = {s: sp.sympify(system.update[s]) for s in system.state}
    ranges = {**system.params.ranges, **system.inputs.ranges}
    cons = (*system.params.constraints, *system.inputs.constraints)
    base_dom = Domain(ranges, tuple(c.xreplace({t: sp.Integer(1)}) for c in cons)).normalized()
    hyp = []
    for a, r, b in inv:
        op = {"<=": sp.Le, "<": sp.Lt, "=": sp.Eq}[r]
        hyp.append(op(sp.sympify(a).xreplace({t: t - 1}), sp.sympify(b).xreplace({t: t - 1}),
                      evaluate=False))
    step_ranges = {**ranges, **{s: system.state_ranges.get(s, Range()) for s in system.state},
                   t: Range(2, sp.oo, integer=True)}
    step_dom = Domain(step_ranges, (*cons, *hyp)).normalized()
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

