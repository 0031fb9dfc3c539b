"""Checkpointing: save after k steps, load into a fresh model and optimizer, continue; the
trajectory is bitwise identical to an uninterrupted run, on every path."""

from __future__ import annotations

import copy

import pytest
import torch

from laprop import LaProp

torch.set_num_threads(1)

PATHS = {"single": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True},
         "default": {}}


def _model(dtype: torch.dtype) -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(),
                               torch.nn.Linear(8, 2)).to(dtype)


def _data(step: int, dtype: torch.dtype):
    g = torch.Generator().manual_seed(100 + step)
    return torch.randn(16, 6, generator=g).to(dtype), torch.randn(16, 2, generator=g).to(dtype)


def _train(model, opt, start, stop, dtype):
    for t in range(start, stop):
        x, y = _data(t, dtype)
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x).float(), y.float()).backward()
        opt.step()


HP = dict(lr=1e-2, betas=(0.8, 0.9), weight_decay=0.01, amsgrad=True, centered=True, t_init=3)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16], ids=str)
@pytest.mark.parametrize("path", list(PATHS))
def test_resume_is_bitwise(tmp_path, path, dtype):
    k, total = 5, 12
    full = _model(dtype)
    opt_full = LaProp(full.parameters(), **HP, **PATHS[path])
    _train(full, opt_full, 0, total, dtype)

    first = _model(dtype)
    opt_first = LaProp(first.parameters(), **HP, **PATHS[path])
    _train(first, opt_first, 0, k, dtype)
    ckpt = tmp_path / "ckpt.pt"
    torch.save({"model": first.state_dict(), "optim": opt_first.state_dict()}, ckpt)
    del first, opt_first

    loaded = torch.load(ckpt, weights_only=True)
    fresh = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(),
                                torch.nn.Linear(8, 2)).to(dtype)  # different init
    fresh.load_state_dict(loaded["model"])
    opt = LaProp(fresh.parameters(), **HP, **PATHS[path])
    opt.load_state_dict(loaded["optim"])
    for st in opt.state.values():
        for key, v in st.items():
            want = torch.float32 if key == "step" or dtype == torch.bfloat16 else dtype
            assert v.dtype == want, key
    _train(fresh, opt, k, total, dtype)
    for a, b in zip(fresh.parameters(), full.parameters(), strict=True):
        assert torch.equal(a, b)
    for p, q in zip(fresh.parameters(), full.parameters(), strict=True):
        for key in opt.state[p]:
            assert torch.equal(opt.state[p][key], opt_full.state[q][key]), key


def test_state_dict_contents_and_cross_path_load(tmp_path):
    model = _model(torch.float64)
    opt = LaProp(model.parameters(), **HP, foreach=True)
    _train(model, opt, 0, 4, torch.float64)
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq",
                                   "exp_avg_center"}
    g = sd["param_groups"][0]
    assert g["betas"] == (0.8, 0.9) and g["t_init"] == 3 and g["eps_mode"] == "inside"
    torch.save(sd, tmp_path / "o.pt")
    # the saved hyperparameters replace the new ones (as in torch.optim), but how the step
    # runs (foreach / fused / capturable / differentiable) stays the loading optimizer's
    sd2 = torch.load(tmp_path / "o.pt", weights_only=True)
    opt2 = LaProp(model.parameters(), **{**HP, "lr": 0.5, "t_init": 7}, fused=True)
    opt2.load_state_dict(sd2)
    g2 = opt2.param_groups[0]
    assert g2["foreach"] is None and g2["fused"] is True
    assert g2["lr"] == HP["lr"] and g2["t_init"] == 3
    assert opt2.state[next(model.parameters())]["step"].item() == 4
    _train(model, opt2, 4, 6, torch.float64)


def test_tensor_lr_round_trips(tmp_path):
    model = _model(torch.float32)
    opt = LaProp(model.parameters(), lr=torch.tensor(0.01))
    _train(model, opt, 0, 2, torch.float32)
    torch.save(opt.state_dict(), tmp_path / "o.pt")
    sd = torch.load(tmp_path / "o.pt", weights_only=True)
    opt2 = LaProp(model.parameters(), lr=torch.tensor(0.5))
    opt2.load_state_dict(sd)
    lr = opt2.param_groups[0]["lr"]
    assert torch.is_tensor(lr) and lr.item() == pytest.approx(0.01)


# --------------------------------------------------------------------------------------------
# Foreign and meaning-changing states are refused with a message that says what was found and
# what was expected; states of earlier LaProp versions still load.

def _trained(opt_cls, **kw):
    model = _model(torch.float64)
    opt = opt_cls(model.parameters(), **kw)
    _train(model, opt, 0, 3, torch.float64)
    return model, opt


