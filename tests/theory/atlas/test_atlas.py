"""The atlas (laprop_theory.atlas, ``python -m laprop_theory atlas``): rows that do not depend
on how they are computed -- one local worker, a 2-worker LocalCluster, an external cluster
(``dask scheduler`` + two ``dask worker`` processes), a resumed run, a run in which a worker is
killed -- closed-form suprema, bad arguments, figures, Ctrl-C.

Everything is deterministic: rows are compared field by field (``seconds`` excluded), the
budget counts objective evaluations, and nothing waits on a clock except generous timeouts
(the external cluster's start, a subprocess's end, the first row before Ctrl-C). Small grid,
T = 2: the whole file takes about 15-25 s on the 2-core machine (40 s with three busy loops
beside it).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from laprop_theory.__main__ import main
from laprop_theory.atlas.grid import GridError, Point, make_grid, parse_ints, parse_reals
from laprop_theory.atlas.point import compute_point
from laprop_theory.atlas.store import FILE_NAME, load_rows
from laprop_theory.bounds.suprema import adam_supremum, laprop_supremum

GRID = ["--target", "laprop-update,adam-update", "--mu", "0.5,0.9", "--nu", "0.5,0.99",
        "--steps", "2"]
N_POINTS = 8
CLI_TIMEOUT = 240  # seconds: generous, a loaded 2-core machine starts Dask slowly
ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "DASK_DISTRIBUTED__LOGGING__DISTRIBUTED": "error"}


def _atlas(out: Path, *extra: str) -> subprocess.CompletedProcess:
    """``python -m laprop_theory atlas GRID --out OUT --json EXTRA`` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "laprop_theory", "atlas", *GRID, "--out",
                           str(out), "--json", *extra], capture_output=True, text=True,
                          timeout=CLI_TIMEOUT, env=ENV)


def _atlas_here(out: Path, *extra: str) -> subprocess.CompletedProcess:
    """The same command run in this process (no interpreter to start: faster)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(["atlas", *GRID, "--out", str(out), "--json", *extra])
        except SystemExit as exc:
            code = exc.code
    return subprocess.CompletedProcess([], code, stdout.getvalue(), stderr.getvalue())


def _rows(proc: subprocess.CompletedProcess) -> list[dict]:
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)["rows"]


def _without_seconds(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "seconds"} for r in rows]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, list[dict]]:
    """The grid with ``--workers 1`` (a LocalCluster of one process), run in this process:
    its folder and rows."""
    out = tmp_path_factory.mktemp("atlas-w1")
    return out, _rows(_atlas_here(out, "--workers", "1"))


# ----------------------------------------------------------------------------- an external cluster


def _wait_for(predicate, timeout: float, what: str, logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s; logs:\n"
                                 + "\n".join(p.read_text()[-1500:] for p in logs.glob("*.log")))
        time.sleep(0.2)


@pytest.fixture(scope="module")
def external(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes (one thread each, with nannies);
    yields the scheduler's address; every process is ended in ``finally``."""
    from distributed import Client

    from laprop_theory.atlas.sweep import quiet_dask

    quiet_dask()
    logs = tmp_path_factory.mktemp("dask-logs")
    info = logs / "scheduler.json"
    procs: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> None:
        with open(logs / f"{name}.log", "w") as log:
            procs.append(subprocess.Popen([sys.executable, "-m", "dask", *args], env=ENV,
                                          stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True))

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0",
              "--no-dashboard", "--scheduler-file", str(info))
        _wait_for(lambda: info.exists() and "address" in info.read_text(), 120,
                  "the scheduler's start", logs)
        address = json.loads(info.read_text())["address"]
        for i in range(2):
            start(f"worker{i}", "worker", address, "--nthreads", "1", "--nworkers", "1",
                  "--no-dashboard", "--name", f"atlas-test-{i}")
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=180)
        yield address
    finally:
        for p in procs:  # each process leads its own session: end its group (nanny + worker)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=20)


# ----------------------------------------------------------------------------- same rows everywhere


def test_two_local_workers_give_the_rows_of_one(reference, tmp_path):
    out, rows = reference
    assert len(rows) == N_POINTS
    proc = _atlas(tmp_path, "--workers", "2")
    assert "%|" not in proc.stderr  # no progress bar: stderr is not a terminal
    rows2 = _rows(proc)
    assert _without_seconds(rows2) == _without_seconds(rows)
    # the file holds the same rows (in the order they finished), one per line
    in_file = sorted(load_rows(tmp_path / FILE_NAME), key=lambda r: json.dumps(r))
    assert sorted(_without_seconds(in_file), key=json.dumps) == sorted(_without_seconds(rows),
                                                                       key=json.dumps)


