"""The ``regret`` target: Theorem 1's regret over its bound, on online convex problems.

Problems searched: one coordinate (d = 1), linear losses ℓ_t(θ) = c_t θ on the box
[−D/2, D/2] with |c_t| ≤ G (:class:`laprop_theory.regret.Problem`, kind ``linear``), so
‖∇ℓ_t‖_∞ ≤ G_∞ = G, and every iterate and θ* lie within D (the run projects onto the box, as
:func:`laprop_theory.regret.run_regret` does). The searched sequence is (c_1, ..., c_T)
(decoded with |c_t| ≤ 1 = G). Algorithm: the analysed variant (Eq. 17,
``TheoryLaProp(cm="product")``: λ_t = λ/√t outside the momentum, μ_t = μζ^{t−1}).
Fixed: ζ = 0.9, λ = 0.1, D = 2, G = 1 (recorded as the target's options).

Objective: R(T) / (Eq. 9's right-hand side) when the run satisfies Theorem 1's hypotheses
(s_{t+1}/λ_{t+1} ≥ s_t/λ_t along the run, iterates within D), and −∞ otherwise (outside the
theorem). Bound: 1. The mpmath value is :func:`laprop_theory.regret.run_regret`'s
``ratio_eq9``; the float64 screen runs the same recurrence in ``F64`` and evaluates
:func:`laprop_theory.regret.theorem1_bound` through its linearity in s_T and ‖g_{1:T}‖
(bound = b(0, 0) + s_T·(b(1, 0) − b(0, 0)) + ‖g‖·(b(0, 1) − b(0, 0))). No ball evaluation is
implemented for this target, so a violation would be reported but not certified.

Also registered here: ``regret-adam2015`` and ``regret-amsgrad2018``, the regret of Kingma &
Ba's Adam and of Reddi et al.'s AMSGrad over their own papers' bounds (see the section at the
end of this module); those have a ball evaluation, so a violation is certified.
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np

from .. import recurrences as R
from .. import regret as RG
from .. import regret_papers as P
from ..bounds.adam2015 import HypothesisError
from ..numerics import DEFAULT_DPS, F64
from .registry import Target, TargetDomainError, register, unit_ball, unit_bound

ZETA, LAM, D, G = "0.9", "0.1", "2", "1"


def _algorithm(mu: Any, nu: Any) -> R.TheoryLaProp:
    return R.TheoryLaProp(lr=LAM, mu=mu, zeta=ZETA, nu=nu, cm="product")


def _problem(c: list[Any]) -> RG.Problem:
    with mpmath.workdps(40):
        data = tuple((mpmath.nstr(mpmath.mpf(v), 30),) for v in c)
    return RG.Problem("linear", 1, len(c), D, G, data)


def mp(g: list[Any], mu: Any, nu: Any, dps: int = DEFAULT_DPS, backend: Any = None) -> Any:
    """ratio_eq9 of run_regret (mpmath), or −inf outside the theorem's hypotheses."""
    with mpmath.workdps(dps):
        res = RG.run_regret(_algorithm(str(mu), str(nu)), _problem(g), mu=str(mu), nu=str(nu),
                            zeta=ZETA, lam=LAM, dps=dps)
        return res.ratio_eq9 if res.applicable else mpmath.mpf("-inf")


def f64(C: np.ndarray, mu: Any, nu: Any) -> np.ndarray:
    """The same ratio in float64 for a batch C of shape (B, T) (exploration only)."""
    C = np.clip(np.asarray(C, float), -1.0, 1.0)
    B, T = C.shape
    h = float(D) / 2
    traj = R.run(_algorithm(mu, nu), C[..., None], backend=F64,
                 project=lambda th: np.clip(th, -h, h))
    thetas = np.stack([th[..., 0] for th in traj.thetas[:T]], axis=1)  # θ_1..θ_T
    total = C.sum(axis=1)
    star = np.where(total > 0, -h, np.where(total < 0, h, 0.0))
    regret = np.sum(C * (thetas - star[:, None]), axis=1)
    nu_f = float(nu)
    n = np.stack([st["n"][..., 0] for st in traj.states], axis=1)
    s = np.sqrt(n / (1 - nu_f ** np.arange(1, T + 1)))
    ok = np.all(s[:, 1:] * np.sqrt(np.arange(2, T + 1)) >=
                s[:, :-1] * np.sqrt(np.arange(1, T)) * (1 - 1e-12), axis=1)
    b00, b10, b01 = (float(RG.theorem1_bound(mu=mu, nu=nu, zeta=ZETA, lam=LAM, D=D, G=G, T=T,
                                             s_T=[a], g_norms=[b], dps=30)["eq9"])
                     for a, b in ((0, 0), (1, 0), (0, 1)))
    bound = b00 + s[:, -1] * (b10 - b00) + np.sqrt(np.sum(C * C, axis=1)) * (b01 - b00)
    out = regret / bound
    out[~ok] = -np.inf
    return out


