"""The grid of an atlas: value lists, points, and the order rows are reported in.

A LIST on the command line is comma-separated items, each a value or a range
``start:stop:count``. A range stands for the ``count`` evenly spaced values

    v_i = start + i·(stop − start)/(count − 1),   i = 0, ..., count − 1   (count ≥ 2)

(``start`` alone when count = 1), computed exactly with fractions. Reals are kept as exact
decimal strings (:func:`laprop_theory.inputs.canonical`); a v_i without a finite decimal
expansion (0:1:4 gives 1/3) is rounded half-even to :data:`RANGE_DECIMALS` decimal places.
Integer lists (``--steps``) round v_i half-even to an integer. Duplicates are dropped and
every list is returned sorted.

A :class:`Point` is (target, μ, ν, T, seed, budget): everything a row depends on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..inputs import InputError, canonical, parse_int, parse_real, quote
from ..search.engine import Problem

__all__ = ["MAX_LIST", "RANGE_DECIMALS", "GridError", "Point", "make_grid", "parse_ints",
           "parse_reals", "parse_names", "row_key", "sort_key"]

MAX_LIST = 10_000
"""Most values in one LIST (and the largest ``count`` of a range)."""
RANGE_DECIMALS = 12
"""Decimal places a range value without a finite decimal expansion is rounded to."""


class GridError(ValueError):
    """A LIST or a grid that cannot be used (the message is one line)."""


def _items(text: str, name: str) -> list[str]:
    if not isinstance(text, str) or text.strip() == "":
        raise GridError(f"{name}: the list is empty")
    items = [t.strip() for t in text.split(",")]
    if any(t == "" for t in items):
        raise GridError(f"{name}: empty item in the list {quote(text)}")
    return items


def _range(item: str, name: str, parse: Callable[[str], Fraction]) -> list[Fraction]:
    parts = item.split(":")
    if len(parts) != 3:
        raise GridError(f"{name}: a range is start:stop:count, got {quote(item)}")
    start, stop = parse(parts[0]), parse(parts[1])
    try:
        count = parse_int(parts[2], f"{name} range count", 1, MAX_LIST)
    except InputError as exc:
        raise GridError(str(exc)) from None
    if count == 1:
        return [start]
    step = (stop - start) / (count - 1)
    return [start + i * step for i in range(count)]


def _expand(text: str, name: str, parse: Callable[[str], Fraction]) -> list[Fraction]:
    out: list[Fraction] = []
    for item in _items(text, name):
        out += _range(item, name, parse) if ":" in item else [parse(item)]
        if len(out) > MAX_LIST:
            raise GridError(f"{name}: more than {MAX_LIST} values")
    return out


def _round_decimal(value: Fraction, places: int) -> Fraction:
    """value rounded half-even to ``places`` decimal places (Python's round on Fractions)."""
    return Fraction(round(value * 10**places), 10**places)


def parse_reals(text: str, name: str, lo: Fraction, hi: Fraction) -> list[str]:
    """The sorted distinct reals of a LIST, each in [lo, hi], as canonical decimal strings."""

    def parse(t: str) -> Fraction:
        try:
            return parse_real(t, name)
        except InputError as exc:
            raise GridError(str(exc)) from None

    values = []
    for v in _expand(text, name, parse):
        try:
            canonical(v, name)
        except InputError:  # no finite decimal expansion (a range value such as 1/3)
            v = _round_decimal(v, RANGE_DECIMALS)
        if not lo <= v <= hi:
            raise GridError(f"{name} values must be in [{canonical(lo)}, {canonical(hi)}], "
                            f"got {quote(canonical(v))}")
        values.append(v)
    return [canonical(v, name) for v in sorted(set(values))]


def parse_ints(text: str, name: str, lo: int, hi: int) -> list[int]:
    """The sorted distinct integers of a LIST, each in [lo, hi]."""

    def parse(t: str) -> Fraction:
        try:
            return Fraction(parse_int(t, name, lo, hi))
        except InputError as exc:
            raise GridError(str(exc)) from None

    values = {round(v) for v in _expand(text, name, parse)}
    return sorted(values)


def parse_names(text: str, name: str, known: Iterable[str]) -> list[str]:
    """The distinct names of a comma-separated list, each one of ``known`` (in given order)."""
    known = list(known)
    out: list[str] = []
    for item in _items(text, name):
        if item not in known:
            raise GridError(f"{name}: unknown {quote(item)}; known: {', '.join(known)}")
        if item not in out:
            out.append(item)
    return out


@dataclass(frozen=True)
class Point:
    """One point of the atlas: everything its row depends on."""

    target: str
    mu: str
    nu: str
    steps: int
    seed: int
    budget: int

    def problem(self) -> Problem:
        """The searcher's problem (centered-update with its default t_init = 2)."""
        options = (("t_init", 2),) if self.target == "centered-update" else ()
        return Problem(self.target, self.mu, self.nu, self.steps, options)

    @property
    def key(self) -> tuple[str, str, str, int, int, int]:
        return (self.target, self.mu, self.nu, self.steps, self.seed, self.budget)

    @property
    def label(self) -> str:
        return f"{self.target} mu={self.mu} nu={self.nu} T={self.steps}"


def make_grid(targets: list[str], mus: list[str], nus: list[str], steps: list[int], *,
              seed: int, budget: int) -> list[Point]:
    """Every (target, μ, ν, T) of the lists, in :func:`sort_key` order."""
    points = [Point(t, m, n, s, seed, budget)
              for t in targets for m in mus for n in nus for s in steps]
    return sorted(points, key=lambda p: sort_key(p.target, p.mu, p.nu, p.steps))


def sort_key(target: str, mu: str, nu: str, steps: int) -> tuple[str, Fraction, Fraction, int]:
    """The report order: target name, then μ, ν and T by value."""
    return (target, Fraction(mu), Fraction(nu), int(steps))


def row_key(row: dict[str, Any]) -> tuple[str, str, str, int, int, int]:
    """The :attr:`Point.key` a row was computed for."""
    return (row["target"], row["mu"], row["nu"], int(row["steps"]), int(row["seed"]),
            int(row["budget"]))
