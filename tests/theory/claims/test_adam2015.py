"""Kingma & Ba (2015) encoded line by line (``laprop_theory.claims.adam2015``).

Independent checks: the display labels are parsed from the transcription itself; every
certified counterexample is re-evaluated with mpmath at 60 digits from the step's printed
relation (not through the checker), and the statements' counterexamples also from formulas
written out here by hand (the Adam recurrence re-run in plain mpmath); proved steps are
spot-checked at random points of their domains. Expected verdicts come from the hand
analysis in the comments (e.g. Lemma 10.3 fails at T = 1 whenever G_inf < 1/2).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from laprop_theory.claims import adam2015
from laprop_theory.proof.core import Step
from laprop_theory.proof.decide import check_claim
from laprop_theory.proof.kernel import judge

PAPER = Path("/work/shared/papers/adam-2015.md")
if not PAPER.exists():  # the checkout's own copy, where the shared folder is elsewhere
    PAPER = Path(__file__).resolve().parents[3] / ".." / "shared" / "papers" / "adam-2015.md"
#: the display labels and row counts read once from the transcription (no text of the paper),
#: so that the tests run on a fresh clone without the shared folder
DISPLAYS = Path(__file__).resolve().parent / "data" / "adam-2015-displays.json"

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
IDS = ("adam2015-lemma10.3", "adam2015-lemma10.4", "adam2015-theorem10.5",
       "adam2015-corollary4.2")


def _display_rows() -> dict[int, int]:
    """Display label -> number of rows, as stored in :data:`DISPLAYS`."""
    data = json.loads(DISPLAYS.read_text(encoding="utf-8"))
    return {int(k): int(n) for k, n in data["rows"].items()}


def _parse_display_rows(text: str) -> dict[int, int]:
    """Display label -> number of rows, read from the transcription's '**[Dk]**' lines."""
    rows: dict[int, int] = {}
    for line in text.splitlines():
        m = re.match(r"\*\*\[D(\d+)\]\*\*(.*)", line)
        if not m:
            continue
        k, rest = int(m.group(1)), m.group(2)
        n = re.search(r"(one|two|three|four|five) rows", rest)
        if n:
            rows[k] = WORDS[n.group(1)]
        elif "second row" in rest:
            rows[k] = 2
        else:
            rows[k] = 1
    return rows


def _covered(eq: str) -> set[tuple[int, int]]:
    m = re.match(r"\[D(\d+)\](?: (?:row (\d+)|rows (\d+)-(\d+)|relation \d+))?$", eq)
    if not m:
        return set()
    k = int(m.group(1))
    if m.group(2):
        return {(k, int(m.group(2)))}
    if m.group(3):
        return {(k, r) for r in range(int(m.group(3)), int(m.group(4)) + 1)}
    return {(k, 1)}


@pytest.fixture(scope="module")
def claims() -> dict:
    return {c.id: c for c in adam2015.claims()}


@pytest.fixture(scope="module")
def results(claims) -> dict:
    return {cid: check_claim(c) for cid, c in claims.items()}


def _steps(claims) -> list[Step]:
    return [s for c in claims.values() for s in c.steps]


def test_the_claims_and_their_ids(claims):
    assert tuple(claims) == IDS
    assert adam2015.PAPER == "adam2015"
    assert "Theorem 4.1" in claims["adam2015-theorem10.5"].note


def test_every_displayed_line_has_a_step(claims):
    rows = _display_rows()
    assert sorted(rows) == list(range(1, 16))            # [D1]..[D15]
    assert rows[1] == 3 and rows[4] == 5 and rows[11] == 2 and rows[15] == 1
    want = {(k, r) for k, n in rows.items() for r in range(1, n + 1)}
    have: set[tuple[int, int]] = set()
    for st in _steps(claims):
        if st.eq.startswith("[D"):
            cov = _covered(st.eq)
            assert cov, f"unparsed label {st.eq!r} of {st.id}"
            assert cov <= want, f"{st.id}: {st.eq} names no printed row"
            have |= cov
    assert want - have == set()


@pytest.mark.skipif(not PAPER.exists(), reason="the transcription adam-2015.md is not on "
                    "this machine (shared/papers is absent in a fresh clone)")
def test_the_stored_display_rows_match_the_transcription():
    assert _parse_display_rows(PAPER.read_text(encoding="utf-8")) == _display_rows()


