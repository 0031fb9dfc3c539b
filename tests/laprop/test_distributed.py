"""LaProp under DDP and FSDP2 (2 CPU processes, gloo) equals single-process full-batch training.

Each rank gets half of the batch and the loss is the mean over its half; DDP and FSDP2 average
gradients over ranks, so the gradient equals the full-batch mean gradient and the trajectory
must match single-process training (float64, tolerance 1e-10: only the reduction order differs).
"""

from __future__ import annotations

import sys

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from laprop import LaProp

pytestmark = pytest.mark.distributed

STEPS = 8
HP = dict(lr=1e-2, betas=(0.9, 0.99), weight_decay=0.01, amsgrad=True, centered=True, t_init=3)
PATHS = {"single": {"foreach": False}, "foreach": {"foreach": True}, "default": {}}


def _model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(5, 6), torch.nn.Tanh(),
                               torch.nn.Linear(6, 3)).double()


def _batch(step: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1000 + step)
    return (torch.randn(8, 5, generator=g, dtype=torch.float64),
            torch.randn(8, 3, generator=g, dtype=torch.float64))


def _single_process(path: str) -> list[torch.Tensor]:
    model = _model()
    opt = LaProp(model.parameters(), **HP, **PATHS[path])
    for t in range(STEPS):
        x, y = _batch(t)
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    return [p.detach().clone() for p in model.parameters()]


CONFIGS = [("ddp", "foreach"), ("ddp", "default"), ("fsdp2", "single"), ("fsdp2", "foreach"),
           ("fsdp2", "default")]


def _train_config(rank: int, world: int, mode: str, path: str) -> list[torch.Tensor]:
    model = _model()
    if mode == "ddp":
        from torch.nn.parallel import DistributedDataParallel

        wrapped = DistributedDataParallel(model)
    else:
        from torch.distributed.device_mesh import init_device_mesh
        from torch.distributed.fsdp import fully_shard

        mesh = init_device_mesh("cpu", (world,))
        fully_shard(model[0], mesh=mesh)
        fully_shard(model[2], mesh=mesh)
        fully_shard(model, mesh=mesh)
        wrapped = model
        try:  # the fused kernel takes plain tensors only: a clear error, not a crash
            LaProp(wrapped.parameters(), fused=True)
            raise AssertionError("fused=True accepted DTensor params")
        except RuntimeError as exc:
            assert "DTensor" in str(exc), exc
    opt = LaProp(wrapped.parameters(), **HP, **PATHS[path])
    for t in range(STEPS):
        x, y = _batch(t)
        half = slice(rank * 4, rank * 4 + 4)
        opt.zero_grad()
        torch.nn.functional.mse_loss(wrapped(x[half]), y[half]).backward()
        opt.step()
    # under FSDP2 each rank's optimizer state holds its shard only; state_dict still works
    assert len(opt.state_dict()["state"]) == len(list(model.parameters()))
    return [(p.full_tensor() if hasattr(p, "full_tensor") else p).detach().clone()
            for p in model.parameters()]


def _worker(rank: int, world: int, store: str, out: str) -> None:
    torch.set_num_threads(1)
    # a file rendezvous: no port is picked in advance, so another process (a test running
    # beside this one) cannot take it between the pick and the bind
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank,
                            world_size=world)
    try:
        results = {f"{mode}-{path}": _train_config(rank, world, mode, path)
                   for mode, path in CONFIGS}
        if rank == 0:
            torch.save(results, out)
    finally:
        dist.destroy_process_group()


needs_gloo = pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                                reason="torch.distributed with gloo is not available")


@pytest.fixture(scope="module")
def distributed_results(tmp_path_factory):
    """One spawn of 2 gloo processes trains every configuration (process start-up dominates
    the cost, so it is paid once)."""
    if sys.platform == "win32":
        pytest.skip("spawned gloo workers are tested on POSIX only")
    folder = tmp_path_factory.mktemp("dist")
    out = str(folder / "results.pt")
    mp.spawn(_worker, args=(2, str(folder / "rendezvous"), out), nprocs=2, join=True)
    return torch.load(out, weights_only=True)


@needs_gloo
@pytest.mark.slow
@pytest.mark.parametrize("config", [f"{m}-{p}" for m, p in CONFIGS])
def test_matches_single_process(distributed_results, config):
    want = _single_process("foreach")
    got = distributed_results[config]
    for a, b in zip(got, want, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)
