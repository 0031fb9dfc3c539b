"""`python -m laprop.bench`: it runs and emits its keys (speed is never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "laprop.bench", *args], capture_output=True,
                          text=True, timeout=600)


def test_smoke_json_has_the_keys():
    """A smoke test of seconds: the smallest workloads, one step per candidate."""
    out = _run("--smoke", "--json", "--workload", "all")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"device", "dtype", "torch", "threads", "workloads"} <= set(data)
    assert data["smoke"] is True and data["steps"] == 1 and data["warmup"] == 0
    assert [w["workload"] for w in data["workloads"]] == ["single", "model"]
    for w in data["workloads"]:
        assert {"numel", "tensors", "copy", "results", "laprop_over_adam"} <= set(w)
        assert set(w["laprop_over_adam"]) == {"default", "foreach", "fused"}
        assert {"bytes", "ms_median", "gbps"} <= set(w["copy"])
        names = {r["name"] for r in w["results"]}
        assert {"laprop default", "laprop single", "laprop foreach", "laprop fused",
                "adam default", "adam foreach", "adam fused", "pytorch_optimizer LaProp",
                "timm LaProp"} <= names
        for r in w["results"]:
            if r["name"].startswith(("laprop", "adam")):
                assert r["available"], r
            if r["available"]:
                assert {"first_call_ms", "ms_median", "ms_min", "ratio_to_adam_fused",
                        "ratio_to_adam_same_path", "bytes_per_element", "gbps",
                        "fraction_of_copy"} <= set(r)
            else:
                assert r["note"]
        fused = next(r for r in w["results"] if r["name"] == "laprop fused")
        assert fused["bytes_per_element"] == 28


def test_bad_arguments_exit_2_with_one_line(capsys):
    # in-process (`python -m laprop.bench` is `raise SystemExit(main())`); the smoke test above
    # runs the module as a command
    from laprop.bench import main

    for bad in (["--device", "tpu"], ["--steps", "0"], ["--dtype", "int8"]):
        try:
            code = main(bad)
        except SystemExit as exc:
            code = exc.code
        err = capsys.readouterr().err
        assert code == 2, (bad, err)
        assert len(err.strip().splitlines()) == 1, err