def test_each_ambiguous_line_has_one_step_per_reading(claims):
    ids = {s.id for s in _steps(claims)}
    for base in ("D10", "D11.1", "D11.2", "D13.1", "D13.2", "D15"):
        assert {f"{base}.a", f"{base}.b"} <= ids, base
    for st in _steps(claims):
        if st.id.endswith((".a", ".b")) and st.id.startswith("D"):
            assert "reading" in st.note
    assert "D14.ox" in ids


def test_every_step_names_its_encoding_and_label(claims):
    for c in claims.values():
        for st in (c.statement, *c.steps):
            assert st.eq and st.note, st.id
            assert any(w in st.note for w in ("instance", "induction step", "symbolic")), st.id


def test_claim_verdicts(claims, results):
    verdicts = {cid: judge(claims[cid], results[cid]) for cid in IDS}
    # Lemma 10.3: at T = 1 it reads |g| <= 2 G_inf |g|, false for G_inf < 1/2 (g != 0).
    assert verdicts["adam2015-lemma10.3"].status == "refuted"
    # Lemma 10.4: beta1 = 0, beta2 -> 0: left side -> H_T, right -> 2 sqrt(H_T); H_34 > 4.
    assert verdicts["adam2015-lemma10.4"].status == "refuted"
    # Theorem 10.5 at T = 1: nothing in the printed hypotheses bounds |theta_1 - theta*|.
    assert verdicts["adam2015-theorem10.5"].status == "refuted"
    # Corollary 4.2: an O-claim resting on the refuted theorem: instance only.
    assert verdicts["adam2015-corollary4.2"].status == "unverified"
    assert verdicts["adam2015-corollary4.2"].rule == "instance only"


def test_no_step_is_left_unverified_or_stopped(results):
    for res in results.values():
        for r in res:
            assert "safety guard" not in r.verdict.detail, r.step.id
            assert r.verdict.status != "unverified", (r.step.id, r.verdict.detail)


# printed lines that are false by the hand analysis (the reason in each comment)
EXPECTED_REFUTED = {
    "adam2015-lemma10.3": {"statement", "base", "D3"},      # G_inf small: |g| vs G_inf |g|
    "adam2015-lemma10.4": {"statement", "D6",               # D6: sqrt(t) vs 1/sqrt(t), t = 2
                           "D7"},                            # D7: a G_inf factor, G_inf small
    "adam2015-theorem10.5": {"statement", "statement.b",
                             "D10.a",                        # a misplaced parenthesis
                             "D11.1.a", "D11.2.a",           # theta*_{,t} != theta*_{,i}
                             "D11.2.b",                      # bracket < 0, coefficient raised
                             "D12", "D13.1.a", "D13.1.b",
                             "D13.2.a", "D13.2.b",           # sqrt(v_hat) <= G_inf sqrt(1-b2)?
                             "D15.a", "D15.b"},
    "adam2015-corollary4.2": set(),
}
# lines that hold by hand: identities of the recurrence, Young, Cauchy-Schwarz, geometric sums
EXPECTED_PROVED = {
    "adam2015-lemma10.3": {"D1.1", "D1.2", "D1.3", "from", "D2.1", "D2.2"},
    "adam2015-lemma10.4": {"pre", "D4.1", "D4.2", "D4.3", "D4.4", "D4.5", "D5.1", "D5.2", "ag"},
    "adam2015-theorem10.5": {"D8.1", "D8.2", "D9.1", "D9.2", "D10.b", "young", "vhat.1",
                             "vhat.2", "beta1t", "D11.1.b", "D14.1", "D14.2", "D14.3",
                             "D14.ox"},
    "adam2015-corollary4.2": {"statement", "C.1", "C.2", "C.3"},
}


def test_step_verdicts(results):
    for cid, res in results.items():
        got = {r.step.id: r.verdict.status for r in res}
        assert {s for s, v in got.items() if v == "refuted"} == EXPECTED_REFUTED[cid], cid
        assert {s for s, v in got.items() if v == "proved"} == EXPECTED_PROVED[cid], cid


def _mp_side(expr, point: dict) -> mpmath.mpf:
    syms = sorted(point, key=str)
    f = sp.lambdify(syms, sp.sympify(expr), modules="mpmath")
    return mpmath.mpf(f(*[point[s] for s in syms]) if syms else f())


