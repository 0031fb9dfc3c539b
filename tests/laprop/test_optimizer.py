"""LaProp against an independent float64 reference of docs/optimizer-spec.md, hand-computed
steps, validation, and the torch.optim.Optimizer conventions (groups, hooks, closure, ...)."""

from __future__ import annotations

import copy
import itertools
import math
import pickle
import time

import numpy as np
import pytest
import torch
from torch.optim.optimizer import register_optimizer_step_post_hook

from laprop import LaProp

torch.set_num_threads(1)

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.cuda)]
PATHS = {"single": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True}}


# --------------------------------------------------------------------------------------------
# Independent reference: docs/optimizer-spec.md transcribed in numpy float64 (no laprop code).

def reference_trajectory(theta0, noise, *, lr, mu, nu, eps, wd, amsgrad, centered, t_init,
                         eps_mode, maximize):
    """Run the spec on f with gradient g(θ) = z_t + 0.3 θ; return the list of θ after each step."""
    th = np.array(theta0, dtype=np.float64)
    m, n, nbar, vmax = (np.zeros_like(th) for _ in range(4))
    out = []
    for t, z in enumerate(noise, start=1):
        g = z + 0.3 * th
        if maximize:
            g = -g
        n = nu * n + (1 - nu) * g * g
        v = n
        if centered:
            nbar = nu * nbar + (1 - nu) * g
            cv = n - nbar * nbar
            v = np.where((t >= t_init) & (cv > 0), cv, n)
        if amsgrad:
            vmax = np.maximum(vmax, v)
            v = vmax
        c_n, c_m = 1 - nu**t, 1 - mu**t
        s = np.sqrt(v / c_n + eps) if eps_mode == "inside" else np.sqrt(v / c_n) + eps
        u = np.divide(g, s, out=np.zeros_like(g), where=s > 0)
        m = mu * m + (1 - mu) * lr * u
        th = (th - m / c_m) * (1 - lr * wd)
        out.append(th.copy())
    return out


def _problem(seed=0, size=7, steps=100):
    rng = np.random.default_rng(seed)
    theta0 = rng.standard_normal(size)
    noise = rng.standard_normal((steps, size))
    theta0[0] = 0.0  # element 0 has gradient exactly 0 at every step (0/0 and fallback paths)
    noise[:, 0] = 0.0
    noise[:, 1] = 0.7  # element 1: constant noise (centered cancellation)
    return theta0, noise


FLAGS = list(itertools.product([False, True], [False, True], ["inside", "outside"],
                               [False, True], [0.0, 0.1]))


@pytest.mark.parametrize("amsgrad,centered,eps_mode,maximize,wd", FLAGS)
def test_single_tensor_matches_reference(amsgrad, centered, eps_mode, maximize, wd):
    hp = dict(lr=0.05, mu=0.9, nu=0.7, eps=1e-8 if eps_mode == "inside" else 1e-6, wd=wd,
              amsgrad=amsgrad, centered=centered, t_init=5, eps_mode=eps_mode,
              maximize=maximize)
    theta0, noise = _problem()
    ref = reference_trajectory(theta0, noise, **hp)
    p = torch.nn.Parameter(torch.tensor(theta0))
    opt = LaProp([p], lr=hp["lr"], betas=(hp["mu"], hp["nu"]), eps=hp["eps"], weight_decay=wd,
                 amsgrad=amsgrad, centered=centered, t_init=5, eps_mode=eps_mode,
                 maximize=maximize, foreach=False)
    for t in range(len(noise)):
        with torch.no_grad():
            p.grad = torch.tensor(noise[t]) + 0.3 * p.detach()
        opt.step()
        np.testing.assert_allclose(p.detach().numpy(), ref[t], rtol=1e-10, atol=1e-13)
    assert p[0].item() == 0.0


