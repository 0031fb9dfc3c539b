"""Every table of the reports, built once as :class:`~.table.Table` data.

Each builder takes what was run (the checker's step results, regret and Reddi runs, searcher
results, experiment records) and returns the rows; :mod:`.text`, :mod:`.markdown` and
:mod:`.tex` write them. Nothing here runs the checker or an optimizer: only
:func:`bounds_table` computes, the exact suprema of :mod:`laprop_theory.bounds.suprema` at
:data:`BOUND_POINTS` (closed forms, a fraction of a second each).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..proof.core import StepResult
from .table import (
    MARKDOWN,
    TEX,
    TEXT,
    Alt,
    Cell,
    Code,
    Column,
    Counterexample,
    Num,
    Point,
    Strong,
    Table,
)

BOUND_POINTS: tuple[tuple[str, str, int], ...] = (
    ("0.9", "0.999", 1), ("0.9", "0.999", 10), ("0.9", "0.999", 1000),
    ("0", "0.5", 2), ("0.5", "0.5", 5), ("0.9", "0.5", 20), ("0.9", "0", 3))
"""(μ, ν, t) of the tight-bound table, the one set used by the note and by
``docs/theory-verdicts.md``: the defaults (0.9, 0.999) at t = 1, 10 and 1000; ν = 0.5 with
μ = 0, 0.5 (γ = μ/√ν < 1) and 0.9 (γ > 1: Prop. 2 as stated gives no bound); ν = 0."""

STATUSES = ("proved", "refuted", "unverified")

_ONLY_TEXT = frozenset({TEXT})
_ONLY_MD = frozenset({MARKDOWN})
_ONLY_TEX = frozenset({TEX})
_MD_TEX = frozenset({MARKDOWN, TEX})
_TEXT_MD = frozenset({TEXT, MARKDOWN})


def step_counts(results: Iterable[StepResult]) -> dict[str, int]:
    """How many steps are proved, refuted and unverified (keys in that order)."""
    results = list(results)
    return {s: sum(r.verdict.status == s for r in results) for s in STATUSES}


# ----------------------------------------------------------------------------- the checker

def _detail(r: StepResult) -> Cell:
    v = r.verdict
    if v.counterexample:
        return Counterexample(Point(v.counterexample["point"]), v.counterexample["violation"])
    return v.detail


def steps_table(results: Sequence[StepResult]) -> Table:
    """One row per decided step: claim, step, the paper's equation, status, method, and (text
    and markdown) the checker's detail or the certified counterexample."""
    columns = (
        Column("claim", "claim"),
        Column("step", "step", tex_align="p{0.34\\textwidth}"),
        Column("eq", "eq", titles={MARKDOWN: "eq.", TEX: "paper"}, ellipsis={TEXT: 22},
               tex_align="p{0.2\\textwidth}"),
        Column("status", "status"),
        Column("method", "method"),
        Column("detail", "detail", formats=_TEXT_MD, ellipsis={TEXT: 70}, cut={MARKDOWN: 140}),
    )
    rows = tuple({"claim": r.claim, "step": Code(r.step.id), "eq": r.step.eq,
                  "status": Strong(r.verdict.status, _ONLY_MD),
                  "method": r.verdict.method or None, "detail": _detail(r)} for r in results)
    return Table("Every step", columns, rows, long=True)


def summary_table(verdicts: Sequence[Any], results: Sequence[StepResult]) -> Table:
    """One row per claim: the proof kernel's verdict (``verdicts``, from
    :func:`laprop_theory.claims.claim_verdicts`) with its rule and the scope it holds for (or
    the steps that block it), and how many of the claim's ``results`` were proved, refuted
    and left unverified."""
    columns = (
        Column("claim", "claim"),
        Column("status", "status", formats=_ONLY_TEXT),
        Column("rule", "rule", formats=_ONLY_TEXT),
        Column("scope_text", "scope", formats=_ONLY_TEXT),
        Column("verdict", "the claim (kernel)", titles={TEX: "the claim (kernel rule)"},
               formats=_MD_TEX),
        Column("scope", "scope", formats=_ONLY_MD),
        Column("steps", "steps", formats=_MD_TEX, tex_align="r"),
        *(Column(s, s, formats=_MD_TEX, tex_align="r") for s in STATUSES),
    )
    rows = []
    for v in verdicts:
        scope_text = v.scope or "-"
        if v.blocked_by:
            scope_text += f"  [blocked by {', '.join(v.blocked_by)}]"
        elif v.status == "unverified" and v.detail:
            scope_text += f"  [{v.detail}]"
        rs = [r for r in results if r.claim == v.claim]
        rows.append({"claim": v.claim, "status": v.status, "rule": v.rule,
                     "scope_text": scope_text,
                     "verdict": (Strong(v.status), " (", v.rule, ")"),
                     "scope": v.scope + (f" (blocked by {', '.join(v.blocked_by)})"
                                         if v.blocked_by else ""),
                     "steps": len(rs), **step_counts(rs)})
    return Table("The claims (verdicts of the proof kernel)", columns, tuple(rows))