def arb(g: list[Any], mu: Any, nu: Any) -> Any:
    raise NotImplementedError("no ball evaluation of the regret target")


register(Target(
    "regret",
    f"Theorem 1: regret / Eq. 9 bound, linear losses |c_t| <= G={G} on a box of diameter "
    f"D={D}, zeta={ZETA}, lambda={LAM}, d=1 (> 1 is a violation)",
    f64, mp, arb, bound=unit_bound, arb_bound=unit_ball, scale_invariant=False,
    options={"zeta": ZETA, "lambda": LAM, "D": D, "G": G, "d": 1}))


# ----------------------------------------------------------------------------- 2015 / 2018
#
# ``regret-adam2015`` and ``regret-amsgrad2018``: the same linear problems (d = 1, box [−1, 1],
# |c_t| ≤ 1), run by Kingma & Ba's Adam (projected onto the box, Reddi et al.'s reading) or by
# Reddi et al.'s AMSGrad, with μ = β1 and ν = β2 searched and α, λ fixed. Objective:
# R(T) / (the paper's bound at T) with the constants measured along the run
# (:mod:`laprop_theory.regret_papers`); bound 1. Outside the theorem's hypotheses on (β1, β2)
# the target refuses the point (``check``). The ball evaluation re-runs the recurrence in
# ``ARB`` from the exact decimals, so a value above 1 is certified by ``search``'s certify.

PAPER_ALPHA, PAPER_LAMBDA = "0.5", "0.001"


def _paper_setting(algo: str, mu: Any, nu: Any) -> P.PaperSetting:
    return P.PaperSetting(algo, PAPER_ALPHA, _text(mu), _text(nu), PAPER_LAMBDA)


def _text(x: Any) -> str:
    """A hyperparameter as the exact decimal text the settings read (floats via repr)."""
    if isinstance(x, str):
        return x
    with mpmath.workdps(60):
        return mpmath.nstr(mpmath.mpf(x), 50) if isinstance(x, mpmath.mpf) else repr(float(x))


def _paper_check(algo: str) -> Any:
    def check(mu: Any, nu: Any, T: int) -> None:
        try:
            _paper_setting(algo, mu, nu).check()
        except HypothesisError as exc:
            raise TargetDomainError(f"target regret-{algo}: {exc}") from None

    return check


def _paper_mp(algo: str) -> Any:
    def mp_(g: list[Any], mu: Any, nu: Any, dps: int = DEFAULT_DPS, backend: Any = None) -> Any:
        with mpmath.workdps(dps):
            return P.ratio_at_horizon(_paper_setting(algo, mu, nu), _problem(g), dps=dps)

    return mp_


def _paper_arb(algo: str) -> Any:
    def arb_(g: list[Any], mu: Any, nu: Any) -> Any:
        return P.ratio_at_horizon(_paper_setting(algo, mu, nu), _problem(g), balls=True)

    return arb_


def _paper_f64(algo: str) -> Any:
    def f64_(C: np.ndarray, mu: Any, nu: Any) -> np.ndarray:
        return P.ratio_f64(_paper_setting(algo, mu, nu), np.clip(np.asarray(C, float), -1, 1))

    return f64_


for _algo, _thm in (("adam2015", "Kingma & Ba 2015 Theorem 4.1 (Adam projected onto the box)"),
                    ("amsgrad2018", "Reddi et al. 2018 Theorem 4 (AMSGrad)")):
    register(Target(
        f"regret-{_algo}",
        f"{_thm}: regret / bound with measured D, D_inf, G_inf, linear losses |c_t| <= 1 on "
        f"[-1, 1], mu = beta1, nu = beta2, alpha = {PAPER_ALPHA}, lambda = {PAPER_LAMBDA}, "
        "d = 1 (> 1 refutes the theorem)",
        _paper_f64(_algo), _paper_mp(_algo), _paper_arb(_algo), bound=unit_bound,
        arb_bound=unit_ball, check=_paper_check(_algo), scale_invariant=False,
        options={"alpha": PAPER_ALPHA, "lambda": PAPER_LAMBDA, "D": D, "G": G, "d": 1}))