def test_hand_computed_two_steps():
    # θ1 = 1, λ = 0.1, μ = 1/2, ν = 3/4, ε = 0, gradients g1 = 2, g2 = -1 (given, not computed).
    # t=1: n1 = (1/4)·4 = 1; c_n = 1/4; s = sqrt(1/(1/4)) = 2; u = g/s = 1
    #      m1 = (1/2)·0.1·1 = 1/20; c_m = 1/2; θ2 = 1 - (1/20)/(1/2) = 9/10
    # t=2: n2 = (3/4)·1 + (1/4)·1 = 1; c_n = 1 - 9/16 = 7/16; s = sqrt(16/7) = 4/√7;
    #      u = -√7/4; m2 = (1/2)(1/20) + (1/2)(1/10)(-√7/4) = 1/40 - √7/80; c_m = 3/4
    #      θ3 = 9/10 - (4/3)(1/40 - √7/80) = 9/10 - 1/30 + √7/60 = 13/15 + √7/60
    # with weight_decay w = 1/2 (factor 1 - λw = 19/20 after each step):
    #      θ2 = (9/10)(19/20) = 171/200; θ3 = (171/200 - 1/30 + √7/60)(19/20)
    expected = {0.0: (0.9, 13 / 15 + math.sqrt(7) / 60),
                0.5: (171 / 200, (171 / 200 - 1 / 30 + math.sqrt(7) / 60) * 19 / 20)}
    for wd, (th2, th3) in expected.items():
        for kw in PATHS.values():
            p = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
            opt = LaProp([p], lr=0.1, betas=(0.5, 0.75), eps=0.0, weight_decay=wd, **kw)
            p.grad = torch.tensor([2.0], dtype=torch.float64)
            opt.step()
            assert p.item() == pytest.approx(th2, rel=1e-15, abs=0)
            p.grad = torch.tensor([-1.0], dtype=torch.float64)
            opt.step()
            assert p.item() == pytest.approx(th3, rel=1e-14, abs=0)


@pytest.mark.parametrize("path", list(PATHS))
def test_eps_placement_near_zero_gradient(path):
    # one step, g = 1e-10, ε = 1e-15, λ = 1, μ = 0: θ2 = θ1 - g/s with c_n = 1 - ν, n1/c_n = g²
    #   inside:  s = sqrt(1e-20 + 1e-15) = 3.16229...e-8  -> update 3.1621e-3
    #   outside: s = 1e-10 + 1e-15                        -> update 0.99999
    for mode, expected in (("inside", 1e-10 / math.sqrt(1e-20 + 1e-15)),
                           ("outside", 1e-10 / (1e-10 + 1e-15))):
        p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
        opt = LaProp([p], lr=1.0, betas=(0.0, 0.999), eps=1e-15, eps_mode=mode, **PATHS[path])
        p.grad = torch.full((1,), 1e-10, dtype=torch.float64)
        opt.step()
        assert -p.item() == pytest.approx(expected, rel=1e-12)


def test_zero_gradient_zero_eps_is_zero_not_nan():
    for kw in PATHS.values():
        p = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
        opt = LaProp([p], eps=0.0, **kw)
        p.grad = torch.zeros(3, dtype=torch.float64)
        opt.step()
        assert torch.equal(p.detach(), torch.ones(3, dtype=torch.float64))
        assert torch.equal(opt.state[p]["exp_avg"], torch.zeros(3, dtype=torch.float64))


def test_update_bound_proposition_1():
    # |m_t / c_m| <= λ / sqrt(1 - ν) for any gradient sequence (the paper's Proposition 1)
    g = torch.Generator().manual_seed(3)
    p = torch.nn.Parameter(torch.zeros(50, dtype=torch.float64))
    lr, nu = 0.01, 0.5
    opt = LaProp([p], lr=lr, betas=(0.9, nu), eps=0.0, foreach=True)
    for _ in range(30):
        before = p.detach().clone()
        p.grad = torch.randn(50, generator=g, dtype=torch.float64) * 10 ** torch.randint(
            -8, 8, (50,), generator=g)
        opt.step()
        assert (p.detach() - before).abs().max() <= lr / math.sqrt(1 - nu) * (1 + 1e-12)