def errata_table(results: Sequence[StepResult]) -> Table:
    """One row per refuted step: the paper's equation (or the claim), where (claim/step), the
    paper's justification, the counterexample's point, and the one-line erratum of
    :func:`laprop_theory.claims.errata.errata` (the text and markdown lists print it)."""
    from ..claims.errata import errata

    refuted = [r for r in results if r.verdict.status == "refuted"]
    columns = (Column("paper", "paper", formats=_ONLY_TEX),
               Column("where", "where", formats=_ONLY_TEX),
               Column("justification", "justification", formats=_ONLY_TEX),
               Column("point", "point", formats=_ONLY_TEX),
               Column("line", "erratum", formats=_TEXT_MD))
    rows = tuple({"paper": r.step.eq or r.claim, "where": Code(f"{r.claim}/{r.step.id}"),
                  "justification": r.step.justification,
                  "point": Point((r.verdict.counterexample or {}).get("point", {})),
                  "line": line} for r, line in zip(refuted, errata(refuted), strict=True))
    return Table("Errata (generated from the refuted steps)", columns, rows)


def theorem1_table(results: Sequence[StepResult]) -> Table:
    """Theorem 1: for each pair of conventions, whether every line of the corrected proof
    is proved (:func:`laprop_theory.claims.theorem1.conventions_verdict`), and the steps that
    fail or stay undecided."""
    from ..claims.theorem1 import conventions_verdict

    columns = (Column("conventions", "conventions"),
               Column("lines", "lines of the corrected proof"),
               Column("failing", "failing steps", tex_align="p{0.45\\textwidth}"))
    rows = []
    for key, v in conventions_verdict([r for r in results if r.claim == "theorem1"]).items():
        bad = ", ".join(v["failing"] + v["undecided"])
        rows.append({"conventions": key,
                     "lines": Strong("every line true") if v["holds"] else "not all true",
                     "failing": Code(bad) if bad else None})
    return Table("Theorem 1: the conventions its proof holds under", columns, tuple(rows))


# ----------------------------------------------------------------------------- bounds

def bounds_table(points: Sequence[tuple[str, str, int]] = BOUND_POINTS) -> Table:
    """Update size in units of λ, one coordinate, ε → 0: the exact suprema over gradient
    sequences (:func:`~laprop_theory.bounds.suprema.laprop_supremum`,
    :func:`~laprop_theory.bounds.suprema.adam_supremum`) against Prop. 1's 1/√(1 − ν) for
    LaProp, and for Adam Prop. 2 as stated (1/(1 − γ), γ = μ/√ν, only for γ < 1) and the
    bound its proof reaches (Eq. 15, 1/(√(1 − ν)(1 − γ))); a stated bound below the supremum
    is flagged violated."""
    from ..bounds.paper import prop1_bound, prop2_proof_bound, prop2_stated_bound
    from ..bounds.suprema import adam_supremum, laprop_supremum

    digits = {MARKDOWN: 12, TEX: 6}
    columns = (Column("mu", "μ"), Column("nu", "ν"), Column("t", "t", titles={TEX: "$t$"}),
               Column("laprop", "LaProp sup", digits=digits, tex_align="r"),
               Column("prop1", "Prop. 1 bound", titles={TEX: "Prop.~1"}, digits=digits,
                      tex_align="r"),
               Column("adam", "Adam sup", digits=digits, tex_align="r"),
               Column("stated", "Prop. 2 stated", titles={TEX: "Prop.~2 stated"},
                      digits=digits, tex_align="r"),
               Column("proof", "Prop. 2 proof (15)", titles={TEX: "Prop.~2 proof (15)"},
                      digits=digits, tex_align="r"))
    violated = Alt(" (violated)", " (**violated**)", " \\textbf{(violated)}")
    rows = []
    for mu, nu, t in points:
        adam = adam_supremum(mu, nu, t).value
        stated = prop2_stated_bound(mu, nu)
        rows.append({"mu": mu, "nu": nu, "t": str(t),
                     "laprop": Num(laprop_supremum(mu, nu, t).value),
                     "prop1": Num(prop1_bound(nu)), "adam": Num(adam),
                     "stated": (Num(stated),
                                violated if stated is not None and adam > stated else ""),
                     "proof": Num(prop2_proof_bound(mu, nu))})
    return Table("Tight bounds: the paper's bounds against the exact suprema", columns,
                 tuple(rows), notes=("Update size in units of λ, one coordinate, ε → 0 "
                                     "(`laprop_theory.bounds.suprema`).",))


# ----------------------------------------------------------------------------- regret

