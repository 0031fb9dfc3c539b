"""``python -m laprop_theory.atlas.bench``: the atlas's speed, measured in one run.

1. Throughput: the same grid (:data:`GRID`, 24 points at T = 10) on a LocalCluster of 1 and
   of 2 worker processes, alternating (1, 2, 1, 2, ...; ``--repeats`` each) in this run;
   points per minute counted from the first submitted task to the last row (cluster start-up
   reported apart; the median over the repeats), and a check that all gave the same rows.
   The control: the same points in a plain process pool (``concurrent.futures``, no Dask)
   of 1 and of 2 processes, in the same alternation -- on a machine whose cores are shared
   with other work, its speed-up is what the cores give, and Dask's is to be read against it.
2. Cost per point as T grows: :func:`~laprop_theory.atlas.point.compute_point` in this
   process (after one warm-up point), for ``laprop-update`` and ``adam-update`` at (μ, ν) in
   :data:`COST_PLANE`, at each T of ``--steps`` (default 10, 50, 200): mean and maximum
   seconds.
3. A projection for an n × n × {T...} grid per target on C cores:

       wall ≈ n² · Σ_T c(T) / (C · e)

   with c(T) the mean cost per point and e the parallel efficiency: 1 (points are
   independent; the scheduler's overhead is a few ms per task), and the efficiency measured
   in step 1 (speed-up with 2 workers / 2, at most 1), which on a machine shared with other
   work says more about the other work than about Dask.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

from .grid import Point, make_grid
from .point import DEFAULT_BUDGET, compute_point

GRID = (["laprop-update", "adam-update"], ["0.5", "0.8", "0.9"], ["0.5", "0.9", "0.99", "0.999"],
        [10])
COST_PLANE = [("0.1", "0.5"), ("0.5", "0.99"), ("0.9", "0.999")]


def throughput(workers: int, points: list[Point]) -> dict[str, Any]:
    """Rows and timings of ``points`` on a fresh LocalCluster of ``workers`` processes."""
    from .sweep import open_client, sweep

    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    with open_client(workers=workers) as client:
        client.wait_for_workers(workers)
        t1 = time.perf_counter()
        failures, _ = sweep(client, points, on_row=rows.append)
        t2 = time.perf_counter()
    assert not failures, failures
    return {"workers": workers, "points": len(points), "startup_s": round(t1 - t0, 2),
            "sweep_s": round(t2 - t1, 2),
            "points_per_minute": round(60 * len(points) / (t2 - t1), 1),
            "cpu_s_per_point": round(statistics.mean(r["seconds"] for r in rows), 3),
            "rows": sorted(({k: v for k, v in r.items() if k != "seconds"} for r in rows),
                           key=json.dumps)}


def control(workers: int, points: list[Point]) -> dict[str, Any]:
    """The same points in a plain pool of ``workers`` processes (no Dask)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        list(pool.map(compute_point, [Point("adam-update", "0.5", "0.9", 3, 0, 1)] * workers))
        t1 = time.perf_counter()  # the processes are up and warm
        rows = list(pool.map(compute_point, points))
        t2 = time.perf_counter()
    return {"workers": workers, "points_per_minute": round(60 * len(rows) / (t2 - t1), 1)}


def cost(steps: list[int]) -> dict[int, dict[str, float]]:
    """Seconds per point (mean, max) at each T, in this process."""
    compute_point(Point("adam-update", "0.5", "0.9", 3, 0, DEFAULT_BUDGET))  # warm-up
    out = {}
    for T in steps:
        secs = [compute_point(Point(t, m, n, T, 0, DEFAULT_BUDGET))["seconds"]
                for t in GRID[0] for m, n in COST_PLANE]
        out[T] = {"mean_s": round(statistics.mean(secs), 3), "max_s": round(max(secs), 3)}
    return out


def projection(costs: dict[int, dict[str, float]], efficiency: float, *, n: int = 100,
               cores: int = 64) -> dict[str, Any]:
    """Wall time of an n × n × {T...} grid per target on ``cores`` cores (module docstring)."""
    per_target = n * n * sum(c["mean_s"] for c in costs.values())
    return {"grid": f"{n} x {n} x {{{', '.join(map(str, costs))}}}", "cores": cores,
            "cpu_hours_per_target": round(per_target / 3600, 2),
            "wall_minutes_per_target_ideal": round(per_target / cores / 60, 1),
            "measured_efficiency": round(efficiency, 2),
            "wall_minutes_per_target_measured_efficiency":
                round(per_target / (cores * efficiency) / 60, 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m laprop_theory.atlas.bench",
                                description=__doc__.splitlines()[0])
    p.add_argument("--steps", default="10,50,200", help="T values of the cost table")
    p.add_argument("--repeats", type=int, default=3, help="runs per cluster size")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    steps = [int(s) for s in args.steps.split(",")]
    points = make_grid(*GRID, seed=0, budget=DEFAULT_BUDGET)
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    plain: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeats):
        for w in (1, 2):
            runs[w].append(throughput(w, points))
            plain[w].append(control(w, points)["points_per_minute"])
    same = len({json.dumps(r.pop("rows")) for rs in runs.values() for r in rs}) == 1
    one, two = ({"workers": w, "points": len(points),
                 "startup_s": statistics.median(r["startup_s"] for r in rs),
                 "sweep_s": statistics.median(r["sweep_s"] for r in rs),
                 "points_per_minute": statistics.median(r["points_per_minute"] for r in rs),
                 "points_per_minute_each_run": [r["points_per_minute"] for r in rs],
                 "cpu_s_per_point": statistics.median(r["cpu_s_per_point"] for r in rs)}
                for w, rs in runs.items())
    speedup = two["points_per_minute"] / one["points_per_minute"]
    plain_pm = {w: statistics.median(v) for w, v in plain.items()}
    costs = cost(steps)
    doc = {"load_average": os.getloadavg(), "cores": os.cpu_count(), "throughput": [one, two],
           "same_rows": same, "speedup_2_workers": round(speedup, 2),
           "control_no_dask": {"points_per_minute": plain_pm, "each_run": plain,
                               "speedup_2_processes": round(plain_pm[2] / plain_pm[1], 2)},
           "cost_per_point": costs,
           "projection": projection(costs, min(1.0, speedup / 2))}
    if args.json:
        json.dump(doc, sys.stdout, indent=2)
        print()
    else:
        print(f"load average {doc['load_average']}, {doc['cores']} cores")
        for t in (one, two):
            print(f"{t['workers']} worker(s): {t['points_per_minute']} points/min "
                  f"({t['points']} points in {t['sweep_s']} s; start-up {t['startup_s']} s)")
        print(f"speed-up with 2 workers: {doc['speedup_2_workers']}x; same rows: {same}")
        c = doc["control_no_dask"]
        print(f"control without Dask: {c['points_per_minute']} points/min, speed-up "
              f"{c['speedup_2_processes']}x")
        for T, c in costs.items():
            print(f"T = {T}: {c['mean_s']} s per point (max {c['max_s']})")
        print("projection:", doc["projection"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
