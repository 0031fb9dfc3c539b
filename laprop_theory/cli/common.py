"""Shared pieces of the command line: one validation layer for every command.

* :class:`OneLineParser` -- argparse errors as one line on stderr, exit code 2, quoting at most
  60 characters of any argument (defined in :mod:`laprop_theory.inputs`, which the library may
  import too, and re-exported here);
* argument types (:func:`real`, :func:`unit_interval`, :func:`bounded_int`, :func:`seed`,
  :func:`path_text`): ASCII decimals and fractions only, finite, within each option's domain,
  integers within documented upper limits (:mod:`laprop_theory.inputs` decides the syntax);
* :func:`check_output_file` and :func:`check_output_dir`: output paths checked before any work
  starts (a writable folder, the right kind, a sane name);
* :func:`atomic_write_text`, :func:`build_dir` and :func:`swap_dir`: every output file and
  folder is written under a temporary name and renamed into place;
* :class:`Interrupts`: SIGINT and SIGTERM stop a command within a second, with what it found,
  no traceback and exit code 130;
* :func:`show_progress`: progress bars only when stderr is a terminal.
"""

from __future__ import annotations

import _thread
import argparse
import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

from ..inputs import (
    InputError,
    OneLineParser,
    canonical,
    clip_arguments,
    one_line,
    parse_int,
    parse_real,
    quote,
)

__all__ = ["EXIT_INTERRUPTED", "MAX_DIGITS", "MAX_SEED", "CLIError", "Interrupted",
           "Interrupts", "OneLineParser", "atomic_write_text", "bounded_int", "build_dir",
           "check_output_dir", "check_output_file", "clip_arguments", "emit_json", "one_line",
           "path_text", "positive_int", "positive_number", "quote", "real", "seed",
           "show_progress", "swap_dir", "unit_interval"]

EXIT_INTERRUPTED = 130
MAX_DIGITS = 1000
"""Upper limit of every ``--digits`` (mpmath's cost per operation grows ~digits^1.6)."""
MAX_SEED = 2**32 - 1
"""Upper limit of every ``--seed`` (torch and numpy accept it everywhere)."""


class CLIError(Exception):
    """A bad argument or input discovered after parsing: printed on one line, exit code 2."""


# ----------------------------------------------------------------------------- argument types


def real(name: str, *, lo: Any = None, hi: Any = None, lo_open: bool = False,
         hi_open: bool = False) -> Callable[[str], str]:
    """argparse type for a real in the interval given by ``lo``/``hi`` (None: unbounded on
    that side; open or closed ends); the value is kept as its canonical decimal string (see
    :func:`laprop_theory.inputs.canonical`), which mpmath and float() read exactly as meant."""
    lo_f = None if lo is None else Fraction(str(lo))
    hi_f = None if hi is None else Fraction(str(hi))
    span = (("(" if lo_open else "[") + ("-inf" if lo is None else str(lo)) + ", "
            + ("inf" if hi is None else str(hi)) + (")" if hi_open else "]"))

    def parse(text: str) -> str:
        try:
            value = parse_real(text, name)
            out = canonical(value, name)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        ok = ((lo_f is None or (value > lo_f if lo_open else value >= lo_f))
              and (hi_f is None or (value < hi_f if hi_open else value <= hi_f)))
        if not ok:
            raise argparse.ArgumentTypeError(f"{name} must be in {span}, got {quote(text)}")
        return out

    parse.__name__ = name  # argparse names the type in some messages
    return parse


def positive_number(name: str, hi: Any) -> Callable[[str], float]:
    """argparse type for a number in (0, hi], as a float (ASCII decimal or fraction syntax;
    no inf or nan)."""
    parse_text = real(name, lo=0, lo_open=True, hi=hi)

    def parse(text: str) -> float:
        return float(parse_text(text))

    parse.__name__ = name
    return parse


