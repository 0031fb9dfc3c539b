"""``DIR/atlas.jsonl``: one JSON row per line, appended as points finish.

Each row is written with one ``write`` of a whole line to a file opened for appending, then
flushed and synced, so a killed run leaves every finished row intact and at worst a torn last
line (no newline at its end). :func:`load_rows` reads the file back: a torn last line is
dropped (and cut from the file before anything is appended); any other line that is not an
atlas row makes the file foreign, and it is refused without being touched. Rows of other
grids (other points, seeds or budgets) stay in the file; the last row of a point wins.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..inputs import decimal_entry_ok
from .grid import row_key
from .point import ROW_FIELDS

__all__ = ["FILE_NAME", "AtlasFileError", "append_row", "load_rows"]

FILE_NAME = "atlas.jsonl"
MAX_LINE = 10_000_000
"""Longest line accepted (a row's sequence holds T ≤ 10000 entries of ~30 characters)."""


class AtlasFileError(ValueError):
    """The file is not an atlas file (one-line message)."""


def _is_row(obj: Any) -> bool:
    """Does ``obj`` look like a row (:data:`~laprop_theory.atlas.point.ROW_FIELDS`)?"""
    if not isinstance(obj, dict) or any(k not in obj for k in ROW_FIELDS):
        return False
    try:
        row_key(obj)
    except (TypeError, ValueError):
        return False
    return (isinstance(obj["target"], str) and decimal_entry_ok(obj["mu"], 300)
            and decimal_entry_ok(obj["nu"], 300) and isinstance(obj["sequence"], list)
            and isinstance(obj["certified_violation"], bool))


def load_rows(path: Path, *, repair: bool = False) -> list[dict[str, Any]]:
    """The rows of ``path`` in file order ([] when it does not exist). A torn last line is
    ignored, and with ``repair`` cut from the file. Raises :class:`AtlasFileError` on any other
    line that is not a row."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    lines = data.split(b"\n")
    torn = lines.pop()  # b"" when the file ends with a newline
    rows = []
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            raise AtlasFileError(f"{path} line {number} is too long to be an atlas row")
        try:
            obj = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            obj = None
        if not _is_row(obj):
            raise AtlasFileError(f"{path} line {number} is not an atlas row (not our file?)")
        rows.append(obj)
    if torn and repair:
        with open(path, "r+b") as fh:
            fh.truncate(len(data) - len(torn))
            fh.flush()
            os.fsync(fh.fileno())
    return rows


def append_row(path: Path, row: dict[str, Any]) -> None:
    """Append ``row`` as one line (one write, then flush and fsync)."""
    line = (json.dumps({k: row[k] for k in ROW_FIELDS}, separators=(",", ":")) + "\n")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        raw = line.encode("utf-8")
        written = os.write(fd, raw)
        while written < len(raw):  # a regular file takes it whole; be safe anyway
            written += os.write(fd, raw[written:])
        os.fsync(fd)
    finally:
        os.close(fd)
