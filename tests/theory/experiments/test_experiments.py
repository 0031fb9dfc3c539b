"""The CPU experiments (laprop_theory.experiments): quick versions' outcomes, JSON records,
figures, the command line's exit codes, and the batched Rosenbrock runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from laprop_theory.__main__ import main
from laprop_theory.experiments import EXPERIMENTS
from laprop_theory.experiments import rosenbrock as rb

KEYS = {"name", "title", "claim", "proxy", "quick", "seeds", "setup", "results", "status",
        "verdict", "verdict_line", "notes", "runtime_s", "figures"}


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, Path]]:
    """Every experiment's --quick version, run once through the command line with --json."""
    torch.use_deterministic_algorithms(True)
    out = tmp_path_factory.mktemp("experiments")
    records = {}
    import contextlib
    import io

    for name in EXPERIMENTS:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = main(["experiment", name, "--quick", "--out", str(out), "--json"])
        assert rc == 0
        records[name] = (json.loads(buf.getvalue()), out)
    return records


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_record_json_and_figures(quick: dict, name: str) -> None:
    rec, out = quick[name]
    assert KEYS <= set(rec)
    assert rec["name"] == name and rec["quick"] is True
    assert rec["status"] in {"reproduced", "partially", "not reproduced", "not tested"}
    assert rec["verdict_line"].startswith(f"VERDICT {name}: {rec['status']}")
    on_disk = json.loads((out / f"{name}.json").read_text())
    assert on_disk["verdict_line"] == rec["verdict_line"]
    assert rec["figures"]
    for f in rec["figures"]:
        assert Path(f).is_file() and Path(f).suffix == ".png" and Path(f).stat().st_size > 1000


def test_rosenbrock_quick_laprop_beats_the_others_at_sigma_015(quick: dict) -> None:
    res = quick["rosenbrock"][0]["results"]["0.15"]
    rate = {k: v["0"]["success_rate"] for k, v in res.items()}
    assert rate["LaProp"] == 1.0
    assert rate["LaProp"] >= rate["Adam"]
    assert rate["LaProp"] > rate["AmsProp"]


def test_adam_divergence_quick(quick: dict) -> None:
    res = quick["adam-divergence"][0]["results"]
    for r in res["Adam"].values():
        assert r["blew_up"] and (r["nonfinite"] or r["max_after_start"] > r["initial"])
    for r in res["LaProp"].values():
        assert not r["blew_up"] and r["final"] < r["initial"] / 2
    assert quick["adam-divergence"][0]["status"] == "reproduced"


def test_deep_fc_quick_trains(quick: dict) -> None:
    res = quick["deep-fc"][0]["results"]
    for by_opt in res.values():
        for d in by_opt.values():
            for r in d["runs"].values():
                assert r["final_full"] is not None and r["final_full"] < r["initial_full"]


def test_transformer_quick_is_a_labelled_proxy(quick: dict) -> None:
    rec = quick["transformer-warmup"][0]
    assert rec["proxy"] is True and "PROXY" in rec["title"]
    for mode in ("warmup", "no_warmup"):
        for d in rec["results"][mode].values():
            for r in d["runs"].values():
                assert all(v is not None for v in r["loss"])
                assert r["final"] < r["initial"]


@pytest.mark.parametrize("name", ["LaProp", "Adam", "AMSGrad", "AmsProp"])
def test_rosenbrock_batched_equals_unbatched(name: str) -> None:
    seeds = [0, 1, 2]
    _, batched = rb.run_batch(name, 0.5, 0.12, seeds, 120, stop_early=False)
    for i, s in enumerate(seeds):
        _, single = rb.run_batch(name, 0.5, 0.12, [s], 120, stop_early=False)
        torch.testing.assert_close(batched[i], single[0], rtol=0, atol=0)


def test_rosenbrock_times_do_not_depend_on_batching() -> None:
    both, _ = rb.run_batch("LaProp", 0.9, 0.03, [0, 1], 1000)
    one, _ = rb.run_batch("LaProp", 0.9, 0.03, [1], 1000)
    assert both[1] == one[0] and one[0] is not None


def test_rosenbrock_gradient_matches_autograd() -> None:
    p = torch.tensor([[0.3, -0.2], [1.1, 0.9]], dtype=torch.float64, requires_grad=True)
    noise = torch.tensor([[0.05, -0.1], [-0.02, 0.07]], dtype=torch.float64)
    u, v = p[:, 0] + noise[:, 0], p[:, 1] + noise[:, 1]
    ((1 - u) ** 2 + 100 * (v - u**2) ** 2).sum().backward()
    torch.testing.assert_close(rb.noisy_grad(p.detach(), noise), p.grad)


def test_rosenbrock_noise_is_per_seed() -> None:
    a = rb.noise_for([3], 50, 0.1)[:, 0]
    b = rb.noise_for([1, 3], 50, 0.1)[:, 1]
    assert torch.equal(a, b) and a.abs().max() <= 0.1


@pytest.mark.parametrize("argv", [
    ["experiment", "no-such-experiment", "--quick"],
    ["experiment", "rosenbrock", "--seeds", "0"],
    ["experiment", "rosenbrock", "--seeds", "two"],
    ["experiment", "rosenbrock", "--threads", "0"],
    ["experiment"],
])
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str],
                              tmp_path: Path) -> None:
    try:
        rc = main(argv + ["--out", str(tmp_path)] if len(argv) > 1 else argv)
    except SystemExit as exc:
        rc = exc.code
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error" in err


def test_out_must_be_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["experiment", "deep-fc", "--quick", "--out", str(f)]) == 2
    assert "not a folder" in capsys.readouterr().err