def unit_interval(name: str, *, hi: Any = None) -> Callable[[str], str]:
    """argparse type for a decimal in [0, 1) (or [0, hi] when ``hi`` is given), kept as its
    canonical decimal string so that mpmath reads it exactly."""
    if hi is None:
        return real(name, lo=0, hi=1, hi_open=True)
    return real(name, lo=0, hi=hi)


def bounded_int(name: str, lo: int, hi: int) -> Callable[[str], int]:
    """argparse type for an integer in [lo, hi] (ASCII digits)."""

    def parse(text: str) -> int:
        try:
            return parse_int(text, name, lo, hi)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = name
    return parse


def positive_int(name: str, minimum: int = 1, *, maximum: int) -> Callable[[str], int]:
    """argparse type for an integer in [minimum, maximum]."""
    return bounded_int(name, minimum, maximum)


def seed(name: str = "seed") -> Callable[[str], int]:
    """argparse type for a seed in [0, 2^32 − 1]."""
    return bounded_int(name, 0, MAX_SEED)


MAX_PATH_BYTES = 4000
MAX_NAME_BYTES = 255


def path_text(name: str) -> Callable[[str], str]:
    """argparse type for a path: not empty, no NUL or line break, no name in it longer than
    255 bytes, at most 4000 bytes in all. (Whether it can be written is checked later, by
    :func:`check_output_file` / :func:`check_output_dir`, before any work starts.)"""

    def parse(text: str) -> str:
        if text == "":
            raise argparse.ArgumentTypeError(f"{name} must not be empty")
        if any(c in text for c in "\x00\n\r"):
            raise argparse.ArgumentTypeError(f"{name} must not contain NUL or line breaks, "
                                             f"got {quote(text)}")
        try:
            raw = os.fsencode(text)
        except UnicodeError:
            raise argparse.ArgumentTypeError(f"{name} is not a valid path: {quote(text)}") \
                from None
        if len(raw) > MAX_PATH_BYTES:
            raise argparse.ArgumentTypeError(f"{name} is longer than {MAX_PATH_BYTES} bytes: "
                                             f"{quote(text)}")
        if any(len(part) > MAX_NAME_BYTES for part in raw.split(b"/")):
            raise argparse.ArgumentTypeError(f"{name} has a name longer than {MAX_NAME_BYTES} "
                                             f"bytes: {quote(text)}")
        return text

    parse.__name__ = name
    return parse


# ----------------------------------------------------------------------------- output paths


def _nearest_existing(path: Path) -> Path:
    p = path
    while not os.path.lexists(p):
        if p.parent == p:
            break
        p = p.parent
    return p


def _probe(folder: Path, option: str, text: str) -> None:
    """Create and remove a file in ``folder``: the one honest test that we may write there."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".laprop-probe-", dir=folder)
    except OSError as exc:
        raise CLIError(f"{option} {quote(text)}: cannot write in {quote(str(folder))} "
                       f"({exc.strerror or type(exc).__name__})") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def check_output_file(path: str, option: str, *, make_parents: bool = False) -> Path:
    """Check, before any work, that ``path`` can be written as a file: it is not a folder or
    a special file, its folder exists (or, with ``make_parents``, can be created) and we may
    write there. Raises :class:`CLIError`; returns the path."""
    p = Path(path)
    if p.is_symlink() or (p.exists() and not p.is_file()):
        raise CLIError(f"{option} {quote(path)} exists and is not a regular file")
    folder = p.parent
    if not folder.is_dir():
        if not make_parents:
            raise CLIError(f"{option} {quote(path)}: its folder does not exist")
        anc = _nearest_existing(folder)
        if not anc.is_dir():
            raise CLIError(f"{option} {quote(path)}: {quote(str(anc))} is not a folder")
        folder = anc
    _probe(folder, option, path)
    return p


def check_output_dir(path: str, option: str) -> Path:
    """Check, before any work, that ``path`` can be written as a folder: it is a folder we may
    write in, or it does not exist and its nearest existing ancestor is such a folder."""
    p = Path(path)
    if p.is_symlink() and not p.is_dir():
        raise CLIError(f"{option} {quote(path)} is a broken symbolic link")
    if p.exists():
        if not p.is_dir():
            raise CLIError(f"{option} {quote(path)} exists and is not a folder")
        _probe(p, option, path)
        return p
    anc = _nearest_existing(p.parent)
    if not anc.is_dir():
        raise CLIError(f"{option} {quote(path)}: {quote(str(anc))} is not a folder")
    _probe(anc, option, path)
    return p


# ----------------------------------------------------------------------------- whole outputs


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder, renamed into
    place: a reader sees the old file or the new one, never half of one."""
    from ..files import write_text

    return write_text(path, text)


