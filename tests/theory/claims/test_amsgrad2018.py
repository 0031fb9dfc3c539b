"""Reddi, Kale & Kumar (2018) encoded line by line (``laprop_theory.claims.amsgrad2018``).

Independent checks: the display labels are parsed from the transcription itself; every
refuted step's counterexample is re-evaluated with mpmath at 60 digits (not through the
checker's ball arithmetic); the expected wrong lines come from hand derivations written out
in each test; proved steps are spot-checked at random points of their domains.
"""

from __future__ import annotations

import functools
import json
import random
import re
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from laprop_theory.claims.amsgrad2018 import claims
from laprop_theory.proof.decide import check_claim
from laprop_theory.proof.kernel import judge

PAPER = Path("/work/shared/papers/amsgrad-2018.md")
if not PAPER.exists():  # the checkout's own copy, where the shared folder is elsewhere
    PAPER = Path(__file__).resolve().parents[3] / ".." / "shared" / "papers" / "amsgrad-2018.md"
#: the display labels and row counts read once from the transcription (no text of the paper),
#: so that the tests run on a fresh clone without the shared folder
DISPLAYS = Path(__file__).resolve().parent / "data" / "amsgrad-2018-displays.json"
IDS = ("amsgrad2018-lemma2", "amsgrad2018-theorem4", "amsgrad2018-corollary1",
       "amsgrad2018-theorem1", "amsgrad2018-lemma4")
WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@functools.cache
def _claims() -> tuple:
    return tuple(claims())


def _by_id() -> dict:
    return {c.id: c for c in _claims()}


def _all_steps() -> list:
    return [s for c in _claims() for s in c.steps]


def _display_of(step_id: str) -> str:
    hit = re.match(r"[ADG]\d+", step_id)
    return hit.group(0) if hit else ""


def _relation_key(step_id: str) -> str:
    """The relation a step encodes, without its reading suffix (A5.2a and A5.2b: A5.2)."""
    return re.sub(r"[ab]$", "", step_id)


# ---------------------------------------------------------------- structure (no checker)

def test_claim_ids():
    assert tuple(c.id for c in _claims()) == IDS


def _parse_displays(text: str) -> dict:
    """The labels **[A1]**.. **[G3]** of the transcription and the row counts stated in the
    headers "(one display, <n> rows ...)"."""
    labels = set(re.findall(r"\*\*\[([ADG]\d+)\]\*\*", text))
    rows = {lab: WORDS[n] for lab, n in re.findall(
        r"\*\*\[([ADG]\d+)\]\*\* \(one display, (\w+) (?:rows|printed lines|\"=\" rows)", text)}
    return {"labels": sorted(labels, key=lambda s: (s[0], int(s[1:]))), "rows": rows}


def _displays() -> dict:
    data = json.loads(DISPLAYS.read_text(encoding="utf-8"))
    return {"labels": data["labels"], "rows": data["rows"]}


@pytest.mark.skipif(not PAPER.exists(), reason="the transcription amsgrad-2018.md is not on "
                    "this machine (shared/papers is absent in a fresh clone)")
def test_the_stored_displays_match_the_transcription():
    assert _parse_displays(PAPER.read_text(encoding="utf-8")) == _displays()


def test_every_display_of_appendices_a_d_g_has_a_step():
    labels = set(_displays()["labels"])
    assert len(labels) == 13 + 10 + 3                # [A1]-[A13], [D1]-[D10], [G1]-[G3]
    have = {_display_of(s.id) for s in _all_steps()}
    assert sorted(labels - have) == []


def test_every_row_of_a_multi_row_display_has_a_relation():
    rows = _displays()["rows"]
    assert {"A5", "A8", "A11", "D2", "D5", "D6", "D7", "D8", "D10"} <= set(rows)
    steps = _all_steps()
    for lab, n in rows.items():
        rels = {_relation_key(s.id) for s in steps if _display_of(s.id) == lab}
        # [D8] and [D10] print each relation over two lines
        need = {"D8": 3, "D10": 2}.get(lab, n)
        assert len(rels) >= need, (lab, sorted(rels))


