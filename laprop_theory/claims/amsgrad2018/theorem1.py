"""Theorem 1 of Reddi, Kale & Kumar (2018) and its proof, Appendix A, displays [A1]-[A13].

Theorem 1 is an existence statement: on F = [−1, 1] with f_t(x) = C x (t mod 3 = 1), −x
otherwise, Adam with β1 = 0, β2 = 1/(1 + C²), α_t = α/√t, α < √(1 − β2) has R_T/T ↛ 0.

Encodings (each step's note names its own):

* **induction step, symbolic t** ([A4]-[A12]): t ≥ 0 symbolic and relaxed to a real number
  (a proof over real t covers every integer t); these steps are ``abstract`` and refuted only
  at ``witnesses``, exact points of actual runs at integer t (:func:`_witness_points`).
  v = v_{3t} ∈ [0, C²] is a symbol (the paper's "v_t ≤ C² for all t"), x_{3t+1} = 1 (the
  induction hypothesis); the three updates 3t+1, 3t+2, 3t+3 are symbolic steps of ``R.Adam``
  (β1 = 0, no debiasing, :func:`._defs.theorem1_adam`), projected onto [−1, 1]. The printed
  right-hand sides are typed as printed.
  The lines ``A7``, ``A8.1``, ``A8.3``, ``A9``, ``A11.2``, ``A13.1a`` and ``A13.1b`` are
  further fixed at C = 3, α = 1/2 (:data:`AT_POINT`; their notes say so): with C and α
  symbolic they ran the default budget out undecided (the cost of this file's check).
* **instance T = 3**: the statement, as R_3 ≥ (2C − 4)·3/3 on the first period of an actual
  run from x_1 = 1 (the proof's "R_T ≥ (2C − 4)T/3"), at C = 3, α = 1/2 (:data:`AT_POINT`;
  for every C > 2 and α in (0, √(1 − β2)) it ran the default budget out undecided).

Readings of ambiguous lines: [A5] row 2 and [A10] print one closing parenthesis too many,
``√((3t+1)(1−β2)))``: reading ``a`` puts the whole product under the root, α/√((3t+1)(1−β2));
reading ``b`` closes the root after (3t+1), α/(√(3t+1)(1−β2)). [A13] prints f_{3t+2}(x_{3t+2})
twice: reading ``a`` is as printed, reading ``b`` has f_{3t+3}(x_{3t+3}) for the second one.
α ranges over (0, 1) with the constraint α < √(1 − β2) of [A2] (√(1 − β2) < 1, so the box
loses nothing). The range of C: [A1] says C ≥ 2 (used for the proof lines), Section 3 says
C > 2 (used for the statement, where 2C − 4 > 0 is what makes the average regret non-zero).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sympy as sp

from ...proof.core import Claim, Domain, Range, Step
from .._sym import sym_step
from ._defs import C, alpha, at_point, project, t, theorem1_adam

B2 = 1 / (1 + C**2)                       # [A2]: β2 = 1/(1 + C²)
v = sp.Symbol("v_3t", real=True)          # v_{3t}
xa = sp.Symbol("x_3t1", real=True)        # x_{3t+1}
y = sp.Symbol("y", real=True)             # a point of F (for [A1])

IND = ("induction step, symbolic t >= 0 relaxed to real (a proof covers every integer t), "
       "v_3t in [0, C^2] symbol; updates from recurrences.Adam")
SCOPE = ("instance: the first period T = 3 of the run from x_1 = 1 at C = 3, alpha = 1/2, "
         "beta2 = 1/(1 + C^2) = 1/10 (with C and alpha symbolic the default budget runs out)")


#: the induction-step lines whose symbolic (C, alpha) form runs the default budget out are
#: encoded at C = 3, alpha = 1/2 (< sqrt(1 - beta2) = 3/sqrt(10)); the witnesses of actual runs
#: at that point (t = 0, 1, 2, 4) stay
AT_POINT = {C: sp.Integer(3), alpha: sp.Rational(1, 2)}
AT_POINT_STEPS = ("A7", "A8.1", "A8.3", "A9", "A11.2", "A13.1a", "A13.1b")


def _alpha_ok(b2: Any = B2) -> Any:
    return sp.Lt(alpha, sp.sqrt(1 - b2))


def _dom(*extra: Any, c_lo: Any = 2, c_open: bool = False, x_one: bool = True) -> Domain:
    ranges = {C: Range(c_lo, sp.oo, lo_open=c_open), alpha: Range(0, 1, True, True),
              v: Range(0, sp.oo), t: Range(0, sp.oo)}
    ranges[xa] = Range(1, 1) if x_one else Range(-1, 1)
    return Domain(ranges, (_alpha_ok(), sp.Le(v, C**2), *extra))


def _period() -> dict[str, Any]:
    """The three updates of one period from x_{3t+1} = x_3t1, v_{3t} = v (symbolic t)."""
    adam = theorem1_adam(B2)
    st1, d1 = sym_step(adam, {"m": 0, "n": v}, C, 3 * t + 1)
    xh2 = xa + d1
    x2 = project(xh2, -1, 1)
    st2, d2 = sym_step(adam, st1, -1, 3 * t + 2)
    xh3 = x2 + d2
    x3 = project(xh3, -1, 1)
    _, d3 = sym_step(adam, st2, -1, 3 * t + 3)
    return {"v1": st1["n"], "v2": st2["n"], "xh2": xh2, "x2": x2, "xh3": xh3, "x3": x3,
            "xh4": x3 + d3, "d1": d1, "d2": d2, "d3": d3}


def _witness_points() -> list[dict[Any, Any]]:
    """Exact points of actual runs for the induction-step lines: C ∈ {2, 3, 5}, α ∈ {1/2, the
    largest multiple of 1/1000 below √(1 − β2)}, t ∈ {0, 1, 2, 4}, v_3t the exact v of
    ``R.Adam`` after 3t steps of the gradients C, −1, −1, ..., and x_{3t+1} = 1."""
    out = []
    for c in (2, 3, 5):
        cc = sp.Integer(c)
        adam = theorem1_adam(1 / (1 + cc**2))
        limit = sp.floor(cc / sp.sqrt(1 + cc**2) * 1000) / 1000
        vals = {0: sp.Integer(0)}
        state: dict[str, Any] = {"m": 0, "n": 0}
        for k in range(1, 13):
            state, _ = sym_step(adam, state, cc if k % 3 == 1 else -1, sp.Integer(k))
            if k % 3 == 0:
                vals[k // 3] = sp.nsimplify(state["n"])
        for a in (sp.Rational(1, 2), limit):
            for tt in (0, 1, 2, 4):
                out.append({C: cc, alpha: a, t: sp.Integer(tt), v: vals[tt], xa: sp.Integer(1)})
    return out


def _abstract(step: Step, points: list[dict[Any, Any]],
              inside: dict[int, list[dict[Any, Any]]] | None = None) -> Step:
    """The step made abstract (t is relaxed to a real number, so only points of actual runs
    at integer t may refute it), with the run points restricted to the step's symbols.
    ``inside`` caches, per domain object (``id``), the points that lie in it (many steps share
    one domain, and ``Domain.contains`` is the costly part of building the claim)."""
    inside = {} if inside is None else inside
    if id(step.domain) not in inside:
        inside[id(step.domain)] = [p for p in points if step.domain.contains(p)]
    used = set(sp.sympify(step.lhs).free_symbols) | set(sp.sympify(step.rhs).free_symbols)
    for c in step.domain.constraints:
        used |= c.free_symbols
    used &= set(step.domain.ranges)
    wit = tuple({"point": {s: p[s] for s in sorted(used, key=str)},
                 "run": f"Adam (beta1 = 0) on f_t, C = {p[C]}, alpha = {p[alpha]}, t = {p[t]}"}
                for p in inside[id(step.domain)])
    return dataclasses.replace(step, abstract=True, witnesses=wit)


def _statement() -> Step:
    """R_3 ≥ (2C − 4)·3/3 on the first period of the run from x_1 = 1 (instance T = 3)."""
    adam = theorem1_adam(B2)
    x, state, loss = sp.Integer(1), {"m": 0, "n": 0}, sp.Integer(0)
    coef = (C, -1, -1)
    for k, c in enumerate(coef, start=1):
        loss += c * x
        state, d = sym_step(adam, state, c, sp.Integer(k))
        x = project(x + d, -1, 1)
    total = sum(coef)
    regret = loss - sp.Min(-total, total)      # min over [−1, 1] of the linear Σ f_t
    dom = Domain({C: Range(2, sp.oo, lo_open=True), alpha: Range(0, 1, True, True)},
                 (_alpha_ok(),))
    return Step("statement", regret, ">=", (2 * C - 4) * 3 / 3, dom, "Theorem 1",
                "R_T >= (2C - 4)T/3, so R_T/T does not tend to 0",
                "instance T = 3 (first period), run of recurrences.Adam from x_1 = 1 "
                "projected onto [-1, 1]; C > 2 (Sec. 3)")


def claims() -> list[Claim]:
    p = _period()
    sq = sp.sqrt
    T1 = alpha * C / sq((3 * t + 1) * (B2 * v + (1 - B2) * C**2))
    term2 = alpha / sq((3 * t + 2) * (B2 * p["v1"] + (1 - B2)))
    term3 = alpha / sq((3 * t + 3) * (B2 * p["v2"] + (1 - B2)))
    bound_a = alpha / sq((3 * t + 1) * (1 - B2))
    bound_b = alpha / (sq(3 * t + 1) * (1 - B2))
    a5_1 = alpha * C / sq((3 * t + 1) * (1 - B2) * C**2)
    base = alpha / sq(B2 * C**2 + (1 - B2))
    a11_2 = base * (1 / sq(3 * t + 2) + 1 / sq(3 * t + 3))
    a11_3 = base * (1 / sq(2 * (3 * t + 1)) + 1 / sq(2 * (3 * t + 1)))
    a11_4 = sq(2) * alpha / sq((3 * t + 1) * (B2 * C**2 + (1 - B2)))
    dom = _dom()
    dom_x = _dom(x_one=False)
    case2 = _dom(sp.Lt(p["xh3"], 1))
    a1_dom = Domain({C: Range(2, sp.oo), y: Range(-1, 1)})
    period = {1: C, 2: -1, 3: -1}
    s1 = lambda z: period[1] * z            # noqa: E731  f_{3t+1}
    s2 = lambda z: period[2] * z            # noqa: E731  f_{3t+2}
    s3 = lambda z: period[3] * z            # noqa: E731  f_{3t+3}
    a13_a = s1(xa) + s2(p["x2"]) + s2(p["x2"]) - s1(-1) - s2(-1) - s3(-1)
    a13_b = s1(xa) + s2(p["x2"]) + s3(p["x3"]) - s1(-1) - s2(-1) - s3(-1)
    zdom = Domain({C: Range(2, sp.oo)})
    steps = [
        Step("A1", s1(-1) + s2(-1) + s3(-1), "<=", s1(y) + s2(y) + s3(y), a1_dom, "[A1]",
             "it is easy to see that the point x = -1 provides the minimum regret",
             "one period of f_t, every y in F = [-1, 1], C >= 2 ([A1])"),
        Step("A2", sp.Integer(0)**2 / sq(B2), "<", 1, zdom, "[A2]",
             "beta1^2/sqrt(beta2) < 1 (the parameter conditions of Kingma & Ba)",
             "every C >= 2; beta1 = 0, beta2 = 1/(1 + C^2)"),
        Step("A3.1", sp.diff(s1(y), y), "=", C, a1_dom, "[A3] row 1",
             "gradient of f_i for i mod 3 = 1", "definition; every y in F, C >= 2"),
        Step("A3.2", sp.diff(s2(y), y), "=", -1, a1_dom, "[A3] row 2",
             "gradient of f_i otherwise", "definition; every y in F, C >= 2"),
        Step("A4.1", p["xh2"], "=", xa - T1, dom_x, "[A4] first =",
             "(3t+1)th update of ADAM in Equation (1)",
             IND + "; x_3t1 in [-1, 1] any"),
        Step("A4.2", xa - T1, "=", 1 - T1, dom, "[A4] second =",
             "The equality follows from the induction hypothesis", IND),
        Step("A5.1", T1, "<=", a5_1, dom, "(4) row 1", "v_3t >= 0", IND),
        Step("A5.2a", a5_1, "=", bound_a, dom, "(4) row 2 =",
             "", IND + "; reading a: alpha/sqrt((3t+1)(1-beta2)) (stray ')' dropped)"),
        Step("A5.2b", a5_1, "=", bound_b, dom, "(4) row 2 =",
             "", IND + "; reading b: alpha/(sqrt(3t+1)(1-beta2)) (root closed after 3t+1)"),
        Step("A5.3a", bound_a, "<", 1, dom, "(4) row 2 <",
             "The second inequality follows from the step size choice that "
             "alpha < sqrt(1 - beta2)", IND + "; reading a"),
        Step("A5.3b", bound_b, "<", 1, dom, "(4) row 2 <",
             "The second inequality follows from the step size choice that "
             "alpha < sqrt(1 - beta2)", IND + "; reading b"),
        Step("A6.1", p["xh3"], "=", p["x2"] + term2, dom, "[A6] row 1",
             "(3t+2)th update of ADAM in Equation (1)", IND),
        Step("A6.2", p["xh4"], "=", p["x3"] + term3, dom, "[A6] row 2",
             "(3t+3)th update of ADAM in Equation (1)", IND),
        Step("A7", p["xh4"], "=", sp.Min(p["xh3"], 1) + term3, dom, "[A7]",
             "x_hat_{3t+3} > 0 and property of projection operation onto F = [-1, 1]", IND),
        Step("A8.1", p["xh4"], "=", p["xh3"] + term3, case2, "[A8] row 1",
             "case 2: x_hat_{3t+3} < 1", IND + "; case x_hat_{3t+3} < 1 as a constraint"),
        Step("A8.2", p["xh3"] + term3, "=", p["x2"] + term2 + term3, case2, "[A8] row 2",
             "[A6]", IND + "; case x_hat_{3t+3} < 1"),
        Step("A8.3", p["x2"] + term2 + term3, "=", 1 - T1 + term2 + term3, case2,
             "[A8] row 3", "The third equality is due to the fact that "
             "x_{3t+2} = x_hat_{3t+2}", IND + "; case x_hat_{3t+3} < 1"),
        Step("A9", T1, "<=", term2 + term3, dom, "[A9]",
             "to prove x_hat_{3t+4} > 1, it is enough to prove T1 <= T2", IND),
        Step("A10a", T1, "<=", bound_a, dom, "(5)", "from Equation (4)", IND + "; reading a"),
        Step("A10b", T1, "<=", bound_b, dom, "(5)", "from Equation (4)", IND + "; reading b"),
        Step("A11.1", term2 + term3, "=", term2 + term3, dom, "(6) row 1",
             "definition of T2", IND),
        Step("A11.2", term2 + term3, ">=", a11_2, dom, "(6) row 2",
             "The first inequality is due to the fact that v_t <= C^2 for all t", IND),
        Step("A11.3", a11_2, ">=", a11_3, dom, "(6) row 3", "", IND),
        Step("A11.4", a11_3, "=", a11_4, dom, "(6) row 4 first =", "", IND),
        Step("A11.5", a11_4, "=", bound_a, dom, "(6) row 4 second =",
             "The last equality is due to [A12]", IND),
        Step("A11.6", bound_a, ">=", T1, dom, "(6) row 4 >=",
             "The last inequality follows from inequality in Equation (5)", IND),
        Step("A12", sq((B2 * C**2 + (1 - B2)) / 2), "=", sq(1 - B2), zdom, "[A12]",
             "for the choice of beta2 = 1/(1 + C^2)", "every C >= 2"),
        Step("A13.1a", a13_a, ">=", 2 * C - 4, dom, "[A13] >=",
             "for every 3 steps, ADAM suffers a regret of at least 2C - 4",
             IND + "; reading a: as printed, f_{3t+2}(x_{3t+2}) twice"),
        Step("A13.1b", a13_b, ">=", 2 * C - 4, dom, "[A13] >=",
             "for every 3 steps, ADAM suffers a regret of at least 2C - 4",
             IND + "; reading b: f_{3t+3}(x_{3t+3}) for the second f_{3t+2}(x_{3t+2})"),
        Step("A13.2", 2 * C - 4, "=", 2 * C - 4, zdom, "[A13] =", "", "every C >= 2"),
    ]
    points = _witness_points()
    inside: dict[int, list[dict[Any, Any]]] = {}
    steps = [_abstract(s_, points, inside) if t in s_.domain.ranges else s_ for s_ in steps]
    steps = [at_point(s_, AT_POINT) if s_.id in AT_POINT_STEPS else s_ for s_ in steps]
    return [Claim("amsgrad2018-theorem1",
                  "Reddi et al. (2018) Theorem 1: Adam has non-zero average regret on "
                  "f_t = Cx / -x", at_point(_statement(), AT_POINT), tuple(steps),
                  "Sec. 3, Appendix A",
                  note="the statement is decided at the instance T = 3, C = 3, alpha = 1/2; "
                       "the proof lines at a symbolic induction step", scope=SCOPE)]