_PARTIAL = re.compile(r"\.(?P<name>.+)\.(?:partial|old)-(?P<pid>\d+)(?:-\d+)?")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(final: Path) -> None:
    """Remove the temporary folders that killed runs left next to ``final``."""
    parent = final.parent if str(final.parent) else Path(".")
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            m = _PARTIAL.fullmatch(entry.name)
            if m and m["name"] == final.name and not _alive(int(m["pid"])):
                shutil.rmtree(entry, ignore_errors=True)


def build_dir(final: Path) -> Path:
    """A fresh temporary folder next to ``final`` (same file system, so that it can be
    renamed into place), after removing those that killed runs left behind."""
    final.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(final)
    path = final.parent / f".{final.name}.partial-{os.getpid()}-{time.monotonic_ns()}"
    path.mkdir()
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc != 0:
        err = ctypes.get_errno()
        if err in (errno.EINVAL, errno.ENOSYS, errno.EPERM):
            return False
        raise OSError(err, os.strerror(err), str(a))
    return True


def swap_dir(built: Path, final: Path) -> None:
    """Put the complete folder ``built`` in place of ``final``: one atomic exchange where the
    system has it (a reader sees the whole old folder or the whole new one), else two renames
    (between them ``final`` is briefly absent, never half-written)."""
    if final.exists():
        if not _exchange(built, final):
            old = final.parent / f".{final.name}.old-{os.getpid()}"
            os.rename(final, old)
            os.rename(built, final)
            built = old
        shutil.rmtree(built, ignore_errors=True)
    else:
        os.rename(built, final)


