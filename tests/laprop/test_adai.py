"""Adai / AdaiW against an independent float64 re-derivation of the rule in DESIGN.md §2."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from laprop import Adai, AdaiW

torch.set_num_threads(1)


def reference_adai(thetas, grads_fn, steps, groups, decoupled):
    """numpy float64. thetas: list of arrays; groups: list of (indices, lr, beta0, beta2, eps, wd).

    v_t = β2 v + (1-β2) g²; v̂ = v/(1-β2^t); v̄ = mean of v̂ over ALL elements of ALL params;
    β1 = clip(1 - β0 v̂/v̄, 0, 1-ε); m = β1 m + (1-β1) g; P = P·β1; θ ← θ - lr m/(1-P).
    Adai: g ← g + wd θ (L2). AdaiW: θ ← θ(1 - lr wd) before the step (decoupled)."""
    th = [np.array(t, dtype=np.float64) for t in thetas]
    v = [np.zeros_like(t) for t in th]
    m = [np.zeros_like(t) for t in th]
    prod = [np.ones_like(t) for t in th]
    hp = {}
    for idx, lr, b0, b2, eps, wd in groups:
        for i in idx:
            hp[i] = (lr, b0, b2, eps, wd)
    for t in range(1, steps + 1):
        gs = grads_fn(t, th)
        vhat = []
        for i in range(len(th)):
            lr, b0, b2, eps, wd = hp[i]
            if wd and not decoupled:
                gs[i] = gs[i] + wd * th[i]
            v[i] = b2 * v[i] + (1 - b2) * gs[i] ** 2
            vhat.append(v[i] / (1 - b2**t))
        vbar = np.concatenate([x.ravel() for x in vhat]).mean()
        for i in range(len(th)):
            lr, b0, b2, eps, wd = hp[i]
            b1 = np.clip(1 - b0 * vhat[i] / vbar, 0.0, 1 - eps)
            m[i] = b1 * m[i] + (1 - b1) * gs[i]
            prod[i] = prod[i] * b1
            if wd and decoupled:
                th[i] = th[i] * (1 - lr * wd)
            th[i] = th[i] - lr * m[i] / (1 - prod[i])
    return th


def _grads_fn(seed):
    rng = np.random.default_rng(seed)
    table = {}

    def fn(t, th):
        if t not in table:
            table[t] = [rng.standard_normal(x.shape) * (i + 1) for i, x in enumerate(th)]
        return [z + 0.5 * x for z, x in zip(table[t], th, strict=True)]

    return fn


@pytest.mark.parametrize("cls,decoupled", [(Adai, False), (AdaiW, True)])
@pytest.mark.parametrize("wd", [0.0, 0.01])
def test_matches_reference(cls, decoupled, wd):
    rng = np.random.default_rng(0)
    shapes = [(4,), (2, 3), (5,)]
    thetas = [rng.standard_normal(s) for s in shapes]
    groups = [((0, 1), 0.1, 0.1, 0.99, 1e-3, wd), ((2,), 0.05, 0.3, 0.9, 1e-2, wd)]
    ref = reference_adai(thetas, _grads_fn(1), 50, groups, decoupled)

    params = [torch.nn.Parameter(torch.tensor(t)) for t in thetas]
    opt = cls([{"params": params[:2]},
               {"params": params[2:], "lr": 0.05, "betas": (0.3, 0.9), "eps": 1e-2}],
              lr=0.1, betas=(0.1, 0.99), eps=1e-3, weight_decay=wd)
    gfn = _grads_fn(1)
    for t in range(1, 51):
        gs = gfn(t, [p.detach().numpy() for p in params])
        for p, g in zip(params, gs, strict=True):
            p.grad = torch.tensor(g)
        opt.step()
    for p, r in zip(params, ref, strict=True):
        np.testing.assert_allclose(p.detach().numpy(), r, rtol=1e-10, atol=1e-12)


def test_defaults_and_global_mean():
    p = torch.nn.Parameter(torch.zeros(2))
    opt = Adai([p])
    g = opt.param_groups[0]
    assert (g["lr"], g["betas"], g["eps"], g["weight_decay"]) == (1.0, (0.1, 0.99), 1e-3, 0.0)
    # v̄ is global: with one param of gradient (1, 3), v̂ = (1, 9), v̄ = 5 →
    # β1 = clip(1 - 0.1·(1/5, 9/5)) = (0.98, 0.82); m = (1-β1) g = (0.02, 0.54);
    # P = β1; update = lr m/(1-P) = (1, 3): the first step is plain gradient descent
    p.grad = torch.tensor([1.0, 3.0])
    opt.step()
    torch.testing.assert_close(p.detach(), torch.tensor([-1.0, -3.0]))
    torch.testing.assert_close(opt.state[p]["beta1_prod"], torch.tensor([0.98, 0.82]))


def test_zero_gradients_finite():
    for dtype in (torch.float64, torch.float32, torch.bfloat16, torch.float16):
        p = torch.nn.Parameter(torch.ones(3, dtype=dtype))
        opt = AdaiW([p], weight_decay=0.0)
        p.grad = torch.zeros(3, dtype=dtype)
        opt.step()
        assert torch.isfinite(p).all() and torch.equal(p.detach(), torch.ones(3, dtype=dtype))


def test_params_without_grad_untouched_and_complex():
    a, b = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(3))
    c = torch.nn.Parameter(torch.ones(2, dtype=torch.complex64))
    opt = Adai([a, b, c], lr=0.1)
    a.grad = torch.ones(3)
    c.grad = torch.ones(2, dtype=torch.complex64)
    opt.step()
    assert torch.equal(b.detach(), torch.ones(3)) and b not in opt.state
    assert torch.isfinite(torch.view_as_real(c.detach())).all()


@pytest.mark.parametrize("cls", [Adai, AdaiW])
def test_state_dict_round_trip(tmp_path, cls):
    def make():
        torch.manual_seed(0)
        return torch.nn.Linear(3, 2).double()

    def run(model, opt, a, b):
        for t in range(a, b):
            g = torch.Generator().manual_seed(t)
            x = torch.randn(8, 3, generator=g, dtype=torch.float64)
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()

    full = make()
    of = cls(full.parameters(), lr=0.1, weight_decay=0.01)
    run(full, of, 0, 8)
    part = make()
    op = cls(part.parameters(), lr=0.1, weight_decay=0.01)
    run(part, op, 0, 3)
    torch.save({"m": part.state_dict(), "o": op.state_dict()}, tmp_path / "c.pt")
    ck = torch.load(tmp_path / "c.pt", weights_only=True)
    fresh = torch.nn.Linear(3, 2).double()
    fresh.load_state_dict(ck["m"])
    o2 = cls(fresh.parameters(), lr=0.1, weight_decay=0.01)
    o2.load_state_dict(ck["o"])
    assert set(o2.state[fresh.weight]) == {"step", "exp_avg", "exp_avg_sq", "beta1_prod"}
    run(fresh, o2, 3, 8)
    for x, y in zip(fresh.parameters(), full.parameters(), strict=True):
        assert torch.equal(x, y)


@pytest.mark.parametrize("kwargs,match", [
    (dict(lr=-1.0), r"learning rate: -1\.0"),
    (dict(betas=(-0.1, 0.99)), r"beta parameter at index 0: -0\.1"),
    (dict(betas=(0.1, 1.0)), r"beta parameter at index 1: 1\.0 \(must be in \[0, 1\)\)"),
    (dict(eps=1.0), r"epsilon value: 1\.0"),
    (dict(eps=-1e-3), r"epsilon value: -0\.001"),
    (dict(weight_decay=-1e-4), r"weight_decay value: -0\.0001"),
])
@pytest.mark.parametrize("cls", [Adai, AdaiW])
def test_validation(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls([torch.nn.Parameter(torch.zeros(1))], **kwargs)


def test_sparse_rejected_and_closure():
    emb = torch.nn.Embedding(4, 2, sparse=True)
    emb(torch.tensor([1])).sum().backward()
    with pytest.raises(RuntimeError, match="sparse"):
        Adai(emb.parameters()).step()
    lin = torch.nn.Linear(2, 1)
    opt = AdaiW(lin.parameters(), lr=0.1)

    def closure():
        opt.zero_grad()
        loss = lin(torch.ones(1, 2)).sum()
        loss.backward()
        return loss

    assert torch.is_tensor(opt.step(closure))