def test_every_step_names_its_encoding_and_label():
    for s in _all_steps():
        assert any(w in s.note for w in ("instance", "induction step", "one step", "every")), s.id
        assert s.eq, s.id


def test_ambiguous_lines_have_one_step_per_reading():
    ids = {s.id: s for s in _all_steps()}
    for base in ("A5.2", "A5.3", "A10", "A13.1", "D1.2"):
        for r in "ab":
            assert f"reading {r}" in ids[base + r].note, base + r
    assert "SUB" in ids["T4.sub"].eq and "SUB" in ids["C1.sub"].eq


# ---------------------------------------------------------------- the checker's verdicts

@pytest.fixture(scope="module")
def decided() -> dict:
    out = {}
    for c in _claims():
        res = check_claim(c)
        out[c.id] = (c, res, judge(c, res))
    return out


def _value(s: str) -> sp.Rational:
    return sp.Rational(s.split(" (")[0])


def _mp_eval(expr, point: dict) -> mpmath.mpf:
    syms = sorted(expr.free_symbols, key=str)
    f = sp.lambdify(syms, expr, modules="mpmath")
    with mpmath.workdps(60):
        return mpmath.mpf(f(*[mpmath.mpf(point[str(s)].p) / point[str(s)].q for s in syms]))


def test_no_statement_is_refuted_and_none_is_proved_beyond_an_instance(decided):
    # Hand derivations of the instances: Theorem 1 at T = 3 gives R_3 = 2C - 2 - x_2 - x_3
    # >= 2C - 4 as x_2, x_3 <= 1; Lemma 4 (d = 1) is the 1-Lipschitz clamp; Lemma 2 at T = 2
    # holds as the chain D5-D7 of true lines. No claim has a derivation, so none is proved.
    for cid in IDS:
        verdict = decided[cid][2]
        assert verdict.status == "unverified", (cid, verdict)
    for cid in ("amsgrad2018-theorem1", "amsgrad2018-lemma4", "amsgrad2018-lemma2"):
        stmt = [r for r in decided[cid][1] if r.step.id == "statement"][0]
        assert stmt.verdict.status != "refuted"


def test_the_wrong_lines_found_by_hand_are_refuted(decided):
    status = {(cid, r.step.id): r.verdict.status for cid, (_, res, _) in decided.items()
              for r in res}
    wrong = [
        # α C/√((3t+1)(1−β2)C²) = α/√((3t+1)(1−β2)) differs from α/(√(3t+1)(1−β2)) (β2 > 0)
        ("amsgrad2018-theorem1", "A5.2b"),
        # t = 0, C = 2, alpha = 0.894 < sqrt(0.8): alpha/(1 - beta2) = 1.1175 > 1 (a run point)
        ("amsgrad2018-theorem1", "A5.3b"),
        # t = 0: 1/√2 + 1/√3 = 1.284 < 2/√2 = 1.414
        ("amsgrad2018-theorem1", "A11.3"),
        # F = [0, 1], z1 = 2, z2 = 3: u1 = u2 = 1, <z2 - u2, z1 - z2> = -2 < 0; [G2]: 0 >= 1
        ("amsgrad2018-lemma4", "G1.2"), ("amsgrad2018-lemma4", "G2"),
        # [D1] as printed: a point equals a distance (x_{t+1} = 0 vs distance > 0)
        ("amsgrad2018-theorem4", "D1.2b"),
        # rearranging [D2] gives -β1t/(1-β1t)<m_{t-1}, x_t - x*>, printed with +
        ("amsgrad2018-theorem4", "D3.1"),
        # the second term of Theorem 4 grows like 1/α, Corollary 1's has no α
        ("amsgrad2018-corollary1", "C1.1"),
        # [D8] rows 3-4 at T = 3: 1/(1 - β1t) -> 1/(1 - β1) also in front of the negative
        # -||V_2^(1/4)(x_3 - x*)||^2 term (see test_d8_2_fails_at_t3_by_hand)
        ("amsgrad2018-theorem4", "D8.2"),
    ]
    for key in wrong:
        assert status[key] == "refuted", key


