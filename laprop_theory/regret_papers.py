"""Regret of Adam (Kingma & Ba 2015) and AMSGrad (Reddi, Kale & Kumar 2018) against their
papers' own regret bounds, with certified crossings.

For one :class:`~laprop_theory.regret.Problem` (linear or quadratic losses on the box
[−D/2, D/2]^d, or Reddi et al.'s Theorem 1 sequence f_t(x) = C x if t mod 3 = 1 else −x on
[−1, 1]) and one algorithm (:class:`~laprop_theory.recurrences.Adam2015` or
:class:`~laprop_theory.recurrences.AMSGrad2018`), :func:`measure` runs T steps once in
``MP`` and, for every prefix T' ≤ T (the algorithms are online, so the prefix run is the run
of horizon T'), evaluates

* the regret R(T') = Σ_{t≤T'} f_t(θ_t) − min_{θ∈box} Σ_{t≤T'} f_t(θ) (Kingma & Ba Eq. (5);
  Reddi et al. Section 2), θ* the minimiser over the box;
* the theorem's right-hand side, :mod:`laprop_theory.bounds.adam2015` (Theorem 4.1) or
  :mod:`laprop_theory.bounds.amsgrad2018` (Theorem 4), with the constants measured:
  Adam 2015: D∞ = max_i of the spread of {θ_{1,i}, ..., θ_{T',i}, θ*_i}, D = the diagonal of
  that bounding box (a valid D: every pairwise ℓ2 distance is at most it; equal to the
  diameter when d = 1), G∞ = max |g_{t,i}| over the run (for linear losses the gradient does
  not depend on θ, so this is the sup over R^d the theorem asks for), v̂_{T',i} =
  v_{T',i}/(1 − β2^{T'}); AMSGrad 2018: D∞ = D, the ∞-diameter of F = the box (Theorem 4's
  hypothesis is on F), v̂ its running maximum, and Σ_t Σ_i β1t v̂_{t,i}^{1/2}/α_t;
  both: ‖g_{1:T',i}‖₂.

Reading of Theorem 4.1 (Adam has no projection): ``project=True`` runs Adam projected onto
the box after each step (Reddi et al.'s reading: Adam is their Algorithm 1 with ψ, φ of Adam
and F the box; θ* and the iterates then lie in F); ``project=False`` runs Algorithm 1 as
printed on R^d and measures D, D∞ from the iterates and θ* (θ* still the box's minimiser).
Either way the measured D, D∞, G∞ satisfy the hypotheses on this run by construction, so the
run is inside Theorem 4.1 exactly when β1, β2 ∈ [0, 1), γ = β1²/√β2 < 1, λ ∈ (0, 1) and the
gradients are bounded on R^d (true for linear losses, false for quadratic ones).

A run with R(T') > bound(T') inside the hypotheses refutes the theorem's statement;
:func:`certify` re-runs the first such T' in ball arithmetic (``ARB``, python-flint) from the
exact hyperparameters (Fractions) and reports an enclosure of R(T') − bound(T') that excludes
0, or says it could not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from . import recurrences as R
from .bounds import adam2015 as B15
from .bounds import amsgrad2018 as B18
from .inputs import parse_real
from .numerics import ARB, DEFAULT_DPS, MP, Backend, Ball, arb_workprec, mp_str
from .recurrences.amsgrad2018 import box_clip
from .regret import Problem

__all__ = ["ALGOS", "THEOREMS", "Crossing", "PaperRun", "PaperSetting", "certify", "measure",
           "ratio_at_horizon", "ratio_f64"]

ALGOS = ("adam2015", "amsgrad2018")
THEOREMS = {"adam2015": "Theorem 4.1 (Kingma & Ba 2015)",
            "amsgrad2018": "Theorem 4 (Reddi, Kale & Kumar 2018)"}


@dataclass(frozen=True)
class PaperSetting:
    """The algorithm and its hyperparameters, as exact decimal or fraction strings (``eps``:
    Algorithm 1's ε ≥ 0, Adam 2015 only; Theorem 4.1 puts no condition on it)."""

    algo: str
    alpha: str
    beta1: str
    beta2: str
    lam: str
    project: bool = True
    eps: str = "0"

    def __post_init__(self) -> None:
        if self.algo not in ALGOS:
            raise ValueError(f"algo must be one of {', '.join(ALGOS)}, got {self.algo!r}")
        for name in ("alpha", "beta1", "beta2", "lam", "eps"):
            parse_real(getattr(self, name), name)
        if self.algo != "adam2015" and parse_real(self.eps) != 0:
            raise ValueError("eps applies to adam2015 only (Algorithm 2 has no epsilon)")

    def exact(self, name: str) -> Fraction:
        return parse_real(getattr(self, name), name)

    def check(self) -> None:
        """Raise :class:`~laprop_theory.bounds.adam2015.HypothesisError` outside the theorem."""
        b1, b2, lm = (self.exact(k) for k in ("beta1", "beta2", "lam"))
        if self.algo == "adam2015":
            B15.check_theorem41(_mp(b1), _mp(b2), _mp(lm))
        else:
            B18.check_theorem4(_mp(b1), _mp(b2), _mp(lm))

    def algorithm(self, problem: Problem, exact: bool = False) -> R.Algorithm:
        """The recurrence; ``exact``: Fraction hyperparameters (for ``ARB``), else decimals
        at 60 digits (for ``MP``)."""
        vals = {k: self.exact(k) if exact else _decimal(self.exact(k))
                for k in ("alpha", "beta1", "beta2", "lam")}
        if self.algo == "adam2015":
            eps = self.exact("eps")
            return R.Adam2015(**vals, eps=eps if exact else _decimal(eps))
        h = _exact_half(problem)
        return R.AMSGrad2018(**vals, lo=-h if exact else _decimal(-h),
                             hi=h if exact else _decimal(h))


def _decimal(x: Fraction, digits: int = 60) -> str:
    with mpmath.workdps(digits + 10):
        return mpmath.nstr(mpmath.mpf(x.numerator) / x.denominator, digits)


def _mp(x: Fraction) -> Any:
    return mpmath.mpf(x.numerator) / x.denominator


def _exact_half(problem: Problem) -> Fraction:
    return parse_real(problem.D, "D") / 2


def _exact_grad(problem: Problem, t: int, theta: np.ndarray) -> list[Any]:
    """∇f_t(θ) from exact Fractions (the ball run; ``Problem.grad`` returns mpf)."""
    if problem.kind == "linear":
        return [parse_real(v) for v in problem.data[t - 1]]
    if problem.kind == "quadratic":
        return [parse_real(a) * (theta[i] - parse_real(b))
                for i, (a, b) in enumerate(zip(problem.curvature, problem.data[t - 1],
                                               strict=True))]
    return [parse_real(problem.C) if t % 3 == 1 else -1]


def _inside(setting: PaperSetting, problem: Problem) -> tuple[bool, list[str]]:
    notes = []
    try:
        setting.check()
    except B15.HypothesisError as exc:
        notes.append(str(exc))
    if setting.algo == "adam2015" and problem.kind == "quadratic":
        notes.append("quadratic losses: the gradients are not bounded on R^d, which Theorem "
                     "4.1 assumes; the bound is shown for comparison only")
    return not notes, notes


@dataclass
class Crossing:
    """The first T with R(T) > bound(T): mpmath values and, once certified, the ball."""

    T: int
    regret: Any
    bound: Any
    margin: Any
    certified: bool | None = None
    margin_ball: str = ""
    prec_bits: int = 0
    note: str = ""

    def as_dict(self, digits: int = 30) -> dict[str, Any]:
        return {"T": self.T, "regret": mp_str(self.regret, digits),
                "bound": mp_str(self.bound, digits), "margin": mp_str(self.margin, digits),
                "certified": self.certified, "margin_ball": self.margin_ball,
                "prec_bits": self.prec_bits, "note": self.note}


@dataclass
class PaperRun:
    """R(T) and the theorem's bound at the horizon T, the measured constants, and the first
    crossing over all prefixes (None when R(T') ≤ bound(T') for every T' ≤ T)."""

    algo: str
    theorem: str
    problem: str
    T: int
    d: int
    projected: bool
    regret: Any
    bound: Any
    terms: tuple[Any, ...]
    constants: dict[str, Any]
    inside: bool
    notes: list[str]
    crossing: Crossing | None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def refutes(self) -> bool:
        """A crossing inside the hypotheses whose margin the balls certify."""
        return bool(self.inside and self.crossing is not None and self.crossing.certified)

    def as_dict(self, digits: int = 30) -> dict[str, Any]:
        f = lambda v: mp_str(v, digits)  # noqa: E731
        return {"algo": self.algo, "theorem": self.theorem, "problem": self.problem,
                "T": self.T, "d": self.d, "projected": self.projected,
                "regret": f(self.regret), "bound": f(self.bound),
                "ratio": f(self.regret / self.bound), "terms": [f(t) for t in self.terms],
                "constants": {k: f(v) if isinstance(v, mpmath.mpf) else
                              [f(x) for x in v] for k, v in self.constants.items()},
                "inside_hypotheses": self.inside, "notes": self.notes,
                "first_crossing": self.crossing.as_dict(digits) if self.crossing else None,
                "refutes": self.refutes}


class _Tracker:
    """Running sums of one run, from which R(T') and the bound's constants follow for every
    prefix T'. Works on mpf (``MP``) and on :class:`Ball` (``ARB``) values alike."""

    def __init__(self, setting: PaperSetting, problem: Problem, half: Any, zero: Any,
                 curvature: list[Any]) -> None:
        self.s, self.p, self.h, self.zero = setting, problem, half, zero
        self.p_curv = curvature       # quadratic: a_i
        d = problem.d
        self.loss = zero
        self.coef = [zero] * d        # linear: Σ c_t;  quadratic: Σ b_t
        self.coef2 = [zero] * d       # quadratic: Σ b_t²
        self.lo: list[Any] = [None] * d
        self.hi: list[Any] = [None] * d
        self.gsq = [zero] * d
        self.g_inf = zero
        self.momentum_sum = zero

    def add(self, t: int, theta: np.ndarray, g: np.ndarray, loss: Any, data: list[Any],
            vhat: list[Any], b1t: Any, alpha_t: Any) -> None:
        self.loss = self.loss + loss
        for i in range(self.p.d):
            x = theta[i]
            self.lo[i] = x if self.lo[i] is None else _min(self.lo[i], x)
            self.hi[i] = x if self.hi[i] is None else _max(self.hi[i], x)
            self.gsq[i] = self.gsq[i] + g[i] * g[i]
            self.g_inf = _max(self.g_inf, abs(g[i]))
            self.coef[i] = self.coef[i] + data[i]
            if self.p.kind == "quadratic":
                self.coef2[i] = self.coef2[i] + data[i] * data[i]
        if self.s.algo == "amsgrad2018":
            self.momentum_sum = self.momentum_sum + sum(
                (b1t * _sqrt(v) / alpha_t for v in vhat), self.zero)

    def comparator(self, T: int) -> tuple[Any, list[Any]]:
        """min over the box of Σ_{t≤T} f_t, and the minimiser θ*."""
        h, star, total = self.h, [], self.zero
        for i in range(self.p.d):
            if self.p.kind == "quadratic":
                a = self.p_curv[i]
                x = _min(_max(self.coef[i] / T, -h), h)
                total = total + a * (T * x * x - 2 * x * self.coef[i] + self.coef2[i]) / 2
            else:
                S = self.coef[i]
                x = -h if S > 0 else (h if S < 0 else self.zero)
                total = total + S * x
            star.append(x)
        return total, star


def _sqrt(x: Any) -> Any:
    return x.sqrt() if isinstance(x, Ball) else mpmath.sqrt(x)


def _max(a: Any, b: Any) -> Any:
    if isinstance(a, Ball) or isinstance(b, Ball):
        return Ball(Ball(a).v.max(Ball(b).v))
    return max(a, b)


def _min(a: Any, b: Any) -> Any:
    return -_max(-a, -b)


def _loss_and_data(problem: Problem, t: int, theta: np.ndarray, exact: bool
                   ) -> tuple[Any, list[Any]]:
    """f_t(θ_t) and the per-coordinate datum the comparator sums (c_{t,i} or b_{t,i})."""
    num = (lambda s: parse_real(s)) if exact else mpmath.mpf  # noqa: E731
    if problem.kind == "linear":
        data = [num(v) for v in problem.data[t - 1]]
        return sum((c * x for c, x in zip(data, theta, strict=True)), 0 * theta[0]), data
    if problem.kind == "quadratic":
        data = [num(v) for v in problem.data[t - 1]]
        curv = [num(a) for a in problem.curvature]
        loss = sum((a * (x - b) * (x - b) / 2 for a, b, x in zip(curv, data, theta,
                                                                 strict=True)), 0 * theta[0])
        return loss, data
    c = num(problem.C) if t % 3 == 1 else -1
    return c * theta[0], [c]


def _bound(setting: PaperSetting, tr: _Tracker, T: int, vhat: list[Any], star: list[Any],
           hyper: dict[str, Any], G_inf: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    d = tr.p.d
    spread = [_max(tr.hi[i], star[i]) - _min(tr.lo[i], star[i]) for i in range(d)]
    g_norms = [_sqrt(v) for v in tr.gsq]
    D_inf = spread[0]
    for s in spread[1:]:
        D_inf = _max(D_inf, s)
    D = _sqrt(sum((s * s for s in spread), tr.zero))
    if setting.algo == "adam2015":
        terms = B15.theorem41_terms(
            alpha=hyper["alpha"], beta1=hyper["beta1"], beta2=hyper["beta2"], lam=hyper["lam"],
            D=D, D_inf=D_inf, G_inf=G_inf, T=T, vhat_T=vhat, g_norms=g_norms, sqrt=_sqrt)
        consts = {"D": D, "D_inf": D_inf}
    else:
        D_inf = 2 * tr.h
        log = (lambda x: Ball(Ball(x).v.log())) if isinstance(tr.zero, Ball) else mpmath.log  # noqa: E731
        terms = B18.theorem4_terms(
            alpha=hyper["alpha"], beta1=hyper["beta1"], beta2=hyper["beta2"], D_inf=D_inf, T=T,
            vhat_T=vhat, momentum_sum=tr.momentum_sum, g_norms=g_norms, sqrt=_sqrt, log=log)
        measured = spread[0]
        for s in spread[1:]:
            measured = _max(measured, s)
        consts = {"D_inf(F)": D_inf, "D_inf(iterates)": measured}
    consts.update({"G_inf": G_inf, "vhat_T": vhat, "g_norms": g_norms})
    return terms, consts


def _run(setting: PaperSetting, problem: Problem, steps: int, backend: Backend, dps: int,
         stop_at: int | None = None) -> tuple[_Tracker, list[tuple[int, Any, Any]], Any]:
    """One run; returns the tracker at ``steps``, the (T', R, bound) of every prefix, and
    (terms, constants, regret) at ``steps``."""
    exact = backend is ARB
    alg = setting.algorithm(problem, exact=exact)
    h = _exact_half(problem)
    half = Ball(h) if exact else _mp(h)
    zero = Ball(0) if exact else mpmath.mpf(0)
    hyper = {k: (Ball(setting.exact(k)) if exact else _mp(setting.exact(k)))
             for k in ("alpha", "beta1", "beta2", "lam")}
    tr = _Tracker(setting, problem, half, zero,
                  [Ball(parse_real(a)) if exact else mpmath.mpf(a) for a in problem.curvature])
    project = None
    if setting.algo == "adam2015" and setting.project:
        def project(th: np.ndarray) -> np.ndarray:
            return box_clip(backend, th, -h if exact else _mp(-h), h if exact else _mp(h))
    lin_g = problem.kind != "quadratic"
    G_box = None if lin_g else (Ball(parse_real(problem.G)) if exact else mpmath.mpf(problem.G))

    def grads(t: int, th: np.ndarray) -> list[Any]:
        return _exact_grad(problem, t, th) if exact else problem.grad(t, th)

    curve: list[tuple[int, Any, Any]] = []
    last: Any = None
    with mpmath.workdps(dps):
        traj = R.run(alg, grads, theta0=[0] * problem.d, steps=steps, dps=dps, backend=backend,
                     project=project, keep_states=True)
        b2 = hyper["beta2"]
        for t in range(1, steps + 1):
            theta, g, st = traj.thetas[t - 1], traj.grads[t - 1], traj.states[t - 1]
            loss, data = _loss_and_data(problem, t, theta, exact)
            if setting.algo == "adam2015":
                vhat = [st["v"][i] / (1 - b2**t) for i in range(problem.d)]
            else:
                vhat = [st["vhat"][i] for i in range(problem.d)]
            b1t = hyper["beta1"] * hyper["lam"] ** (t - 1)
            alpha_t = hyper["alpha"] / _sqrt(zero + t)
            tr.add(t, theta, g, loss, data, vhat, b1t, alpha_t)
            if stop_at is not None and t != stop_at:
                continue
            best, star = tr.comparator(t)
            regret = tr.loss - best
            G_inf = tr.g_inf if lin_g else G_box
            terms, consts = _bound(setting, tr, t, vhat, star, hyper, G_inf)
            bound = sum(terms, zero)
            curve.append((t, regret, bound))
            last = (terms, consts, regret)
    return tr, curve, last


def measure(setting: PaperSetting, problem: Problem, *, dps: int = DEFAULT_DPS,
            certify_crossing: bool = True) -> PaperRun:
    """Run ``setting`` on ``problem`` for ``problem.T`` steps in ``MP``; R(T'), the bound at
    every prefix T' ≤ T, the first crossing (certified with :func:`certify` when inside the
    hypotheses and ``certify_crossing``)."""
    inside, notes = _inside(setting, problem)
    if setting.algo == "adam2015" and not setting.project:
        notes.append("unprojected (Algorithm 1 on R^d): D, D_inf measured from the iterates "
                     "and theta*")
    with mpmath.workdps(dps):
        _, curve, (terms, consts, regret) = _run(setting, problem, problem.T, MP, dps)
        crossing = None
        for T, r, b in curve:
            if r > b:
                crossing = Crossing(T, r, b, r - b)
                break
        bound = curve[-1][2]
    if crossing is not None and inside and certify_crossing:
        certify(setting, problem, crossing)
    return PaperRun(setting.algo, THEOREMS[setting.algo], problem.kind, problem.T, problem.d,
                    setting.algo == "amsgrad2018" or setting.project, regret, bound, terms,
                    consts, inside, notes, crossing)


def certify(setting: PaperSetting, problem: Problem, crossing: Crossing,
            bits: tuple[int, ...] = (128, 256, 512)) -> Crossing:
    """Re-run to ``crossing.T`` in ball arithmetic from the exact hyperparameters and data and
    set ``crossing.certified`` (True when the ball of R(T) − bound(T) lies in (0, ∞)),
    ``margin_ball`` and ``prec_bits``. Tries each precision in ``bits`` in turn."""
    from .numerics import UndecidedComparison

    for prec in bits:
        try:
            with arb_workprec(prec):
                _, curve, _ = _run(setting, problem, crossing.T, ARB, DEFAULT_DPS,
                                   stop_at=crossing.T)
                _, r, b = curve[-1]
                margin = r - b
                crossing.margin_ball = margin.v.str(20, radius=True)
                crossing.prec_bits = prec
                if margin.v > 0:
                    crossing.certified = True
                    crossing.note = "ball of R(T) - bound(T) lies in (0, inf)"
                    return crossing
                crossing.certified = False
                crossing.note = "the ball of R(T) - bound(T) does not exclude 0"
        except (UndecidedComparison, ZeroDivisionError, ValueError) as exc:
            crossing.certified = False
            crossing.note = f"not decided at {prec} bits: {exc}"
    return crossing


def ratio_at_horizon(setting: PaperSetting, problem: Problem, *, dps: int = DEFAULT_DPS,
                     balls: bool = False) -> Any:
    """R(T)/bound(T) at T = ``problem.T`` only (the searcher's objective): an mpf, or with
    ``balls`` a :class:`Ball` from the exact data (call inside ``arb_workprec``). A run whose
    bound is exactly 0 (every gradient 0) has regret 0 and ratio 0."""
    backend = ARB if balls else MP
    with mpmath.workdps(dps):
        _, curve, _ = _run(setting, problem, problem.T, backend, dps, stop_at=problem.T)
        _, r, b = curve[-1]
        if b == 0:
            return Ball(0) if balls else mpmath.mpf(0)
        return r / b


def ratio_f64(setting: PaperSetting, C: np.ndarray, half: float = 1.0) -> np.ndarray:
    """The same ratio in float64 for a batch of linear problems on [−half, half] (d = 1):
    ``C`` of shape (B, T) holds c_1..c_T (exploration only; the reported value is
    :func:`ratio_at_horizon`'s). The bound's formula is the one of ``bounds``, on arrays."""
    from .numerics import F64

    C = np.asarray(C, float)
    B, T = C.shape
    D_text = repr(2 * half)
    alg = setting.algorithm(Problem("linear", 1, T, D_text, "1"))
    project = None
    if setting.algo == "adam2015" and setting.project:
        def project(th: np.ndarray) -> np.ndarray:
            return np.clip(th, -half, half)
    traj = R.run(alg, C[..., None], backend=F64, project=project)
    theta = np.stack([th[..., 0] for th in traj.thetas[:T]], axis=1)
    total = C.sum(axis=1)
    star = np.where(total > 0, -half, np.where(total < 0, half, 0.0))
    regret = np.sum(C * (theta - star[:, None]), axis=1)
    a, b1, b2, lm = (float(setting.exact(k)) for k in ("alpha", "beta1", "beta2", "lam"))
    g_norm = np.sqrt(np.sum(C * C, axis=1))
    G_inf = np.max(np.abs(C), axis=1)
    if setting.algo == "adam2015":
        spread = np.maximum(theta.max(axis=1), star) - np.minimum(theta.min(axis=1), star)
        vhat = traj.states[-1]["v"][..., 0] / (1 - b2**T)
        terms = B15.theorem41_terms(alpha=a, beta1=b1, beta2=b2, lam=lm, D=spread,
                                    D_inf=spread, G_inf=G_inf, T=T, vhat_T=[vhat],
                                    g_norms=[g_norm], sqrt=np.sqrt)
    else:
        vh = np.stack([st["vhat"][..., 0] for st in traj.states], axis=1)
        t = np.arange(1, T + 1)
        mom = np.sum(b1 * lm ** (t - 1) * np.sqrt(vh) * np.sqrt(t) / a, axis=1)
        terms = B18.theorem4_terms(alpha=a, beta1=b1, beta2=b2, D_inf=2 * half, T=T,
                                   vhat_T=[vh[:, -1]], momentum_sum=mom, g_norms=[g_norm],
                                   sqrt=np.sqrt, log=np.log)
    bound = sum(terms)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bound > 0, regret / bound, 0.0)
