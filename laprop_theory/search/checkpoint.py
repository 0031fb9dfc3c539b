"""The ``--out`` file: the best-so-far of a search on disk, written atomically, and resumable.

Format (JSON)::

    {"format": "laprop-theory-search", "version": 1,
     "target": ..., "mu": "0.9", "nu": "0.999", "steps": 12, "options": {...},
     "seed": 0, "rounds": 7, "evaluations": 123456, "seconds": 12.3,
     "best_value": "1.23...", "sequence": ["..."],            # decimal strings
     "elites": [{"value": 1.2, "s": [...], "x": [...]}, ...], # float64 exploration pool
     "result": {...}}                                         # the last printed result

A file is written only through :func:`save` (temp file in the same folder, then
``os.replace``). :func:`load` validates everything it reads and raises
:class:`CheckpointError` on a corrupt file, on a file that is not ours, or on one for another
problem; the caller must then leave the file untouched.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from .engine import Best, Problem, SearchState, encode_mp

FORMAT = "laprop-theory-search"
VERSION = 1


class CheckpointError(ValueError):
    """The --out file cannot be used (corrupt, foreign, or for another problem)."""


def _exact(text: Any) -> Fraction:
    return Fraction(Decimal(str(text)))


def to_json(problem: Problem, state: SearchState, seed: int, result: dict[str, Any] | None,
            dps: int) -> dict[str, Any]:
    """The checkpoint document for ``state``."""
    from ..numerics import mp_str

    best = state.best
    return {
        "format": FORMAT, "version": VERSION,
        "target": problem.target_name, "mu": problem.mu, "nu": problem.nu,
        "steps": problem.steps, "options": dict(problem.options),
        "seed": seed, "rounds": state.rounds, "evaluations": state.evaluations,
        "seconds": round(state.seconds, 3),
        "best_value": None if best.value is None else mp_str(best.value, max(30, dps - 10)),
        "sequence": list(best.sequence),
        "elites": [{"value": v, "s": [int(a) for a in s], "x": [float(b) for b in x]}
                   for v, s, x in state.elites],
        "result": result,
    }


def save(path: str, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` atomically (temp file in the same folder + os.replace)."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".search-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(doc, fh, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path: str, problem: Problem, dps: int) -> tuple[SearchState, dict[str, Any]]:
    """Read and validate a checkpoint for ``problem``; returns (state to resume, document).

    Raises :class:`CheckpointError` (never modifies the file)."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path} is not a readable search checkpoint ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a laprop_theory search checkpoint; "
                              "refusing to overwrite it")
    if doc.get("version") != VERSION:
        raise CheckpointError(f"{path} has unsupported checkpoint version {doc.get('version')!r}")
    try:
        same = (doc["target"] == problem.target_name
                and _exact(doc["mu"]) == _exact(problem.mu)
                and _exact(doc["nu"]) == _exact(problem.nu)
                and int(doc["steps"]) == problem.steps
                and dict(doc.get("options") or {}) == dict(problem.options))
    except (KeyError, TypeError, ValueError, InvalidOperation):
        raise CheckpointError(f"{path} is a corrupt search checkpoint") from None
    if not same:
        raise CheckpointError(
            f"{path} belongs to another search (target={doc.get('target')}, mu={doc.get('mu')}, "
            f"nu={doc.get('nu')}, steps={doc.get('steps')}, options={doc.get('options')}); "
            "refusing to overwrite it")
    try:
        state = SearchState(rounds=int(doc["rounds"]), evaluations=int(doc["evaluations"]),
                            seconds=float(doc["seconds"]))
        if state.rounds < 0 or state.evaluations < 0 or not math.isfinite(state.seconds):
            raise ValueError("negative counters")
        seq = doc["sequence"]
        if not isinstance(seq, list) or (seq and len(seq) != problem.steps):
            raise ValueError("sequence length")
        if seq:
            for text in seq:
                if not isinstance(text, str):
                    raise ValueError("sequence entries must be decimal strings")
                _exact(text)  # a finite decimal
            with mpmath.workdps(dps):
                value = problem.target.mp(seq, problem.mu, problem.nu, dps)
                stored = mpmath.mpf(doc["best_value"])
                if abs(value - stored) > abs(value) * mpmath.mpf(10) ** (-25) + \
                        mpmath.mpf(10) ** (-(dps - 5)):
                    raise ValueError("best_value does not match the sequence")
            s, x = encode_mp(seq, dps)
            state.best = Best(value, list(seq), s, x)
        for e in doc["elites"]:
            s_arr = np.array(e["s"], dtype=float)
            x_arr = np.array(e["x"], dtype=float)
            if s_arr.shape != (problem.steps,) or x_arr.shape != (problem.steps,):
                raise ValueError("elite shape")
            if not (np.all(np.isin(s_arr, (-1.0, 0.0, 1.0))) and np.all(np.isfinite(x_arr))):
                raise ValueError("elite values")
            state.elites.append((float(e["value"]), s_arr, x_arr))
    except (KeyError, TypeError, ValueError, InvalidOperation, ZeroDivisionError) as exc:
        raise CheckpointError(f"{path} is a corrupt search checkpoint ({exc})") from None
    return state, doc