def test_every_refutation_is_confirmed_by_mpmath(decided):
    n = 0
    for _cid, (_c, res, _v) in decided.items():
        for r in res:
            if r.verdict.status != "refuted":
                continue
            point = {k: _value(v) for k, v in r.verdict.counterexample["point"].items()}
            if "t" in point:
                assert point["t"].q == 1, (r.step.id, point)   # the relaxed t: integer
            step = r.step
            lhs, rhs = _mp_eval(sp.sympify(step.lhs), point), _mp_eval(sp.sympify(step.rhs),
                                                                       point)
            holds = {"<=": lhs <= rhs, "<": lhs < rhs, ">=": lhs >= rhs, ">": lhs > rhs,
                     "=": abs(lhs - rhs) < mpmath.mpf(10) ** -40}[step.rel]
            assert not holds, (step.id, lhs, rhs)
            n += 1
    assert n >= 7


def test_refuted_points_lie_in_their_domains(decided):
    for _cid, (_c, res, _v) in decided.items():
        for r in res:
            if r.verdict.status == "refuted":
                point = {k: _value(v) for k, v in r.verdict.counterexample["point"].items()}
                dom = r.step.domain
                full = {s: point[str(s)] for s in dom.ranges if str(s) in point}
                assert all(dom.ranges[s].contains(v) for s, v in full.items()), r.step.id


# ---------------------------------------------------------------- hand checks, no checker

def _step(cid: str, sid: str):
    c = _by_id()[cid]
    return c.statement if sid == "statement" else [s for s in c.steps if s.id == sid][0]


def _at(step, values: dict) -> tuple[mpmath.mpf, mpmath.mpf]:
    pt = {str(k): sp.Rational(v) for k, v in values.items()}
    return _mp_eval(sp.sympify(step.lhs), pt), _mp_eval(sp.sympify(step.rhs), pt)


def test_a5_3b_fails_near_the_step_size_limit_by_hand():
    # t = 0, C = 2: beta2 = 1/5, sqrt(1 - beta2) = 0.894; alpha = 0.88 < 0.894 gives
    # alpha/(1 - beta2) = 1.1 > 1, so reading b of (4)'s "< 1" is false.
    lhs, rhs = _at(_step("amsgrad2018-theorem1", "A5.3b"), {"t": 0, "alpha": "0.88", "C": 2,
                                                            "v_3t": 0})
    assert lhs == pytest.approx(1.1) and lhs > rhs


def test_t4_sub_reading_fails_at_a_small_diameter_by_hand():
    # beta1 = 0 (gamma = 0, no second term), g1 = g2 = 1, x1 = D: every iterate stays at D,
    # R_2 = 2D; the SUB bound D^2 sqrt(2) sqrt(v_hat_2) + tiny alpha term is below 2D for D
    # small.
    vals = {"alpha": "1/1000000", "beta1": 0, "beta2": "1/2", "beta1_2": 0, "g1": 1, "g2": 1,
            "D_inf": "1/100", "x1": "1/100", "xstar": 0}
    lhs, rhs = _at(_step("amsgrad2018-theorem4", "T4.sub"), vals)
    assert lhs == pytest.approx(0.02, rel=1e-3) and lhs > rhs


def test_d8_2_fails_at_t3_by_hand():
    # T = 3, alpha = 1, beta1 = 1/2, beta2 = 9/25, beta12 = 0, beta13 = 1/2, F = [0, 1],
    # x* = 0, x1 = 1/2, g = (10, -1, 10). By hand (no checker): m1 = 5, v1 = v_hat1 = 64,
    # x2 = max(0, 1/2 - 5/8) = 0; m2 = -1, v2 = 592/25 < 64 so v_hat2 = 64,
    # x3 = (1/sqrt(2)) (1/8) = 0.0883883...; m3 = 9/2, v_hat3 = 72.5..., x4 = 0 (projected).
    # Every change from row 1 to row 2 is an increase or zero except the term
    # -sqrt(v_hat2) x3^2 (1/(1 - 1/2) - 1/(1 - 0))/(2 alpha_2) = -8 (1/128)/sqrt(2)
    # = -1/(16 sqrt(2)) = -0.0441941..., so row 1 exceeds row 2 by that.
    x3 = 1 / (8 * 2**0.5)
    deficit = 8 * x3**2 * (2 - 1) / (2 / 2**0.5)
    step = _step("amsgrad2018-theorem4", "D8.2")
    assert "instance T = 3" in step.note and "parameter point" in step.note
    lhs, rhs = _at(step, {"x1": "1/2", "g1": 10, "g2": -1, "g3": 10})
    assert float(lhs - rhs) == pytest.approx(deficit, rel=1e-9)
    assert lhs > rhs


