"""A proof file for ``python -m laprop_theory check --file examples/my_proof.py``.

Claims about the exponential moving average m_t = beta m_{t-1} + (1 - beta) g_t, m_0 = 0, of
gradients bounded by |g_t| <= G (the first moment of Adam and LaProp), written the way a
student might write them, one displayed line per step:

* ``ema-bounded`` (Lemma 1): one step of the average stays in [-G, G]; two lines (the
  triangle inequality, then the bounds) that the kernel chains into the statement;
* ``ema-corrected`` (Lemma 2): the bias-corrected average |m_t| / (1 - beta^t) stays below G,
  with a two-line proof that holds the classic slip G / (1 - beta^t) <= G: the checker
  refutes that line and the kernel cannot derive the claim from it;
* ``ema-corrected-induction`` (Lemma 2 again): the same statement, proved for every t by
  induction over the runs of the recurrence: |m_t| <= (1 - beta^t) G.
"""

from __future__ import annotations

import sympy as sp

from laprop_theory.proof import Claim, Domain, Range, Step
from laprop_theory.proof import kernel as K

beta, m, g, g1, g2 = sp.symbols("beta m g g1 g2", real=True)
G = sp.Symbol("G", positive=True)
t = sp.Symbol("t", integer=True)

UNIT = Range(0, 1, hi_open=True)       # beta in [0, 1)
POSITIVE = Range(0, lo_open=True)      # G in (0, oo)
REAL = Range()                         # m, g in (-oo, oo)
T_GE1 = Range(1, sp.oo, integer=True)  # t = 1, 2, 3, ...


def ema_bounded() -> Claim:
    """|beta m + (1 - beta) g| <= G whenever |m| <= G and |g| <= G."""
    dom = Domain({beta: UNIT, G: POSITIVE, m: REAL, g: REAL},
                 (sp.Abs(m) <= G, sp.Abs(g) <= G))
    m_next = beta * m + (1 - beta) * g
    middle = beta * sp.Abs(m) + (1 - beta) * sp.Abs(g)
    statement = Step("statement", sp.Abs(m_next), "<=", G, dom, eq="Lemma 1",
                     justification="an average of two numbers in [-G, G] is in [-G, G]",
                     note="one step: m = m_{t-1}, g = g_t")
    steps = (
        Step("1", sp.Abs(m_next), "<=", middle, dom, eq="(1) line 1",
             justification="triangle inequality, beta >= 0 and 1 - beta > 0"),
        Step("2", middle, "<=", G, dom, eq="(1) line 2",
             justification="|m| <= G, |g| <= G and beta + (1 - beta) = 1"),
    )

    def derivation(thm):  # the two lines of (1), chained: |m_t| <= ... <= G
        return K.chain(thm("1"), thm("2"))

    return Claim("ema-bounded", "Lemma 1: one step of the average stays in [-G, G]",
                 statement, steps, source="examples/my_proof.py", derivation=derivation,
                 scope="every beta in [0, 1), G > 0 and reals m, g with |m|, |g| <= G",
                 for_all=("beta", "G", "m", "g"))


def corrected_statement() -> Step:
    """Lemma 2 at t = 2: m_2 = (1 - beta)(beta g1 + g2) from m_0 = 0."""
    m_2 = (1 - beta) * (beta * g1 + g2)
    return Step("statement", sp.Abs(m_2) / (1 - beta**2), "<=", G,
                Domain({beta: UNIT, G: POSITIVE, g1: REAL, g2: REAL},
                       (sp.Abs(g1) <= G, sp.Abs(g2) <= G)),
                eq="Lemma 2", justification="bias correction keeps the average below G",
                note="t = 2, m_0 = 0, gradients g1, g2 in [-G, G]")


def ema_corrected() -> Claim:
    """Lemma 2 with a proof that divides Lemma 1 by 1 - beta^t (one line is false)."""
    dom = Domain({beta: UNIT, G: POSITIVE, m: REAL, t: T_GE1}, (sp.Abs(m) <= G,))
    steps = (
        Step("1", sp.Abs(m) / (1 - beta**t), "<=", G / (1 - beta**t), dom, eq="(2) line 1",
             justification="|m_t| <= G by Lemma 1", note="m = m_t, every t >= 1"),
        Step("2", G / (1 - beta**t), "<=", G, dom, eq="(2) line 2",
             justification="1 - beta^t <= 1", note="the slip: dividing by a number in "
             "(0, 1] makes G larger, not smaller"),
    )

    def derivation(thm):  # (2): |m_t| / (1 - beta^t) <= G / (1 - beta^t) <= G
        return K.chain(thm("1"), thm("2"))

    return Claim("ema-corrected", "Lemma 2: the bias-corrected average stays below G",
                 corrected_statement(), steps, source="examples/my_proof.py",
                 derivation=derivation,
                 scope="every integer t >= 1, beta in [0, 1), G > 0, |m_t| <= G",
                 for_all=("t", "beta", "G", "m"))


def ema_corrected_induction() -> Claim:
    """Lemma 2 for every t: the invariant |m_t| <= (1 - beta^t) G holds for every run (the
    kernel builds the base and step obligations from the recurrence), then divide."""
    ema = K.System("EMA", (m,), {m: beta * m + (1 - beta) * g}, {m: sp.Integer(0)},
                   inputs=Domain({g: REAL}, (sp.Abs(g) <= G,)),
                   params=Domain({beta: UNIT, G: POSITIVE}), t=t)
    invariant = ((sp.Abs(m), "<=", (1 - beta**t) * G),)
    obligations = K.obligation_steps(ema, invariant)  # ind.base.0 (t = 1), ind.step.0
    goal = (sp.Abs(m) / (1 - beta**t), "<=", G)
    divide = Step("divide", *goal,
                  Domain({beta: UNIT, G: POSITIVE, m: REAL, t: T_GE1},
                         (sp.Abs(m) <= (1 - beta**t) * G,)),
                  eq="(3)", justification="divide the invariant by 1 - beta^t > 0")

    def derivation(thm):
        run = K.induction(ema, invariant, [thm("ind.base.0")], [thm("ind.step.0")])
        return K.consequence(run, thm("divide"), goal)

    return Claim("ema-corrected-induction", "Lemma 2, proved for every t by induction",
                 corrected_statement(), (*obligations, divide), source="examples/my_proof.py",
                 derivation=derivation,
                 scope="every run of the average, every integer t >= 1, beta in [0, 1), "
                       "G > 0, gradients |g_t| <= G",
                 for_all=("t", "beta", "G", "g_1..g_t"))


def claims() -> list[Claim]:
    """The claims ``check --file`` reads: a list of laprop_theory.proof.Claim."""
    return [ema_bounded(), ema_corrected(), ema_corrected_induction()]