def test_an_external_cluster_gives_the_same_rows(reference, external, tmp_path):
    rows = _rows(_atlas(tmp_path, "--scheduler", external))
    assert _without_seconds(rows) == _without_seconds(reference[1])


def test_resume_after_a_partial_file_skips_finished_points(reference, external, tmp_path):
    out, rows = reference
    lines = (out / FILE_NAME).read_text().splitlines(keepends=True)
    assert len(lines) == N_POINTS
    (tmp_path / FILE_NAME).write_text("".join(lines[:3]) + lines[3][:25])  # a torn last line
    proc = _atlas_here(tmp_path, "--scheduler", external)
    assert f"resumed 3 of {N_POINTS} points" in proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["resumed"], doc["computed"]) == (3, N_POINTS - 3)
    assert _without_seconds(_rows(proc)) == _without_seconds(rows)
    after = (tmp_path / FILE_NAME).read_text().splitlines(keepends=True)
    assert after[:3] == lines[:3] and len(after) == N_POINTS  # the torn line was cut
    # a third run computes nothing
    again = _atlas_here(tmp_path, "--scheduler", external)
    assert json.loads(again.stdout)["computed"] == 0
    assert _rows(again) == _rows(proc)


def test_a_killed_worker_costs_only_its_point(reference, external, tmp_path):
    from distributed import Client

    from laprop_theory.atlas.sweep import sweep

    marker = str(tmp_path / "killed")

    def die_once(point: Point) -> dict:
        """The first call anywhere (no marker file yet) kills its worker process; every other
        call computes the row. (A local function: pickled by value, so that the scheduler and
        the workers need not import this test module.)"""
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return compute_point(point)
        os.close(fd)
        os._exit(1)

    points = make_grid(["laprop-update", "adam-update"], ["0.5", "0.9"], ["0.5", "0.99"], [2],
                       seed=0, budget=100_000)
    got: list[dict] = []
    with Client(external, timeout=60, set_as_default=False) as client:
        failures, stopped = sweep(client, points, on_row=got.append,
                                  task=die_once)
    assert (failures, stopped) == ([], False)
    assert os.path.exists(marker)  # a worker was killed
    order = {(r["target"], r["mu"], r["nu"], r["steps"]): i for i, r in enumerate(reference[1])}
    got.sort(key=lambda r: order[(r["target"], r["mu"], r["nu"], r["steps"])])
    assert _without_seconds(got) == _without_seconds(reference[1])


# ----------------------------------------------------------------------------- the values


def _check_against_suprema(row: dict) -> None:
    with mpmath.workdps(60):
        fn = laprop_supremum if row["target"] == "laprop-update" else adam_supremum
        sup = fn(row["mu"], row["nu"], row["steps"], dps=60).value
        best = mpmath.mpf(row["best_value"])
        assert mpmath.mpf(row["exact_supremum"]) == pytest.approx(sup, rel=1e-35)
        assert best <= mpmath.mpf(row["exact_supremum"])  # never above
        assert (sup - best) / sup <= mpmath.mpf("1e-6")


def test_update_rows_reach_the_closed_form_suprema(reference):
    for row in reference[1]:
        _check_against_suprema(row)
        assert row["stopped"] == "exact supremum reached"


@pytest.mark.parametrize("target", ["laprop-update", "adam-update"])
def test_a_longer_horizon_reaches_the_supremum_within_the_default_budget(target):
    row = compute_point(Point(target, "0.9", "0.999", 8, 0, 100_000))
    _check_against_suprema(row)
    assert row["evaluations"] <= 100_000 + 60_000  # at most one round past the budget


def test_a_point_outside_the_domain_gets_a_row_without_values():
    row = compute_point(Point("prop2-statement", "0.9", "0.5", 3, 0, 100_000))
    assert row["best_value"] is None and row["evaluations"] == 0
    assert "mu < sqrt(nu)" in row["note"]


def test_budget_counts_evaluations_and_a_row_depends_only_on_its_point():
    p = Point("centered-update", "0.5", "0.9", 2, 7, 15_000)  # no supremum: the budget stops
    a, b = compute_point(p), compute_point(p)
    assert _without_seconds([a]) == _without_seconds([b])
    assert a["stopped"] == "budget" and a["rounds"] == 2 and a["evaluations"] >= 15_000


# ----------------------------------------------------------------------------- lists


def test_lists_are_exact_sorted_and_distinct():
    assert parse_reals("0.9,0.5,9/10", "mu", 0, 1) == ["0.5", "0.9"]
    assert parse_reals("0:1:4", "mu", 0, 1) == ["0", "0.333333333333", "0.666666666667", "1"]
    assert parse_reals("0.1:0.3:3,0.25", "nu", 0, 1) == ["0.1", "0.2", "0.25", "0.3"]
    assert parse_ints("10:200:3,50", "steps", 1, 10_000) == [10, 50, 105, 200]
    assert parse_ints("7:7:1", "steps", 1, 10) == [7]
    for bad in ("", " ", "0.5,,0.6", "0:1", "0:1:0", "a", "1.5", "-0.1", "inf"):
        with pytest.raises(GridError):
            parse_reals(bad, "mu", Fraction(0), Fraction("0.999999999999"))


