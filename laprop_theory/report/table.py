"""A table as data: its columns, its rows of cells, and the few kinds of cell the renderers
(:mod:`.text`, :mod:`.markdown`, :mod:`.tex`) know how to write.

A row maps a column's ``key`` to a cell. A cell is plain text (``str`` or ``int``: each
format escapes it), ``None`` (nothing to say: ``-`` in text and markdown, ``--`` in TeX), or
one of the cell classes below, which say what the text *is* (emphasised, code, a number, a
point, a counterexample) and leave the spelling to the format. A tuple of cells is their
concatenation.

A column names the formats that show it and, per format, its title and how its cells are
shortened, so one table serves the terse terminal view and the fuller markdown and TeX ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TEXT, MARKDOWN, TEX = "text", "markdown", "tex"
FORMATS: frozenset[str] = frozenset({TEXT, MARKDOWN, TEX})


@dataclass(frozen=True)
class Strong:
    """Emphasised text: ``**x**`` in markdown, ``\\textbf{x}`` in TeX, plain in text; only in
    the formats of ``formats``, plain elsewhere."""

    text: str
    formats: frozenset[str] = frozenset({MARKDOWN, TEX})


@dataclass(frozen=True)
class Code:
    """An identifier (a step id, a target name): ``\\texttt{x}`` in TeX, plain elsewhere."""

    text: str


@dataclass(frozen=True)
class Num:
    """A number (an mpmath value or its decimal string; ``"inf"`` and ``mpmath.inf`` are ∞;
    ``None`` is a bound the paper does not give), written with the column's ``digits``
    significant digits in each format."""

    value: Any


@dataclass(frozen=True)
class Point:
    """A point of a counterexample, ``{name: "value (how exact)"}``; only the value is shown."""

    coords: Mapping[str, str]


@dataclass(frozen=True)
class Counterexample:
    """A certified counterexample: where (a :class:`Point`) and by how much the relation
    fails (the checker's ``violation`` text)."""

    point: Point
    violation: str


@dataclass(frozen=True)
class Alt:
    """Text already spelled for each format (no escaping): for the few cells whose words
    differ between formats, such as a verdict shown as ``R/T->0`` or ``$R/T\\to 0$``."""

    text: str
    markdown: str
    tex: str

    def spelled(self, fmt: str) -> str:
        """The spelling for ``fmt`` (one of :data:`FORMATS`)."""
        return {TEXT: self.text, MARKDOWN: self.markdown, TEX: self.tex}[fmt]


Cell = str | int | Strong | Code | Num | Point | Counterexample | Alt | tuple | None


@dataclass(frozen=True)
class Column:
    """One column. ``title`` is shown in every format unless ``titles`` spells it for one
    (TeX titles are written as given, not escaped). ``formats``: where the column appears.
    ``cut``: per format, keep the first n characters of the cell's plain text; ``ellipsis``:
    per format, shorten to n characters ending in ``...``; ``digits``: per format, the
    significant digits of a :class:`Num`. ``width``: the column's width in a fixed-width text
    table (right-aligned); ``tex_align``: its column type in the TeX ``tabular`` spec."""

    key: str
    title: str
    titles: Mapping[str, str] = field(default_factory=dict)
    formats: frozenset[str] = FORMATS
    cut: Mapping[str, int] = field(default_factory=dict)
    ellipsis: Mapping[str, int] = field(default_factory=dict)
    digits: Mapping[str, int] = field(default_factory=dict)
    width: int = 0
    tex_align: str = "l"

    def title_in(self, fmt: str) -> str:
        """The column's title in ``fmt``."""
        return self.titles.get(fmt, self.title)


@dataclass(frozen=True)
class Table:
    """A table: ``title`` (used by documents that head it), ``columns``, ``rows`` (each a map
    from column key to :data:`Cell`), ``notes`` (sentences a document may print under it).
    ``fixed_width``: the text view right-aligns each column to its ``width`` under a rule of
    dashes (else columns are left-aligned to their widest cell, the last one unpadded);
    ``long``: the TeX view is a ``longtable`` (it may break across pages)."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Cell], ...]
    notes: tuple[str, ...] = ()
    fixed_width: bool = False
    long: bool = False

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"table {self.title!r}: repeated column keys in {keys}")
        for i, row in enumerate(self.rows):
            missing = [k for k in keys if k not in row]
            if missing:
                raise ValueError(f"table {self.title!r}, row {i}: no cell for {missing}")

    def columns_in(self, fmt: str) -> tuple[Column, ...]:
        """The columns shown in ``fmt``."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; known: {sorted(FORMATS)}")
        return tuple(c for c in self.columns if fmt in c.formats)


def shorten(text: str, column: Column, fmt: str) -> str:
    """``text`` cut to the column's length in ``fmt``: ``cut`` keeps the first n characters,
    ``ellipsis`` keeps n − 3 and appends ``...`` when the text is longer than n."""
    if fmt in column.cut:
        text = text[: column.cut[fmt]]
    n = column.ellipsis.get(fmt)
    if n is not None and len(text) > n:
        text = text[: n - 3] + "..."
    return text


def point_values(point: Point) -> list[tuple[str, str]]:
    """The coordinates of ``point`` as (name, value), each value without its exactness note
    (``"2 (exact)"`` → ``"2"``)."""
    return [(k, v.split(" ")[0]) for k, v in point.coords.items()]


def number_text(value: Any, digits: int, *, none: str, inf: str) -> str:
    """A number cell in one format: ``none`` for ``None``, ``inf`` for +∞, else ``digits``
    significant digits (``value`` an mpmath number or its decimal string)."""
    import mpmath

    from ..numerics import mp_str

    if value is None:
        return none
    x = mpmath.mpf(value) if isinstance(value, str) else value
    if x == mpmath.inf:
        return inf
    return mp_str(x, digits)
