"""What the course notebooks' check cells share: turning a reader's answer into a value, or
into an ``AssertionError`` that says what is wrong with it (a placeholder ``...`` left in
place, a string that is not a number, a formula in symbols the exercise does not have).

Used by ``notebooks/0*.ipynb`` (and their solutions); nothing in the library depends on it.
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy as sp

__all__ = ["formula", "given", "number", "value_at"]


def given(value: Any, name: str) -> Any:
    """``value`` unless it is still the placeholder ``...`` (or ``None``)."""
    assert value is not ... and value is not None, \
        f"{name}: replace the placeholder ... by your answer"
    return value


def number(value: Any, name: str) -> mpmath.mpf:
    """The answer as an mpf (a number or a decimal string; exact at the current precision)."""
    given(value, name)
    try:
        return mpmath.mpf(value)
    except (TypeError, ValueError):
        raise AssertionError(f"{name} must be a number or a decimal string, "
                             f"got {value!r}") from None


def formula(value: Any, name: str, symbols: dict[str, sp.Symbol]) -> sp.Expr:
    """The answer as a sympy expression in the exercise's symbols (``symbols``: name → Symbol;
    a name the reader typed is mapped onto the exercise's symbol of that name)."""
    given(value, name)
    try:
        expr = sp.sympify(value)
    except (sp.SympifyError, TypeError, SyntaxError):
        raise AssertionError(f"{name} must be a sympy expression, got {value!r}") from None
    names = {s.name for s in expr.free_symbols}
    assert names <= set(symbols), \
        f"{name} may use only {sorted(symbols)}, it uses {sorted(names)}"
    return expr.subs({s: symbols[s.name] for s in expr.free_symbols})


def value_at(expr: sp.Expr, point: dict[sp.Symbol, Any], name: str) -> mpmath.mpf:
    """``expr`` at an exact point (Symbol → exact number), as a 40-digit mpf."""
    v = sp.N(expr.subs(point), 40)
    assert v.is_real, f"{name} is not a real number at {point}: {v}"
    return mpmath.mpf(str(v))
