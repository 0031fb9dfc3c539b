"""Certificates: what a decided step leaves behind for a second tool to re-check.

:func:`write_certificates` writes, for every step whose verdict is ``proved`` or ``refuted``,
files under ``DIR/<claim>/`` and a ``DIR/manifest.json`` that lists them::

    {"format": "laprop-certificates/1",
     "certificates": [{"claim", "step", "status", "method", "rel", "relation", "domain",
                       "relaxation", "kind", "files": [{"path", "role", "expect", "sha256"}],
                       "reason"}]}

By kind:

``smt`` (steps proved by ``smt`` or ``sympy``)
    ``<step>.smt2``: the negated step (the *relaxed* step where the proof used a relaxation,
    which the comments and ``relaxation`` name) over its domain, with √, powers, |·|, sign and
    Max/Min written out (:mod:`.smtlib`), expected ``unsat``; ``<step>.def.smt2`` (when the
    sides have roots or denominators): some side undefined somewhere, expected ``unsat``;
    for an equality that is an identity between rational functions also
    ``<step>.terms.json``: lhs and rhs as s-expressions, so that it is re-checked exactly.
    Where :data:`SMT_HINTS` names the step, the negation script sets cvc5 search-strategy
    options and
    ``<step>.split.json`` lists atoms (``{"atoms", "options": {case: [[key, value]]}}``): the
    verifier checks the negation under each of the 2^k truth assignments to them;
    ``<step>.lemmas.json`` lists helper formulas (``{"lemmas"}``) that the verifier proves
    one after another, then assumes.
``extended`` (steps with ``oo`` or integrals, proved by ``sympy``)
    ``<step>.json``: lhs and rhs with ``oo`` and ``(integral F X A B)``, the domain, and per
    integral the pieces of a certified lower bound: ``riemann`` boxes, or a ``pole``
    (f = g·|x − s|^(−p), p ≥ 1, g > 0 on a box cover near s: divergence). The verifier's
    rules (:mod:`laprop_theory.verify.extended`) take it from there.
``boxes`` (steps proved by ``interval``)
    ``<step>.json``: f = lhs − rhs oriented so that the step reads f ≤ 0 (f < 0), the domain,
    and per value of the integer symbols the factors (f = Π baseᵢ^kᵢ) and the box cover, each
    box ``sign`` (with the arb enclosure of Π baseᵢ^kᵢ on it) or ``outside`` (with the index and
    enclosure of a constraint it certainly violates); ``<step>.identity.smt2``: per value of
    the integer symbols, f is defined on the box's domain and f = Π baseᵢ^kᵢ wherever defined
    (each ``unsat``).
``point`` (refutations)
    ``<step>.json``: the exact rational point, lhs and rhs as s-expressions, the domain, the
    arb enclosures of lhs, rhs and the violation, and the replayed run for an abstract step.
``none``
    A decided step that has no certificate, with the ``reason`` (e.g. an improper integral,
    a limit: not expressible in SMT-LIB2 arithmetic).

Content is a function of the results alone (no time stamps; JSON with sorted keys), so the
same check writes byte-identical files. Each file is written to a temporary name and renamed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy as sp
from flint import arb

from ..files import write_bytes
from .ball import Undefined, box_env, enclose, precision
from .core import Domain, StepResult
from .counterexample import rel_kind, violation_expr
from .interval import PREC, factors
from .smtlib import (
    Names,
    NotEncodable,
    Query,
    definedness_script,
    encode_step,
    identity_script,
    negation_script,
    sexpr,
)

__all__ = ["write_certificates", "FORMAT"]

FORMAT = "laprop-certificates/1"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).strip(".") or "_"


def _text(e: Any) -> str:
    """sympy's text of ``e`` without term ordering (ordering an Add evaluates its terms
    numerically, which for an improper integral takes minutes)."""
    return sp.sstr(e, order="none")


def _relation(step: Any) -> str:
    return f"{_text(step.lhs)} {step.rel} {_text(step.rhs)}"


def _describe(domain: Domain) -> str:
    parts = [f"{_text(s)} in {r}" for s, r in domain.ranges.items()]
    return ", ".join(parts + [_text(c) for c in domain.constraints])


def _dump(obj: Any, compact: bool = False) -> str:
    """Deterministic JSON: sorted keys, ASCII; ``compact`` (box covers) without indentation."""
    if compact:
        return json.dumps(obj, sort_keys=True, ensure_ascii=True, separators=(",", ":")) + "\n"
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def _ball(v: arb) -> list[str]:
    """[lower, upper] of a ball as decimal strings of 25 significant digits (rounded to
    nearest: informational; a verifier recomputes the enclosure and only checks that it meets
    this one)."""
    return [v.lower().str(25, radius=False), v.upper().str(25, radius=False)]


def _domain_json(domain: Domain, names: Names) -> dict[str, Any]:
    ranges = []
    for s, r in domain.ranges.items():
        r = r.normalized()
        ranges.append({"name": names.symbol(s), "integer": bool(r.integer),
                       "lo": None if r.lo == -sp.oo else sexpr(r.lo, names),
                       "hi": None if r.hi == sp.oo else sexpr(r.hi, names),
                       "lo_open": bool(r.lo_open), "hi_open": bool(r.hi_open)})
    cons = []
    for c in domain.constraints:
        ops = {sp.LessThan: "<=", sp.StrictLessThan: "<", sp.GreaterThan: ">=",
               sp.StrictGreaterThan: ">", sp.Eq: "=", sp.Ne: "!="}
        if type(c) not in ops:
            raise NotEncodable(f"constraint {c}")
        cons.append({"lhs": sexpr(c.lhs, names), "rel": ops[type(c)],
                     "rhs": sexpr(c.rhs, names)})
    return {"ranges": ranges, "constraints": cons}


def _header(r: StepResult, step: Any, relaxation: str | None, what: str) -> list[str]:
    lines = [f"laprop_theory certificate: claim {r.claim}, step {r.step.id}, decided by "
             f"{r.verdict.method} ({r.verdict.status})",
             f"step: {_relation(step)}",
             f"domain: {_describe(step.domain)}"]
    if relaxation:
        lines.append(f"relaxation (the proof is of this relaxed step): {relaxation}")
    lines.append(what)
    return lines


#: Search hints for cvc5, by (claim, step): steps that z3 decided at once but on which cvc5's
#: default strategy runs past the verifier's safety limit. ``options``: cvc5 strategy options
#: written into the negation script; ``split``: also split the negation on the conditions of
#: its if-then-else terms (|u|, sign, max, min), every case checked by the verifier;
#: ``lemmas``: helper formulas over the script's names (the verifier shows each, then assumes
#: it; a lemma naming something the script does not declare is dropped with its hint). Found
#: by experiment with cvc5 1.4; a hint can only make the check faster or slower, never pass a
#: wrong step (the verifier allows strategy options only and enumerates the cases itself).
_C = "(+ 1.0 (* (- 1.0) v_mu))"
_P = f"(* {_C} {_C} recip_0 v_n v_nu)"
_Q = f"(* {_C} {_C} v_a v_mu v_mu v_g v_g recip_1)"
_R = (f"(* (* {_C} {_C}) recip_0 (+ 1.0 (* v_a (* v_mu v_mu) recip_1)) "
      "(+ (* v_n v_nu) (* (* v_g v_g) (+ 1.0 (* (- 1.0) v_nu)))))")


def _abs(t: str) -> str:
    return f"(ite (>= {t} 0.0) {t} (- {t}))"


def _statement_lemmas(bound: list[str], a_bound: str, m: str, middle: list[str],
                      tail: list[Any]) -> tuple[Any, ...]:
    """Lemmas for |(g2(μ−1)/√S + g1 μ(μ−1)/|g1|)/(μ² − 1)| ≤ rhs (Prop. 1 and the LaProp
    supremum at t = 2), with S = (g2² + ν g1²)/(1 + ν): the lhs is K·X with
    K = 1/(1 + μ) > 0, X = A + μB, A = g2/√S (A² ≤ 1 + ν), B = g1/|g1| (B² = 1); so
    |X| ≤ |A| + μ|B| ≤ ``m`` and K·X, −K·X ≤ K·m (monotonicity: a lemma without context),
    and ``tail`` shows K·m = rhs. ``bound`` and ``middle`` bound |A| by ``a_bound``."""
    a, b = "(* v_g2 recip_2)", "(* v_g1 recip_3)"
    x = f"(+ {a} (* v_mu {b}))"
    k = "(* recip_0 (+ (- 1.0) v_mu))"
    inner = ("(* recip_0 (+ (* v_g2 recip_2 (+ (- 1.0) v_mu)) "
             "(* v_g1 v_mu recip_3 (+ (- 1.0) v_mu))))")
    return (
        "(= (* recip_0 (+ (- 1.0) v_mu) (+ 1.0 v_mu)) 1.0)", f"(> {k} 0.0)",
        f"(= (* {b} {b}) 1.0)", f"(<= (* {a} {a}) (+ 1.0 v_nu))", *bound,
        f"(<= {_abs(a)} {a_bound})", f"(<= {_abs(b)} 1.0)", f"(= {inner} (* {k} {x}))",
        f"(<= {_abs(x)} (+ {_abs(a)} (* v_mu {_abs(b)})))", f"(<= (* v_mu {_abs(b)}) v_mu)",
        *middle, f"(<= {x} {m})", f"(<= (- {x}) {m})",
        {"formula": f"(=> (and (<= {x} {m}) (> {k} 0.0)) (<= (* {k} {x}) (* {k} {m})))",
         "context": "none"},
        {"formula": f"(=> (and (<= (- {x}) {m}) (> {k} 0.0)) (<= (- (* {k} {x})) "
                    f"(* {k} {m})))", "context": "none"},
        f"(<= (* {k} {x}) (* {k} {m}))", f"(<= (- (* {k} {x})) (* {k} {m}))", *tail)


def _pure(formula: str) -> dict[str, str]:
    """A lemma the verifier shows from the declarations alone (valid over the reals)."""
    return {"formula": formula, "context": "none"}


def _adam_statement_lemmas() -> tuple[Any, ...]:
    """Lemmas for |(g2(μ−1) + g1 μ(μ−1))/(μ² − 1)| / |√S| ≤ √(1+ν) √(1 + μ²/ν) (1−μ)/(1−μ²)
    (the Adam supremum at t = 2), S = (g2² + ν g1²)/(1 + ν): the lhs is K |Z| / √S with
    K = 1/(1 + μ) > 0, Z = g2 + μ g1, and Cauchy-Schwarz Z² ≤ (g2² + ν g1²)(1 + μ²/ν)
    = S (1 + ν)(1 + μ²/ν) gives |Z| ≤ √S √(1+ν) √(1 + μ²/ν); the rest is monotonicity of
    products (lemmas without context) and K = (1 − μ)/(1 − μ²)."""
    z = "(+ v_g2 (* v_mu v_g1))"
    y = "(* recip_2 (+ (* v_g2 (+ (- 1.0) v_mu)) (* v_g1 v_mu (+ (- 1.0) v_mu))))"
    k = "(* recip_2 (+ (- 1.0) v_mu))"
    r4 = _R4
    n = "(+ (* v_g2 v_g2) (* v_nu v_g1 v_g1))"
    s2 = "(+ 1.0 (* v_mu v_mu recip_5))"
    w = "(* sqrt_0 sqrt_1 sqrt_2)"
    v = "(* sqrt_1 sqrt_2)"
    rhs = "(* sqrt_1 recip_4 sqrt_2 (+ 1.0 (* (- 1.0) v_mu)))"
    p2 = "(* sqrt_0 sqrt_0 sqrt_1 sqrt_1)"
    az, ay = _abs(z), _abs(y)
    return (
        f"(= (* {k} (+ 1.0 v_mu)) 1.0)", f"(> {k} 0.0)", f"(= {y} (* {k} {z}))",
        f"(<= (* {z} {z}) (* {n} {s2}))", f"(= (* sqrt_0 sqrt_0 (+ 1.0 v_nu)) {n})",
        "(= (* sqrt_1 sqrt_1) (+ 1.0 v_nu))", f"(= (* sqrt_2 sqrt_2) {s2})",
        _pure(f"(=> (and (= (* sqrt_0 sqrt_0 (+ 1.0 v_nu)) {n}) (= (* sqrt_1 sqrt_1) "
              f"(+ 1.0 v_nu))) (= {p2} {n}))"),
        f"(= {p2} {n})",
        _pure(f"(=> (= {p2} {n}) (= (* {p2} sqrt_2 sqrt_2) (* {n} sqrt_2 sqrt_2)))"),
        _pure(f"(=> (= (* sqrt_2 sqrt_2) {s2}) (= (* {n} sqrt_2 sqrt_2) (* {n} {s2})))"),
        f"(= (* {p2} sqrt_2 sqrt_2) (* {n} {s2}))",
        f"(<= (* {z} {z}) (* {p2} sqrt_2 sqrt_2))", f"(>= {w} 0.0)",
        _pure(f"(=> (and (<= (* {z} {z}) (* {p2} sqrt_2 sqrt_2)) (>= {w} 0.0)) "
              f"(<= {az} {w}))"),
        f"(<= {az} {w})", "(>= sqrt_0 0.0)",
        _pure(f"(=> (and (= (* recip_1 {_abs('sqrt_0')}) 1.0) (>= sqrt_0 0.0)) "
              "(= (* recip_1 sqrt_0) 1.0))"),
        "(= (* recip_1 sqrt_0) 1.0)", "(> recip_1 0.0)",
        _pure(f"(=> (and (<= {az} {w}) (> recip_1 0.0)) (<= (* recip_1 {az}) "
              f"(* recip_1 {w})))"),
        f"(<= (* recip_1 {az}) (* recip_1 {w}))",
        _pure(f"(=> (= (* recip_1 sqrt_0) 1.0) (= (* recip_1 {w}) {v}))"),
        f"(<= (* recip_1 {az}) {v})",
        _pure(f"(=> (and (<= (* recip_1 {az}) {v}) (> {k} 0.0)) (<= (* {k} recip_1 {az}) "
              f"(* {k} {v})))"),
        f"(<= (* {k} recip_1 {az}) (* {k} {v}))",
        _pure(f"(=> (and (= {y} (* {k} {z})) (> {k} 0.0)) (= {ay} (* {k} {az})))"),
        f"(= {ay} (* {k} {az}))",
        _pure(f"(=> (= {ay} (* {k} {az})) (= (* recip_1 {ay}) (* {k} recip_1 {az})))"),
        f"(<= (* recip_1 {ay}) (* {k} {v}))", f"(= (* {r4} (+ 1.0 v_mu)) 1.0)",
        _pure(f"(=> (and (= (* {k} (+ 1.0 v_mu)) 1.0) (= (* {r4} (+ 1.0 v_mu)) 1.0)) "
              f"(= {k} {r4}))"),
        f"(= {k} {r4})", _pure(f"(=> (= {k} {r4}) (= (* {k} {v}) {rhs}))"),
        f"(= (* {k} {v}) {rhs})")


_K = "(* recip_0 (+ (- 1.0) v_mu))"
_R4 = "(* recip_4 (+ 1.0 (* (- 1.0) v_mu)))"
_M1 = "(* (+ 1.0 v_mu) recip_4)"
_MS = "(+ sqrt_1 v_mu)"

SMT_HINTS: dict[tuple[str, str], dict[str, Any]] = {
    # |A| <= sqrt(1 + nu) <= 1/sqrt(1 - nu) = recip_4, so |X| <= (1 + mu) recip_4
    ("prop1", "statement"): {"lemmas": _statement_lemmas(
        ["(>= (* recip_4 recip_4) (+ 1.0 v_nu))", "(<= 1.0 recip_4)"], "recip_4", _M1,
        ["(<= (+ (ite (>= (* v_g2 recip_2) 0.0) (* v_g2 recip_2) (- (* v_g2 recip_2))) "
         "(* v_mu (ite (>= (* v_g1 recip_3) 0.0) (* v_g1 recip_3) (- (* v_g1 recip_3))))) "
         "(+ recip_4 v_mu))", f"(<= (+ recip_4 v_mu) {_M1})"],
        [f"(= (* {_K} {_M1}) recip_4)"])},
    ("sup-adam", "statement"): {"lemmas": _adam_statement_lemmas()},
    # |A| <= sqrt(1 + nu) = sqrt_1, so |X| <= sqrt_1 + mu; K = 1/(1 + mu) = recip_4 (1 - mu)
    ("sup-laprop", "statement"): {"lemmas": _statement_lemmas(
        ["(= (* sqrt_1 sqrt_1) (+ 1.0 v_nu))"], "sqrt_1", _MS, [],
        [f"(= (* {_R4} (+ 1.0 v_mu)) 1.0)",
         {"formula": f"(=> (and (= (* {_K} (+ 1.0 v_mu)) 1.0) (= (* {_R4} (+ 1.0 v_mu)) 1.0))"
                     f" (= {_K} {_R4}))", "context": "none"},
         f"(= {_K} {_R4})",
         {"formula": f"(=> (= {_K} {_R4}) (= (* {_K} {_MS}) (* {_R4} {_MS})))",
          "context": "none"},
         f"(= (* {_K} {_MS}) (* {_R4} {_MS}))",
         f"(= (* {_R4} {_MS}) (* recip_4 (+ 1.0 (* (- 1.0) v_mu)) (+ v_mu sqrt_1)))"])},
    ("prop1", "ind.step.1"): {"options": (("nl-cov-linear-model", "initial"),)},
    ("prop2-proof", "13.2.g"): {"options": (("nl-ext", "none"),)},
    ("theorem1", "ind.step.3"): {"options": (("nl-cov-linear-model", "initial"),),
                                 "split": True},
    # sqrt((1-nu^2)/(1-nu)) sqrt(1+g^2) (1-g sqrt(nu))/(1-nu g^2) <= 1/((1-g) sqrt(1-nu)):
    # sqrt((1-nu^2)/(1-nu))^2 = 1+nu; sqrt(1+g^2)(1-g) <= 1; (1-g sqrt(nu))/(1-nu g^2) =
    # 1/(1+g sqrt(nu)) <= 1; sqrt(1+nu) sqrt(1-nu) <= 1; then monotonicity of products
    ("sup-adam", "prop2.proof"): {"lemmas": (
        "(= (* sqrt_0 sqrt_0) (+ 1.0 v_nu))",
        "(<= (* sqrt_1 (+ 1.0 (* (- 1.0) v_gamma))) 1.0)",
        "(<= (* recip_1 (+ 1.0 (* (- 1.0) v_gamma sqrt_2))) 1.0)",
        "(<= (* sqrt_0 sqrt_3) 1.0)",
        "(<= sqrt_1 recip_2)",
        "(<= sqrt_0 recip_3)",
        "(<= (* sqrt_0 sqrt_1 recip_1 (+ 1.0 (* (- 1.0) v_gamma sqrt_2))) (* sqrt_0 sqrt_1))",
        "(<= (* sqrt_0 sqrt_1) (* recip_2 recip_3))")},
    # (g c + m mu)^2 <= c^2/(1-nu) (1 + a mu^2/nu)(n nu + g^2 (1-nu)), c = 1 - mu, under
    # m^2 <= a n c^2/(1-nu): the rhs is c^2 g^2 + P + a n c^2 mu^2/(1-nu) + Q with
    # P = c^2 n nu/(1-nu), Q = c^2 a mu^2 g^2/nu >= 0, and P Q >= c^2 mu^2 g^2 m^2, so
    # P + Q >= 2 c mu g m (AM-GM); m^2 mu^2 <= a n c^2 mu^2/(1-nu)
    ("sup-adam", "ind.step.2"): {"lemmas": tuple(
        lemma.format(c=_C, P=_P, Q=_Q, R=_R) for lemma in (
            "(<= (* v_m v_m v_mu v_mu) (* v_a v_n {c} {c} recip_0 v_mu v_mu))",
            "(>= {P} 0.0)", "(>= {Q} 0.0)",
            "(= (* {P} {Q}) (* {c} {c} {c} {c} recip_0 v_n v_a v_mu v_mu v_g v_g))",
            "(>= (* {P} {Q}) (* {c} {c} v_mu v_mu v_g v_g v_m v_m))",
            "(>= (* (+ {P} {Q}) (+ {P} {Q})) (* 4.0 {c} {c} v_mu v_mu v_g v_g v_m v_m))",
            "(>= (+ {P} {Q}) (* 2.0 {c} v_mu v_g v_m))",
            "(= {R} (+ (* {c} {c} v_g v_g) {P} (* v_a v_n {c} {c} recip_0 v_mu v_mu) {Q}))"))},
}


def ite_atoms(script: str, limit: int = 4) -> list[str]:
    """The distinct conditions of the ``(ite C a b)`` terms after the script's ``set-logic``
    (at most ``limit``), in order of appearance: the atoms of a case split."""
    body = script[script.find("(set-logic"):]
    atoms: list[str] = []
    i = body.find("(ite ")
    while i >= 0 and len(atoms) < limit:
        j = k = i + 5
        depth = 0
        while k < len(body):
            depth += body[k] == "("
            depth -= body[k] == ")"
            k += 1
            if depth == 0:
                break
        if body[j:k] not in atoms:
            atoms.append(body[j:k])
        i = body.find("(ite ", j)
    return atoms


def _unit_powers(step: Any) -> tuple[Any, str] | None:
    """The step with each power b^(t + c) -- b a symbol whose range lies in [0, 1], t an
    integer symbol with lower bound t0, c an integer, t0 + c ≥ 0 -- replaced by a fresh
    variable w in [0, 1] with w ≤ b^(t0 + c), t kept; and a note. Every point (b, t) of the
    domain maps to the point (b, t, b^(t + c)) of the new domain, where both sides keep their
    values: a proof of the new step proves the old one. None where some symbolic power is
    not of that form."""
    from .core import Domain, Range

    dom = step.domain.normalized()
    ints = {s: r for s, r in dom.ranges.items() if r.integer and r.lo != -sp.oo}
    exprs = [sp.sympify(step.lhs), sp.sympify(step.rhs), *dom.constraints]
    repl: dict[Any, Any] = {}
    ranges = dict(dom.ranges)
    cons = list(dom.constraints)
    notes = []
    for pw in sorted(set().union(*[e.atoms(sp.Pow) for e in exprs]), key=sp.default_sort_key):
        b, ex = pw.args
        if ex.is_Rational:
            continue
        t = next((s for s in ints if s in ex.free_symbols), None)
        c = sp.expand(ex - t) if t is not None else None
        rb = dom.ranges.get(b)
        if t is None or not c.is_Integer or rb is None or ex.free_symbols != {t} or not (
                rb.lo.is_number and rb.hi.is_number and rb.lo >= 0 and rb.hi <= 1):
            return None
        k = int(ints[t].lo) + int(c)
        if k < 0:
            return None
        w = sp.Dummy(f"{b}^({ex})", real=True)
        repl[pw] = w
        ranges[w] = Range(0, 1)
        if k > 0:
            cons.append(sp.Le(w, b**k))
        notes.append(f"{b}^({ex}) -> w in [0, {b**k}]")
    if not repl:
        return None
    new = dataclasses.replace(step, lhs=sp.sympify(step.lhs).xreplace(repl),
                              rhs=sp.sympify(step.rhs).xreplace(repl),
                              domain=Domain(ranges, tuple(c.xreplace(repl) for c in cons)))
    return new, "relaxed (for the certificate) " + "; ".join(notes)


#: z3 work units (rlimit) for the check that a step still holds with its integers read as reals
INTS_AS_REALS_RLIMIT_BUDGET = 1.0


def _ints_as_reals(step: Any) -> tuple[Any, str] | None:
    """The step with its integer symbols read as reals in the same (closed, integer) bounds,
    and a note saying so -- where z3 shows that weaker step within a fixed resource limit
    (deterministic); else None. Nonlinear solvers are complete on the reals only (cvc5
    answers ``unknown`` on many mixed integer queries that are trivial over the reals), and
    a proof over the larger domain is a proof over the integers."""
    from .budget import Work
    from .core import Domain, Range
    from .smt import decide_smt

    ints = [s for s, rg in step.domain.ranges.items() if rg.integer]
    if not ints:
        return None
    ranges = {}
    for s, rg in step.domain.ranges.items():
        rg = rg.normalized()
        ranges[s] = Range(rg.lo, rg.hi, lo_open=False, hi_open=False) if rg.integer else rg
    weaker = dataclasses.replace(step, domain=Domain(ranges, step.domain.constraints))
    try:
        v = decide_smt(weaker, Work(INTS_AS_REALS_RLIMIT_BUDGET), allow_refute=False)
    except Exception:  # noqa: BLE001  (z3 cannot express it: keep the integers)
        return None
    if v is None or v.status != "proved":
        return None
    names = ", ".join(sorted(str(s) for s in ints))
    return weaker, (f"integer symbols {names} read as reals in the same bounds (a weaker "
                    "query: unsat over the reals implies unsat over the integers)")


def _rational_identity(lhs: str, rhs: str) -> bool:
    """Is lhs − rhs the zero rational function, by the verifier's exact algebra?"""
    from ..verify import algebra
    from ..verify import sexpr as vsx

    try:
        return algebra.identity(vsx.parse(lhs), vsx.parse(rhs))
    except (algebra.NotRational, vsx.SexprError):
        return False