# --------------------------------------------------------------------------------------------
# Validation: every bad input names the parameter and the value.

@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(lr=-1e-3), ValueError, r"learning rate: -0\.001"),
    (dict(lr=float("inf")), ValueError, r"learning rate: inf \(must be a finite number"),
    (dict(lr=float("nan")), ValueError, r"learning rate: nan"),
    (dict(lr=torch.tensor(float("inf"))), ValueError, r"learning rate: tensor\(inf\)"),
    (dict(lr=True), ValueError, r"learning rate: True"),
    (dict(lr=0.1, weight_decay=10.0), ValueError,
     r"lr \* weight_decay = 0\.1 \* 10\.0 = 1\.0.*must stay > 0"),
    (dict(lr=0.5, weight_decay=3.0), ValueError, r"lr \* weight_decay = 0\.5 \* 3\.0 = 1\.5"),
    (dict(eps=float("inf")), ValueError, r"epsilon value: inf"),
    (dict(weight_decay=float("nan")), ValueError, r"weight_decay value: nan"),
    (dict(betas=(True, 0.9)), ValueError, r"beta parameter at index 0: True"),
    (dict(amsgrad="yes"), ValueError, r"Invalid amsgrad: 'yes' \(must be True or False\)"),
    (dict(centered=1), ValueError, r"Invalid centered: 1 \(must be True or False\)"),
    (dict(maximize=None), ValueError, r"Invalid maximize: None"),
    (dict(capturable="no"), ValueError, r"Invalid capturable: 'no'"),
    (dict(differentiable=0), ValueError, r"Invalid differentiable: 0"),
    (dict(foreach="auto"), ValueError, r"Invalid foreach: 'auto' \(must be True, False or None\)"),
    (dict(fused=1), ValueError, r"Invalid fused: 1"),
    (dict(foreach=True, differentiable=True), RuntimeError, r"foreach=True.*differentiable"),
    (dict(lr=torch.tensor([1e-3, 2e-3])), ValueError, r"lr must have exactly one element"),
    (dict(betas=(1.0, 0.9)), ValueError, r"beta parameter at index 0: 1\.0 .*\[0, 1\)"),
    (dict(betas=(0.9, 1.5)), ValueError,
     r"beta parameter at index 1: 1\.5 \(must be in \[0, 1\)\)"),
    (dict(betas=(-0.1, 0.9)), ValueError, r"beta parameter at index 0: -0\.1"),
    (dict(betas=(0.9,)), ValueError, r"Invalid betas: \(0\.9,\)"),
    (dict(eps=-1e-8), ValueError, r"epsilon value: -1e-08"),
    (dict(weight_decay=-0.5), ValueError, r"weight_decay value: -0\.5"),
    (dict(eps_mode="middle"), ValueError, r"eps_mode: 'middle'"),
    (dict(t_init=0), ValueError, r"t_init: 0 "),
    (dict(t_init=2.5), ValueError, r"t_init: 2\.5"),
    (dict(fused=True, differentiable=True), RuntimeError, r"fused=True.*differentiable=True"),
    (dict(fused=True, foreach=True), RuntimeError, r"fused.*foreach"),
])
def test_validation(kwargs, exc, match):
    p = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(exc, match=match):
        LaProp([p], **kwargs)


def test_validation_in_param_group():
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(ValueError, match=r"beta parameter at index 1: 1\.0"):
        LaProp([{"params": [a]}, {"params": [b], "betas": (0.9, 1.0)}])
    with pytest.raises(ValueError, match=r"learning rate: -2"):
        LaProp([{"params": [a]}, {"params": [b], "lr": -2}])
    with pytest.raises(ValueError, match=r"param group 1: unknown param-group key\(s\) "
                                         r"\['betas1', 'wd'\]"):
        LaProp([{"params": [a]}, {"params": [b], "wd": 0.1, "betas1": 0.9}])


