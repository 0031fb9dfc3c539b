"""``experiment``: run one of the paper's CPU-sized experiments, write its figures and JSON.

    python -m laprop_theory experiment NAME [--quick] [--seeds K] [--out DIR] [--json]

Writes DIR/NAME.json and the figures (PNG) to DIR, shows a progress bar on stderr, prints the
VERDICT line (or, with --json, the whole record) on stdout.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .common import CLIError, emit_json, positive_int


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..experiments import EXPERIMENTS

    p.add_argument("name", metavar="NAME",
                   help="one of: " + ", ".join(EXPERIMENTS) + " ('all' runs each)")
    p.add_argument("--quick", action="store_true", help="the seconds-long test-suite version")
    p.add_argument("--seeds", type=positive_int("seeds"), default=None,
                   help="number of seeds (default: the experiment's own)")
    p.add_argument("--out", default="experiments-out", help="folder for NAME.json and figures")
    p.add_argument("--threads", type=positive_int("threads"), default=1,
                   help="torch threads (default 1)")
    p.add_argument("--json", action="store_true", help="print the JSON record(s) on stdout")


def run(args: argparse.Namespace) -> int:
    import torch
    from tqdm import tqdm

    from ..experiments import EXPERIMENTS, get
    from ..experiments.plots import plot

    names = list(EXPERIMENTS) if args.name == "all" else [args.name]
    if names[0] not in EXPERIMENTS:
        raise CLIError(f"unknown experiment {args.name!r}; choose from "
                       + ", ".join(EXPERIMENTS) + ", all")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {args.out!r} exists and is not a folder")
    torch.set_num_threads(args.threads)
    records = []
    for name in names:
        mod = get(name)
        with tqdm(total=mod.units(args.quick, args.seeds), desc=name, unit="run",
                  leave=False) as bar:
            rec = mod.run(quick=args.quick, seeds=args.seeds, tick=bar.update)
        data = rec.to_json()
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.json").write_text(json.dumps(data, indent=1))
        data["figures"] = [str(p) for p in plot(data, out)]
        records.append(data)
        if not args.json:
            print(rec.verdict_line())
    if args.json:
        emit_json(records[0] if len(records) == 1 else records)
    return 0