def _smt_files(r: StepResult, step: Any, relaxation: str | None
               ) -> list[tuple[str, str, str]]:
    """(suffix, role, text) of the negation and definedness scripts (and of the case split
    that :data:`SMT_HINTS` asks for)."""
    q = encode_step(step)
    hint = SMT_HINTS.get((r.claim, r.step.id), {})
    neg = negation_script(q, _header(
        r, step, relaxation, "expected: unsat (the step holds wherever both sides are "
        "defined)"), options=hint.get("options", ()))
    out = [(".smt2", "negation", neg)]
    lemmas = list(hint.get("lemmas", ()))
    declared = set(re.findall(r"\(declare-fun (\S+) ", neg))
    texts = [a["formula"] if isinstance(a, dict) else a for a in lemmas]
    if lemmas and all(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", a)) <= declared for a in
                      (re.sub(r"\(\s*(?:[-+*/<>=]+|not|and|or|ite)(?=[\s(])", "(", a)
                       for a in texts)):
        out.append((".lemmas.json", "lemmas", _dump({
            "format": "laprop-certificate/lemmas-1", "claim": r.claim, "step": r.step.id,
            "lemmas": lemmas})))
    atoms = ite_atoms(neg) if hint.get("split") else []
    if atoms:
        out.append((".split.json", "split", _dump({
            "format": "laprop-certificate/split-1", "claim": r.claim, "step": r.step.id,
            "atoms": atoms, "options": {}})))
    d = definedness_script(q, _header(r, step, relaxation,
                                      "expected: unsat (both sides are defined on the domain)"))
    if d is not None:
        out.append((".def.smt2", "definedness", d))
    if step.rel == "=":
        # an identity between rational functions can also be re-checked exactly; an equality
        # that holds only on the domain (u = mu under the constraint u = mu) is left to cvc5
        names = Names()
        for s in step.domain.ranges:
            names.symbol(s)
        lhs, rhs = sexpr(step.lhs, names), sexpr(step.rhs, names)
        if _rational_identity(lhs, rhs):
            out.append((".terms.json", "statement", _dump({
                "format": "laprop-certificate/terms-1", "claim": r.claim, "step": r.step.id,
                "rel": step.rel, "lhs": lhs, "rhs": rhs, "names": names.table()})))
    return out