def regret_table(results: Sequence[Any]) -> Table:
    """Theorem 1's regret check (:func:`laprop_theory.regret.run_regret` results): R(T), the
    bound of Eq. 9 and the worst-case form, their ratios, whether s/λ was nondecreasing,
    whether the iterates stayed within D, and whether the theorem applies."""
    from ..numerics import mp_str

    spec = (("alg", "algorithm", 18), ("prob", "problem", 9), ("R", "R(T)", 16),
            ("b9", "bound Eq.9", 16), ("r9", "R/Eq.9", 12), ("bw", "worst-case", 16),
            ("rw", "R/worst", 12), ("ass", "s/lam nondecr", 13), ("inD", "within D", 8),
            ("app", "thm applies", 11))
    columns = tuple(Column(k, title, formats=_ONLY_TEXT, width=w) for k, title, w in spec)
    rows = tuple({"alg": r.algorithm, "prob": r.problem, "R": mp_str(r.regret, 10),
                  "b9": mp_str(r.bound_eq9, 10), "r9": mp_str(r.ratio_eq9, 6),
                  "bw": mp_str(r.bound_worst, 10), "rw": mp_str(r.ratio_worst, 6),
                  "ass": "yes" if r.assumption_held else f"no({r.assumption_violations})",
                  "inD": "yes" if r.within_D else "no",
                  "app": "yes" if r.applicable else "no"} for r in results)
    return Table("Theorem 1 regret check", columns, rows, fixed_width=True)


def reddi_table(mp_outcomes: Mapping[str, Mapping[str, Any]],
                f64_outcomes: Mapping[str, Mapping[str, Any]], mp_steps: int,
                f64_steps: int) -> Table:
    """The Reddi, Kale & Kumar (2018) counterexample, one row per algorithm: R(T)/T and the
    mean iterate over the run's tail (:func:`laprop_theory.regret.reddi_outcomes`) of the
    mpmath runs (``mp_steps``) and of the float64 runs (``f64_steps``), and whether R/T → 0
    (TeX: the float64 runs' verdict only)."""
    converges = Alt("R/T->0", "R/T->0", "$R/T\\to 0$")
    columns = (
        Column("alg", "algorithm", width=9),
        Column("a", f"R/T mp T={mp_steps}", titles={TEX: f"$R/T$, $T={mp_steps}$ (mp)"},
               cut={TEXT: 12, TEX: 8}, width=18, tex_align="r"),
        Column("x", "x tail", titles={TEX: "$x$ tail"}, cut={TEXT: 10, TEX: 7}, width=11,
               tex_align="r"),
        Column("c", "verdict", formats=_ONLY_TEXT, width=7),
        Column("fa", f"R/T f64 T={f64_steps}", titles={TEX: f"$R/T$, $T={f64_steps}$"},
               cut={TEXT: 12, TEX: 8}, width=19, tex_align="r"),
        Column("fx", "x tail", titles={TEX: "$x$ tail"}, cut={TEXT: 10, TEX: 7}, width=11,
               tex_align="r"),
        Column("fc", "verdict", width=7),
    )
    rows = []
    for name, o in mp_outcomes.items():
        f = f64_outcomes[name]
        rows.append({"alg": name, "a": o["avg_regret_T"], "x": o["mean_x_last"],
                     "c": converges if o["converges"] else "no",
                     "fa": f["avg_regret_T"], "fx": f["mean_x_last"],
                     "fc": converges if f["converges"] else "no"})
    return Table("The Reddi et al. counterexample", columns, tuple(rows), fixed_width=True)


# ----------------------------------------------------------------------------- searcher

def search_table(results: Sequence[Mapping[str, Any]]) -> Table:
    """Searcher runs (:func:`laprop_theory.search.result.build_result` records): target,
    (μ, ν, T), the best value found, the exact supremum, the paper's bound, and whether a
    violation of the bound was certified."""
    digits = {TEXT: 10, MARKDOWN: 10, TEX: 10}
    columns = (Column("target", "target"), Column("mu", "μ"), Column("nu", "ν"),
               Column("T", "T", titles={TEX: "$T$"}, tex_align="r"),
               Column("best", "best found", digits=digits, tex_align="r"),
               Column("sup", "exact sup", digits=digits, tex_align="r"),
               Column("bound", "paper's bound", digits=digits, tex_align="r"),
               Column("cert", "certified violation"))
    rows = tuple({"target": Code(r["target"]), "mu": r["mu"], "nu": r["nu"],
                  "T": str(r["steps"]),
                  "best": Num(r["best_value"]), "sup": Num(r["exact_supremum"]),
                  "bound": Num(r["bound"]), "cert": "yes" if r["certified_violation"] else "no"}
                 for r in results)
    return Table("Searcher runs", columns, rows)


# ----------------------------------------------------------------------------- experiments

def experiments_table(records: Mapping[str, Mapping[str, Any]]) -> Table:
    """One row per experiment record (name → the JSON record that ``python -m laprop_theory
    experiment NAME`` wrote): its name, the paper's claim it tests, and the verdict here."""
    columns = (Column("name", "experiment"),
               Column("claim", "the paper's claim", tex_align="p{0.3\\textwidth}"),
               Column("verdict", "verdict here", tex_align="p{0.48\\textwidth}"))
    rows = tuple({"name": Code(name), "claim": rec["claim"],
                  "verdict": (Strong(rec["status"]), ": ", rec["verdict"])}
                 for name, rec in records.items())
    return Table("Experiments", columns, rows)
