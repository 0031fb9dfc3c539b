"""The syntax of numbers that come from outside (the command line, a checkpoint file).

One place decides what counts as a number, so that the command line and the files it reads
accept the same things and reject the rest cheaply, before any arithmetic:

* a real is an ASCII decimal (``0.9``, ``-.5``, ``9e-1``) or an ASCII fraction (``9/10``) of
  at most :data:`MAX_CHARS` characters whose decimal exponent is at most :data:`MAX_EXPONENT`
  in size -- no ``inf``, ``nan``, Unicode digits (``٠.٥``), underscores (``0.0_1``) or
  ``1e999999999`` (whose exact value alone would take gigabytes);
* its value is exact (a :class:`~fractions.Fraction`), and it is echoed in one canonical
  decimal form (:func:`canonical`): ``0.90``, ``+.9``, ``9e-1`` and ``9/10`` all become ``0.9``;
* an integer is ASCII digits with an optional sign, at most :data:`MAX_INT_CHARS` long;
* a message quotes at most :data:`QUOTE_LIMIT` characters of what it was given
  (:func:`quote`), on one line (:func:`one_line`); :class:`OneLineParser` is the argparse
  parser whose errors follow that rule (every command line of the project uses it).

Nothing here imports the command line; :mod:`laprop_theory.cli.common` builds its argparse
types on these functions, :mod:`laprop_theory.search.checkpoint` validates files with them,
and :mod:`laprop_theory.search.bench` parses its arguments with :class:`OneLineParser`.
"""

from __future__ import annotations

import argparse
import re
import sys
from fractions import Fraction
from typing import NoReturn

__all__ = ["MAX_CHARS", "MAX_EXPONENT", "QUOTE_LIMIT", "InputError", "OneLineParser",
           "canonical", "clip_arguments", "decimal_entry_ok", "one_line", "parse_int",
           "parse_real", "quote"]

QUOTE_LIMIT = 60
"""The most characters of an input that a message repeats."""

MAX_CHARS = 100
"""The longest real accepted (a 60-digit decimal fits; a 5000-digit one does not)."""

MAX_EXPONENT = 300
"""Largest |decimal exponent| of a real: every accepted real is a normal float64's size or 0."""

MAX_INT_CHARS = 30

_DECIMAL = re.compile(r"([+-]?)([0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE]([+-]?[0-9]{1,9}))?")
_FRACTION = re.compile(r"([+-]?)([0-9]{1,40})/([0-9]{1,40})")
_INT = re.compile(r"[+-]?[0-9]+")


class InputError(ValueError):
    """Text that is not an accepted number (the message quotes at most 60 characters)."""


