"""The other papers' hypotheses on (β1, β2, λ) (bounds/adam2015.py, bounds/amsgrad2018.py):
each failing hypothesis is named, with the theorem, in the first message that fails.

γ is computed by hand: Kingma & Ba's γ = β1²/√β2, Reddi et al.'s γ = β1/√β2."""

from __future__ import annotations

import pytest

from laprop_theory.bounds.adam2015 import HypothesisError, check_theorem41
from laprop_theory.bounds.amsgrad2018 import check_theorem4


@pytest.mark.parametrize("beta1, beta2, lam, message", [
    (1, 0.5, 0.5, r"beta1 must be in \[0, 1\) \(Theorem 4.1\), got 1"),
    (0.5, -0.1, 0.5, r"beta2 must be in \[0, 1\) \(Theorem 4.1\), got -0.1"),
    (0.5, 0, 0.5, r"gamma = beta1\^2/sqrt\(beta2\) is undefined \(Theorem 4.1"),
    # 0.9² / √0.5 = 0.81 / 0.70711 = 1.1455 >= 1
    (0.9, 0.5, 0.5, r"gamma = beta1\^2/sqrt\(beta2\) = 1.14551\d* must be < 1"),
    (0.5, 0.5, 1, r"lambda .* must be in \(0, 1\) \(Theorem 4.1\), got 1"),
])
def test_theorem41_hypotheses(beta1, beta2, lam, message):
    with pytest.raises(HypothesisError, match=message):
        check_theorem41(beta1, beta2, lam)


@pytest.mark.parametrize("beta1, beta2, lam, message", [
    (1, 0.5, 0.5, r"beta1 must be in \[0, 1\) \(Theorem 4\), got 1"),
    (0.5, 1, 0.5, r"beta2 must be in \[0, 1\) \(Theorem 4\), got 1"),
    (0.5, 0, 0.5, r"gamma = beta1/sqrt\(beta2\) is undefined \(Theorem 4 needs"),
    # 0.9 / √0.5 = 1.27279 >= 1
    (0.9, 0.5, 0.5, r"gamma = beta1/sqrt\(beta2\) = 1.27279\d* must be < 1 \(Theorem 4\)"),
    (0.5, 0.5, 0, r"lambda .* must be in \(0, 1\], got 0"),
])
def test_theorem4_hypotheses(beta1, beta2, lam, message):
    with pytest.raises(HypothesisError, match=message):
        check_theorem4(beta1, beta2, lam)


def test_inside_the_hypotheses_nothing_is_raised():
    # Kingma & Ba's γ = 0.81/√0.999 ≈ 0.8104 < 1; Reddi's γ = 0.9/√0.999 ≈ 0.9005 < 1;
    # λ = 1 is inside Theorem 4 (β1t = β1) but not Theorem 4.1 (λ ∈ (0, 1))
    check_theorem41(0.9, 0.999, 1 - 1e-8)
    check_theorem4(0.9, 0.999, 1)