# ----------------------------------------------------------------------------- bad arguments


def _run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    if code == 2:  # the command-line contract: one line on stderr, nothing on stdout
        assert out == "" and err.endswith("\n") and err.count("\n") == 1, (out, err)
        assert "error" in err and len(err) < 600 and "Traceback" not in err
    return code, err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BAD = {
    "empty-mu": ["--mu", ""],
    "mu-1": ["--mu", "0.5,1"],
    "mu-negative": ["--mu", "-0.1"],
    "mu-empty-item": ["--mu", "0.5,,0.6"],
    "mu-range-count-0": ["--mu", "0:0.5:0"],
    "mu-range-short": ["--mu", "0:0.5"],
    "nu-nan": ["--nu", "nan"],
    "unknown-target": ["--target", "laprop-update,nope"],
    "empty-target": ["--target", ""],
    "steps-0": ["--steps", "0,2"],
    "steps-huge": ["--steps", "1:20000:2"],
    "budget-0": ["--budget", "0"],
    "workers-0": ["--workers", "0"],
    "workers-and-scheduler": ["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"],
    "scheduler-garbage": ["--scheduler", "not an address"],
    "mu-long": ["--mu", "0." + "1" * 200],
    "target-long": ["--target", "x" * 200],
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(case, tmp_path, capsys):
    argv = dict(zip(GRID[::2], GRID[1::2], strict=True))
    extra = BAD[case]
    argv.update(dict(zip(extra[::2], extra[1::2], strict=True)))
    out = tmp_path / "out"
    code, err = _run(["atlas", *[x for kv in argv.items() for x in kv], "--out", str(out)],
                     capsys)
    assert code == 2
    assert all(a[:61] not in err for a in extra if len(a) > 60)  # quotes at most 60 characters
    assert not out.exists()


def test_an_unreachable_scheduler_is_reported_at_once(tmp_path, capsys):
    out = tmp_path / "out"
    started = time.monotonic()
    code, err = _run(["atlas", *GRID, "--scheduler", f"tcp://127.0.0.1:{_free_port()}",
                      "--out", str(out)], capsys)
    assert code == 2 and "cannot reach the Dask scheduler" in err
    assert len(err.strip().splitlines()) == 1
    assert time.monotonic() - started < 10
    assert not out.exists()


def test_a_foreign_file_is_refused_and_left_alone(tmp_path, capsys):
    (tmp_path / FILE_NAME).write_text('{"hello": 1}\n')
    code, err = _run(["atlas", *GRID, "--workers", "1", "--out", str(tmp_path)], capsys)
    assert code == 2 and "not an atlas row" in err
    assert (tmp_path / FILE_NAME).read_text() == '{"hello": 1}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]


# ----------------------------------------------------------------------------- figures


def test_atlas_plot_draws_the_heat_maps(reference, tmp_path, capsys):
    out, _ = reference
    code, err = _run(["atlas-plot", str(out), "--out", str(tmp_path), "--json"], capsys)
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == ["atlas-adam-over-laprop.png", "atlas-prop2.png", "atlas-ratio.png"]
    for name in names:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, err = _run(["atlas-plot", str(tmp_path / "nothing-here")], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- interrupts


def test_ctrl_c_stops_keeping_every_finished_row(tmp_path):
    """SIGINT to the whole process group (Ctrl-C in a terminal reaches the workers too) after
    the first row: exit code 130 within seconds, every row in the file whole, no traceback or
    warning from the workers."""
    grid = ["--target", "laprop-update,adam-update", "--mu", "0.1:0.9:5", "--nu",
            "0.5,0.9,0.99,0.999", "--steps", "30"]  # 40 points of ~1 s: far from done
    proc = subprocess.Popen([sys.executable, "-m", "laprop_theory", "atlas", *grid, "--out",
                             str(tmp_path), "--json", "--workers", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True)
    try:
        path = tmp_path / FILE_NAME
        deadline = time.monotonic() + CLI_TIMEOUT
        while not (path.exists() and path.read_text().count("\n") >= 1):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no row within the timeout"
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err and "Warning" not in err, err[-2000:]
    rows = load_rows(path)  # every line a whole row
    assert 1 <= len(rows) < 40
    if out.strip():  # printed unless the one-second watchdog had to end the process first
        doc = json.loads(out)
        assert doc["stopped"] == "interrupted" and len(doc["rows"]) >= 1
