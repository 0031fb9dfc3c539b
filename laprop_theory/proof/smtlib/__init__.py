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

The package: :mod:`.names` (exact numbers, SMT-safe names), :mod:`.encoder` (terms and
queries), :mod:`.scripts` (the scripts) and :mod:`.terms` (:func:`sexpr`).
"""

from __future__ import annotations

from .encoder import Encoder, Query, encode_step
from .names import Names, NotEncodable, rational_literal
from .scripts import NEGATION, definedness_script, identity_script, negation_script
from .terms import sexpr

__all__ = ["NotEncodable", "Names", "Encoder", "Query", "encode_step", "negation_script",
           "definedness_script", "identity_script", "sexpr", "rational_literal", "NEGATION"]
