"""Tables as LaTeX (the companion note's ``paper/generated/*.tex``).

:func:`tex` escapes text (LaTeX's special characters, and the Greek and math symbols the
library's messages use); :func:`render` writes a :class:`~.table.Table` as a booktabs
``tabular`` (or ``longtable``); :func:`errata_list` and :func:`macros` write the errata
itemize and the ``\\newcommand`` macros of ``numbers.tex``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .table import (
    TEX,
    Alt,
    Cell,
    Code,
    Column,
    Counterexample,
    Num,
    Point,
    Strong,
    Table,
    number_text,
    point_values,
    shorten,
)

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}
_UNICODE = {"μ": r"$\mu$", "ν": r"$\nu$", "λ": r"$\lambda$", "γ": r"$\gamma$", "ε": r"$\epsilon$",
            "ζ": r"$\zeta$", "σ": r"$\sigma$", "≤": r"$\le$", "≥": r"$\ge$", "→": r"$\to$",
            "∞": r"$\infty$", "×": r"$\times$", "−": "-", "–": "--", "·": r"$\cdot$",
            "√": r"$\surd$", "Σ": r"$\Sigma$", "Π": r"$\Pi$", "θ": r"$\theta$", "β": r"$\beta$",
            "≈": r"$\approx$", "²": r"$^2$", "₁": r"$_1$", "₂": r"$_2$", "∈": r"$\in$",
            "…": r"\dots{}", "’": "'", "“": "``", "”": "''"}
_GREEK = {"mu": r"\mu", "nu": r"\nu", "gamma": r"\gamma", "zeta": r"\zeta", "lambda": r"\lambda",
          "sigma0": r"\sigma_0", "sigma1": r"\sigma_1"}


def tex(text: Any) -> str:
    """Escape plain text for LaTeX (special characters, and the Greek and math symbols the
    library's messages use)."""
    s = "".join(_TEX_SPECIAL.get(ch, ch) for ch in str(text))
    return "".join(_UNICODE.get(ch, ch) for ch in s)


def number(value: Any, digits: int = 6) -> str:
    """A number: ``--`` for ``None``, ``$\\infty$``, else ``digits`` significant digits
    (``value`` an mpmath number or its decimal string, ``"inf"`` for ∞)."""
    return number_text(value, digits, none="--", inf=r"$\infty$")


def point_tex(point: Mapping[str, str]) -> str:
    """A counterexample point {'mu': '0', 'g2': '2 (exact)', ...} as inline math."""
    parts = []
    for k, value in point_values(Point(point)):
        name = _GREEK.get(k) or re.sub(r"^([A-Za-z]+)(\d+)$", r"\1_{\2}", k)
        if not re.fullmatch(r"-?[0-9./e+-]+", value):
            value = "\\text{" + tex(value) + "}"
        parts.append(f"${name} = {value}$")
    return ", ".join(parts)


def cell(value: Cell, column: Column) -> str:
    """One cell as LaTeX (``None`` is ``--``)."""
    if value is None:
        return "--"
    if isinstance(value, tuple):
        return "".join(cell(v, column) for v in value)
    if isinstance(value, Alt):
        return value.tex
    if isinstance(value, Strong):
        return f"\\textbf{{{tex(value.text)}}}" if TEX in value.formats else tex(value.text)
    if isinstance(value, Code):
        return "\\texttt{" + tex(value.text) + "}"
    if isinstance(value, Num):
        return number(value.value, column.digits.get(TEX, 6))
    if isinstance(value, Point):
        return point_tex(value.coords)
    if isinstance(value, Counterexample):
        return f"{point_tex(value.point.coords)}: {tex(value.violation)}"
    return tex(shorten(str(value), column, TEX))


def render(table: Table) -> str:
    """``table`` as a booktabs ``tabular`` (``longtable`` when ``table.long``), ending in a
    newline. Column titles are written as given (they may hold math)."""
    cols = table.columns_in(TEX)
    env = "longtable" if table.long else "tabular"
    lines = [f"\\begin{{{env}}}{{{''.join(c.tex_align for c in cols)}}}", "\\toprule",
             " & ".join(_title(c) for c in cols) + r" \\", "\\midrule"]
    if table.long:
        lines += ["\\endhead"]
    lines += [" & ".join(cell(row[c.key], c) for c in cols) + r" \\" for row in table.rows]
    lines += ["\\bottomrule", f"\\end{{{env}}}"]
    return "\n".join(lines) + "\n"


def _title(column: Column) -> str:
    return column.titles[TEX] if TEX in column.titles else tex(column.title)


def errata_list(table: Table) -> str:
    """The errata table as an itemize: the paper's equation, where, the justification the
    paper gives, and the point where it is false."""
    items = []
    for row in table.rows:
        point = cell(row["point"], Column("point", "point"))
        items.append(f"\\item {tex(row['paper'])} ({cell(row['where'], Column('w', 'w'))}): "
                     f"{tex(row['justification'])}. False"
                     + (f" at {point}" if point else "") + ".")
    return "\\begin{itemize}\\small\n" + "\n".join(items) + "\n\\end{itemize}\n"


def macros(numbers: Mapping[str, Any]) -> str:
    """``\\newcommand{\\Name}{value}`` lines, sorted by name (names are letters only)."""
    lines = []
    for name, value in sorted(numbers.items()):
        if not re.fullmatch(r"[A-Za-z]+", name):
            raise ValueError(f"LaTeX macro names are letters only: {name!r}")
        lines.append(f"\\newcommand{{\\{name}}}{{{value}}}")
    return "\n".join(lines) + "\n"
