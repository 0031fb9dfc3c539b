"""Lemma 10.3 of Kingma & Ba (2015) and its printed proof (displays [D1]-[D3]).

Printed statement: for bounded gradients (``|g_t,i| <= G_inf``),
``sum_{t=1}^T sqrt(g_{t,i}^2/t) <= 2 G_inf ||g_{1:T,i}||_2``.

Encodings (named in each step's note):

* ``instance``: fixed T with the gradients g_1, g_2, g_3 of one coordinate as symbols;
* ``induction step``: T >= 2 with the induction's quantities as symbols:
  ``S = sum_{t<T} sqrt(g_t^2/t)``, ``N = ||g_{1:T-1,i}||_2`` and ``g_T = g_{T,i}``, so that
  ``||g_{1:T,i}||_2 = sqrt(N^2 + g_T^2)``. The domain ``|g_T| <= G_inf``,
  ``N^2 <= (T - 1) G_inf^2`` is exactly the set of values these take over bounded gradient
  sequences (spread N^2 over T - 1 entries of size at most G_inf), so a counterexample with
  an integer T is one of a real gradient sequence. T is a real number >= 2 there (a superset
  of the integers, so that z3 can take the step; a proof covers every integer T).
"""

from __future__ import annotations

import sympy as sp

from ...proof.core import Claim, Step
from ._defs import NONNEG, T_REAL_GE2, Ginf, N, S, T_real, g1, g2, g3, grad_domain, gT, trimmed

TT = T_real


def statement() -> Step:
    """Lemma 10.3 at T = 2 (instance)."""
    lhs = sp.sqrt(g1**2 / 1) + sp.sqrt(g2**2 / 2)
    return Step("statement", lhs, "<=", 2 * Ginf * sp.sqrt(g1**2 + g2**2),
                grad_domain(g1, g2), eq="Lemma 10.3", justification="(statement of the lemma)",
                note="instance T = 2, one coordinate, g_1, g_2 symbols with |g_t| <= G_inf")


def steps() -> list[Step]:
    """Every printed line of the proof, in order."""
    norm_T = sp.sqrt(N**2 + gT**2)                 # ||g_{1:T,i}||_2
    last = sp.sqrt(gT**2 / TT)
    bound_N = sp.Le(N**2, (TT - 1) * Ginf**2)
    ind_dom = grad_domain(gT, extra={N: NONNEG, TT: T_REAL_GE2}, constraints=(bound_N,))
    hyp_dom = grad_domain(gT, extra={S: NONNEG, N: NONNEG, TT: T_REAL_GE2},
                          constraints=(bound_N, sp.Le(S, 2 * Ginf * N)))
    pos_dom = grad_domain(gT, extra={N: NONNEG, TT: T_REAL_GE2},
                          constraints=(bound_N, sp.Gt(N**2 + gT**2, 0)))
    ind = ("induction step: T >= 2 (real), S = sum_{t<T} sqrt(g_t^2/t), "
           "N = ||g_{1:T-1,i}||_2, g_T = g_{T,i}, ||g_{1:T,i}||_2 = sqrt(N^2 + g_T^2)")
    pos = ind + "; ||g_{1:T,i}||_2 > 0 (the line divides by it)"
    root = sp.sqrt(norm_T**2 - gT**2)
    return [
        Step("base", sp.sqrt(g1**2), "<=", 2 * Ginf * sp.sqrt(g1**2), grad_domain(g1),
             "Lemma 10.3 proof, base case", "The base case for T = 1",
             "instance T = 1 (||g_{1,i}||_2 = sqrt(g_1^2)); as printed"),
        Step("D1.1", sum(sp.sqrt(x**2 / k) for k, x in enumerate((g1, g2, g3), 1)), "=",
             sum(sp.sqrt(x**2 / k) for k, x in enumerate((g1, g2), 1)) + sp.sqrt(g3**2 / 3),
             grad_domain(g1, g2, g3), "[D1] row 1", "For the inductive step",
             "instance T = 3 (the last term split off the sum)"),
        Step("D1.2", S + last, "<=", 2 * Ginf * N + last, hyp_dom, "[D1] row 2",
             "(the induction hypothesis)",
             ind + "; the hypothesis S <= 2 G_inf N is a constraint"),
        Step("D1.3", 2 * Ginf * N + last, "=", 2 * Ginf * root + last, ind_dom, "[D1] row 3",
             "", ind + "; the printed g_T^2 read as g_{T,i}^2 (one coordinate)"),
        Step("from", norm_T**2 - gT**2 + gT**4 / (4 * norm_T**2), ">=", norm_T**2 - gT**2,
             pos_dom, "Lemma 10.3 proof, line before [D2]", "From, ...", pos),
        Step("D2.1", root, "<=", norm_T - gT**2 / (2 * norm_T), pos_dom, "[D2] row 1",
             "we can take square root of both side", pos),
        Step("D2.2", norm_T - gT**2 / (2 * norm_T), "<=",
             norm_T - gT**2 / (2 * sp.sqrt(TT * Ginf**2)), pos_dom, "[D2] row 2", "", pos),
        Step("D3", Ginf * root + last, "<=", 2 * Ginf * norm_T, ind_dom, "[D3]",
             "Rearrange the inequality and substitute the sqrt(||g_{1:T,i}||_2^2 - g_{T,i}^2) "
             "term", ind + "; as printed (coefficient G_inf on the root, g_T^2 read as "
             "g_{T,i}^2)"),
    ]


def claim() -> Claim:
    """The claim ``adam2015-lemma10.3``; its verdict is its statement step's (no derivation:
    the statement is decided at an instance)."""
    return Claim("adam2015-lemma10.3",
                 "Kingma & Ba (2015), Lemma 10.3: sum_t sqrt(g_t,i^2/t) <= "
                 "2 G_inf ||g_{1:T,i}||_2", trimmed(statement()), tuple(map(trimmed, steps())),
                 "Appendix 10.1, Lemma 10.3, displays [D1]-[D3]",
                 scope="instance T = 2 (statement); the proof lines as printed",
                 for_all=("T", "g_1..g_T", "G_inf"))
