"""Checkpointing: save after k steps, load into a fresh model and optimizer, continue; the
trajectory is bitwise identical to an uninterrupted run, on every path."""

from __future__ import annotations

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
    # as in torch.optim, the saved group (flags included) replaces the new one; switching a
    # foreach checkpoint to the fused path is a matter of setting the flags after loading
    sd2 = torch.load(tmp_path / "o.pt", weights_only=True)
    opt2 = LaProp(model.parameters(), **HP, fused=True)
    opt2.load_state_dict(sd2)
    assert opt2.param_groups[0]["foreach"] is True and opt2.param_groups[0]["fused"] is None
    opt2.param_groups[0].update(foreach=None, fused=True)
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
