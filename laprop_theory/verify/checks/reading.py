"""What every check of :mod:`laprop_theory.verify.checks` starts from: :class:`Failed`, a
certificate file read against its manifest hash, a cvc5 script that must answer ``unsat``,
exact rationals and terms read from the JSON."""

from __future__ import annotations

import hashlib
from fractions import Fraction
from pathlib import Path
from typing import Any

from .. import sexpr as sx
from ..smt import CPU_SECONDS, NEGATED_KIND, run_isolated


class Failed(Exception):
    """A certificate that does not check (the message is the reason)."""


def _read(root: Path, rec: dict[str, Any]) -> bytes:
    rel = rec.get("path")
    if not isinstance(rel, str) or rel.startswith("/") or ".." in Path(rel).parts:
        raise Failed(f"bad path {rel!r}")
    path = root / rel
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Failed(f"cannot read: {exc.strerror or exc}") from None
    if hashlib.sha256(data).hexdigest() != rec.get("sha256"):
        raise Failed("sha256 differs from the manifest")
    return data


def _smt(text: str, name: str, rlimit: int, rel: str | None = None,
         cpu: float = CPU_SECONDS) -> None:
    out = run_isolated(text, name, rlimit=rlimit, cpu_limit=cpu)
    if out.error:
        raise Failed(out.error)
    if not out.answers:
        raise Failed("no check-sat in the script")
    if rel is not None and out.last_assertion != NEGATED_KIND[rel]:
        raise Failed(f"the last assertion is not the negated relation {rel!r}")
    bad = [a for a in out.answers if a != "unsat"]
    if bad:
        raise Failed(f"cvc5 answered {bad[0]} (expected unsat)")


def _frac(text: Any) -> Fraction:
    try:
        return Fraction(str(text))
    except (ValueError, ZeroDivisionError):
        raise Failed(f"not an exact rational: {text!r}") from None


def _parse(text: Any) -> sx.Node:
    try:
        return sx.parse(text)
    except sx.SexprError as exc:
        raise Failed(f"bad term: {exc}") from None