@pytest.mark.parametrize("group,exc,match", [
    ({"lr": -1}, ValueError, r"learning rate: -1"),
    ({"lr": float("inf")}, ValueError, r"learning rate: inf"),
    ({"lr": 0.01, "weight_decay": 200.0}, ValueError, r"lr \* weight_decay = 0\.01 \* 200\.0"),
    ({"weight_decay": 1e4}, ValueError, r"lr \* weight_decay = 0\.0004 \* 10000\.0"),
    ({"amsgrad": "yes"}, ValueError, r"Invalid amsgrad: 'yes'"),
    ({"momentum": 0.9}, ValueError, r"param group 1: unknown param-group key\(s\) \['momentum'\]"),
    ({"betas": (0.9, 1.5)}, ValueError, r"beta parameter at index 1: 1\.5"),
    ({"t_init": 0}, ValueError, r"t_init: 0"),
    ({"fused": True, "foreach": True}, RuntimeError, r"fused.*foreach"),
])
def test_add_param_group_validates_like_the_constructor(group, exc, match):
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    opt = LaProp([a])
    with pytest.raises(exc, match=match):
        opt.add_param_group({"params": [b], **group})
    assert len(opt.param_groups) == 1  # the bad group was not added
    with pytest.raises(exc, match=match):  # the constructor refuses the same group
        LaProp([{"params": [a]}, {"params": [b], **group}])


def test_add_param_group_accepts_good_groups_and_scheduler_keys():
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    opt = LaProp([a], lr=1e-2)
    opt.add_param_group({"params": [b], "lr": 1e-3, "betas": [0.5, 0.9], "name": "head"})
    assert opt.param_groups[1]["betas"] == (0.5, 0.9)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=10)
    a.grad, b.grad = torch.ones(2), torch.ones(2)
    opt.step()
    sched.step()
    assert "initial_lr" in opt.param_groups[0]
    opt.load_state_dict(opt.state_dict())  # scheduler keys in a saved group are LaProp's too
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([b])


def test_fused_rejects_mixed_devices():
    a = torch.nn.Parameter(torch.zeros(2))
    b = torch.nn.Parameter(torch.zeros(2, device="meta"))
    with pytest.raises(RuntimeError, match=r"one device.*cpu.*meta"):
        LaProp([a, b], fused=True)


def test_sparse_gradients_rejected():
    emb = torch.nn.Embedding(5, 3, sparse=True)
    emb(torch.tensor([1, 2])).sum().backward()
    for kw in PATHS.values():
        opt = LaProp(emb.parameters(), **kw)
        with pytest.raises(RuntimeError, match="sparse"):
            opt.step()


# --------------------------------------------------------------------------------------------
# Optimizer conventions

def _run(kw, steps=6, dtype=torch.float64, groups=None, seed=0):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 1))
    model.to(dtype)
    kw = {"lr": 1e-2, **kw}
    opt = LaProp(groups(model) if groups else model.parameters(), **kw)
    x = torch.randn(16, 4, dtype=dtype)
    y = torch.randn(16, 1, dtype=dtype)
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    return model, opt


@pytest.mark.parametrize("path", list(PATHS))
def test_tensor_lr_matches_float_lr(path):
    m1, _ = _run(dict(PATHS[path]))
    m2, _ = _run(dict(PATHS[path], lr=torch.tensor(1e-2, dtype=torch.float64)))
    for a, b in zip(m1.parameters(), m2.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-14, atol=0)


