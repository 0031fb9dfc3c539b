"""The report layer (laprop_theory.report): each renderer on small hand-made tables, with the
expected text written out by hand; one builder (the tight-bound table) against a hand
derivation. The companion note's byte-identity is tests/paper/test_paper.py's staleness test."""

from __future__ import annotations

import pytest

from laprop_theory.report import markdown, tables, tex, text
from laprop_theory.report.table import (
    MARKDOWN,
    TEX,
    TEXT,
    Alt,
    Code,
    Column,
    Counterexample,
    Num,
    Point,
    Strong,
    Table,
)

DEMO = Table(
    "demo",
    columns=(
        Column("name", "name"),
        Column("value", "value", titles={TEX: "$v$"}, digits={TEXT: 3, MARKDOWN: 4, TEX: 2},
               tex_align="r"),
        Column("note", "note", formats=frozenset({TEXT, MARKDOWN}), ellipsis={TEXT: 8},
               cut={MARKDOWN: 5}),
    ),
    rows=({"name": Code("a_b"), "value": Num("1.23456"), "note": "x|y long text"},
          {"name": Strong("c"), "value": Num(None), "note": None}),
)


def test_text_aligns_all_but_the_last_column():
    assert text.render(DEMO) == ("name  value  note\n"
                                 "a_b   1.23   x|y l...\n"
                                 "c     -      -")


def test_markdown_escapes_cuts_and_emphasises():
    assert markdown.render(DEMO) == ("| name | value | note |\n"
                                     "|---|---|---|\n"
                                     "| a_b | 1.235 | x\\|y l |\n"
                                     "| **c** | none given | - |")


def test_tex_writes_a_booktabs_tabular():
    assert tex.render(DEMO) == ("\\begin{tabular}{lr}\n"
                                "\\toprule\n"
                                "name & $v$ \\\\\n"
                                "\\midrule\n"
                                "\\texttt{a\\_b} & 1.2 \\\\\n"
                                "\\textbf{c} & -- \\\\\n"
                                "\\bottomrule\n"
                                "\\end{tabular}\n")


def test_long_tex_table_repeats_its_head():
    t = Table("t", (Column("a", "a"),), ({"a": "1"},), long=True)
    assert tex.render(t) == ("\\begin{longtable}{l}\n\\toprule\na \\\\\n\\midrule\n\\endhead\n"
                             "1 \\\\\n\\bottomrule\n\\end{longtable}\n")


def test_fixed_width_text_right_aligns_under_a_rule():
    t = Table("t", (Column("k", "key", width=5), Column("v", "val", width=4, cut={TEXT: 3})),
              ({"k": "ab", "v": "12345"},), fixed_width=True)
    assert text.render(t) == "  key   val\n-----------\n   ab   123"


def test_alternative_spellings_and_concatenated_cells():
    t = Table("t", (Column("a", "a"), Column("b", "b")),
              ({"a": Alt("->", "→md", "$\\to$"), "b": (Strong("ok"), ": ", "a&b")},))
    assert text.render(t).splitlines()[1] == "->  ok: a&b"
    assert markdown.render(t).splitlines()[2] == "| →md | **ok**: a&b |"
    assert tex.render(t).splitlines()[4] == "$\\to$ & \\textbf{ok}: a\\&b \\\\"


def test_strong_only_in_the_formats_it_names():
    t = Table("t", (Column("s", "s"),), ({"s": Strong("proved", frozenset({MARKDOWN}))},))
    assert markdown.render(t).splitlines()[2] == "| **proved** |"
    assert tex.render(t).splitlines()[4] == "proved \\\\"


def test_counterexamples_and_points():
    col = Column("d", "d")
    cex = Counterexample(Point({"x": "1 (exact)", "y": "2"}), "off by 3")
    assert text.cell(cex, col) == "at x=1, y=2: off by 3"
    assert markdown.cell(cex, col) == "counterexample x = 1, y = 2: off by 3"
    nowhere = Counterexample(Point({}), "1 > 2")
    assert text.cell(nowhere, col) == "at the given values: 1 > 2"
    assert markdown.cell(nowhere, col) == "counterexample (constants): 1 > 2"
    assert tex.point_tex({"mu": "0.5 (exact)", "g2": "-3", "w": "big (approx)"}) == (
        "$\\mu = 0.5$, $g_{2} = -3$, $w = \\text{big}$")