# ----------------------------------------------------------------------------- interrupts


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread on SIGINT or SIGTERM (by :class:`Interrupts` in raise mode)."""


class Interrupts:
    """Within the block, SIGINT and SIGTERM stop the command within a second.

    In *raise* mode the first signal raises :class:`Interrupted` in the main thread; in *flag*
    mode it only sets the flag (``bool(self)`` / ``self()``), for loops that poll it. Either
    way the command prints what it found, calls :meth:`finished` and returns 130.

    Code in C (a z3 call, a long sympy or torch operation) can keep the main thread from
    running Python signal handlers. A watchdog thread, woken through ``signal.set_wakeup_fd``
    the moment a signal arrives, therefore gives the main thread ``grace`` seconds; if the
    command has not finished by then, it calls ``emergency()`` (which prints what is safe to
    print: a checkpoint is already on disk, a partial list of results) and ends the process
    with exit code 130. A second signal ends it at once.

    Outside the main thread (where Python cannot install handlers) this does nothing.
    """

    def __init__(self, command: str, *, mode: str = "raise", grace: float = 0.5,
                 emergency: Callable[[], None] | None = None) -> None:
        if mode not in ("raise", "flag"):
            raise ValueError(f"mode must be 'raise' or 'flag', got {mode!r}")
        self.command, self.mode, self.grace, self.emergency = command, mode, grace, emergency
        self.hit = False
        self._done = threading.Event()
        self._active = False
        self._old: dict[int, Any] = {}
        self._old_fd = -1
        self._pipe: tuple[int, int] | None = None
        self._redeliver = False
        self._old_hook = sys.unraisablehook
        self._once = threading.Lock()
        self._once_done = False

    def __bool__(self) -> bool:
        return self.hit

    def __call__(self) -> bool:
        return self.hit

    def once(self, action: Callable[[], None]) -> None:
        """Run ``action`` (print what was found) unless it already ran: the main thread and
        the watchdog's ``emergency`` may both reach it, and the output must appear once."""
        with self._once:
            if self._once_done:
                return
            self._once_done = True
            action()

    def finished(self) -> None:
        """The command has printed everything: flush, and let the watchdog stand down."""
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        self._done.set()

    def _handler(self, signum: int, frame: Any) -> None:  # noqa: ARG002
        if self._redeliver:  # our own re-delivery (see _unraisable)
            self._redeliver = False
            if self.mode == "raise":
                raise Interrupted()
            return
        if self.hit:  # a second signal: stop now
            self._exit_now()
        self.hit = True
        if self.mode == "raise":
            raise Interrupted()

    def _unraisable(self, unraisable: Any) -> None:
        """An :class:`Interrupted` raised inside a finaliser (``__del__``, e.g. z3's) is
        swallowed there: print nothing, and deliver it again to the main thread."""
        if isinstance(unraisable.exc_value, Interrupted):
            self._redeliver = True
            _thread.interrupt_main(signal.SIGINT)
            return
        self._old_hook(unraisable)

    def _exit_now(self) -> NoReturn:
        with contextlib.suppress(Exception):
            sys.stderr.write(f"laprop_theory {self.command}: interrupted\n")
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(EXIT_INTERRUPTED)

    def _watch(self, fd: int) -> None:
        while True:
            try:
                data = os.read(fd, 64)
            except OSError:
                return
            if not data:  # the block ended without an interrupt: the write end is closed
                with contextlib.suppress(OSError):
                    os.close(fd)
                return
            if any(b in (signal.SIGINT, signal.SIGTERM) for b in data):
                break
        if not self._done.wait(self.grace):
            if self.emergency is not None:
                with contextlib.suppress(Exception):
                    self.emergency()
            self._exit_now()
        # the command has printed its output; if the interpreter then hangs on exit
        # (a solver thread still running), end the process
        time.sleep(max(0.1, 1.0 - self.grace))
        os._exit(EXIT_INTERRUPTED)

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is not threading.main_thread():
            return self
        try:
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handler)
            r, w = os.pipe()
            os.set_blocking(w, False)
            self._pipe = (r, w)
            self._old_fd = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
        except (ValueError, OSError):  # pragma: no cover - not the main interpreter
            self._restore()
            return self
        threading.Thread(target=self._watch, args=(r,), daemon=True,
                         name=f"laprop-{self.command}-interrupts").start()
        self._old_hook = sys.unraisablehook
        sys.unraisablehook = self._unraisable
        self._active = True
        return self

    def _restore(self) -> None:
        for sig, old in self._old.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, old)
        self._old.clear()

    def __exit__(self, *exc: object) -> None:
        if not self._active:
            return
        self._active = False
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(self._old_fd)
        self._restore()
        sys.unraisablehook = self._old_hook
        if not self.hit and self._pipe is not None:
            with contextlib.suppress(OSError):  # the watchdog sees end of file, closes its
                os.close(self._pipe[1])         # end and stops
        # after an interrupt the watchdog stays, to end a process that hangs on exit


@contextlib.contextmanager
def no_ctrl_c_in_z3() -> Iterator[None]:
    """z3 catches SIGINT itself during a check (and then only cancels that check): turn that
    off, so that Ctrl-C reaches the command."""
    try:
        import z3
    except ImportError:  # pragma: no cover - z3 is a dependency
        yield
        return
    z3.set_param("ctrl_c", False)
    yield


def show_progress(disabled: bool = False) -> bool:
    """Draw progress bars only when stderr is a terminal (and the user did not turn them
    off); progress never goes to stdout."""
    if disabled:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def say(message: str) -> None:
    """A progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def emit_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout (mpf and other non-JSON values become strings)."""
    json.dump(obj, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
