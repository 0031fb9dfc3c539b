"""Theorem 1 for every T and d, derived by the proof kernel (Appendix A.3, Eqs. 16-26).

One coordinate of :class:`laprop_theory.recurrences.TheoryLaProp` (λ_t outside the momentum,
c_m = 1 − P_t with P_t = Π_{k≤t} μ_k) is a kernel :class:`~laprop_theory.proof.kernel.System`
whose update is read from one symbolic step of the recurrence, with the per-step quantities
named (``lets``)::

    u = μ_t = μ ζ^{t−1},   L = λ_t = λ/√t,   s = s_t = sqrt((ν n_{t−1} + (1 − ν) g_t²)/(1 − ν^t))

and the regret bookkeeping added to the state (x = θ_{t+1} − θ*, R = Σ_{k≤t} g_k (θ_k − θ*),
U = μ_t, Y = s_t/λ_t, Z = Σ_{k≤t} μ_k s_k/λ_k, Q = Σ_{k≤t} s_k/√k). Under the theorem's run
assumptions |θ_t − θ*| ≤ D and s_t/λ_t ≥ s_{t−1}/λ_{t−1}, and |g_t| ≤ G_∞, induction on t
gives, for every run and every t (the relations of :data:`INVARIANT`):

* Prop. 1 for the varying μ_t: n_t ≥ 0, 0 ≤ P_t ≤ μ, |m_t| ≤ (1 − P_t)/√(1 − ν);
* U_t = μ ζ^{t−1}, Y_t ≥ 0, n_t ≤ G²(1 − ν^t) (so s_t ≤ G_∞);
* Q_t ≤ G(2√t − 1) (Σ_{k≤t} 1/√k ≤ 2√t − 1, Eq. 24's text);
* Z_t ≤ μ G (1 − (t+1) ζ^t + t ζ^{t+1})/(λ(1 − ζ)²) (= (μG/λ) Σ_{k≤t} k ζ^{k−1}, Eq. 24's note);
* Eq. (25): Q_t, N_t, H_t ≥ 0, Q_t² ≤ N_t H_t (Cauchy-Schwarz, one term at a time),
  N_t (1 − ν) + ν n_t/(1 − ν) ≤ Γ_t and H_t ≤ 1 + ln t (the mean value theorem on
  log(t − 1 + w), w ∈ [0, 1]), with N = Σ s_k², H = Σ 1/k, Γ = Σ g_k² = ‖g_{1:t}‖²;
* the regret potential (Eqs. 19-23 summed by parts, with Eq. 22's valid member)::

      R_t + c_{m,t} Y_t x²/(2(1 − U_t)) ≤ D² c_{m,t} Y_t/(2(1 − μ)) + D² Z_t/(2(1 − μ))
                                           + λ Q_t/((1 − μ)(1 − ν)).

Its consequences for one coordinate are Eq. (24)'s worst case,
R_T ≤ D² √T s_T/(2λ(1 − μ)) + μ D² G/(2λ(1 − μ)(1 − ζ)²) + 2λ G √T/((1 − μ)(1 − ν)),
and the sparse form, whose third term is λ √(1 + ln T) ‖g_{1:T}‖/((1 − μ)(1 − ν)^{3/2});
:func:`~laprop_theory.proof.kernel.coordinates` sums them over the d coordinates; with
convexity (Eq. 16: R(T) ≤ Σ_i R_{T,i}) that is Theorem 1 (Eq. 9, both forms) for every T and
d. The step of the potential is not decided in one piece: :func:`potential_step` builds
it with the kernel's ``combine`` from small facts (the AM-GM inequality of Eq. 19, Prop. 1
at t and t − 1 (Eq. 20), Eq. 22's monotonicity, the D² replacements), each decided by the
methods.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .. import recurrences as R
from ..proof.core import Domain, Range, Step
from ._sym import NONNEG, POS, REAL, UNIT, UNIT_OPEN, sym_step, symbolic

# parameters, input, step
mu, nu, zeta = sp.symbols("mu nu zeta", real=True)
lam = sp.Symbol("lambda", real=True)
D, G = sp.symbols("D G", real=True)
t = sp.Symbol("t", integer=True)
g = sp.Symbol("g", real=True)
x1 = sp.Symbol("x_1", real=True)  # θ_1 − θ*
# state (after step t): m_t, n_t, P_t, U = μ_t, x = θ_{t+1} − θ*, R, Y, Z, Q (module docstring)
m_, n_, Pk = sp.symbols("m n P_k", real=True)
Us, xs, Rs, Ys, Zs, Qs = sp.symbols("U_s x_s R_s Y_s Z_s Q_s", real=True)
# the sparse form (Eq. 25): N = Σ_{k≤t} s_k², H = Σ_{k≤t} 1/k, Γ = Σ_{k≤t} g_k² = ‖g_{1:t}‖²
Ns, Hs, Gs = sp.symbols("N_s H_s Gamma_s", real=True)
STATE = (m_, n_, Pk, Us, xs, Rs, Ys, Zs, Qs, Ns, Hs, Gs)
# the per-step quantities (lets)
u_, L_, s_ = sp.symbols("u L s", real=True)

PARAMS = Domain({mu: UNIT, nu: UNIT, zeta: UNIT_OPEN, lam: POS, D: POS, G: POS, x1: REAL}, ())
INPUTS = Domain({g: REAL}, (sp.Ne(g, 0), sp.Le(sp.Abs(g), G)))

#: c_{m,t} = 1 − P_t
def c_m(P: Any) -> Any:
    return 1 - P


class SymTheoryLaProp(R.TheoryLaProp):
    """:class:`TheoryLaProp` whose λ_t = λ/√t is a sympy expression in the sympy backend
    (the recurrence's ``lr_t`` calls ``np.sqrt``, which sympy symbols do not support). The
    step itself is the recurrence's, unchanged."""

    def lr_t(self, t_, bk=None):  # type: ignore[override]
        if bk is not None and bk.name == "sympy":
            return sp.sympify(self.lr) / sp.sqrt(t_)
        return super().lr_t(t_) if bk is None else super().lr_t(t_, bk)


def theory(cm: str = "product", lr_inside: bool = False) -> R.TheoryLaProp:
    """The Theorem 1 variant with symbolic λ, μ, ζ, ν (ε = 0)."""
    alg = SymTheoryLaProp(lr=1, mu=0.5, zeta=0.5, nu=0.5, cm=cm, lr_inside=lr_inside)
    return symbolic(alg, lr=lam, mu=mu, zeta=zeta, nu=nu)


def _theory() -> Any:
    return theory("product")


def lets() -> dict[sp.Symbol, Any]:
    """u = μ_t, L = λ_t, s = s_t, read from the recurrence's schedules."""
    alg = _theory()
    from ._sym import SYM

    n_new = nu * n_ + (1 - nu) * g**2
    return {u_: alg.mu_t(t, SYM), L_: alg.lr_t(t, SYM), s_: sp.sqrt(n_new / (1 - nu**t))}


def update() -> dict[sp.Symbol, Any]:
    """One step of the recurrence (m, n, P and θ_{t+1} − θ_t read from
    ``TheoryLaProp.step`` in sympy), its per-step quantities renamed u, L, s; plus the
    bookkeeping of the regret."""
    st, delta = sym_step(_theory(), {"m": m_, "n": n_, "muprod": Pk}, g, t)
    named = {v: k for k, v in lets().items()}
    ren = [(e, k) for e, k in named.items()]

    def name(e: Any) -> Any:
        return sp.sympify(e).subs(ren)

    m_new, d_new = name(st["m"]), name(delta)
    if (m_new.free_symbols | d_new.free_symbols) & {t, zeta, n_}:
        raise AssertionError("theorem1_kernel: the update did not map onto u, L, s")
    return {m_: m_new, n_: st["n"], Pk: name(st["muprod"]), Us: u_, xs: xs + d_new,
            Rs: Rs + g * xs, Ys: s_ / L_, Zs: Zs + u_ * s_ / L_, Qs: Qs + L_ * s_ / lam,
            Ns: Ns + s_**2, Hs: Hs + 1 / t, Gs: Gs + g**2}


INIT = {m_: sp.Integer(0), n_: sp.Integer(0), Pk: sp.Integer(1), Us: mu, xs: x1,
        Rs: sp.Integer(0), Ys: sp.Integer(0), Zs: sp.Integer(0), Qs: sp.Integer(0),
        Ns: sp.Integer(0), Hs: sp.Integer(0), Gs: sp.Integer(0)}


def potential(P: Any = Pk, U: Any = Us, x: Any = xs, R: Any = Rs, Y: Any = Ys) -> Any:
    """Φ = R + c_m Y x²/(2(1 − U))."""
    return R + c_m(P) * Y * x**2 / (2 * (1 - U))


def potential_bound(P: Any = Pk, Y: Any = Ys, Z: Any = Zs, Q: Any = Qs) -> Any:
    """B = D² c_m Y/(2(1 − μ)) + D² Z/(2(1 − μ)) + λ Q/((1 − μ)(1 − ν))."""
    return D**2 * c_m(P) * Y / (2 * (1 - mu)) + D**2 * Z / (2 * (1 - mu)) \
        + lam * Q / ((1 - mu) * (1 - nu))


W_T = (1 - (t + 1) * zeta**t + t * zeta ** (t + 1)) / (1 - zeta) ** 2  # Σ_{k≤t} k ζ^{k−1}

INVARIANT: tuple[tuple[Any, str, Any], ...] = (
    (0, "<=", n_), (0, "<=", Pk), (Pk, "<=", mu),
    (sp.Abs(m_), "<=", (1 - Pk) / sp.sqrt(1 - nu)),
    (Us, "=", mu * zeta ** (t - 1)), (0, "<=", Ys),
    (n_, "<=", G**2 * (1 - nu**t)),
    (Qs, "<=", G * (2 * sp.sqrt(t) - 1)),
    (Zs, "<=", mu * G * W_T / lam),
    (0, "<=", Qs), (0, "<=", Ns), (0, "<=", Hs),
    (Qs**2, "<=", Ns * Hs),                                   # Cauchy-Schwarz (25)
    (Ns * (1 - nu) + nu * n_ / (1 - nu), "<=", Gs),           # (25) lines 3-5
    (Hs, "<=", 1 + sp.log(t)),                                # (25) line 2
    (potential(), "<=", potential_bound()),
)
POTENTIAL = len(INVARIANT) - 1
I_Q, I_N, I_H, I_CS, I_NG, I_LOG = range(9, 15)

#: the consequences for one coordinate (Y = s_T √T/λ, Γ = ‖g_{1:T}‖²): Eq. (24)'s worst case
#: and Eq. (9)'s sparse form
_FIRST_TWO = D**2 * Ys / (2 * (1 - mu)) + mu * D**2 * G / (2 * lam * (1 - mu) * (1 - zeta)**2)
GOAL: tuple[Any, str, Any] = (
    Rs, "<=", _FIRST_TWO + 2 * lam * G * sp.sqrt(t) / ((1 - mu) * (1 - nu)))
GOAL_SPARSE: tuple[Any, str, Any] = (
    Rs, "<=", _FIRST_TWO + lam * sp.sqrt(1 + sp.log(t)) * sp.sqrt(Gs)
    / ((1 - mu) * (1 - nu) * sp.sqrt(1 - nu)))


def system() -> Any:
    from ..proof.kernel import System

    return System("TheoryLaProp (cm=product, lr outside), one coordinate, with the regret "
                  "bookkeeping of Eq. (24)", STATE, update(), INIT, INPUTS, PARAMS, t,
                  lets=lets(),
                  assumptions=(sp.Le(sp.Abs(xs), D), sp.Le(Ys, s_ / L_)),
                  coordinatewise=True)


def focus(lhs: Any, rhs: Any, dom: Domain, also: tuple[sp.Symbol, ...] = ()) -> Domain:
    """The part of ``dom`` a relation between ``lhs`` and ``rhs`` plausibly needs: the symbols
    of the relation, of the definitions of the lets it uses, the parameters and ``also``,
    with every constraint of ``dom`` over those symbols (same ranges, so the kernel's
    ``weaken`` takes a fact over it back to ``dom``)."""
    defs = lets()
    syms = set(sp.sympify(lhs).free_symbols | sp.sympify(rhs).free_symbols) | set(also)
    for v in list(syms):
        if v in defs:
            syms |= defs[v].free_symbols
    syms |= set(PARAMS.ranges) | {t}
    cons = tuple(c for c in dom.constraints if c.free_symbols <= syms)
    used = set().union(*(c.free_symbols for c in cons)) | syms
    return Domain({s: r for s, r in dom.ranges.items() if s in used}, cons)


# ----------------------------------------------------------------------------- the steps

PREFIX = "pot"


def _obligations() -> tuple[list[Any], list[Any]]:
    from ..proof.kernel import obligations

    return obligations(system(), INVARIANT)


#: obligations no method decides over their focused domain: built by the kernel's rules
BUILT_STEP = (5, 7, 8, 9, 11, 12, 14, POTENTIAL)
BUILT_BASE = (POTENTIAL,)

_rt = sp.sqrt(t)
_y, _c = sp.symbols("y_m c_m", real=True)  # an update m_t and its c_m (prop1.square)
# the abstract facts of Eq. (25): Cauchy-Schwarz one term at a time, and the bound on Q
_q, _n, _h, _a, _b, _gam, _hb = sp.symbols("q_a n_a h_a a_a b_a Gamma_a h_b", real=True)
_w = sp.Symbol("w", real=True)  # log(r - 1 + w) on w in [0, 1]
_r = sp.Symbol("r", real=True)  # a real t >= 2
_T2 = Range(2, sp.oo, integer=True)


def _lemma_specs(sd: Domain, bd: Domain) -> list[tuple[str, Any, str, Any, Domain, tuple]]:
    """(name, lhs, rel, rhs, domain to focus, extra symbols) of the small facts the built
    obligations rest on; each is decided by the methods over its focused domain."""
    half = sp.Rational(1, 2)
    return [
        # signs and ranges of the per-step quantities (step t >= 2)
        ("s.nonneg", 0, "<=", s_, sd, ()),
        ("s.le.G", s_, "<=", G, sd, ()),
        ("rt.pos", 0, "<", _rt, sd, ()),
        ("rt.inv.nonneg", 0, "<=", 1 / _rt, sd, ()),
        ("rt.le.t", _rt, "<=", t, sd, ()),
        ("lam.inv.pos", 0, "<", 1 / lam, sd, ()),
        ("lam.rt.pos", 0, "<", lam / _rt, sd, ()),
        ("G.pos", 0, "<", G, sd, ()),
        ("mu.nonneg", 0, "<=", mu, sd, ()),
        ("zeta.pow.nonneg", 0, "<=", zeta ** (t - 1), sd, ()),
        ("u.nonneg", 0, "<=", u_, sd, ()),
        ("u.inv.mu", 1 / (1 - u_), "<=", 1 / (1 - mu), sd, ()),
        ("u.inv.U", 1 / (1 - u_), "<=", 1 / (1 - Us), sd, ()),
        ("u.inv.pos", 0, "<", 1 / (1 - u_), sd, ()),
        ("mu.inv.pos", 0, "<", 1 / (1 - mu), sd, ()),
        ("P.le.1", Pk, "<=", 1, sd, ()),
        ("P.u", 0, "<=", Pk * (1 - u_) + u_, sd, ()),
        ("x2.nonneg", 0, "<=", xs**2, sd, ()),
        ("x2.le.D2", xs**2, "<=", D**2, sd, ()),
        ("amgm.sq", 0, "<=", (L_ * m_ + xs) ** 2, sd, ()),
        ("m2.prev", m_**2, "<=", 1 / (1 - nu), sd, (Pk,)),
        ("c.pos", 0, "<", 1 - Pk * u_, sd, ()),
        ("c.le.1", 1 - Pk * u_, "<=", 1, sd, ()),
        ("prop1.square", _y**2 / _c, "<=", 1 / (1 - nu),
         Domain({_y: REAL, _c: Range(0, 1, lo_open=True), nu: UNIT},
                (sp.Le(sp.Abs(_y), _c / sp.sqrt(1 - nu)),)), ()),
        ("u.factor", (1 + u_) / (1 - nu), "<=", 2 * (1 - u_) / ((1 - mu) * (1 - nu)), sd, ()),
        ("sqrt.step", 1 / _rt, "<=", 2 * (_rt - sp.sqrt(t - 1)), sd, ()),
        # Cauchy-Schwarz, one term at a time: (q + ab)^2 <= (n + a^2)(h + b^2) from q^2 <= nh
        ("cs.term", 2 * _q * _a * _b, "<=", _n * _b**2 + _h * _a**2,
         Domain({_q: NONNEG, _n: NONNEG, _h: NONNEG, _a: NONNEG, _b: NONNEG},
                (sp.Le(_q**2, _n * _h),)), ()),
        # sum_(k<=t) 1/k <= 1 + ln t: log(t-1+w) - log(t-1) - w/t has derivative >= 0 on [0, 1]
        ("log.derivative", 0, "<=", 1 / (_r - 1 + _w) - 1 / _r,
         Domain({_r: Range(2), _w: Range(0, 1)}, ()), ()),
        ("log.base", 0, "<=", 0, Domain({_r: Range(2)}, ()), ()),
        # base (t = 1): u = mu, L = lambda, s = |g_1|
        ("base.s.nonneg", 0, "<=", s_, bd, ()),
        ("base.L.inv.pos", 0, "<", 1 / L_, bd, ()),
        ("base.L.nonneg", 0, "<=", L_, bd, ()),
        ("base.x2.le.D2", x1**2, "<=", D**2, bd, ()),
        ("base.D2.nonneg", 0, "<=", D**2, bd, ()),
        ("base.mu.nonneg", 0, "<=", mu, bd, ()),
        ("base.mu.inv.pos", 0, "<", 1 / (1 - mu), bd, ()),
        ("base.g2", L_ * g**2 / (2 * s_), "<=", L_ * s_ / 2, bd, ()),
        ("base.half", half, "<=", 1 / ((1 - mu) * (1 - nu)), bd, ()),
    ]


def steps() -> list[Step]:
    """The steps the kernel derivation uses: the obligations decided directly (over their
    focused domains), the small facts of :func:`_lemma_specs`, and the facts of the
    consequence."""
    base, step = _obligations()
    out: list[Step] = []
    note = ("kernel obligation of the regret system (theorem1_kernel.system), built from "
            "recurrences.TheoryLaProp(cm='product'); decided over the constraints it needs")
    for kind, fs, built in (("base", base, BUILT_BASE), ("step", step, BUILT_STEP)):
        for i, f in enumerate(fs):
            if i in built:
                continue
            out.append(Step(f"{PREFIX}.{kind}.{i}", f.lhs, f.rel, f.rhs,
                            focus(f.lhs, f.rhs, f.domain), "(20)-(24)",
                            "base case t = 1" if kind == "base" else
                            "induction step of the regret invariant", note))
    for name, lhs, rel, rhs, dom, also in _lemma_specs(step[0].domain, base[0].domain):
        out.append(Step(f"{PREFIX}.lemma.{name}", lhs, rel, rhs, focus(lhs, rhs, dom, also),
                        "(19)-(24)", "a small fact of the kernel derivation",
                        "decided by the methods over the constraints it needs; the kernel "
                        "weakens it to the obligation's domain"))
    for name, lhs, rel, rhs, dom in _goal_specs():
        out.append(Step(f"{PREFIX}.goal.{name}", lhs, rel, rhs, dom, "(24)",
                        "a small fact of the consequences (Eq. 9, both forms)",
                        "over the state under the invariant"))
    return out


def consequence_domain() -> Domain:
    """params × state × (t ≥ 1) under the invariant: the domain of the consequence."""
    ranges = {**PARAMS.ranges, **{s: Range() for s in STATE}, t: Range(1, sp.oo, integer=True)}
    hyp = [{"<=": sp.Le, "<": sp.Lt, "=": sp.Eq}[r](a, b, evaluate=False)
           for a, r, b in INVARIANT]
    return Domain(ranges, (*PARAMS.constraints, *hyp)).normalized()


def _goal_specs() -> list[tuple[str, Any, str, Any, Domain]]:
    cd = consequence_domain()
    specs = [
        ("P.le.1", Pk, "<=", 1), ("x2.nonneg", 0, "<=", xs**2),
        ("U.inv.pos", 0, "<", 1 / (1 - Us)), ("D2.nonneg", 0, "<=", D**2),
        ("mu.inv.pos", 0, "<", 1 / (1 - mu)), ("mu.nonneg", 0, "<=", mu),
        ("G.pos", 0, "<", G), ("lam.pos", 0, "<", lam), ("lam.inv.pos", 0, "<", 1 / lam),
        ("zeta.tail", 0, "<=", zeta**t * (t + 1 - t * zeta)),
        ("zeta.inv.pos", 0, "<", 1 / (1 - zeta) ** 2),
        ("munu.inv.pos", 0, "<", 1 / ((1 - mu) * (1 - nu))),
        ("N.Gamma", Ns * (1 - nu), "<=", Gs),
    ]
    out = [(n, a, r, b, focus(a, b, cd, (Us,) if "U" in n else (n_,) if "Gamma" in n else ()))
           for n, a, r, b in specs]
    # Eq. (25)'s end: Q <= sqrt(h) sqrt(Gamma)/sqrt(1 - nu) from Q^2 <= N H, N (1 - nu) <= Gamma
    # and H <= h (h = 1 + ln T is put in by the kernel's substitute)
    out.append(("Q.bound", _q, "<=", sp.sqrt(_hb) * sp.sqrt(_gam) / sp.sqrt(1 - nu),
                Domain({_q: NONNEG, _n: NONNEG, _h: NONNEG, _gam: REAL, _hb: REAL, nu: UNIT},
                       (sp.Le(_q**2, _n * _h), sp.Le(_n * (1 - nu), _gam),
                        sp.Le(_h, _hb)))))
    return out


def derivation(thm: Any) -> Any:
    """Theorem 1 (worst case) for every T and d through the kernel (module docstring)."""
    from ..proof import kernel as K

    sysm = system()
    base, step = _obligations()
    sd, bd = step[0].domain, base[0].domain

    def lem(name: str, dom: Domain) -> Any:
        return K.weaken(thm(f"{PREFIX}.lemma.{name}"), dom)

    def hyp(dom: Domain, rel: tuple[Any, str, Any], at_prev: bool = True) -> Any:
        a, r, b = rel
        sub = {t: t - 1} if at_prev else {}
        op = {"<=": sp.Le, "<": sp.Lt, "=": sp.Eq}[r]
        return K.hypothesis(dom, op(sp.sympify(a).xreplace(sub), sp.sympify(b).xreplace(sub),
                                    evaluate=False))

    l_def = sp.Eq(L_, lam / _rt, evaluate=False)
    u_def = sp.Eq(u_, mu * zeta ** (t - 1), evaluate=False)
    # 1/L >= 0 and L >= 0 from lambda/sqrt(t) (L's definition)
    inv_l = K.combine(0, "<=", 1 / L_, sd, [K.product(lem("rt.pos", sd), lem("lam.inv.pos", sd))],
                      defs=[l_def])
    built: dict[int, Any] = {}
    # Y_t = s_t/lambda_t >= 0
    built[5] = K.product(lem("s.nonneg", sd), inv_l)
    # Q_t <= G (2 sqrt(t) - 1): the hypothesis at t - 1 and 1/sqrt(t) <= 2(sqrt(t) - sqrt(t-1))
    built[7] = K.combine(
        step[7].lhs, "<=", step[7].rhs, sd,
        [hyp(sd, INVARIANT[7]), K.product(lem("s.le.G", sd), lem("rt.inv.nonneg", sd)),
         K.product(lem("G.pos", sd), lem("sqrt.step", sd))], defs=[l_def])
    # Z_t <= mu G W_t/lambda: W_t - W_(t-1) = t zeta^(t-1), s sqrt(t) <= G t
    common = (lem("mu.nonneg", sd), lem("zeta.pow.nonneg", sd), lem("lam.inv.pos", sd))
    built[8] = K.combine(
        step[8].lhs, "<=", step[8].rhs, sd,
        [hyp(sd, INVARIANT[8]),
         K.product(*common, lem("s.le.G", sd), lem("rt.pos", sd)),
         K.product(*common, lem("G.pos", sd), lem("rt.le.t", sd))], defs=[l_def, u_def])
    # Eq. (25): Q, N, H >= 0; Q^2 <= N H (Cauchy-Schwarz, one term at a time); H <= 1 + ln t
    built[9] = K.combine(0, "<=", step[9].rhs, sd, [
        hyp(sd, INVARIANT[I_Q]), K.product(lem("s.nonneg", sd), lem("rt.inv.nonneg", sd))],
        defs=[l_def])
    built[11] = K.combine(0, "<=", step[11].rhs, sd, [
        hyp(sd, INVARIANT[I_H]), K.product(lem("rt.inv.nonneg", sd), lem("rt.inv.nonneg", sd))])
    cs_term = K.substitute(thm(f"{PREFIX}.lemma.cs.term"),
                           {_q: Qs, _n: Ns, _h: Hs, _a: s_, _b: 1 / _rt}, sd,
                           side=[lem("s.nonneg", sd), lem("rt.inv.nonneg", sd)])
    built[12] = K.combine(step[12].lhs, "<=", step[12].rhs, sd,
                          [hyp(sd, INVARIANT[I_CS]), cs_term], defs=[l_def])
    log_fact = K.substitute(K.instantiate(K.monotone(
        sp.log(_r - 1 + _w) - sp.log(_r - 1) - _w / _r, _w,
        thm(f"{PREFIX}.lemma.log.derivative"), thm(f"{PREFIX}.lemma.log.base")), {_w: 1}),
        {_r: t}, sd)
    built[14] = K.combine(step[14].lhs, "<=", step[14].rhs, sd,
                          [hyp(sd, INVARIANT[I_LOG]), log_fact])
    # the potential (Eqs. 19-23): the hypothesis at t - 1 and seven nonnegative pieces
    la = K.combine((1 - Pk) * Ys, "<=", (1 - Pk * u_ + u_) * s_ / L_, sd, [
        K.product(lem("P.le.1", sd), K.hypothesis(sd, sp.Le(Ys, s_ / L_))),
        K.product(lem("P.u", sd), built[5])])
    x2 = lem("x2.nonneg", sd)
    # Eq. (20): m_t^2/c_m <= 1/(1 - nu) from Prop. 1 at t (the obligation pot.step.3)
    m_new = sysm.update[m_]
    m2_new = K.substitute(thm(f"{PREFIX}.lemma.prop1.square"), {_y: m_new, _c: 1 - Pk * u_},
                          sd, side=[lem("c.pos", sd), lem("c.le.1", sd),
                                    thm(f"{PREFIX}.step.3")])
    s_l_u = K.product(lem("s.nonneg", sd), K.combine(0, "<=", L_, sd,
                                                       [lem("lam.rt.pos", sd)], defs=[l_def]),
                      lem("u.inv.pos", sd))
    pieces = [
        K.product(x2, la, lem("u.inv.mu", sd)),
        K.product(x2, lem("P.le.1", sd), hyp(sd, INVARIANT[5]), lem("u.inv.U", sd)),
        K.product(lem("x2.le.D2", sd), la, lem("mu.inv.pos", sd)),
        K.product(lem("s.nonneg", sd), lem("u.nonneg", sd), lem("amgm.sq", sd), inv_l,
                  lem("u.inv.pos", sd)),
        K.product(s_l_u, m2_new),
        K.product(s_l_u, lem("u.nonneg", sd), lem("m2.prev", sd)),
        K.product(s_l_u, lem("u.factor", sd)),
    ]
    half = sp.Rational(1, 2)
    built[POTENTIAL] = K.combine(step[POTENTIAL].lhs, "<=", step[POTENTIAL].rhs, sd,
                                 [hyp(sd, INVARIANT[POTENTIAL]), *pieces],
                                 weights=[1, *([half] * len(pieces))])
    # the base of the potential (t = 1: u = mu, L = lambda, s = |g_1|)
    b_inv_l = lem("base.L.inv.pos", bd)
    bpot = K.combine(base[POTENTIAL].lhs, "<=", base[POTENTIAL].rhs, bd, [
        K.product(lem("base.x2.le.D2", bd), lem("base.s.nonneg", bd), b_inv_l),
        K.product(lem("base.D2.nonneg", bd), lem("base.s.nonneg", bd), lem("base.mu.nonneg", bd),
                  b_inv_l, lem("base.mu.inv.pos", bd)),
        lem("base.g2", bd),
        K.product(lem("base.L.nonneg", bd), lem("base.s.nonneg", bd), lem("base.half", bd))],
        weights=[half, half, 1, 1], defs=[sp.Eq(u_, mu, evaluate=False)])
    bases = [bpot if i == POTENTIAL else thm(f"{PREFIX}.base.{i}") for i in range(len(base))]
    steps_ = [built[i] if i in built else thm(f"{PREFIX}.step.{i}") for i in range(len(step))]
    run = K.induction(sysm, INVARIANT, bases, steps_)
    # the consequence: Eq. (24)'s worst case for one coordinate
    cd = consequence_domain()

    def gl(name: str) -> Any:
        return K.weaken(thm(f"{PREFIX}.goal.{name}"), cd)

    inv = [hyp(cd, rel, at_prev=False) for rel in INVARIANT]
    first_two = [
        inv[POTENTIAL],
        K.product(gl("P.le.1"), inv[5], gl("x2.nonneg"), gl("U.inv.pos")),
        K.product(inv[1], inv[5], gl("D2.nonneg"), gl("mu.inv.pos")),
        K.product(inv[8], gl("D2.nonneg"), gl("mu.inv.pos")),
        K.product(gl("mu.nonneg"), gl("G.pos"), gl("D2.nonneg"), gl("lam.inv.pos"),
                  gl("mu.inv.pos"), gl("zeta.tail"), gl("zeta.inv.pos"))]
    worst = K.combine(*GOAL, cd, [
        *first_two, K.product(inv[7], gl("lam.pos"), gl("munu.inv.pos")),
        K.product(gl("lam.pos"), gl("G.pos"), gl("munu.inv.pos"))],
        weights=[1, half, half, half, half, 1, 1])
    K.coordinates(K.consequence(run, worst, GOAL))  # the worst case, for every T and d
    q_bound = K.substitute(thm(f"{PREFIX}.goal.Q.bound"),
                           {_q: Qs, _n: Ns, _h: Hs, _gam: Gs, _hb: 1 + sp.log(t)}, cd,
                           side=[gl("N.Gamma")])
    sparse = K.combine(*GOAL_SPARSE, cd, [
        *first_two, K.product(q_bound, gl("lam.pos"), gl("munu.inv.pos"))],
        weights=[1, half, half, half, half, 1])
    return K.coordinates(K.consequence(run, sparse, GOAL_SPARSE))