def test_param_groups_have_their_own_hyperparameters():
    def groups(model):
        return [{"params": model[0].parameters(), "betas": (0.5, 0.9), "weight_decay": 0.1},
                {"params": model[2].parameters(), "lr": 3e-2, "centered": True, "t_init": 2}]

    mg, opt = _run({}, groups=groups)
    assert opt.param_groups[1]["lr"] == 3e-2 and opt.param_groups[0]["lr"] == 1e-2
    # the same as two optimizers, one per group
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 1))
    model.double()
    o1 = LaProp(model[0].parameters(), lr=1e-2, betas=(0.5, 0.9), weight_decay=0.1)
    o2 = LaProp(model[2].parameters(), lr=3e-2, centered=True, t_init=2)
    x, y = torch.randn(16, 4, dtype=torch.float64), torch.randn(16, 1, dtype=torch.float64)
    for _ in range(6):
        o1.zero_grad()
        o2.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        o1.step()
        o2.step()
    for a, b in zip(mg.parameters(), model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_params_without_grad_untouched_and_stateless():
    a = torch.nn.Parameter(torch.ones(3))
    b = torch.nn.Parameter(torch.ones(3))
    for kw in PATHS.values():
        opt = LaProp([a, b], weight_decay=0.5, **kw)
        a.grad = torch.ones(3)
        b.grad = None
        opt.step()
        assert torch.equal(b.detach(), torch.ones(3)) and b not in opt.state
        assert not torch.equal(a.detach(), torch.ones(3))
        a.data.fill_(1.0)


def test_zero_size_params():
    for kw in PATHS.values():
        e = torch.nn.Parameter(torch.zeros(0, 3))
        w = torch.nn.Parameter(torch.ones(2))
        opt = LaProp([e, w], **kw)
        e.grad, w.grad = torch.zeros(0, 3), torch.ones(2)
        opt.step()
        assert opt.state[e]["exp_avg"].shape == (0, 3) and opt.state[e]["step"].item() == 1


def test_closure_returns_loss_and_is_called_with_grad():
    model = torch.nn.Linear(3, 1)
    opt = LaProp(model.parameters(), lr=1e-2)
    x, y = torch.randn(8, 3), torch.randn(8, 1)
    calls = []

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        calls.append(loss.item())
        return loss

    loss = opt.step(closure)
    assert calls and loss.item() == calls[0]
    assert opt.step() is None


def test_zero_grad():
    p = torch.nn.Parameter(torch.ones(2))
    opt = LaProp([p])
    p.grad = torch.ones(2)
    opt.zero_grad(set_to_none=False)
    assert torch.equal(p.grad, torch.zeros(2))
    opt.zero_grad()
    assert p.grad is None


def test_step_hooks():
    p = torch.nn.Parameter(torch.ones(2))
    opt = LaProp([p])
    seen = []
    h1 = opt.register_step_pre_hook(lambda o, a, k: seen.append(("pre", o.state.get(p, {}))))
    h2 = opt.register_step_post_hook(lambda o, a, k: seen.append(("post", o.state[p]["step"]
                                                                   .item())))
    hg = register_optimizer_step_post_hook(
        lambda o, a, k: seen.append(("global", type(o).__name__)))
    try:
        p.grad = torch.ones(2)
        opt.step()
    finally:
        hg.remove()
    assert seen == [("pre", {}), ("post", 1.0), ("global", "LaProp")]
    h1.remove()
    h2.remove()
    opt.step()
    assert len(seen) == 3


def test_state_dict_hooks():
    p = torch.nn.Parameter(torch.ones(2))
    opt = LaProp([p])
    p.grad = torch.ones(2)
    opt.step()
    events = []
    opt.register_state_dict_pre_hook(lambda o: events.append("sd_pre"))

    def post(o, sd):
        events.append("sd_post")
        sd["extra"] = 1
        return sd

    opt.register_state_dict_post_hook(post)

    def load_pre(o, sd):
        events.append("load_pre")
        sd = dict(sd)
        sd.pop("extra")
        return sd

    opt.register_load_state_dict_pre_hook(load_pre)
    opt.register_load_state_dict_post_hook(lambda o: events.append("load_post"))
    sd = opt.state_dict()
    assert sd["extra"] == 1
    opt.load_state_dict(sd)
    assert events == ["sd_pre", "sd_post", "load_pre", "load_post"]


def test_setstate_fills_defaults_and_pickles():
    p = torch.nn.Parameter(torch.ones(2))
    opt = LaProp([p], centered=True)
    p.grad = torch.ones(2)
    opt.step()
    state = copy.deepcopy(opt.__getstate__())
    for key in ("amsgrad", "centered", "t_init", "eps_mode", "maximize", "foreach", "fused",
                "capturable", "differentiable"):
        state["param_groups"][0].pop(key)
    opt2 = LaProp.__new__(LaProp)
    opt2.__setstate__(state)
    g = opt2.param_groups[0]
    assert (g["amsgrad"], g["centered"], g["t_init"], g["eps_mode"], g["maximize"]) == (
        False, False, 10, "inside", False)
    opt3 = pickle.loads(pickle.dumps(opt))
    assert opt3.param_groups[0]["centered"] is True


def test_state_keys_follow_spec():
    p = torch.nn.Parameter(torch.ones(2))
    opt = LaProp([p], amsgrad=True, centered=True)
    p.grad = torch.ones(2)
    opt.step()
    st = opt.state[p]
    assert set(st) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "exp_avg_center"}
    assert st["step"].dtype == torch.float32 and st["step"].dim() == 0
    assert st["step"].device.type == "cpu"


