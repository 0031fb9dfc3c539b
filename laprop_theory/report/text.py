"""Tables as terminal text (what ``check``, ``check --summary`` and ``regret`` print).

Two layouts: columns left-aligned to their widest cell, two spaces apart, the last column
unpadded (the checker's tables); or, for a table with ``fixed_width``, each column
right-aligned to its ``width`` under a rule of dashes (the regret and Reddi tables).
"""

from __future__ import annotations

from collections.abc import Mapping

from .table import (
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
    number_text,
    point_values,
    shorten,
)


def number(value: object, digits: int = 10) -> str:
    """A number: ``-`` for ``None``, ``inf`` for ∞, else ``digits`` significant digits
    (``value`` an mpmath number or its decimal string)."""
    return number_text(value, digits, none="-", inf="inf")


def cell(value: Cell, column: Column) -> str:
    """One cell as plain text (``None`` is ``-``; a counterexample is ``at x=1, y=2:
    violation``)."""
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return "".join(cell(v, column) for v in value)
    if isinstance(value, Alt):
        return value.text
    if isinstance(value, (Strong, Code)):
        return value.text
    if isinstance(value, Num):
        return number(value.value, column.digits.get(TEXT, 10))
    if isinstance(value, Point):
        return ", ".join(f"{k}={v}" for k, v in point_values(value))
    if isinstance(value, Counterexample):
        where = cell(value.point, column) or "the given values"
        return shorten(f"at {where}: {value.violation}", column, TEXT)
    return shorten(str(value), column, TEXT)


def render(table: Table) -> str:
    """``table`` as lines of text (no final newline)."""
    cols = table.columns_in(TEXT)
    body = [[cell(row[c.key], c) for c in cols] for row in table.rows]
    if table.fixed_width:
        head = "  ".join(f"{c.title_in(TEXT):>{c.width}}" for c in cols)
        lines = [head, "-" * len(head)]
        lines += ["  ".join(f"{v:>{c.width}}" for v, c in zip(r, cols, strict=True))
                  for r in body]
        return "\n".join(lines)
    rows = [[c.title_in(TEXT) for c in cols], *body]
    widths = [max(len(r[i]) for r in rows) for i in range(len(cols) - 1)]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r[:-1], widths, strict=True))
                     + "  " + r[-1] for r in rows)


def counts_line(steps: int, counts: Mapping[str, int], work: int) -> str:
    """``N steps: a proved, b refuted, c unverified (W work units)``."""
    return (f"{steps} steps: {counts['proved']} proved, {counts['refuted']} "
            f"refuted, {counts['unverified']} unverified ({work} work units)")


def errata_list(table: Table) -> str:
    """The errata table as ``- erratum`` lines (no final newline; empty when none)."""
    return "\n".join(f"- {row['line']}" for row in table.rows)