def _violates(step: Step, point: dict) -> bool:
    with mpmath.workdps(60):
        pt = {s: mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for s, v in point.items()}
        lhs, rhs = _mp_side(step.lhs, pt), _mp_side(step.rhs, pt)
        eps = mpmath.mpf(10) ** -40
        return {"<=": lhs - rhs > eps, "<": lhs - rhs > -eps, "=": abs(lhs - rhs) > eps,
                ">=": rhs - lhs > eps, ">": rhs - lhs > -eps}[step.rel]


def test_each_counterexample_violates_the_printed_relation(results):
    n = 0
    for res in results.values():
        for r in res:
            if r.verdict.status != "refuted":
                continue
            exact = r.verdict.counterexample["exact"]
            syms = {str(s): s for s in r.step.domain.ranges}
            point = {syms[k]: sp.Rational(v) for k, v in exact.items()}
            assert r.step.domain.contains(point), r.step.id
            for s, v in point.items():                 # a real T must land on an integer
                if str(s) == "T":
                    assert v == int(v), r.step.id
            assert _violates(r.step, point), r.step.id
            n += 1
    assert n == sum(len(v) for v in EXPECTED_REFUTED.values())


def _point(res, sid: str) -> dict[str, mpmath.mpf]:
    r = next(r for r in res if r.step.id == sid)
    return {k: mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q
            for k, v in r.verdict.counterexample["exact"].items()}


def test_statement_counterexamples_by_hand(results):
    with mpmath.workdps(60):
        p = _point(results["adam2015-lemma10.3"], "statement")
        lhs = abs(p["g_1"]) + abs(p["g_2"]) / mpmath.sqrt(2)
        assert lhs > 2 * p["G_inf"] * mpmath.sqrt(p["g_1"] ** 2 + p["g_2"] ** 2)
        # Lemma 10.4 at T = 34, g_t = 1/sqrt(t), beta1 = 0: Adam run here in plain mpmath
        b2 = _point(results["adam2015-lemma10.4"], "statement")["beta2"]
        v, total, norm2 = mpmath.mpf(0), mpmath.mpf(0), mpmath.mpf(0)
        for t in range(1, 35):
            g = 1 / mpmath.sqrt(t)
            v = b2 * v + (1 - b2) * g**2
            total += g**2 / mpmath.sqrt(t * v / (1 - b2**t))
            norm2 += g**2
        assert total > 2 / mpmath.sqrt(1 - b2) * mpmath.sqrt(norm2)
        # Theorem 10.5 at T = 1: R(1) = |g_1| K against the bound with v_hat_1 = g_1^2
        p = _point(results["adam2015-theorem10.5"], "statement")
        gam = p["beta1"] ** 2 / mpmath.sqrt(p["beta2"])
        b = (p["D"] ** 2 / (2 * p["alpha"] * (1 - p["beta1"])) * abs(p["g_1"])
             + p["alpha"] * (1 + p["beta1"]) * p["G_inf"] * abs(p["g_1"])
             / ((1 - p["beta1"]) * mpmath.sqrt(1 - p["beta2"]) * (1 - gam) ** 2)
             + p["D_inf"] ** 2 * p["G_inf"] * mpmath.sqrt(1 - p["beta2"])
             / (2 * p["alpha"] * (1 - p["beta1"]) * (1 - p["lambda"]) ** 2))
        assert abs(p["g_1"]) * p["K"] > b


def _sample(step: Step, rng: random.Random) -> dict | None:
    pt = {}
    for s, r in step.domain.ranges.items():
        lo = -10.0 if r.lo == -sp.oo else float(r.lo)
        hi = lo + 10.0 if r.hi == sp.oo else float(r.hi)
        x = rng.uniform(lo, hi)
        pt[s] = sp.Rational(round(x * 10**6), 10**6) if not r.integer else sp.Integer(round(x))
    try:
        return pt if step.domain.contains(pt) else None
    except TypeError:
        return None


@pytest.mark.parametrize(("cid", "sid"), [("adam2015-lemma10.3", "D2.1"),
                                          ("adam2015-lemma10.3", "D2.2"),
                                          ("adam2015-lemma10.4", "D4.3"),
                                          ("adam2015-theorem10.5", "D14.3")])
def test_proved_steps_hold_at_random_points(claims, cid, sid):
    step = next(s for s in claims[cid].steps if s.id == sid)
    rng = random.Random(17)
    checked = 0
    for _ in range(4000):
        pt = _sample(step, rng)
        if pt is None:
            continue
        assert not _violates(step, pt), (sid, pt)
        checked += 1
        if checked == 60:
            break
    assert checked >= 20
