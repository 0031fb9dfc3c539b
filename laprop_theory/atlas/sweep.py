"""Running the points on Dask: a LocalCluster or an existing cluster, one task per point.

* :func:`open_client` -- a :class:`distributed.Client` on a fresh ``LocalCluster`` of N
  single-threaded worker processes, or on an existing scheduler (``tcp://HOST:PORT``, a
  cluster started with ``dask scheduler`` and ``dask worker``); an unreachable scheduler raises
  :class:`SchedulerError` after :data:`CONNECT_TIMEOUT` seconds.
* :func:`sweep` -- submits one task per point (:func:`~laprop_theory.atlas.point.compute_point`;
  larger T first, so the longest points do not start last) and hands each row to ``on_row``
  as it finishes, polling ``should_stop`` every :data:`POLL` seconds.

A task is a pure function of its point, so the engine changes nothing but the wall time. A
worker process that dies (killed, out of memory) takes only the point it was running: the
scheduler reschedules it on another worker (up to ``distributed.scheduler.allowed-failures``
times, default 3; a LocalCluster's nanny restarts the dead worker). A point whose task raises
is reported as a failure and the others go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import re
import signal
import socket
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .grid import Point
from .point import compute_point

__all__ = ["CONNECT_TIMEOUT", "Failure", "SchedulerError", "default_workers", "open_client",
           "quiet_dask", "sweep"]

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for an existing scheduler before giving up."""
POLL = 0.2
"""Seconds between two looks at ``should_stop`` while waiting for rows."""
ADDRESS = re.compile(r"(?:tcp://)?[A-Za-z0-9_.\-\[\]:]+:[0-9]{1,5}")
"""What a scheduler address looks like: [tcp://]HOST:PORT (plain TCP: the command takes no
TLS settings)."""
QUIET_TRACKER = "ignore::UserWarning:multiprocessing.resource_tracker"
"""The -W option that silences multiprocessing's resource tracker (see :func:`open_client`)."""


class SchedulerError(OSError):
    """The scheduler cannot be reached (one-line message)."""


@dataclass(frozen=True)
class Failure:
    """A point whose task failed: the point and the error, in one line."""

    point: Point
    error: str


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def quiet_dask(level: int = logging.CRITICAL) -> None:
    """Silence Dask's logging in this process (its own messages replace it): ``distributed``
    reports lost workers, slow garbage collection and shutdown races at WARNING/ERROR, none
    of which is the user's business when a point is retried."""
    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(level)
    warnings.filterwarnings("ignore", module=r"distributed(\..*)?")


def _probe(address: str, timeout: float) -> None:
    """Raise :class:`SchedulerError` unless a Dask scheduler answers at ``address``: a TCP
    connection first (a refused one fails at once; Dask's own connect would retry until its
    timeout), then Dask's handshake, both within ``timeout`` seconds in all. (A Client that fails to
    connect lingers: its finaliser waits 10 s more at exit.)"""
    from distributed.comm import connect

    hostport = address.split("://", 1)[-1]
    host, _, port = hostport.rpartition(":")

    async def hello() -> None:
        comm = await connect(address, timeout=timeout)
        await comm.close()

    started = time.monotonic()
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
        left = max(0.1, timeout - (time.monotonic() - started))
        asyncio.run(asyncio.wait_for(hello(), left))
    except Exception as exc:  # noqa: BLE001 - refused, timed out, not Dask (garbage), ...
        reason = (exc.strerror if isinstance(exc, OSError) and exc.strerror
                  else f"no Dask handshake: {type(exc).__name__}")
        raise SchedulerError(f"cannot reach the Dask scheduler at {address[:60]!r} within "
                             f"{timeout:g} s ({reason})") from None


def dask_setup(worker: Any) -> None:  # noqa: ARG001 - Dask's preload hook
    """In a LocalCluster's worker process (preloaded): Ctrl-C in the terminal reaches the
    whole process group, and stopping is the command's business -- the worker ignores SIGINT
    (it ends with the command: its nanny's pipe closes)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def open_client(*, workers: int | None = None, scheduler: str | None = None,
                timeout: float = CONNECT_TIMEOUT) -> Iterator[Any]:
    """A Client on ``scheduler`` or on a new LocalCluster of ``workers`` processes (one
    thread each, no dashboard); closed (and the cluster shut down) on exit."""
    quiet_dask()
    from distributed import Client, LocalCluster

    if scheduler is not None:
        if not ADDRESS.fullmatch(scheduler):
            raise SchedulerError(f"--scheduler must look like tcp://HOST:PORT, got "
                                 f"{scheduler[:60]!r}")
        _probe(scheduler, timeout)
        try:
            client = Client(scheduler, timeout=timeout, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError, ...
            raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler[:60]!r} "
                                 f"within {timeout:g} s ({type(exc).__name__})") from None
        try:
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=2)
        return
    # After Ctrl-C the command ends without shutting the cluster down (it must stop within a
    # second); multiprocessing's resource tracker then frees the workers' semaphores and warns
    # about each: it is started with this interpreter's -W options, so ignore that warning.
    if QUIET_TRACKER not in sys.warnoptions:
        sys.warnoptions.append(QUIET_TRACKER)
    cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                           processes=True, dashboard_address=None,
                           silence_logs=logging.CRITICAL, preload=[__name__])
    try:
        client = Client(cluster, set_as_default=False)
        try:
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=2)
    finally:
        with contextlib.suppress(Exception):
            cluster.close(timeout=5)


def sweep(client: Any, points: list[Point], *, on_row: Callable[[dict[str, Any]], None],
          should_stop: Callable[[], bool] = lambda: False,
          task: Callable[[Point], dict[str, Any]] = compute_point) -> tuple[list[Failure], bool]:
    """Run ``task`` on every point through ``client``; ``on_row(row)`` for each row as it
    finishes (in the calling thread). Returns (failures, stopped): ``stopped`` when
    ``should_stop()`` ended the sweep early (the points still running are abandoned)."""
    finished: queue.SimpleQueue = queue.SimpleQueue()
    run = uuid.uuid4().hex[:12]
    futures = {}
    for i, p in enumerate(points):  # priority: larger T first (Dask runs higher first)
        f = client.submit(task, p, key=f"atlas-{run}-{i}", priority=p.steps, pure=False)
        futures[f.key] = (f, p)
        f.add_done_callback(finished.put)  # called in Dask's thread when f is done
    failures: list[Failure] = []
    left = len(futures)
    while left:
        if should_stop():
            return failures, True
        try:
            f = finished.get(timeout=POLL)
        except queue.Empty:
            continue
        if f.key not in futures:  # already handled
            continue
        left -= 1
        point = futures.pop(f.key)[1]
        if f.status == "finished":
            on_row(f.result())
        else:
            try:
                exc = f.exception()
                error = f"{type(exc).__name__}: {exc}"
            except Exception as why:  # noqa: BLE001 - cancelled, lost scheduler, ...
                error = f"{type(why).__name__}: {why}"
            failures.append(Failure(point, error[:300]))
        f.release()
    return failures, False