def quote(text: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr`` of ``text`` cut to at most ``limit`` characters of it (``...`` marks a cut)."""
    s = str(text)
    if len(s) > limit:
        s = s[: limit - 3] + "..."
    return repr(s)


def _decimal_value(sign: str, digits: str, exponent: str | None) -> Fraction:
    whole, _, frac = digits.partition(".")
    mantissa = int((whole + frac) or "0")
    exp = (int(exponent) if exponent else 0) - len(frac)
    value = Fraction(mantissa * 10**exp) if exp >= 0 else Fraction(mantissa, 10**-exp)
    return -value if sign == "-" else value


def parse_real(text: str, name: str = "value") -> Fraction:
    """The exact value of a decimal or fraction written in ASCII (see the module docstring).

    Raises :class:`InputError` on anything else, on more than :data:`MAX_CHARS` characters,
    and on values whose size is outside [10^-300, 10^300) (0 is fine)."""
    if not isinstance(text, str):
        raise InputError(f"{name} must be a number written as text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise InputError(f"{name} must be a number of at most {MAX_CHARS} characters, "
                         f"got {len(text)} characters: {quote(text)}")
    if m := _DECIMAL.fullmatch(text):
        sign, digits, exponent = m.groups()
        # bound the exponent before computing anything: 1e999999999 is rejected at once
        significant = digits.replace(".", "").lstrip("0")
        if not significant:
            return Fraction(0)
        whole = digits.partition(".")[0].lstrip("0")
        lead = len(whole) if whole else -(len(digits.partition(".")[2])
                                            - len(digits.partition(".")[2].lstrip("0")))
        magnitude = lead - 1 + (int(exponent) if exponent else 0)  # floor(log10 |x|)
        if not -MAX_EXPONENT <= magnitude < MAX_EXPONENT:
            raise InputError(f"{name} must be 0 or between 1e-{MAX_EXPONENT} and "
                             f"1e{MAX_EXPONENT} in size, got {quote(text)}")
        return _decimal_value(sign, digits, exponent)
    if m := _FRACTION.fullmatch(text):
        sign, num, den = m.groups()
        if int(den) == 0:
            raise InputError(f"{name}: division by zero in {quote(text)}")
        value = Fraction(int(num), int(den))
        if value and not Fraction(1, 10**MAX_EXPONENT) <= value < 10**MAX_EXPONENT:
            raise InputError(f"{name} must be 0 or between 1e-{MAX_EXPONENT} and "
                             f"1e{MAX_EXPONENT} in size, got {quote(text)}")
        return -value if sign == "-" else value
    raise InputError(f"{name} must be a decimal such as 0.9 or 9e-1, or a fraction such as "
                     f"9/10 (ASCII), got {quote(text)}")


def canonical(value: Fraction, name: str = "value") -> str:
    """The one decimal form of ``value``: plain (``0.001``, ``250``) for moderate sizes,
    scientific (``1e-30``, ``2.5e+20``) otherwise. Raises :class:`InputError` when ``value``
    has no finite decimal expansion (such as 1/3): the tools compute with decimals exactly."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    value = abs(value)
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        raise InputError(f"{name} = {quote(value)} has no finite decimal expansion; give a "
                         f"decimal (such as {float(value):.15g})")
    scale = max(twos, fives)
    n = value.numerator * 10**scale // value.denominator  # value = n / 10^scale exactly
    exp = -scale
    while n % 10 == 0:
        n //= 10
        exp += 1
    digits = str(n)
    point = len(digits) + exp  # position of the decimal point from the left of ``digits``
    if -6 <= point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if 0 < point <= 21:
        if exp >= 0:
            return f"{sign}{digits}{'0' * exp}"
        return f"{sign}{digits[:point]}.{digits[point:]}"
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    e = point - 1
    return f"{sign}{mant}e{'+' if e >= 0 else '-'}{abs(e)}"


def parse_int(text: str, name: str, lo: int, hi: int) -> int:
    """An integer in [lo, hi] written in ASCII digits (optional sign); :class:`InputError`
    otherwise."""
    if not isinstance(text, str) or len(text) > MAX_INT_CHARS or not _INT.fullmatch(text):
        raise InputError(f"{name} must be an integer in [{lo}, {hi}], got {quote(text)}")
    value = int(text)
    if not lo <= value <= hi:
        raise InputError(f"{name} must be an integer in [{lo}, {hi}], got {quote(text)}")
    return value


_ENTRY = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE]([+-]?[0-9]{1,12}))?")


def decimal_entry_ok(text: object, max_exponent: int, max_chars: int = 80) -> bool:
    """Is ``text`` an ASCII decimal string of at most ``max_chars`` characters whose exponent
    is at most ``max_exponent`` in size? (A syntax check only: nothing is computed, so that a
    file cannot make the reader build a huge number.)"""
    if not isinstance(text, str) or len(text) > max_chars:
        return False
    m = _ENTRY.fullmatch(text)
    return bool(m) and (m.group(1) is None or abs(int(m.group(1))) <= max_exponent)


# ----------------------------------------------------------------------------- messages


def one_line(message: str) -> str:
    """``message`` with its line breaks escaped, so that it prints as one line."""
    return message.replace("\r", "\\r").replace("\n", "\\n")


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line on stderr and exit code 2, repeating
    at most :data:`QUOTE_LIMIT` characters of any argument."""

    _seen: list[str] = []

    def parse_known_args(self, args=None, namespace=None):  # noqa: ANN001, ANN201
        seen = list(sys.argv[1:] if args is None else args)
        self._seen = [a for a in seen if isinstance(a, str)]
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {clip_arguments(message, self._seen)}", file=sys.stderr)
        sys.exit(2)


def clip_arguments(message: str, argv: list[str]) -> str:
    """``message`` with every argument longer than the quote limit (and the value after an
    ``=`` in one) cut to the limit, on one line."""
    long = set()
    for a in argv:
        long.add(a)
        if a.startswith("-") and "=" in a:
            long.add(a.split("=", 1)[1])
    for a in sorted((a for a in long if len(a) > QUOTE_LIMIT), key=len, reverse=True):
        message = message.replace(repr(a), quote(a)).replace(a, quote(a)[1:-1])
    return one_line(message)
