"""The searcher's targets: one registry of small objects, so a new bound is a few lines.

A :class:`Target` maps a gradient sequence g_1..g_T (one coordinate, zero initial state,
ε → 0) to a real *objective* that the searcher maximises, in three number systems:

* ``f64(G, mu, nu)``: a float64 batch, G of shape (B, T) → (B,) (exploration only);
* ``mp(g, mu, nu, dps, backend=MPV)``: one sequence in mpmath at ``dps`` digits (what is
  reported; ``MPV`` gives the same values as ``MP``, faster; pass ``backend=MP`` for the
  reference number system);
* ``arb(g, mu, nu)``: one sequence in python-flint balls (certification), the same
  recurrence code run in :data:`laprop_theory.numerics.ARB`.

``bound(mu, nu, T, dps)`` is the paper's bound *on the objective* (or None): an objective
above it is a violation. For the proposition targets the objective is already the update
divided by the paper's bound, so their bound is 1 (and ``paper_bound`` gives the paper's bound
in units of λ). The paper's bounds are those of :mod:`laprop_theory.bounds.paper` (one
definition for the searcher, the report and the notebooks); only their ball versions, for
certification, are written here. ``exact_supremum(mu, nu, T, dps)`` is the supremum of the
objective where :mod:`laprop_theory.bounds.suprema` knows it (or None).

Targets (update sizes are |Δθ_T| in units of λ, c_m = 1 − μ^t, c_n = 1 − ν^t):

``laprop-update``  LaProp update; bound Prop. 1, 1/sqrt(1 − ν); supremum: closed form.
``adam-update``    Adam update; bound Prop. 2 as stated, 1/(1 − μ/√ν) when μ < √ν;
                   supremum: closed form (∞ for ν = 0 < μ, T ≥ 2).
``prop1``          LaProp update / (1/sqrt(1 − ν)); bound 1.
``prop2-statement`` Adam update / (1/(1 − μ/√ν)); bound 1; needs μ < √ν.
``prop2-proof``    Adam update / (1/(sqrt(1 − ν)(1 − μ/√ν))) (the proof's Eq. 15); bound 1;
                   needs μ < √ν.
``amsprop-update`` AmsProp (Alg. 3) update; no paper bound; supremum = LaProp's (see
                   :func:`amsprop_supremum`).
``centered-update`` centered LaProp (Alg. 4, plain LaProp before ``t_init``, fallback to the
                   uncentered moment when n_t − n̄_t² ≤ 0); ``t_init`` = 2 unless given (the
                   most adversarial choice the paper allows, t_init > 1); no paper bound;
                   ``upper_bound`` = :func:`~laprop_theory.bounds.suprema.centered_update_bound`.
``regret``         Theorem 1: see :mod:`laprop_theory.search.regret_target` (its own module,
                   registered like the others).

A target is a :class:`~laprop_theory.search.registry.Target` passed to
:func:`~laprop_theory.search.registry.register` (:mod:`laprop_theory.search.registry`, which
imports no target module). A target of its own module goes in ``search/<name>_target.py``:
:func:`discover`, run at the end of this module, imports every such module, so that
:func:`get_target` and :func:`target_names` know every target without a line here.

Update targets are invariant under g → c·g (c ≠ 0): ``scale_invariant`` lets the searcher
normalise sequences so that float64 neither overflows nor underflows.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np

from .. import recurrences as R
from ..bounds.paper import prop1_bound, prop2_proof_bound, prop2_stated_bound
from ..bounds.suprema import adam_supremum, centered_update_bound, laprop_supremum
from ..numerics import ARB, DEFAULT_DPS, F64, MPV, Ball
from .registry import TARGETS, Target, TargetDomainError, register, unit_ball, unit_bound

Number = Any

__all__ = ["TARGETS", "Target", "TargetDomainError", "amsprop_supremum", "discover",
           "get_target", "register", "target_names"]


# ----------------------------------------------------------------------------- building blocks


def _in_target_units(bound: Callable[..., Any], *, needs_mu: bool) -> Callable[..., Any]:
    """A bound of :mod:`laprop_theory.bounds.paper` with the targets' signature
    ``(mu, nu, T, dps)`` (the paper's bounds do not depend on T)."""

    def at(mu: Any, nu: Any, T: int, dps: int = DEFAULT_DPS) -> Any:
        return bound(mu, nu, dps=dps) if needs_mu else bound(nu, dps=dps)

    at.__doc__ = bound.__doc__
    return at


_prop1 = _in_target_units(prop1_bound, needs_mu=False)
_prop2_as_stated = _in_target_units(prop2_stated_bound, needs_mu=True)
_prop2_as_proved = _in_target_units(prop2_proof_bound, needs_mu=True)


def _arb_prop1(mu: Any, nu: Any) -> Ball:
    return 1 / Ball(nu).__rsub__(1).sqrt()


def _arb_prop2_stated(mu: Any, nu: Any) -> Ball:
    return 1 / (1 - Ball(mu) / Ball(nu).sqrt())


def _arb_prop2_proof(mu: Any, nu: Any) -> Ball:
    return _arb_prop2_stated(mu, nu) / (1 - Ball(nu)).sqrt()


def _need_gamma_below_one(mu: Any, nu: Any, T: int) -> None:
    if _prop2_as_stated(mu, nu, T) is None:
        raise TargetDomainError(
            f"Proposition 2 assumes mu < sqrt(nu); got mu={mu}, nu={nu}")


def _size_target(size: Callable[..., Any]) -> tuple[Callable, Callable, Callable]:
    """f64 / mp / arb evaluators of an update size ``size(grads, mu, nu, backend, dps)``."""

    def f64(G: np.ndarray, mu: Any, nu: Any) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(size(np.asarray(G, float), mu, nu, F64, DEFAULT_DPS), float)

    def mp(g: list[Any], mu: Any, nu: Any, dps: int = DEFAULT_DPS, backend: Any = MPV) -> Any:
        with mpmath.workdps(dps):  # μ, ν parsed once (decimal strings are rounded at dps)
            return size([mpmath.mpf(x) for x in g], mpmath.mpf(mu), mpmath.mpf(nu), backend,
                        dps)

    def arb(g: list[Any], mu: Any, nu: Any) -> Ball:
        return size(list(g), mu, nu, ARB, DEFAULT_DPS)

    return f64, mp, arb


def _normalised(evals: tuple[Callable, Callable, Callable], paper: Callable,
                arb_paper: Callable) -> tuple[Callable, Callable, Callable]:
    """Divide an update size by the paper's bound (so the bound on the result is 1)."""
    f64, mp, arb = evals

    def f64n(G: np.ndarray, mu: Any, nu: Any) -> np.ndarray:
        return f64(G, mu, nu) / float(paper(mu, nu, G.shape[-1], 30))

    def mpn(g: list[Any], mu: Any, nu: Any, dps: int = DEFAULT_DPS, backend: Any = MPV) -> Any:
        with mpmath.workdps(dps):
            return mp(g, mu, nu, dps, backend) / paper(mu, nu, len(g), dps)

    def arbn(g: list[Any], mu: Any, nu: Any) -> Ball:
        return arb(g, mu, nu) / arb_paper(mu, nu)

    return f64n, mpn, arbn


def _laprop_size(g, mu, nu, bk, dps):
    return R.laprop_update_size(g, mu, nu, backend=bk, dps=dps)


def _adam_size(g, mu, nu, bk, dps):
    return R.adam_update_size(g, mu, nu, backend=bk, dps=dps)


def _algo_size(make: Callable[..., R.Algorithm]) -> Callable[..., Any]:
    """|Δθ_T| of coordinate 0 for ``make(lr=1, mu=mu, nu=nu)`` (any batch shape)."""

    def size(g, mu, nu, bk, dps):
        with mpmath.workdps(dps):
            arr = bk.array(g)[..., None]
        traj = R.run(make(lr=1, mu=mu, nu=nu), arr, dps=dps, backend=bk, keep_states=False)
        with mpmath.workdps(dps):
            out = abs(traj.deltas[-1][..., 0])
        return out.item() if isinstance(out, np.ndarray) and out.ndim == 0 else out

    return size


def _sup(fn: Callable[..., Any]) -> Callable[..., Any]:
    def sup(mu, nu, T, dps=DEFAULT_DPS):
        return fn(mu, nu, T, dps=dps).value

    return sup


def amsprop_supremum(mu: Any, nu: Any, T: int, dps: int = DEFAULT_DPS) -> Any:
    """sup of the AmsProp update = sup of the LaProp update (closed form of bounds.suprema).

    ≤: ñ_k = max(ñ_{k−1}, n_k) ≥ n_k, so each term |g_k|/sqrt(ñ_k/c_n(k)) is at most LaProp's
    |g_k|/sqrt(n_k/c_n(k)) ≤ sqrt(c_n(k)/(1 − ν)), and Prop. 1's summation gives LaProp's
    supremum. ≥: on same-sign sequences with g_{k+1}/g_k → ∞ (those approaching LaProp's
    supremum) n_k increases, so ñ_k = n_k and AmsProp runs exactly as LaProp.
    """
    return laprop_supremum(mu, nu, T, dps=dps).value


def _ratio_sup(sup: Callable[..., Any], paper: Callable[..., Any]) -> Callable[..., Any]:
    def ratio(mu, nu, T, dps=DEFAULT_DPS):
        with mpmath.workdps(dps):
            b = paper(mu, nu, T, dps)
            return None if b is None else sup(mu, nu, T, dps) / b

    return ratio


# ----------------------------------------------------------------------------- the targets

_lap = _size_target(_laprop_size)
_adam = _size_target(_adam_size)

register(Target(
    "laprop-update", "LaProp update size |m_T/c_m| in units of lambda (Alg. 1)",
    *_lap, bound=_prop1, exact_supremum=_sup(laprop_supremum),
    paper_bound=_prop1, arb_bound=_arb_prop1))
register(Target(
    "adam-update", "Adam update size |m_T/c_m|/sqrt(n_T/c_n) in units of lambda (Eq. 4)",
    *_adam, bound=_prop2_as_stated, exact_supremum=_sup(adam_supremum),
    paper_bound=_prop2_as_stated, arb_bound=_arb_prop2_stated))
register(Target(
    "prop1", "LaProp update / (1/sqrt(1-nu)) (Proposition 1; > 1 is a violation)",
    *_normalised(_lap, _prop1, _arb_prop1), bound=unit_bound, arb_bound=unit_ball,
    exact_supremum=_ratio_sup(_sup(laprop_supremum), _prop1), paper_bound=_prop1))
register(Target(
    "prop2-statement",
    "Adam update / (1/(1-mu/sqrt(nu))) (Proposition 2 as stated; > 1 is a violation)",
    *_normalised(_adam, _prop2_as_stated, _arb_prop2_stated), bound=unit_bound,
    arb_bound=unit_ball,
    exact_supremum=_ratio_sup(_sup(adam_supremum), _prop2_as_stated),
    paper_bound=_prop2_as_stated, check=_need_gamma_below_one))
register(Target(
    "prop2-proof",
    "Adam update / (1/(sqrt(1-nu)(1-mu/sqrt(nu)))) (what Eq. 15 proves; > 1 is a violation)",
    *_normalised(_adam, _prop2_as_proved, _arb_prop2_proof), bound=unit_bound,
    arb_bound=unit_ball,
    exact_supremum=_ratio_sup(_sup(adam_supremum), _prop2_as_proved),
    paper_bound=_prop2_as_proved, check=_need_gamma_below_one))
register(Target(
    "amsprop-update", "AmsProp update size |m_T/c_m| in units of lambda (Alg. 3)",
    *_size_target(_algo_size(R.amsprop)), exact_supremum=amsprop_supremum))


def centered_target(t_init: int = 2) -> Target:
    """The ``centered-update`` target with a given ``t_init`` (Algorithm 4 needs t_init > 1)."""
    if int(t_init) != t_init or t_init < 1:
        raise TargetDomainError(f"t_init must be an integer >= 1, got {t_init}")

    def make(**kw):
        return R.centered_laprop(t_init=int(t_init), **kw)

    def upper(mu, nu, T, dps=DEFAULT_DPS):
        return centered_update_bound(mu, nu, T, int(t_init), dps=dps)

    return Target(
        "centered-update",
        f"centered LaProp update size |m_T/c_m| in units of lambda (Alg. 4, t_init={t_init})",
        *_size_target(_algo_size(make)), upper_bound=upper, options={"t_init": int(t_init)},
        rebuild=centered_target)


register(centered_target(2))

TARGET_MODULE_SUFFIX = "_target"
"""A module of this package whose name ends so holds targets of its own (it calls
:func:`register` on import); :func:`discover` imports each."""


def discover() -> list[str]:
    """Import every module ``laprop_theory.search.*_target`` (in the package's folders,
    ``__path__``; sorted by name) so that its :func:`register` calls run, and return their
    names. A module already imported is not run again, so calling this twice is harmless."""
    package = importlib.import_module(__package__)
    found = sorted({info.name for info in pkgutil.iter_modules(package.__path__)
                    if not info.ispkg and info.name.endswith(TARGET_MODULE_SUFFIX)})
    for name in found:
        importlib.import_module(f"{__package__}.{name}")
    return found


# The targets in modules of their own register themselves now (after the ones above, so that
# the command line lists them last).
discover()


def get_target(name: str, **options: Any) -> Target:
    """The registered target ``name``. An option given (not None) that differs from the
    target's own ``options`` rebuilds it through its ``rebuild`` (e.g. ``centered-update`` with
    ``t_init=3``); options the target does not have, or cannot change, are ignored."""
    if name not in TARGETS:
        raise KeyError(f"unknown target {name!r}; known: {', '.join(sorted(TARGETS))}")
    target = TARGETS[name]
    changed = {k: v for k, v in options.items()
               if v is not None and k in target.options and v != target.options[k]}
    if changed and target.rebuild is not None:
        return target.rebuild(**{**target.options, **changed})
    return target


def target_names() -> list[str]:
    """Every target name the command line accepts, in the order of registration."""
    return list(TARGETS)