def test_lines_at_a_parameter_point_say_so():
    from laprop_theory.claims.amsgrad2018 import lemma2, theorem1
    fixed = {("amsgrad2018-lemma2", s) for s in lemma2.AT_POINT}
    fixed |= {("amsgrad2018-theorem1", s) for s in theorem1.AT_POINT_STEPS}
    fixed |= {("amsgrad2018-theorem4", s) for s in ("D4.1", "D4.2", "D8.1", "D8.2", "D10.1")}
    fixed.add(("amsgrad2018-theorem1", "statement"))
    for cid, sid in sorted(fixed):
        step = _step(cid, sid)
        assert "instance at the parameter point" in step.note, (cid, sid)
        named = {str(s) for s in step.domain.ranges}
        assert not named & {"alpha", "beta1", "beta2", "C"}, (cid, sid, named)
    assert "instance T = 1" in _step("amsgrad2018-theorem4", "D4.2").note


def test_theorem1_run_stays_at_one_after_a_period_by_hand():
    # C = 3, beta2 = 1/10, alpha = 1/2, t = 0, v_0 = 0: x_hat_2 = 1 - 1/2 * 3/sqrt(0.9*9)
    # = 1 - 1/(2 sqrt(0.9)); the printed [A4] right-hand side.
    lhs, rhs = _at(_step("amsgrad2018-theorem1", "A4.2"), {"t": 0, "alpha": "1/2", "C": 3,
                                                           "v_3t": 0, "x_3t1": 1})
    assert lhs == pytest.approx(1 - 1 / (2 * 0.9 ** 0.5))
    assert rhs == pytest.approx(lhs)


def _random_point(step, rng: random.Random) -> dict:
    """A random point of the step's domain (rejection sampling over a bounded box)."""
    dom = step.domain.normalized()
    for _ in range(20000):
        pt = {}
        for s, r in dom.ranges.items():
            lo = float(r.lo) if r.lo != -sp.oo else -5.0
            hi = float(r.hi) if r.hi != sp.oo else lo + 10.0 if r.lo != -sp.oo else 5.0
            x = rng.uniform(lo, hi)
            pt[s] = sp.Integer(round(x)) if r.integer else sp.Rational(str(round(x, 6)))
        if dom.contains(pt):
            return {str(k): v for k, v in pt.items()}
    raise AssertionError(f"no point found in the domain of {step.id}")


@pytest.mark.parametrize("cid,sid", [("amsgrad2018-lemma4", "G3"),
                                     ("amsgrad2018-lemma2", "D7.3"),
                                     ("amsgrad2018-theorem1", "A12"),
                                     ("amsgrad2018-theorem4", "D2.2")])
def test_proved_steps_hold_at_random_points(decided, cid, sid):
    res = {r.step.id: r for r in decided[cid][1]}
    assert res[sid].verdict.status == "proved", res[sid].verdict.detail
    step = _step(cid, sid)
    rng = random.Random(17)
    for _ in range(25):
        pt = _random_point(step, rng)
        lhs, rhs = _mp_eval(sp.sympify(step.lhs), pt), _mp_eval(sp.sympify(step.rhs), pt)
        tol = mpmath.mpf(10) ** -30 * (1 + abs(lhs) + abs(rhs))
        ok = {"<=": lhs <= rhs + tol, "<": lhs < rhs + tol, ">=": lhs + tol >= rhs,
              ">": lhs + tol > rhs, "=": abs(lhs - rhs) <= tol}[step.rel]
        assert ok, (sid, pt, lhs, rhs)
