"""The proof kernel: claims are derived from decided steps by a few explicit rules.

In the style of an LCF kernel, a :class:`Theorem` can only be made by the functions of this
package; each checks its premises *syntactically* (sympy structural equality, exact rational
range arithmetic) and does nothing clever. Everything clever (sympy, intervals, z3, search)
lives outside and only hands the kernel verdicts through :func:`axiom`.

Judgements:

* a **fact** ``∀ x ∈ D: lhs REL rhs`` (a :class:`Step` statement);
* a **run fact** ``∀ runs of a system, ∀ t ≥ 1: I(state_t, t)`` where ``I`` is a conjunction
  of relations over the state symbols, t and the parameters (:class:`System`).

Rules:

* :func:`axiom` -- a step a decision method proved is a fact (the methods are trusted; the
  certificates of :mod:`laprop_theory.proof.certificates` let a second tool re-check them);
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

The package holds the judgements (:mod:`.judgements`), the exact comparisons of ranges and
domains (:mod:`.domains`), the rules on facts (:mod:`.logic`), the arithmetic rules
(:mod:`.arithmetic`), the rules on runs (:mod:`.runs`) and the judging of a claim
(:mod:`.judging`). Every name is re-exported here, so ``from laprop_theory.proof import
kernel as K; K.combine`` works.
"""

from __future__ import annotations

from .arithmetic import (
    _identically_zero,  # noqa: F401  (tests/theory/proof/test_kernel.py reads it)
    combine,
    monotone,
    product,
    substitute,
)
from .judgements import (
    Blocked,
    CoordinateSum,
    Fact,
    KernelError,
    RunFact,
    System,
    Theorem,
)
from .judging import ClaimVerdict, judge
from .logic import axiom, case_split, chain, hypothesis, instantiate, weaken
from .runs import consequence, coordinates, induction, obligation_steps, obligations

__all__ = [
    "Blocked", "ClaimVerdict", "CoordinateSum", "Fact", "KernelError", "RunFact", "System",
    "Theorem", "axiom", "case_split", "chain", "combine", "consequence", "coordinates",
    "hypothesis", "induction", "instantiate", "judge", "monotone", "obligation_steps",
    "obligations", "product", "substitute", "weaken",
]
