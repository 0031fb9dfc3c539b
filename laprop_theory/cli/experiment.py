"""``experiment``: run one of the paper's CPU-sized experiments, write its figures and JSON.

    python -m laprop_theory experiment NAME [--quick] [--seeds K] [--out DIR] [--json]

Writes DIR/NAME.json and the figures (PNG) to DIR, shows a progress bar on stderr when it is
a terminal, prints the VERDICT line (or, with --json, the whole record) on stdout.

Every file is written under a temporary name and renamed into place, the record last, so a
record on disk is always complete. ``all`` resumes: an experiment whose record is complete and
current (same --quick and --seeds, the same code: a fingerprint of the experiment's source, the
shared experiment code, the plots, the ``laprop`` package and torch's version) and whose
figures exist is not run again (``--force`` reruns it). Ctrl-C or SIGTERM keeps the records
already written, prints what finished (with ``"stopped": "interrupted"`` under --json) and
exits with code 130.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from .common import (
    EXIT_INTERRUPTED,
    CLIError,
    Interrupted,
    atomic_write_text,
    bounded_int,
    build_dir,
    check_output_dir,
    emit_json,
    path_text,
    quote,
    say,
    show_progress,
)

HELP = "the paper's experiments that fit on a CPU"
ORDER = 5  # HELP, at place ORDER: this command's line in --help

MAX_SEEDS = 100
"""The full runs use 3-10 seeds; the run time grows linearly with them."""
MAX_THREADS = 64


def add_arguments(p) -> None:  # noqa: ANN001
    from ..experiments import names

    p.add_argument("name", metavar="NAME",
                   help="one of: " + ", ".join(names()) + " ('all' runs each, skipping "
                        "those whose record in --out is complete and current)")
    p.add_argument("--quick", action="store_true", help="the seconds-long test-suite version")
    p.add_argument("--seeds", type=bounded_int("seeds", 1, MAX_SEEDS), default=None,
                   help=f"number of seeds, in [1, {MAX_SEEDS}] (default: the experiment's own)")
    p.add_argument("--out", type=path_text("--out"), default="experiments-out",
                   help="folder for NAME.json and figures")
    p.add_argument("--threads", type=bounded_int("threads", 1, MAX_THREADS), default=1,
                   help=f"torch threads, in [1, {MAX_THREADS}] (default 1)")
    p.add_argument("--force", action="store_true",
                   help="with 'all': rerun experiments whose record is already current")
    p.add_argument("--json", action="store_true", help="print the JSON record(s) on stdout")


def fingerprint(name: str) -> str:
    """A digest of everything an experiment's record depends on besides its arguments."""
    import torch

    import laprop

    from ..experiments import registry

    exp_dir = Path(registry.__file__).parent
    files = [registry.entry(name).path, exp_dir / "common.py", exp_dir / "plots.py",
             exp_dir / "registry.py", *sorted(Path(laprop.__file__).parent.glob("*.py"))]
    h = hashlib.sha256(torch.__version__.encode())
    for f in files:
        h.update(f.name.encode())
        with contextlib.suppress(OSError):
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def current_record(out: Path, name: str, quick: bool, seeds: int | None) -> dict | None:
    """The record of ``name`` in ``out`` if it is complete and current, else None."""
    path = out / f"{name}.json"
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(rec, dict):
        return None
    figures = rec.get("figure_files")
    ok = (rec.get("name") == name and rec.get("quick") == quick
          and rec.get("requested_seeds") == seeds and rec.get("fingerprint") == fingerprint(name)
          and isinstance(figures, list) and figures
          and all(isinstance(f, str) and (out / f).is_file() for f in figures)
          and "verdict_line" in rec)
    return rec if ok else None


def run(args) -> int:  # noqa: ANN001
    from ..experiments import names as experiment_names

    known = experiment_names()
    if args.name != "all" and args.name not in known:
        raise CLIError(f"unknown experiment {quote(args.name)}; choose from "
                       + ", ".join(known) + ", all")
    names = known if args.name == "all" else [args.name]
    out = check_output_dir(args.out, "--out")
    import torch
    from tqdm import tqdm

    from ..experiments import load

    torch.set_num_threads(args.threads)
    records: list[dict[str, Any]] = []
    stopped = None
    try:
        for name in names:
            if args.name == "all" and not args.force:
                rec = current_record(out, name, args.quick, args.seeds)
                if rec is not None:
                    say(f"{name}: record in {out} is complete and current (--force reruns it)")
                    rec["figures"] = [str(out / f) for f in rec["figure_files"]]
                    records.append(rec)
                    if not args.json:
                        print(rec["verdict_line"], flush=True)
                    continue
            exp = load(name)
            with tqdm(total=exp.units(args.quick, args.seeds), desc=name, unit="run",
                      leave=False, disable=not show_progress(), file=sys.stderr) as bar:
                rec = exp.run(quick=args.quick, seeds=args.seeds, tick=bar.update)
            data = rec.to_json()
            data["figures"] = _write(out, name, data, exp.plot, args)
            records.append(data)
            if not args.json:
                print(rec.verdict_line(), flush=True)
    except Interrupted:
        stopped = "interrupted"
    if args.json:
        if stopped:
            emit_json({"stopped": stopped, "records": records})
        else:
            emit_json(records[0] if len(records) == 1 else records)
    elif stopped:
        print(f"stopped: {stopped} after {len(records)} of {len(names)} experiments")
    return EXIT_INTERRUPTED if stopped else 0


def _write(out: Path, name: str, data: dict[str, Any], plot, args) -> list[str]:  # noqa: ANN001
    """Figures first, each renamed into place from a temporary folder, then the record (the
    mark of a complete experiment). Returns the figures' paths."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = build_dir(out / f"{name}-figures")
    try:
        drawn = plot(data, tmp)
        names = [Path(p).name for p in drawn]
        for f in names:
            os.replace(tmp / f, out / f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    record = dict(data, fingerprint=fingerprint(name), requested_seeds=args.seeds,
                  figure_files=names)
    atomic_write_text(out / f"{name}.json", json.dumps(record, indent=1))
    return [str(out / f) for f in names]