def test_numbers_in_each_format():
    col = Column("n", "n", digits={TEXT: 4, MARKDOWN: 4, TEX: 4})
    assert [text.cell(Num(v), col) for v in ("2.5", None, "inf")] == ["2.500", "-", "inf"]
    assert [markdown.cell(Num(v), col) for v in ("2.5", None, "inf")] == [
        "2.500", "none given", "∞ (unbounded)"]
    assert [tex.cell(Num(v), col) for v in ("2.5", None, "inf")] == ["2.500", "--",
                                                                      "$\\infty$"]


def test_tex_escapes_specials_and_symbols():
    assert tex.tex("50% of a_b ≤ μ & {x}") == (
        "50\\% of a\\_b $\\le$ $\\mu$ \\& \\{x\\}")


def test_errata_lists():
    t = Table("Errata", (Column("paper", "paper", formats=frozenset({TEX})),
                         Column("where", "where", formats=frozenset({TEX})),
                         Column("justification", "j", formats=frozenset({TEX})),
                         Column("point", "point", formats=frozenset({TEX})),
                         Column("line", "erratum", formats=frozenset({TEXT, MARKDOWN}))),
              ({"paper": "Eq. (3)", "where": Code("c/s1"), "justification": "by Jensen",
                "point": Point({"mu": "0"}), "line": "Eq. (3) | is false"},))
    assert text.errata_list(t) == "- Eq. (3) | is false"
    assert markdown.errata_list(t) == "- Eq. (3) \\| is false"
    assert tex.errata_list(t) == ("\\begin{itemize}\\small\n"
                                  "\\item Eq. (3) (\\texttt{c/s1}): by Jensen. False at "
                                  "$\\mu = 0$.\n\\end{itemize}\n")
    empty = Table("Errata", t.columns, ())
    assert markdown.errata_list(empty) == "- none"
    assert text.errata_list(empty) == ""


def test_macros_sorted_and_named_by_letters():
    assert tex.macros({"B": 2, "A": "x"}) == "\\newcommand{\\A}{x}\n\\newcommand{\\B}{2}\n"
    with pytest.raises(ValueError, match="letters only: 'A1'"):
        tex.macros({"A1": 1})


def test_a_table_refuses_missing_cells_and_repeated_keys():
    with pytest.raises(ValueError, match=r"row 0: no cell for \['b'\]"):
        Table("t", (Column("a", "a"), Column("b", "b")), ({"a": 1},))
    with pytest.raises(ValueError, match="repeated column keys"):
        Table("t", (Column("a", "a"), Column("a", "b")), ())
    with pytest.raises(ValueError, match="unknown format 'html'"):
        DEMO.columns_in("html")


def test_bounds_table_against_a_hand_derivation():
    """μ = 0, ν = 0.5, t = 2: n_2 = (1 − ν)(ν g1² + g2²) and c_n = 1 − ν² = 0.75, so the update
    g2/sqrt(n_2/c_n) is largest at g1 = 0, where it is sqrt(0.75/0.5) = sqrt(1.5) (LaProp and
    Adam agree at μ = 0). Prop. 1 and the proof's bound (γ = 0): 1/sqrt(0.5) = sqrt(2); Prop. 2
    as stated: 1/(1 − 0) = 1 < sqrt(1.5), so it is violated."""
    table = tables.bounds_table(points=(("0", "0.5", 2),))
    assert markdown.render(table).splitlines()[2] == (
        "| 0 | 0.5 | 2 | 1.22474487139 | 1.41421356237 | 1.22474487139 | "
        "1.00000000000 (**violated**) | 1.41421356237 |")
    assert tex.render(table).splitlines()[4] == (
        "0 & 0.5 & 2 & 1.22474 & 1.41421 & 1.22474 & 1.00000 \\textbf{(violated)} & "
        "1.41421 \\\\")


def test_reddi_table_cuts_each_format():
    mp = {"Adam": {"avg_regret_T": "0.123456789012345", "mean_x_last": "0.98765432109",
                   "converges": False}}
    f64 = {"Adam": {"avg_regret_T": "0.000123456789", "mean_x_last": "-0.99999999999",
                    "converges": True}}
    table = tables.reddi_table(mp, f64, 60, 300)
    assert text.render(table).splitlines()[2] == (
        "     Adam        0.1234567890   0.98765432       no         0.0001234567"
        "   -0.9999999   R/T->0")
    assert tex.render(table).splitlines()[2] == (
        "algorithm & $R/T$, $T=60$ (mp) & $x$ tail & $R/T$, $T=300$ & $x$ tail & verdict \\\\")
    assert tex.render(table).splitlines()[4] == (
        "Adam & 0.123456 & 0.98765 & 0.000123 & -0.9999 & $R/T\\to 0$ \\\\")