def _outside_index(domain: Domain, env: dict) -> tuple[int, list[str]] | None:
    """The first constraint certainly false on the box, with the enclosure of lhs − rhs."""
    from .interval import violated

    hit = violated(domain, env)
    return None if hit is None else (hit[0], _ball(hit[1]))


def _box_files(r: StepResult, step: Any, ev: dict[str, Any], relaxation: str | None
               ) -> list[tuple[str, str, str]]:
    """The box-cover JSON and the identity script of an interval proof."""
    names = Names()
    for s in step.domain.ranges:
        names.symbol(s)
    by_name: dict[str, sp.Symbol] = {}
    for s in step.domain.ranges:
        if str(s) in by_name:
            raise NotEncodable(f"two symbols are named {s}")
        by_name[str(s)] = s
    cont = [by_name[v] for v in ev.get("variables", [])]
    f = violation_expr(step)
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for b in ev["boxes"]:
        key = tuple(sorted(b["fixed"].items()))
        groups.setdefault(key, []).append(b)
    covers = []
    blocks: list[tuple[Query, str, str, list[str]]] = []
    with precision(PREC):
        for key, boxes in groups.items():
            fixed = {by_name[k]: int(v) for k, v in key}
            fi = f.xreplace({s: sp.Integer(v) for s, v in fixed.items()}) if fixed else f
            fs = factors(fi)
            prod = sp.Mul(*[b ** k for b, k in fs], evaluate=False)
            fenv = {s: arb(v) for s, v in fixed.items()}
            out_boxes = []
            for b in boxes:
                box = [(Fraction(lo), Fraction(hi)) for lo, hi in b["box"]]
                env = {**box_env(cont, box), **fenv}
                rec: dict[str, Any] = {"box": b["box"], "why": b["why"]}
                if b["why"] == "outside":
                    hit = _outside_index(step.domain, env)
                    if hit is not None:
                        rec["constraint"], rec["enclosure"] = hit
                else:
                    try:
                        v = arb(1)
                        for base, k in fs:
                            v *= enclose(base, env) ** k if k >= 0 else \
                                1 / enclose(base, env) ** (-k)
                        rec["enclosure"] = _ball(v)
                    except (Undefined, ZeroDivisionError):
                        rec["enclosure"] = None
                out_boxes.append(rec)
            covers.append({"fixed": {names.symbol(s): v for s, v in fixed.items()},
                           "factors": [[sexpr(base, names), int(k)] for base, k in fs],
                           "boxes": out_boxes})
            label = ", ".join(f"{s} = {v}" for s, v in fixed.items()) or "no integer symbol"
            q_def = encode_step(step.__class__("def", fi, "=", 0, step.domain),
                                fixed=fixed, abstract=True)
            if q_def.conditions:
                blocks.append((q_def, "defined", "", [f"{label}: f is defined on the domain"]))
            q_id = encode_step(step.__class__("identity", fi, "=", prod, step.domain),
                               fixed=fixed, abstract=True)
            blocks.append((q_id, q_id.lhs, q_id.rhs,
                           [f"{label}: f = product of the factors wherever defined"]))
    cert = {"format": "laprop-certificate/boxes-1", "claim": r.claim, "step": r.step.id,
            "rel": step.rel, "kind": rel_kind(step),
            "lhs": sexpr(step.lhs, names), "rhs": sexpr(step.rhs, names),
            "f": sexpr(f, names),
            "f_is": "lhs - rhs" if step.rel in ("<=", "<") else "rhs - lhs",
            "variables": [names.symbol(s) for s in cont],
            "domain": _domain_json(step.domain, names), "names": names.table(),
            "relaxation": relaxation, "covers": covers}
    ident = identity_script(blocks, _header(r, step, relaxation,
                                            "expected: unsat at every check-sat"))
    return [(".json", "boxes", _dump(cert, compact=True)),
            (".identity.smt2", "identity", ident)]