def test_complex_params_equal_real_view():
    torch.manual_seed(1)
    z0 = torch.randn(3, 2, dtype=torch.complex128)
    grads = [torch.randn(3, 2, dtype=torch.complex128) for _ in range(10)]
    for kw in PATHS.values():
        pc = torch.nn.Parameter(z0.clone())
        pr = torch.nn.Parameter(torch.view_as_real(z0).clone())
        oc = LaProp([pc], lr=0.1, centered=True, amsgrad=True, t_init=2, **kw)
        orr = LaProp([pr], lr=0.1, centered=True, amsgrad=True, t_init=2, **kw)
        for g in grads:
            pc.grad, pr.grad = g.clone(), torch.view_as_real(g).clone()
            oc.step()
            orr.step()
        assert torch.equal(torch.view_as_real(pc.detach()), pr.detach())
        assert oc.state[pc]["exp_avg"].dtype == torch.complex128


def test_maximize_is_minimize_of_negated_gradient():
    for kw in PATHS.values():
        a = torch.nn.Parameter(torch.ones(4, dtype=torch.float64))
        b = torch.nn.Parameter(torch.ones(4, dtype=torch.float64))
        oa = LaProp([a], maximize=True, **kw)
        ob = LaProp([b], **kw)
        for i in range(5):
            g = torch.arange(4, dtype=torch.float64) - i
            a.grad, b.grad = g.clone(), -g
            oa.step()
            ob.step()
        assert torch.equal(a, b)


def test_differentiable_matches_and_lets_grad_flow():
    # params must be non-leaf for an in-place differentiable update (as for torch.optim.Adam)
    torch.manual_seed(0)
    leaf = torch.randn(6, dtype=torch.float64, requires_grad=True)
    grads = [torch.randn(6, dtype=torch.float64) for _ in range(5)]
    a = leaf.detach().clone().requires_grad_(True)
    b = leaf.clone()
    oa = LaProp([a], lr=0.1, amsgrad=True, foreach=False)
    ob = LaProp([b], lr=0.1, amsgrad=True, differentiable=True)
    for g in grads:
        a.grad, b.grad = g.clone(), g.clone()
        oa.step()
        ob.step()
    torch.testing.assert_close(a.detach(), b.detach(), rtol=1e-14, atol=0)
    assert b.grad_fn is not None
    # a hypergradient: d θ_2 / d lr through one step, vs the closed form θ_2 = θ_1 - lr·u
    p = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    w = p.clone()  # non-leaf so that the in-place update is recorded
    lr = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    opt = LaProp([w], lr=lr, differentiable=True, eps=0.0)
    w.grad = torch.tensor([2.0, 3.0], dtype=torch.float64)
    opt.step()
    (dlr,) = torch.autograd.grad(w.sum(), lr)
    assert dlr.item() == pytest.approx(-2.0)  # u = sign(g) at t = 1 with ε = 0


@pytest.mark.parametrize("path", ["single", "foreach"])
def test_capturable_on_cpu_matches(path):
    m1, _ = _run(dict(PATHS[path]))
    m2, o2 = _run(dict(PATHS[path], capturable=True))
    for a, b in zip(m1.parameters(), m2.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-13, atol=0)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("path", list(PATHS))