def test_refuses_torch_adam_state():
    model, adam = _trained(torch.optim.Adam, lr=1e-3)
    opt = LaProp(model.parameters(), lr=1e-3, fused=True)
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(ValueError, match=r"not a LaProp state \(it looks like torch\.optim\.Adam"
                                         r".*'decoupled_weight_decay'.*lacks.*'centered'.*"
                                         r"'eps_mode'.*'t_init'"):
        opt.load_state_dict(adam.state_dict())
    assert not opt.state and opt.param_groups[0]["fused"] is True  # nothing was loaded
    assert opt.param_groups[0]["eps"] == 1e-15
    _train(model, opt, 3, 4, torch.float64)  # a fresh LaProp step: |Δθ| <= lr/sqrt(1-ν)
    moved = max((a - b).abs().max().item()
                for a, b in zip(model.parameters(), before, strict=True))
    assert moved <= 1e-3 / (1 - 0.999) ** 0.5


def test_refuses_other_optimizers():
    model, sgd = _trained(torch.optim.SGD, lr=1e-3, momentum=0.9)
    with pytest.raises(ValueError, match=r"looks like torch\.optim\.SGD.*'momentum'"):
        LaProp(model.parameters()).load_state_dict(sgd.state_dict())
    # a LaProp-looking group with another optimizer's per-param state
    _, lap = _trained(LaProp, lr=1e-3)
    sd = lap.state_dict()
    sd["state"][0]["momentum_buffer"] = sd["state"][0].pop("exp_avg")
    with pytest.raises(ValueError, match=r"state of param 0 has key\(s\) \['momentum_buffer'\]"):
        LaProp(model.parameters()).load_state_dict(sd)
    with pytest.raises(ValueError, match=r"expected an optimizer state dict.*got \['x'\]"):
        LaProp(model.parameters()).load_state_dict({"x": 1})


@pytest.mark.parametrize("flag", ["amsgrad", "centered", "maximize"])
def test_refuses_meaning_changing_flags(flag):
    _, saved = _trained(LaProp, lr=1e-3, **{flag: True})
    model = _model(torch.float64)
    opt = LaProp(model.parameters(), lr=1e-3)
    with pytest.raises(ValueError, match=rf"param group 0 was saved with {flag}=True, this "
                                         rf"optimizer has {flag}=False.*Build LaProp with "
                                         rf"{flag}=True"):
        opt.load_state_dict(saved.state_dict())
    LaProp(model.parameters(), lr=1e-3, **{flag: True}).load_state_dict(saved.state_dict())


def test_refuses_inconsistent_buffers_and_shapes():
    _, saved = _trained(LaProp, lr=1e-3, amsgrad=True)
    sd = saved.state_dict()
    del sd["state"][1]["max_exp_avg_sq"]
    model = _model(torch.float64)
    with pytest.raises(ValueError, match=r"param 1 has keys \['exp_avg', 'exp_avg_sq', 'step'\]"
                                         r".*amsgrad=True.*keeps.*'max_exp_avg_sq'"):
        LaProp(model.parameters(), amsgrad=True).load_state_dict(sd)
    sd = saved.state_dict()
    sd["state"][0]["exp_avg"] = torch.zeros(3, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"param 0 has exp_avg of shape \(3, 3\), but the param "
                                         r"it would load into has shape \(8, 6\)"):
        LaProp(model.parameters(), amsgrad=True).load_state_dict(sd)


def test_older_laprop_states_still_load():
    """An earlier version's state: flags it did not save yet take their defaults, a Python
    number as step count (torch < 1.12 style) becomes a tensor, and training resumes exactly
    as from the current format."""
    full_model, full = _trained(LaProp, lr=1e-2, betas=(0.8, 0.9))
    sd = full.state_dict()
    old = {"state": {k: {**v, "step": float(v["step"])} for k, v in sd["state"].items()},
           "param_groups": [{k: v for k, v in g.items()
                             if k not in ("eps_mode", "maximize", "capturable",
                                          "differentiable", "foreach", "fused")}
                            for g in sd["param_groups"]]}
    for state in (sd, old):
        model = _model(torch.float64)
        model.load_state_dict(full_model.state_dict())
        opt = LaProp(model.parameters(), lr=1e-2, betas=(0.8, 0.9))
        opt.load_state_dict(copy.deepcopy(state))  # loading shares tensors: keep sd intact
        g = opt.param_groups[0]
        assert g["eps_mode"] == "inside" and g["maximize"] is False
        assert all(torch.is_tensor(s["step"]) and s["step"].item() == 3
                   for s in opt.state.values())
        _train(model, opt, 3, 5, torch.float64)
        if state is sd:
            ref = [p.detach().clone() for p in model.parameters()]
    for a, b in zip(model.parameters(), ref, strict=True):
        assert torch.equal(a, b)
