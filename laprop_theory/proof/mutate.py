"""Mutation suite: mechanically wrong variants of each step, which the checker must reject.

Operators (DESIGN.md §3): flip the relation (to its strict negation, so that an equality
mutated to '>' is false too), perturb an equality (rhs + 1), drop a factor, invert a factor,
change an exponent (doubled), swap μ and ν, widen a domain (one range stretched past an end,
or the extra constraints removed). A mutant is *killed* when :func:`decide` does not prove
it. Survivors are reported, not hidden.

A true mutant (an *equivalent* mutant: the operator happened to keep the relation true) is
not a wrong variant, so it is left out of the kill rate, but only when a procedure other than
the one that proved it shows it true too (:func:`equivalence`):

* another method of :func:`decide` (sympy, smt, interval) proves it;
* ``identity``: sympy simplifies lhs − rhs to 0, the relation admits equality, and both
  sides are shown defined on the whole domain (z3 or sympy) — an identity stays true on
  any domain where it is defined, whatever a widening operator did;
* ``implied``: the mutant is a weakening of its proved original (same domain and relation;
  for ≤, its lhs is ≤ the original's lhs and its rhs ≥ the original's rhs, each comparison
  proved by :func:`decide`), so it follows from the original;
* ``divergence``: for relations between extended reals (Eq. 8): each side is a product or
  sum of parameter-free improper integrals that sympy evaluates (to ∞ or to a positive
  number) and of finite factors that z3 shows positive on the domain, with at least one
  ∞ per side: both sides are +∞, and ∞ = ∞, ∞ ≥ ∞, ∞ ≤ ∞ hold as the original step reads
  them.

Any other survivor counts as not killed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .budget import DEFAULT
from .core import Claim, Domain, Range, Step, Verdict
from .decide import check_claim, decide

_FLIP = {"<=": ">", "<": ">=", ">=": "<", ">": "<="}


@dataclass(frozen=True)
class Mutant:
    claim: str
    step: str
    operator: str
    mutant: Step
    original: Step | None = None  # set only when the original step is known to be proved


@dataclass(frozen=True)
class MutantResult:
    mutant: Mutant
    verdict: Verdict
    equivalent_by: str | None = None  # a second, different method also proved the mutant

    @property
    def killed(self) -> bool:
        return self.verdict.status != "proved"


def _factors(e: Any) -> list[Any]:
    return [a for a in sp.Mul.make_args(e) if a.free_symbols] if isinstance(e, sp.Mul) else []


def _replace_step(step: Step, op: str, **kw: Any) -> tuple[str, Step]:
    return op, dataclasses.replace(step, id=f"{step.id}~{op}", **kw)


def mutants_of(step: Step) -> Iterator[tuple[str, Step]]:
    """Every mutant of one step, as (operator, mutated step)."""
    lhs, rhs = sp.sympify(step.lhs), sp.sympify(step.rhs)
    if step.rel in _FLIP:
        yield _replace_step(step, "flip", rel=_FLIP[step.rel])
    else:
        yield _replace_step(step, "perturb", rhs=rhs + 1)
    for side, expr in (("lhs", lhs), ("rhs", rhs)):
        for i, f in enumerate(_factors(expr)[:2]):
            dropped = expr / f
            yield _replace_step(step, f"drop-{side}{i}", **{side: dropped})
            yield _replace_step(step, f"invert-{side}{i}", **{side: dropped / f})
        pows = sorted((p for p in expr.atoms(sp.Pow) if p.args[1].is_Number and p.free_symbols),
                      key=sp.default_sort_key)
        for i, pw in enumerate(pows[:2]):
            b, x = pw.args
            yield _replace_step(step, f"exponent-{side}{i}",
                                **{side: expr.xreplace({pw: b ** (2 * x)})})
    free = lhs.free_symbols | rhs.free_symbols
    names = {str(s): s for s in step.domain.symbols if s in free}
    if "mu" in names and "nu" in names:
        sw = {names["mu"]: names["nu"], names["nu"]: names["mu"]}
        yield _replace_step(step, "swap-mu-nu", lhs=lhs.xreplace(sw), rhs=rhs.xreplace(sw))
    for s, r in step.domain.ranges.items():
        if s not in free:
            continue  # the relation does not depend on s: widening it is an equivalent mutant
        if r.hi != sp.oo and r.lo != -sp.oo:
            width = r.hi - r.lo
            yield _replace_step(step, f"widen-{s}-hi", domain=step.domain.widened(
                s, Range(r.lo, r.hi + width, r.lo_open, r.hi_open, r.integer)))
            yield _replace_step(step, f"widen-{s}-lo", domain=step.domain.widened(
                s, Range(r.lo - width, r.hi, r.lo_open, r.hi_open, r.integer)))
        elif r.lo != -sp.oo:
            yield _replace_step(step, f"widen-{s}-lo", domain=step.domain.widened(
                s, Range(r.lo - 1, r.hi, r.lo_open, r.hi_open, r.integer)))
    if step.domain.constraints:
        yield _replace_step(step, "drop-constraints",
                            domain=Domain(dict(step.domain.ranges), ()))


def _same(a: Step, b: Step) -> bool:
    """The same assertion: syntactically equal after sympy's canonicalisation (e.g.
    oo + 1 -> oo), or equal relations over a widened box that the constraints cut back to
    the original domain (z3 shows the widened domain has no point outside the original).
    Such an equivalent mutant is not generated."""
    if a.rel != b.rel or sp.sympify(a.lhs) != sp.sympify(b.lhs) or sp.sympify(a.rhs) != \
            sp.sympify(b.rhs):
        return False
    return a.domain == b.domain or _domain_within(b.domain, a.domain)


def _domain_within(wide: Domain, narrow: Domain) -> bool:
    """z3: every point of ``wide`` lies in ``narrow`` (unsat of wide ∧ ¬narrow)."""
    import z3

    from .budget import Work
    from .smt import prepare

    if set(wide.ranges) != set(narrow.ranges) or any(
            str(a) != str(b) for a, b in zip(wide.ranges, narrow.ranges, strict=True)):
        return False
    ctx = z3.Context()
    try:
        pw = prepare(Step("w", sp.Integer(0), "=", sp.Integer(0), wide), ctx)
        # the same symbols in the same order get the same z3 variables
        pn = prepare(Step("n", sp.Integer(0), "=", sp.Integer(0),
                          Domain({s: narrow.ranges[s] for s in wide.ranges},
                                 narrow.constraints)), ctx)
    except Exception:  # noqa: BLE001  (unsupported constraint: not shown equivalent)
        return False
    if pw is None or pn is None:
        return False
    solver = z3.SolverFor("QF_NRA", ctx=ctx)
    solver.set("rlimit", Work(2).rlimit)
    solver.add(*pw[1], *pw[3][1], *pn[3][1], z3.Not(z3.And(*pn[1])))
    return solver.check() == z3.unsat


def mutants(claims: Iterable[Claim], proved: set[tuple[str, str]] | None = None,
            per_step: int | None = None) -> list[Mutant]:
    """Mutants of the statements and steps of ``claims`` (only of the steps in ``proved``,
    given as (claim id, step id), when that set is given: mutating a step that is not proved
    tests nothing). ``per_step`` caps the mutants per step (deterministically, spreading
    over operators)."""
    out = []
    for c in claims:
        for st in (c.statement, *c.steps):
            sid = "statement" if st is c.statement else st.id
            if proved is not None and (c.id, sid) not in proved:
                continue
            ms = [(op, m) for op, m in mutants_of(st) if not _same(st, m)]
            if per_step is not None and len(ms) > per_step:
                stride = len(ms) / per_step
                ms = [ms[int(i * stride)] for i in range(per_step)]
            original = st if proved is not None else None
            out.extend(Mutant(c.id, sid, op, m, original) for op, m in ms)
    return out


def _has_infinity(e: Any) -> bool:
    return bool(sp.sympify(e).has(sp.Integral, sp.Limit, sp.oo))


def _positive(e: Any, domain: Domain, budget: float) -> bool:
    """e > 0 everywhere on the domain, shown by z3 or interval arithmetic (not sympy)."""
    if e.is_number:
        return bool(e.is_positive)
    v = decide(Step("pos", e, ">", sp.Integer(0), domain), budget=budget,
               methods=("smt", "interval"))
    return v.status == "proved"


def _plus_infinity(e: Any, domain: Domain, budget: float) -> bool:
    """e = +∞ on the whole domain by the divergence rule (module docstring)."""
    e = sp.sympify(e)
    if e == sp.oo:
        return True
    if isinstance(e, (sp.Mul, sp.Add)):
        parts = e.args
        if isinstance(e, sp.Mul):
            finite_ok = [_positive(a, domain, budget) for a in parts if not _has_infinity(a)]
        else:
            finite_ok = [_positive(a, domain, budget) or sp.Integer(0) == a
                         for a in parts if not _has_infinity(a)]
        infinite = [a for a in parts if _has_infinity(a)]
        values = [_integral_value(a, domain) for a in infinite]
        if not infinite or not all(finite_ok) or any(v is None for v in values):
            return False
        kinds = ["inf" if v == sp.oo else "pos" if v is not True and v.is_positive else
                 "inf" if v is True else "bad" for v in values]
        return "bad" not in kinds and "inf" in kinds
    if isinstance(e, sp.Pow):
        return bool(e.args[1].is_positive) and _plus_infinity(e.args[0], domain, budget)
    return False


def _integral_value(e: Any, domain: Domain) -> Any:
    """A parameter-free improper integral's exact value (sympy), or True when e is itself
    +∞ by the rule; None when neither can be shown."""
    if isinstance(e, sp.Integral) and e.free_symbols.isdisjoint(domain.symbols):
        v = e.doit()
        return None if v.has(sp.Integral, sp.nan, sp.zoo) else v
    return True if _plus_infinity(e, domain, 2.0) else None


def _identity(step: Step) -> bool:
    from .budget import Work
    from .decide import prepare
    from .definedness import defined_on_domain

    if step.rel not in ("=", "<=", ">="):
        return False
    if sp.simplify(sp.sympify(step.lhs) - sp.sympify(step.rhs)) != 0:
        return False
    return defined_on_domain(prepare(step), Work(2))


def _implied(step: Step, original: Step | None, budget: float, seed: int) -> bool:
    """``step`` is a weakening of the proved ``original`` (module docstring)."""
    if original is None or step.rel != original.rel or step.domain != original.domain:
        return False
    le = step.rel in ("<=", "<")
    if not le and step.rel not in (">=", ">"):
        return False
    # for <=: new lhs <= old lhs and old rhs <= new rhs; for >=: the mirror image
    pairs = [(step.lhs, original.lhs), (original.rhs, step.rhs)] if le else \
        [(original.lhs, step.lhs), (step.rhs, original.rhs)]
    for small, big in pairs:
        if sp.sympify(small) == sp.sympify(big):
            continue
        v = decide(Step("implied", small, "<=", big, step.domain), budget=budget, seed=seed)
        if v.status != "proved":
            return False
    return True


def equivalence(step: Step, proved_by: str | None, *, budget: float = 6.0,
                seed: int = 0, original: Step | None = None) -> str | None:
    """The name of a procedure other than ``proved_by`` that shows ``step`` true, or None
    (module docstring). ``original``: the proved step ``step`` was mutated from."""
    others = tuple(x for x in ("sympy", "smt", "interval") if x != proved_by)
    w = decide(step, budget=budget, seed=seed, methods=others)
    if w.status == "proved":
        return w.method
    if _implied(step, original, budget / 2, seed):
        return "implied"
    if _has_infinity(step.lhs) or _has_infinity(step.rhs):
        if step.rel in ("=", "<=", ">=") and _plus_infinity(step.lhs, step.domain, 2.0) \
                and _plus_infinity(step.rhs, step.domain, 2.0):
            return "divergence"
        return None
    if _identity(step):
        return "identity"
    return None


def run_mutants(ms: Iterable[Mutant], *, budget: float = 1.5, seed: int = 0,
                equivalence_budget: float = 6.0) -> list[MutantResult]:
    """Decide every mutant; a proved mutant goes to :func:`equivalence`, and if a procedure
    other than the proving one shows it true it is recorded as an equivalent mutant
    (``equivalent_by``)."""
    out = []
    for m in ms:
        v = decide(m.mutant, budget=budget, seed=seed)
        eq_by = None
        if v.status == "proved":
            eq_by = equivalence(m.mutant, v.method, budget=equivalence_budget, seed=seed,
                                original=m.original)
        out.append(MutantResult(m, v, eq_by))
    return out


def mutation_run(claims: Iterable[Claim], *, per_step: int, budget: float = 1.5,
                 check_budget: float = DEFAULT, seed: int = 0,
                 equivalence_budget: float = 6.0) -> list[MutantResult]:
    """The mutation suite over ``claims``: their steps are checked at ``check_budget``,
    ``per_step`` mutants of each proved step are made (:func:`mutants`) and each is decided
    at ``budget`` (:func:`run_mutants`; a proved mutant is shown equivalent, or not, at
    ``equivalence_budget``: a smaller one can only count more survivors). :func:`kill_rate`,
    :func:`equivalents` and :func:`survivors` read the result."""
    claims = list(claims)
    proved = {(r.claim, r.step.id) for c in claims
              for r in check_claim(c, budget=check_budget, seed=seed)
              if r.verdict.status == "proved"}
    ms = mutants(claims, proved, per_step=per_step)
    if not ms:
        raise ValueError("no proved step to mutate")
    return run_mutants(ms, budget=budget, seed=seed, equivalence_budget=equivalence_budget)


def kill_rate(results: list[MutantResult]) -> float:
    """Killed / (mutants not shown equivalent by an independent method)."""
    counted = [r for r in results if r.equivalent_by is None]
    return sum(r.killed for r in counted) / len(counted) if counted else 1.0


def equivalents(results: list[MutantResult]) -> list[str]:
    return [f"{r.mutant.claim}/{r.mutant.step} [{r.mutant.operator}] "
            f"{r.mutant.mutant.text()} -- proved by {r.verdict.method} and "
            f"{r.equivalent_by}" for r in results if r.equivalent_by is not None]


def survivors(results: list[MutantResult]) -> list[str]:
    return [f"{r.mutant.claim}/{r.mutant.step} [{r.mutant.operator}] "
            f"{r.mutant.mutant.text()} over {r.mutant.mutant.domain.describe()}"
            f" -- proved by {r.verdict.method}: {r.verdict.detail}"
            for r in results if not r.killed and r.equivalent_by is None]


def report(results: list[MutantResult]) -> str:
    """The number of mutants and the kill rate, then each equivalent mutant left out of it and
    each survivor, one per line (what the kill-rate tests print)."""
    lines = [f"mutants: {len(results)}, kill rate {kill_rate(results):.3f}"]
    lines += [f"  equivalent (excluded): {s[:200]}" for s in equivalents(results)]
    lines += [f"  SURVIVOR: {s[:300]}" for s in survivors(results)]
    return "\n".join(lines)
