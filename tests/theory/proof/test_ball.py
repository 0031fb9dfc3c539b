"""proof.ball.to_arb: the ball of a number contains that number exactly, whatever its sign
and type (a ball of the wrong sign would certify a wrong counterexample)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from flint import fmpq

from laprop_theory.proof.ball import to_arb

VALUES = [-1.0, -2.5, -0.1, -1e-300, -3.0e5, 0.75, 1e-7, -5e-324, 0.0]


@pytest.mark.parametrize("x", VALUES)
@pytest.mark.parametrize("kind", ["float", "mpf", "numpy"])
def test_the_ball_contains_the_exact_binary_value(x, kind):
    value = {"float": x, "mpf": mpmath.mpf(x), "numpy": np.float64(x)}[kind]
    exact = Fraction(x)  # Python's exact binary value of the float, an independent route
    ball = to_arb(value)
    assert ball.contains(fmpq(exact.numerator, exact.denominator))
    assert ball.rad() == 0  # a binary fraction is represented exactly


def test_negative_values_keep_their_sign():
    assert to_arb(mpmath.mpf("-2.5")) < 0 and to_arb(-1.0) < 0 and to_arb(-3) < 0
    assert to_arb(Fraction(-1, 3)) < 0 and to_arb("-0.1") < 0
