"""The s-expressions of the JSON certificates: parse, evaluate exactly or in intervals, and
translate to SMT-LIB2 -- with no code of the checker that wrote them.

Grammar (a small extension of SMT-LIB2 terms)::

    term := INTEGER | NAME | "pi"
          | (+ term+) | (* term+) | (- term) | (- term term) | (/ term term)
          | (^ term term)            power; the exponent is usually a constant
          | (abs term) | (sign term) | (exp term) | (log term)
          | (max term+) | (min term+)

Semantics are those of real analysis, with every partial operation checked:

* ``(/ a b)`` needs b ≠ 0;
* ``(^ b e)`` with e an integer k: b^k (0^0 = 1), and b ≠ 0 when k < 0; with e = p/q not an
  integer (q ≥ 2): the real root, which needs b ≥ 0 (b > 0 when p < 0) -- the principal value
  of a negative base is not real; any other e: exp(e·log b), which needs b > 0;
* ``(log a)`` needs a > 0; ``(sign a)`` is −1, 0 or 1.

:func:`exact` evaluates with :class:`fractions.Fraction` (raising :class:`Inexact` when the
value is irrational); :func:`interval` evaluates with ``mpmath`` interval arithmetic on a
private context, outward rounded, and raises :class:`Undefined` unless the term is certainly
defined on the whole box. :func:`to_smt` writes a term in SMT-LIB2 nonlinear real arithmetic,
with fresh variables for roots and reciprocals (y ≥ 0 ∧ (b ≥ 0 ⇒ y^q = b); b ≠ 0 ⇒ r·b = 1)
whose definedness conditions it collects.

The package: :mod:`.syntax` (the grammar and the parser), :mod:`.exact_values`
(:func:`exact`), :mod:`.intervals` (:func:`interval`, :data:`IV`) and :mod:`.smt_writer`
(:class:`SmtWriter`).
"""

from __future__ import annotations

# the private names below are read by verify/algebra.py and tests/theory/proof/test_certificates.py
from .exact_values import exact
from .intervals import IV, hi, hull, interval, ival, lo, to_fraction, value
from .intervals import _ipow_int as _ipow_int
from .smt_writer import SmtWriter, smt_real
from .syntax import _INT as _INT
from .syntax import _NAME as _NAME
from .syntax import OPERATORS, Inexact, Node, SexprError, Undefined, names_in, parse

__all__ = ["IV", "OPERATORS", "Inexact", "Node", "SexprError", "SmtWriter", "Undefined",
           "exact", "hi", "hull", "interval", "ival", "lo", "names_in", "parse", "smt_real",
           "to_fraction", "value"]
