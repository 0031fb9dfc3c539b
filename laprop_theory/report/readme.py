"""The README's generated blocks: the LaProp paper's step counts, the claim table and the
tight-bound table, from the same rows as ``docs/theory-verdicts.md`` (:mod:`.tables`).

A block is the text between two marker lines of ``README.md``::

    <!-- generated: NAME (python -m laprop_theory check --readme README.md) -->
    ...
    <!-- end generated: NAME -->

:func:`update` replaces the text between the markers of every block of :func:`blocks` and
leaves the rest of the file as it is; ``python -m laprop_theory check --readme README.md``
writes the result. ``tests/theory/report/test_generated_docs.py`` checks that the README
holds what the current verdicts render.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..proof.core import StepResult
from .markdown import render
from .table import Table

COMMAND = "python -m laprop_theory check --readme README.md"
BEGIN = "<!-- generated: {name} (" + COMMAND + ") -->"
END = "<!-- end generated: {name} -->"
#: the README's view of the claim table leaves out the scope (docs/theory-verdicts.md has it)
_LEFT_OUT = frozenset({"scope"})

__all__ = ["BEGIN", "COMMAND", "END", "NAMES", "ReadmeError", "blocks", "blocks_present",
           "stale", "update", "write_readme"]


class ReadmeError(ValueError):
    """A README whose markers are missing, repeated or out of order (the message names the
    block)."""


def blocks(results: Sequence[StepResult]) -> dict[str, str]:
    """Each block's markdown, from the step results of the LaProp paper's claims:
    ``verdict-counts`` (one sentence), ``verdict-summary`` (the kernel's verdict per claim and
    its step counts) and ``bounds`` (the paper's bounds against the exact suprema)."""
    from ..claims import claim_verdicts
    from .tables import bounds_table, step_counts, summary_table

    results = list(results)
    n = step_counts(results)
    counts = (f"{len(results)} steps: {n['proved']} proved, {n['refuted']} refuted (each with a "
              f"certified counterexample), {n['unverified']} unverified.")
    summary = summary_table(claim_verdicts(results), results)
    short = Table(summary.title, tuple(c for c in summary.columns if c.key not in _LEFT_OUT),
                  summary.rows)
    return {"verdict-counts": counts, "verdict-summary": render(short),
            "bounds": render(bounds_table())}


def _span(text: str, name: str) -> tuple[int, int]:
    """Where the body of block ``name`` starts and ends in ``text`` (after the begin marker's
    line, before the end marker's)."""
    begin, end = BEGIN.format(name=name), END.format(name=name)
    starts = [m.end() for m in re.finditer(re.escape(begin) + r"\n", text)]
    ends = [m.start() for m in re.finditer(r"^" + re.escape(end) + r"$", text, re.M)]
    if len(starts) != 1 or len(ends) != 1:
        raise ReadmeError(f"block {name!r}: expected one line {begin!r} and one line {end!r}, "
                          f"found {len(starts)} and {len(ends)}")
    if ends[0] < starts[0]:
        raise ReadmeError(f"block {name!r}: its end marker comes before its begin marker")
    return starts[0], ends[0]


NAMES = ("verdict-counts", "verdict-summary", "bounds")


def blocks_present(text: str) -> None:
    """Raise :class:`ReadmeError` unless ``text`` holds each block of :data:`NAMES` once, its
    markers in order (checked before any work is done)."""
    for name in NAMES:
        _span(text, name)


def update(text: str, results: Sequence[StepResult]) -> str:
    """``text`` with the body of every block replaced by :func:`blocks` (the body ends with a
    newline; everything outside the markers is kept byte for byte)."""
    for name, body in blocks(results).items():
        start, end = _span(text, name)
        text = text[:start] + body + "\n" + text[end:]
    return text


def stale(text: str, results: Sequence[StepResult]) -> list[str]:
    """The names of the blocks whose body in ``text`` is not what :func:`blocks` renders."""
    out = []
    for name, body in blocks(results).items():
        start, end = _span(text, name)
        if text[start:end] != body + "\n":
            out.append(name)
    return out


def write_readme(path: str | Path, results: Sequence[StepResult]) -> Path:
    """Rewrite the blocks of the README at ``path`` in place (whole file, atomically)."""
    from ..files import write_text

    p = Path(path)
    return write_text(p, update(p.read_text(encoding="utf-8"), results))
