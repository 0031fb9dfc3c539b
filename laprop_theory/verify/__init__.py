"""Re-checking the checker's certificates with independent tools.

``python -m laprop_theory check --certificates DIR`` writes one certificate per decided step
and ``DIR/manifest.json``; :func:`verify_directory` re-checks every entry of the manifest:

* SMT-LIB2 scripts with the cvc5 solver (:mod:`.smt`), which must answer ``unsat`` (with the
  certificate's search-strategy options, case split or helper lemmas, :mod:`.checks`);
* box covers and refutation points with ``mpmath`` interval arithmetic (:mod:`.sexpr`);
* identities between rational functions exactly (:mod:`.algebra`, tool ``exact-algebra``);
* steps with ``oo`` and improper integrals by the rules of [0, ∞] (:mod:`.extended`: interval
  lower bounds of the integrals, cvc5 for the finite parts),

plus, for every file, its sha256 against the manifest (:mod:`.checks` lists what else). This
package imports neither z3 nor ``laprop_theory.proof`` nor sympy: a certificate is trusted
only as far as cvc5 and interval arithmetic confirm it.

The result::

    {"checked": N, "passed": N, "failed": [{"file", "reason"}],
     "by_tool": {"cvc5": n, "mpmath-iv": n, "exact-algebra": n}}

``by_tool`` counts the certificates each tool took part in re-checking (``exact-algebra``
only where it was used). cvc5 runs under a resource limit counted in its own units and, as a
safety net, a limit in processor seconds (:mod:`.smt` says why both).
"""

from __future__ import annotations

import json
import multiprocessing
import os
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from .checks import check_entry
from .smt import CPU_SECONDS, RLIMIT

__all__ = ["verify_directory", "ManifestError", "RLIMIT", "CPU_SECONDS"]


class ManifestError(ValueError):
    """The directory has no readable manifest (not a certificate directory)."""


def _load(root: Path) -> list[dict[str, Any]]:
    path = root / "manifest.json"
    if not root.is_dir():
        raise ManifestError(f"{root} is not a directory")
    if not path.is_file():
        raise ManifestError(f"{path} does not exist (write it with check --certificates)")
    try:
        manifest = json.loads(path.read_text())
        entries = manifest["certificates"]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        raise ManifestError(f"{path} is not a certificate manifest") from None
    return entries


Outcome = tuple[str, "str | None", list[str]]


def _one(root: Path, entry: dict[str, Any], rlimit: int, cpu: float) -> Outcome:
    try:
        f, reason, tools = check_entry(root, entry, rlimit, cpu)
    except Exception as exc:  # noqa: BLE001  (a bug must fail the entry, not the run)
        return (f"{entry.get('claim')}/{entry.get('step')}",
                f"verifier error: {type(exc).__name__}: {exc}", [])
    return f, reason, sorted(tools)


def _worker(conn: Any, root: Path, entry: dict[str, Any], rlimit: int, cpu: float) -> None:
    conn.send(_one(root, entry, rlimit, cpu))
    conn.close()


def _cost(root: Path, entry: dict[str, Any]) -> int:
    """Bytes of SMT-LIB2 to run, a lemma or case file counting as many scripts: the longest
    entries start first."""
    total = 0
    for f in entry.get("files") or []:
        try:
            path = str(f.get("path", ""))
            if path.endswith(".smt2"):
                total += (root / f["path"]).stat().st_size
            elif path.endswith((".lemmas.json", ".split.json")):
                total += 50 * (root / f["path"]).stat().st_size
        except (OSError, TypeError, AttributeError):
            pass
    return total


def _parallel(root: Path, entries: list[dict[str, Any]], rlimit: int, cpu: float,
              jobs: int) -> list[Outcome]:
    """One forked process per entry, ``jobs`` at a time (each runs its cvc5 queries in
    children of its own, which it kills at the safety limit)."""
    ctx = multiprocessing.get_context("fork")
    order = sorted(range(len(entries)), key=lambda i: (-_cost(root, entries[i]), i))
    results: list[Outcome | None] = [None] * len(entries)
    running: dict[Any, tuple[int, Any]] = {}
    try:
        while order or running:
            while order and len(running) < jobs:
                i = order.pop(0)
                recv, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_worker, args=(send, root, entries[i], rlimit, cpu))
                proc.start()
                send.close()
                running[recv] = (i, proc)
            for recv in wait(list(running)):
                i, proc = running.pop(recv)
                try:
                    results[i] = recv.recv()
                except EOFError:
                    e = entries[i]
                    results[i] = (f"{e.get('claim')}/{e.get('step')}",
                                  "the verifier's worker process died", [])
                recv.close()
                proc.join()
    finally:  # an interrupt: end the workers (each ends its own cvc5 child with it)
        for recv, (_, proc) in running.items():
            proc.terminate()
            proc.join()
            recv.close()
    return [r for r in results if r is not None]


def verify_directory(directory: str | Path, *, rlimit: int = RLIMIT,
                     cpu_limit: float = CPU_SECONDS, jobs: int | None = None
                     ) -> dict[str, Any]:
    """Re-check every certificate listed in ``directory/manifest.json`` (see the module
    docstring). ``rlimit``: cvc5 resource units per query; ``cpu_limit``: the safety limit
    per cvc5 script (:mod:`.smt`); ``jobs``: entries checked at once (default: the CPU count,
    at most 4). Raises :class:`ManifestError` when there is no manifest."""
    root = Path(directory)
    entries = _load(root)
    jobs = jobs if jobs is not None else min(4, os.cpu_count() or 1)
    try:  # once here, not in every forked worker
        import cvc5  # noqa: F401
    except ImportError:
        pass  # each SMT check then fails, saying so
    if jobs > 1 and len(entries) > 1 and "fork" in multiprocessing.get_all_start_methods():
        outcomes = _parallel(root, entries, rlimit, cpu_limit, jobs)
    else:
        outcomes = [_one(root, e, rlimit, cpu_limit) for e in entries]
    failed = [{"file": f, "reason": reason} for f, reason, _ in outcomes if reason]
    by_tool: dict[str, int] = {"cvc5": 0, "mpmath-iv": 0}
    for _, _, tools in outcomes:
        for t in tools:
            by_tool[t] = by_tool.get(t, 0) + 1
    return {"checked": len(entries), "passed": len(entries) - len(failed), "failed": failed,
            "by_tool": by_tool}