def test_devices_all_paths_agree_with_float64_cpu(device, path):
    torch.manual_seed(0)
    ref = torch.randn(257, dtype=torch.float64)
    grads = [torch.randn(257, dtype=torch.float64) for _ in range(5)]
    p_ref = torch.nn.Parameter(ref.clone())
    o_ref = LaProp([p_ref], lr=1e-2, amsgrad=True, weight_decay=0.1, foreach=False)
    p = torch.nn.Parameter(ref.to(device, torch.float32))
    o = LaProp([p], lr=1e-2, amsgrad=True, weight_decay=0.1, **PATHS[path])
    for g in grads:
        p_ref.grad, p.grad = g.clone(), g.to(device, torch.float32)
        o_ref.step()
        o.step()
    torch.testing.assert_close(p.detach().cpu().double(), p_ref.detach(), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.filterwarnings("ignore:`torch.jit.script_method`:DeprecationWarning")
def test_torch_compile_training_step():
    torch._dynamo.reset()
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    ref = copy.deepcopy(model)
    opt = LaProp(model.parameters(), lr=1e-2, foreach=True)
    opt_ref = LaProp(ref.parameters(), lr=1e-2, foreach=True)
    x, y = torch.randn(32, 4), torch.randn(32, 1)

    def train_step(model, opt):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss

    compiled = torch.compile(train_step, backend="aot_eager")
    t0 = time.perf_counter()
    for _ in range(4):
        compiled(model, opt)
        train_step(ref, opt_ref)
    for a, b in zip(model.parameters(), ref.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    assert time.perf_counter() - t0 < 120


# --------------------------------------------------------------------------------------------
# differentiable=True with every flag: gradcheck (analytic vs finite-difference Jacobian of one
# step with respect to θ, g, every state tensor and the tensor lr), one per flag combination.

DIFF_FLAGS = list(itertools.product([False, True], [False, True], ["inside", "outside"],
                                    [False, True], [0.0, 0.5], [False, True]))


def _one_step(theta, grad, m, n, vm, nb, lr, *, flags, step):
    """θ_{t+1}, m_t, n_t (ṽ_t, n̄_t) after one differentiable step from the given state."""
    amsgrad, centered, eps_mode, maximize, wd, capturable = flags
    p = theta.clone()  # non-leaf: the in-place update is recorded
    p.grad = grad
    opt = LaProp([p], lr=lr, betas=(0.8, 0.9), eps=1e-3, weight_decay=wd, amsgrad=amsgrad,
                 centered=centered, t_init=2, eps_mode=eps_mode, maximize=maximize,
                 capturable=capturable, differentiable=True)
    state = {"step": torch.tensor(float(step)), "exp_avg": m.clone(), "exp_avg_sq": n.clone()}
    if amsgrad:
        state["max_exp_avg_sq"] = vm.clone()
    if centered:
        state["exp_avg_center"] = nb.clone()
    opt.state[p].update(state)
    opt.step()
    st = opt.state[p]
    out = [p, st["exp_avg"], st["exp_avg_sq"]]
    out += [st["max_exp_avg_sq"]] if amsgrad else []
    out += [st["exp_avg_center"]] if centered else []
    return tuple(out)


@pytest.mark.parametrize("flags", DIFF_FLAGS, ids=lambda f: "-".join(map(str, f)))
def test_differentiable_gradcheck_every_flag(flags):
    g = torch.Generator().manual_seed(7)
    d = dict(dtype=torch.float64)
    theta = torch.randn(4, generator=g, **d).requires_grad_()
    grad = torch.randn(4, generator=g, **d).requires_grad_()
    m = (0.1 * torch.randn(4, generator=g, **d)).requires_grad_()
    n = (0.5 + torch.rand(4, generator=g, **d)).requires_grad_()
    nb = (0.2 * torch.randn(4, generator=g, **d)).requires_grad_()
    # ṽ below n for two elements and above it for two: both branches of the max are exercised
    vm = (n.detach() + torch.tensor([-0.4, 0.3, -0.2, 0.6], **d)).requires_grad_()
    lr = torch.tensor(0.05, **d, requires_grad=True)
    fn = lambda *a: _one_step(*a, flags=flags, step=3)  # noqa: E731
    assert torch.autograd.gradcheck(fn, (theta, grad, m, n, vm, nb, lr), eps=1e-6,
                                    atol=1e-7, rtol=1e-5)
    # and the differentiable step is the plain step
    plain = _one_step(theta.detach(), grad.detach(), m.detach(), n.detach(), vm.detach(),
                      nb.detach(), lr.detach(), flags=flags, step=3)
    for a, b in zip(fn(theta, grad, m, n, vm, nb, lr), plain, strict=True):
        torch.testing.assert_close(a.detach(), b.detach(), rtol=1e-15, atol=0)


def test_differentiable_zero_denominator_keeps_other_gradients_finite():
    """ε = 0 and an all-zero gradient: the update is 0/0 := 0, and dθ_{t+1}/dθ_t and
    dθ_{t+1}/dλ are exact (1 and 0). (dθ_{t+1}/dg does not exist there: with ε = 0 the
    first step is λ·sign(g).)"""
    theta = torch.ones(3, dtype=torch.float64, requires_grad=True)
    lr = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    p = theta.clone()
    p.grad = torch.zeros(3, dtype=torch.float64)
    opt = LaProp([p], lr=lr, eps=0.0, differentiable=True)
    opt.step()
    dtheta, dlr = torch.autograd.grad(p.sum(), (theta, lr))
    assert torch.equal(dtheta, torch.ones(3, dtype=torch.float64)) and dlr.item() == 0.0


def test_the_step_signature_is_written_once_and_checked():
    """laprop.functional.laprop's written-out keywords match StepOptions (laprop/_signature.py);
    a function whose keywords drift is refused, and every keyword has its shared doc."""
    import inspect

    from laprop import _signature as S
    from laprop.functional import laprop as functional_laprop

    S.check_signature(functional_laprop)

    def drifted(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, *rest,
                **kw):
        return None

    params = list(inspect.signature(functional_laprop).parameters.values())
    bad = [p.replace(default=0.5) if p.name == "lr" else p for p in params]
    drifted.__signature__ = inspect.Signature(bad)
    with pytest.raises(TypeError, match="lr"):
        S.check_signature(drifted)
    assert set(S.STEP_KEYWORDS) <= set(S.ARG_DOCS)


def test_shared_arguments_are_documented_from_arg_docs():
    """LaProp, laprop.functional.laprop and Adai take the text of a shared argument from
    laprop._signature.ARG_DOCS (written once); no placeholder is left."""
    import re

    from laprop import Adai
    from laprop import _signature as S
    from laprop.functional import laprop as functional_laprop

    if LaProp.__doc__ is None:
        pytest.skip("docstrings are stripped (python -OO)")
    shared = {LaProp: ("lr", "eps", "weight_decay", "amsgrad", "centered", "t_init",
                       "eps_mode", "maximize", "foreach", "fused", "capturable",
                       "differentiable"),
              functional_laprop: ("foreach", "fused", *S.STEP_KEYWORDS),
              Adai: ("maximize",)}
    for obj, names in shared.items():
        doc = obj.__doc__
        assert not re.search(r"^ *\{\w+\}$", doc, re.M), obj
        for name in names:
            first = S.ARG_DOCS[name].split("\n")[0]
            assert f"{name}: {first}" in doc, (obj, name)
    filled = S.fill_arg_docs("Args:\n    {maximize}\n    {pair}\n", pair=("eps", "lr"))
    assert filled == (f"Args:\n    maximize: {S.ARG_DOCS['maximize']}\n"
                      f"    eps: {S.ARG_DOCS['eps']}\n    lr: {S.ARG_DOCS['lr']}\n")
