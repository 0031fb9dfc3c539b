"""Empirical regret of the Theorem 1 variant against the paper's bound, and the Reddi et al.
counterexample.

Theorem 1 (Sec. 4, proof in Appendix A.3) bounds the regret R(T) = Σ_t ℓ_t(θ_t) − Σ_t ℓ_t(θ*)
of :class:`laprop_theory.recurrences.TheoryLaProp` (λ_t = λ/√t, μ_t = μζ^{t−1}) on online
convex problems with ‖∇ℓ_t‖_∞ ≤ G_∞ and iterates within D of θ*, provided
s_{t+1,i}/λ_{t+1} ≥ s_{t,i}/λ_t. This module

* builds online convex problems that satisfy the hypotheses on the box [−D/2, D/2]^d
  (linear losses c_t·θ with |c_{t,i}| = G, and quadratic losses ½ Σ_i a_i (θ_i − b_{t,i})²);
  after each step the iterate is projected onto the box (coordinate clipping), so every
  iterate and θ* (the minimiser of Σ_t ℓ_t over the box) lie in a set of ∞-diameter D.
  Projection is not in the paper's algorithm; onto a box containing θ* it only shortens
  |θ_{t+1} − θ*| coordinatewise, so Eq. (18) holds as ≤ and the proof goes through (step
  ``eq18[projected]`` of the ``theorem1`` claim). ``project=False`` runs the paper's
  unprojected algorithm and reports whether the iterates stayed within D;
* evaluates :func:`theorem1_bound` (Eq. 9 = Eq. 26 and the worst-case form), checks the
  assumption along the trajectory, and returns R(T), the bounds and the ratios in mpmath;
* reproduces the counterexample family of Reddi, Kale & Kumar (2018), Theorem 1:
  f_t(x) = C x if t mod 3 = 1 else −x on [−1, 1], with β1 = 0, β2 = 1/(1 + C²), α_t = α/√t.

Every algorithm is read from :mod:`laprop_theory.recurrences`; all reported values are
mpmath at ``dps`` digits (default 50), computed inside ``mpmath.workdps``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from . import recurrences as R
from .numerics import DEFAULT_DPS, MP, Backend, mp_str

__all__ = [
    "Problem",
    "RegretResult",
    "ReddiRun",
    "algorithms",
    "linear_problem",
    "quadratic_problem",
    "reddi_algorithms",
    "reddi_outcomes",
    "reddi_problem",
    "run_reddi",
    "run_regret",
    "theorem1_bound",
]


# ----------------------------------------------------------------------------- problems

@dataclass(frozen=True)
class Problem:
    """An online convex problem on the box [−D/2, D/2]^d with losses fixed in advance.

    ``kind`` is ``linear`` (ℓ_t(θ) = c_t·θ, ``data[t−1] = c_t``), ``quadratic``
    (ℓ_t(θ) = ½ Σ_i a_i (θ_i − b_{t,i})², ``data[t−1] = b_t``) or ``reddi``
    (d = 1, ℓ_t(x) = C x if t mod 3 = 1 else −x, box [−1, 1]). Numbers are decimal strings,
    read exactly by mpmath. ``G`` is sup over the box of ‖∇ℓ_t‖_∞ (the hypothesis G_∞).
    """

    kind: str
    d: int
    T: int
    D: str
    G: str
    data: tuple[tuple[str, ...], ...] = ()
    curvature: tuple[str, ...] = ()
    C: str = "0"

    def half(self) -> Any:
        return mpmath.mpf(self.D) / 2

    def grad(self, t: int, theta: np.ndarray) -> list[Any]:
        """∇ℓ_t(θ) (mpf list); call inside ``workdps``."""
        if self.kind == "linear":
            return [mpmath.mpf(v) for v in self.data[t - 1]]
        if self.kind == "quadratic":
            return [mpmath.mpf(a) * (theta[i] - mpmath.mpf(b))
                    for i, (a, b) in enumerate(zip(self.curvature, self.data[t - 1],
                                                   strict=True))]
        return [mpmath.mpf(self.C) if t % 3 == 1 else mpmath.mpf(-1)]

    def loss(self, t: int, theta: Sequence[Any]) -> Any:
        """ℓ_t(θ) (mpf); call inside ``workdps``."""
        if self.kind == "linear":
            return mpmath.fsum(mpmath.mpf(c) * th for c, th in zip(self.data[t - 1], theta,
                                                                   strict=True))
        if self.kind == "quadratic":
            return mpmath.fsum(mpmath.mpf(a) * (th - mpmath.mpf(b)) ** 2 / 2
                               for a, b, th in zip(self.curvature, self.data[t - 1], theta,
                                                   strict=True))
        return (mpmath.mpf(self.C) if t % 3 == 1 else mpmath.mpf(-1)) * theta[0]

    def theta_star(self) -> list[Any]:
        """argmin over the box of Σ_{t≤T} ℓ_t (coordinatewise; exact for these losses)."""
        h = self.half()
        if self.kind in ("linear", "reddi"):
            out = []
            for i in range(self.d):
                if self.kind == "linear":
                    total = mpmath.fsum(mpmath.mpf(self.data[t][i]) for t in range(self.T))
                else:
                    total = mpmath.fsum(mpmath.mpf(self.C) if t % 3 == 1 else mpmath.mpf(-1)
                                        for t in range(1, self.T + 1))
                out.append(-h if total > 0 else (h if total < 0 else mpmath.mpf(0)))
            return out
        means = [mpmath.fsum(mpmath.mpf(self.data[t][i]) for t in range(self.T)) / self.T
                 for i in range(self.d)]
        return [min(max(m, -h), h) for m in means]

    def projector(self) -> Callable[[np.ndarray], np.ndarray]:
        """Coordinate clipping onto the box (works in both backends)."""
        h = self.half()

        def clip_mp(v: Any) -> Any:
            return min(max(v, -h), h)

        clip_u = np.frompyfunc(clip_mp, 1, 1)

        def project(theta: np.ndarray) -> np.ndarray:
            if theta.dtype == object:
                return clip_u(theta)
            return np.clip(theta, -float(h), float(h))

        return project


def linear_problem(d: int, T: int, *, D: str = "2", G: str = "1", seed: int = 0,
                   bias: float = 0.6) -> Problem:
    """ℓ_t(θ) = c_t·θ with c_{t,i} = ±G (sign +1 with probability ``bias``): |g| = G always,
    so s_t = G for every t and the assumption s_{t+1}/λ_{t+1} ≥ s_t/λ_t holds exactly."""
    r = random.Random(seed)
    data = tuple(tuple(G if r.random() < bias else f"-{G}" for _ in range(d)) for _ in range(T))
    return Problem("linear", d, T, D, G, data)


def quadratic_problem(d: int, T: int, *, D: str = "2", seed: int = 0) -> Problem:
    """ℓ_t(θ) = ½ Σ_i a_i (θ_i − b_{t,i})², a_i ∈ [0.5, 2], b_{t,i} ∈ [−D/2, D/2] uniform
    (3 decimals): convex; on the box |∇ℓ_t|_i ≤ a_i D =: G (θ and b_t both in the box)."""
    r = random.Random(seed)
    h = float(D) / 2
    curv = tuple(f"{r.randint(500, 2000) / 1000:.3f}" for _ in range(d))
    data = tuple(tuple(f"{r.uniform(-h, h):.3f}" for _ in range(d)) for _ in range(T))
    with mpmath.workdps(30):
        G = mpmath.nstr(max(mpmath.mpf(a) for a in curv) * mpmath.mpf(D), 20)
    return Problem("quadratic", d, T, D, G, data, curv)


def reddi_problem(T: int, C: str = "3") -> Problem:
    """Reddi, Kale & Kumar (2018), Theorem 1: f_t(x) = C x if t mod 3 = 1 else −x on
    [−1, 1] (D = 2, G = C); the optimum of Σ_t f_t is x = −1 when C > 2."""
    return Problem("reddi", 1, T, "2", C, C=C)


# ----------------------------------------------------------------------------- the bound

def theorem1_bound(*, mu: Any, nu: Any, zeta: Any, lam: Any, D: Any, G: Any, T: int,
                   s_T: Sequence[Any], g_norms: Sequence[Any],
                   dps: int = DEFAULT_DPS) -> dict[str, Any]:
    """The right-hand sides of Theorem 1 (mpf at ``dps`` digits).

    ``eq9`` (= Eq. 26 with Σ_{i=1}^d):
        D²√T/(2λ(1−μ)) Σ_i s_{T,i} + μ d D² G/(2λ(1−μ)(1−ζ)²)
        + λ √(1 + ln T)/((1−μ)(1−ν)√(1−ν)) Σ_i ‖g_{1:T,i}‖₂;
    ``worst`` (the worst-case form after Eq. 9): the same first two terms
        + 2 λ d G √T/((1−μ)(1−ν)).
    Also returned: the three terms of each form (``terms_eq9``, ``terms_worst``).
    """
    with mpmath.workdps(dps):
        mu, nu, zeta, lam, D, G = (mpmath.mpf(v) for v in (mu, nu, zeta, lam, D, G))
        d = len(s_T)
        sq = mpmath.sqrt(T)
        t1 = D**2 * sq / (2 * lam * (1 - mu)) * mpmath.fsum(s_T)
        t2 = mu * d * D**2 * G / (2 * lam * (1 - mu) * (1 - zeta) ** 2)
        t3 = lam * mpmath.sqrt(1 + mpmath.log(T)) / ((1 - mu) * (1 - nu) * mpmath.sqrt(1 - nu)) \
            * mpmath.fsum(g_norms)
        t3w = 2 * lam * d * G * sq / ((1 - mu) * (1 - nu))
        return {"eq9": t1 + t2 + t3, "worst": t1 + t2 + t3w,
                "terms_eq9": (t1, t2, t3), "terms_worst": (t1, t2, t3w)}


# ----------------------------------------------------------------------------- runner

@dataclass
class RegretResult:
    """R(T), the bounds and what was checked, for one algorithm on one problem."""

    algorithm: str
    problem: str
    T: int
    d: int
    regret: Any
    bound_eq9: Any
    bound_worst: Any
    ratio_eq9: Any
    ratio_worst: Any
    assumption_held: bool
    assumption_violations: int
    first_violation: tuple[int, int] | None
    max_dist: Any
    within_D: bool
    applicable: bool
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, digits: int = 30) -> dict[str, Any]:
        def f(v: Any) -> Any:
            return mp_str(v, digits) if isinstance(v, mpmath.mpf) else v

        return {k: f(v) for k, v in self.__dict__.items() if k != "extra"}


def algorithms(mu: str, nu: str, zeta: str, lam: str) -> dict[str, R.Algorithm]:
    """The algorithms the ``regret`` command runs: the analysed variant under each c_m
    convention, Algorithm 1's placement of λ_t with the same schedules, and Algorithm 1
    as implemented (``LaProp``, constant μ, λ_t = λ/√t)."""

    def lr(t: int) -> Any:
        return mpmath.mpf(lam) / mpmath.sqrt(t)

    out: dict[str, R.Algorithm] = {
        f"theory[cm={cm}]": R.TheoryLaProp(lr=lam, mu=mu, zeta=zeta, nu=nu, cm=cm)
        for cm in ("product", "power", "one")
    }
    out["theory[lr=inside]"] = R.TheoryLaProp(lr=lam, mu=mu, zeta=zeta, nu=nu, cm="product",
                                              lr_inside=True)
    out["laprop(alg.1)"] = R.LaProp(lr=lr, mu=mu, nu=nu)
    return out


def run_regret(alg: R.Algorithm, problem: Problem, *, mu: str, nu: str, zeta: str, lam: str,
               project: bool = True, dps: int = DEFAULT_DPS, name: str | None = None
               ) -> RegretResult:
    """Run ``alg`` on ``problem`` (MP backend, ``dps`` digits) from θ_1 = 0 and return R(T),
    Theorem 1's bounds (with this run's s_T and ‖g_{1:T,i}‖) and their ratios.

    The assumption s_{t+1,i}/λ_{t+1} ≥ s_{t,i}/λ_t (λ_t = λ/√t, s_t = sqrt(n_t/c_n) from the
    run's state) is checked for every t < T and i; ``applicable`` is True when the assumption
    held, the iterates stayed within D of θ* and the algorithm is the analysed variant
    (λ_t outside the momentum, μ_t = μζ^{t−1})."""
    T, d = problem.T, problem.d
    with mpmath.workdps(dps):
        traj = R.run(alg, lambda t, th: problem.grad(t, th), theta0=[0] * d, steps=T, dps=dps,
                     backend=MP, project=problem.projector() if project else None)
        star = problem.theta_star()
        regret = mpmath.fsum(problem.loss(t, traj.thetas[t - 1]) - problem.loss(t, star)
                             for t in range(1, T + 1))
        nu_ = mpmath.mpf(nu)
        s = [[mpmath.sqrt(st["n"][i] / (1 - nu_**t)) for i in range(d)]
             for t, st in enumerate(traj.states, start=1)]
        tol = mpmath.mpf(10) ** (-(dps - 10))
        violations, first = 0, None
        for t in range(1, T):
            for i in range(d):
                lhs = s[t][i] * mpmath.sqrt(t + 1)
                rhs = s[t - 1][i] * mpmath.sqrt(t)
                if lhs < rhs - tol * (1 + abs(rhs)):
                    violations += 1
                    first = first or (t, i)
        g_norms = [mpmath.sqrt(mpmath.fsum(g[i] ** 2 for g in traj.grads)) for i in range(d)]
        b = theorem1_bound(mu=mu, nu=nu, zeta=zeta, lam=lam, D=problem.D, G=problem.G, T=T,
                           s_T=s[-1], g_norms=g_norms, dps=dps)
        max_dist = max(abs(th[i] - star[i]) for th in traj.thetas[:T] for i in range(d))
        D = mpmath.mpf(problem.D)
        within = bool(max_dist <= D)
        analysed = isinstance(alg, R.TheoryLaProp) and not alg.lr_inside
        covered = analysed and alg.cm in ("product", "one")
        name = name or alg.name
        note = []
        if not analysed:
            note.append("not the analysed algorithm (lambda_t inside the momentum or constant "
                        "mu): the bound is shown for comparison only")
        elif not covered:
            note.append("c_m = 1 - mu^t: the proof fails at Eq. 20 (theorem1 claim); the bound "
                        "is shown for comparison only")
        if violations:
            note.append(f"assumption violated {violations} times (first at t={first[0]}, "
                        f"i={first[1]})")
        if not within:
            note.append("iterates left the distance D")
        return RegretResult(
            name, problem.kind, T, d, regret, b["eq9"], b["worst"],
            regret / b["eq9"], regret / b["worst"], violations == 0, violations, first,
            max_dist, within, covered and violations == 0 and within, "; ".join(note),
            {"terms_eq9": b["terms_eq9"], "terms_worst": b["terms_worst"]})


# ----------------------------------------------------------------------------- Reddi et al.

@dataclass
class ReddiRun:
    """One algorithm on the Reddi problem: iterates x_t and average regret R(t)/t."""

    name: str
    T: int
    backend: str
    x: np.ndarray
    avg_regret: np.ndarray
    final_x: Any
    final_avg_regret: Any


def reddi_algorithms(C: str = "3", alpha: str = "0.5", mu: str = "0"
                     ) -> dict[str, R.Algorithm]:
    """Adam, AMSGrad, LaProp, AmsProp with Reddi et al.'s Theorem 1 parameters
    β1 = μ = 0, β2 = ν = 1/(1 + C²), α_t = α/√t, ε = 0 (``mu`` may be raised; their
    condition β1 < √β2 is μ < 1/sqrt(1 + C²)). With μ = 0 LaProp is Adam and AmsProp is
    AMSGrad (both reduce to bias-corrected RMSProp, with or without the max)."""
    with mpmath.workdps(60):
        nu = mpmath.nstr(1 / (1 + mpmath.mpf(C) ** 2), 50)

    def lr(t: int) -> Any:  # evaluated inside the run's workdps; F64 takes float() of it
        return mpmath.mpf(alpha) / mpmath.sqrt(t)

    return {
        "Adam": R.Adam(lr=lr, mu=mu, nu=nu),
        "AMSGrad": R.amsgrad(lr=lr, mu=mu, nu=nu),
        "LaProp": R.LaProp(lr=lr, mu=mu, nu=nu),
        "AmsProp": R.amsprop(lr=lr, mu=mu, nu=nu),
    }


def run_reddi(alg: R.Algorithm, T: int, *, C: str = "3", backend: Backend = MP,
              dps: int = DEFAULT_DPS, name: str | None = None, x0: str = "1") -> ReddiRun:
    """Run ``alg`` on f_t(x) = C x (t mod 3 = 1) else −x, projected onto [−1, 1], from
    x_1 = ``x0``; R(t) = Σ_{k≤t} f_k(x_k) − min_{x∈[−1,1]} Σ_{k≤t} f_k(x)."""
    prob = reddi_problem(T, C)
    with mpmath.workdps(dps if backend is MP else 30):
        if backend is MP:
            def grads(t: int, th: np.ndarray) -> list[Any]:
                return prob.grad(t, th)
        else:
            c = float(C)

            def grads(t: int, th: np.ndarray) -> list[Any]:
                return [c if t % 3 == 1 else -1.0]
        traj = R.run(alg, grads, theta0=[x0], steps=T, dps=dps, backend=backend,
                     project=prob.projector(), keep_states=False)
        xs = traj.thetas[:T]
        if backend is MP:
            Cm = mpmath.mpf(C)
            coef = [Cm if t % 3 == 1 else mpmath.mpf(-1) for t in range(1, T + 1)]
            run_loss, run_coef, avg = mpmath.mpf(0), mpmath.mpf(0), []
            for t in range(T):
                run_loss += coef[t] * xs[t][0]
                run_coef += coef[t]
                avg.append((run_loss + abs(run_coef)) / (t + 1))
            x_arr = np.array([v[0] for v in xs], dtype=object)
            avg_arr = np.array(avg, dtype=object)
        else:
            coef_f = np.array([float(C) if t % 3 == 1 else -1.0 for t in range(1, T + 1)])
            x_arr = np.array([float(v[0]) for v in xs])
            avg_arr = (np.cumsum(coef_f * x_arr) + np.abs(np.cumsum(coef_f))) / np.arange(
                1, T + 1)
        return ReddiRun(name or alg.name, T, backend.name, x_arr, avg_arr, x_arr[-1],
                        avg_arr[-1])


def reddi_outcomes(runs: dict[str, ReddiRun], *, threshold: float = 0.1
                   ) -> dict[str, dict[str, Any]]:
    """Classify each run. ``end``: the mean iterate over the last 300 steps is within 0.1 of
    −1 (the optimum), of +1 (the worst point), or neither. ``converges`` (R(T)/T → 0): the
    iterates sit at −1 and R(t)/t fell over the last third of the run, below ``threshold``.
    A run stuck at +1 has R(t)/t → 2(C − 2)/3 (regret 2(C − 2) per period of 3)."""
    out = {}
    for name, r in runs.items():
        T = r.T
        with mpmath.workdps(30):
            a_end = mpmath.mpf(r.avg_regret[-1])
            a_mid = mpmath.mpf(r.avg_regret[(2 * T) // 3])
            tail = r.x[-min(300, T):]
            x_mean = mpmath.fsum(mpmath.mpf(v) for v in tail) / len(tail)
            end = "-1" if x_mean < -0.9 else ("+1" if x_mean > 0.9 else "neither")
            conv = bool(end == "-1" and a_end < threshold and a_end < a_mid)
            out[name] = {"avg_regret_T": mp_str(a_end, 20), "avg_regret_2T/3": mp_str(a_mid, 20),
                         "mean_x_last": mp_str(x_mean, 20), "T": T, "backend": r.backend,
                         "end": end, "converges": conv}
    return out