def _point_files(r: StepResult, step: Any, ev: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The refutation JSON: the exact point and what it gives."""
    names = Names()
    for s in step.domain.ranges:
        names.symbol(s)
    by_name = {str(s): s for s in step.domain.ranges}
    if len(by_name) != len(step.domain.ranges):
        raise NotEncodable("two symbols share a name")
    point = {names.symbol(by_name[k]): str(sp.Rational(v)) for k, v in ev["point"].items()}
    cex = r.verdict.counterexample or {}
    cert = {"format": "laprop-certificate/point-1", "claim": r.claim, "step": r.step.id,
            "rel": step.rel, "lhs": sexpr(step.lhs, names), "rhs": sexpr(step.rhs, names),
            "domain": _domain_json(step.domain, names), "names": names.table(),
            "point": point, "abstract": bool(step.abstract),
            "values": {"lhs": cex.get("lhs"), "rhs": cex.get("rhs"),
                       "violation": cex.get("violation")}}
    if "run" in cex:
        cert["run"] = cex["run"]
    return [(".json", "point", _dump(cert))]


def _is_extended(step: Any) -> bool:
    """Does the step use +∞, −∞ or an integral (an ``extended`` certificate)?"""
    return any(sp.sympify(e).has(sp.oo, -sp.oo, sp.Integral) for e in (step.lhs, step.rhs))


#: a pole piece's cover is refined until g's enclosure is > 0 on boxes this narrow at least
_MIN_WIDTH = Fraction(1, 2**20)
#: a Riemann piece: this many boxes on a finite part of the range
_RIEMANN_BOXES = 16


def _positive_cover(g: Any, var: str, lo: Fraction, hi: Fraction) -> list[list[str]] | None:
    """Consecutive boxes from lo to hi on each of which the verifier's interval enclosure of
    the s-expression ``g`` is > 0 (bisection), or None."""
    from ..verify import sexpr as vsx  # the verifier's own evaluator: its verdict is the one

    out: list[list[str]] = []
    stack = [(lo, hi)]
    while stack:
        a, b = stack.pop()
        try:
            ok = vsx.lo(vsx.interval(g, {var: vsx.IV.mpf([vsx.ival(a).a, vsx.ival(b).b])})) > 0
        except (vsx.Undefined, vsx.SexprError):
            ok = False
        if ok:
            out.append([str(a), str(b)])
        elif b - a < _MIN_WIDTH or len(out) + len(stack) > 1000:
            return None
        else:
            m = (a + b) / 2
            stack += [(m, b), (a, m)]
    return out


def _integral_pieces(integral: sp.Integral, names: Names) -> list[dict[str, Any]]:
    """Pieces of the integration range with a certified lower bound (see
    :mod:`laprop_theory.verify.extended`): a ``pole`` where the integrand is g·(x − s)^(−p)
    with p ≥ 1, g > 0 near a point s of the range (the integral diverges), else a
    ``riemann`` piece of :data:`_RIEMANN_BOXES` boxes on a finite part of the range."""
    from ..verify import sexpr as vsx

    if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
        raise NotEncodable("an integral that is not one definite integral")
    x, a, b = integral.limits[0]
    f = integral.function
    var = names.symbol(x)
    for fac in sp.Mul.make_args(f):
        if not (isinstance(fac, sp.Pow) and fac.exp.is_Integer and fac.exp < 0
                and fac.base.has(x)):
            continue
        poly = sp.Poly(fac.base, x)
        if poly.degree() != 1 or not all(c.is_Rational for c in poly.all_coeffs()):
            continue
        c1, c0 = poly.all_coeffs()
        s = -c0 / c1
        if not (a < s < b):
            continue
        # base^k = c1^k (x − s)^k, so f = g (x − s)^(−p) with p = −k
        g = sp.Mul(*[o for o in sp.Mul.make_args(f) if o is not fac]) * c1**fac.exp
        width = min(sp.Integer(1), (b - s) if b != sp.oo else sp.Integer(1))
        gx = sexpr(g, names)
        cover = _positive_cover(vsx.parse(gx), var, Fraction(str(s)), Fraction(str(s + width)))
        if cover is None:
            continue
        return [{"kind": "pole", "at": str(s), "width": str(width), "side": "right",
                 "order": int(-fac.exp), "g": gx, "cover": cover}]
    lo = a if a != -sp.oo else ((b - 4) if b != sp.oo else sp.Integer(-2))
    hi = b if b != sp.oo else lo + 4
    lo_f, hi_f = Fraction(str(sp.Rational(lo))), Fraction(str(sp.Rational(hi)))
    step = (hi_f - lo_f) / _RIEMANN_BOXES
    boxes = [[str(lo_f + i * step), str(lo_f + (i + 1) * step)] for i in range(_RIEMANN_BOXES)]
    return [{"kind": "riemann", "boxes": boxes}]


def _extended_files(r: StepResult, step: Any) -> list[tuple[str, str, str]]:
    """The ``extended`` JSON: lhs and rhs with ``oo`` and integrals, the domain, and per
    integral the pieces of its lower bound."""
    names = Names()
    for s in step.domain.ranges:
        names.symbol(s)
    lhs, rhs = sexpr(step.lhs, names, True), sexpr(step.rhs, names, True)
    integrals = []
    atoms = sp.sympify(step.lhs).atoms(sp.Integral) | sp.sympify(step.rhs).atoms(sp.Integral)
    for integral in sorted(atoms, key=sp.default_sort_key):
        integrals.append({"term": sexpr(integral, names, True),
                          "pieces": _integral_pieces(integral, names)})
    cert = {"format": "laprop-certificate/extended-1", "claim": r.claim, "step": r.step.id,
            "rel": step.rel, "lhs": lhs, "rhs": rhs,
            "domain": _domain_json(step.domain, names), "names": names.table(),
            "integrals": integrals}
    return [(".json", "extended", _dump(cert))]


def _files_for(r: StepResult) -> tuple[str, list[tuple[str, str, str]]]:
    v = r.verdict
    ev = v.evidence or {}
    step = ev.get("step")
    if step is None:
        raise NotEncodable(f"the verdict ({v.method}) kept no evidence")
    if v.status == "proved" and _is_extended(step):
        return "extended", _extended_files(r, step)
    if v.status == "refuted":
        if "point" not in ev:
            raise NotEncodable("the refutation kept no exact point")
        return "point", _point_files(r, step, ev)
    if v.method in ("smt", "sympy"):
        relaxation = ev.get("relaxation")
        try:
            encode_step(step)
        except NotEncodable:
            relaxed = _unit_powers(step)
            if relaxed is None:
                raise
            step, note = relaxed
            relaxation = f"{relaxation}; {note}" if relaxation else note
        real = _ints_as_reals(step)
        if real is not None:
            step, note = real
            relaxation = f"{relaxation}; {note}" if relaxation else note
        return "smt", _smt_files(r, step, relaxation)
    if v.method == "interval":
        if "boxes" not in ev:
            raise NotEncodable("the interval proof kept no box cover")
        return "boxes", _box_files(r, step, ev, ev.get("relaxation"))
    raise NotEncodable(f"no certificate for method {v.method}")


def write_certificates(results: list[StepResult], directory: str | Path) -> dict[str, Any]:
    """Write one certificate per decided step of ``results`` and ``manifest.json`` under
    ``directory`` (see the module docstring); returns the manifest.

    Files listed by a previous manifest in ``directory`` that this one does not list are
    removed (nothing else is)."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    old: set[str] = set()
    try:
        prev = json.loads((root / "manifest.json").read_text())
        old = {f["path"] for c in prev.get("certificates", []) for f in c.get("files", [])}
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        pass
    entries = []
    used: set[str] = set()
    written: set[str] = set()
    for r in results:
        v = r.verdict
        if v.status not in ("proved", "refuted"):
            continue
        ev = v.evidence or {}
        step = ev.get("step", r.step)
        stem = f"{_safe(r.claim)}/{_safe(r.step.id)}"
        k = 1
        while stem.lower() in used:
            k += 1
            stem = f"{_safe(r.claim)}/{_safe(r.step.id)}~{k}"
        used.add(stem.lower())
        entry: dict[str, Any] = {
            "claim": r.claim, "step": r.step.id, "status": v.status, "method": v.method,
            "rel": step.rel, "relation": _relation(step),
            "domain": _describe(step.domain), "relaxation": ev.get("relaxation"),
            "files": []}
        try:
            kind, files = _files_for(r)
        except (NotEncodable, Undefined, ZeroDivisionError, KeyError, ValueError,
                TypeError, AttributeError, RecursionError) as exc:
            entry["kind"] = "none"
            entry["reason"] = f"not encodable: {str(exc)[:300]}"
            entries.append(entry)
            continue
        entry["kind"] = kind
        for suffix, role, text in files:
            rel_path = stem + suffix
            data = text.encode("utf-8")
            write_bytes(root / rel_path, data, parents=True)
            written.add(rel_path)
            entry["files"].append({
                "path": rel_path, "role": role,
                "expect": "unsat" if rel_path.endswith(".smt2") else "certified",
                "sha256": hashlib.sha256(data).hexdigest()})
        entries.append(entry)
    manifest = {"format": FORMAT, "certificates": entries}
    write_bytes(root / "manifest.json", _dump(manifest).encode("utf-8"), parents=True)
    for stale in sorted(old - written):
        p = (root / stale).resolve()
        if root.resolve() in p.parents and p.is_file():
            p.unlink()
    return manifest
