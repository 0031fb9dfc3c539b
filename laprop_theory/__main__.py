"""``python -m laprop_theory <command> ...``: the theory toolkit's command line.

Each command lives in its own module ``laprop_theory.cli.<name>`` exposing
``add_arguments(parser)``, ``run(args) -> int``, ``HELP`` (its one line in ``--help``) and
``ORDER`` (that line's place); :func:`commands` finds them, so a new command is one new module,
and this file only dispatches. Bad arguments exit with code 2 and a one-line message on stderr
(quoting at most 60 characters of any argument), and nothing is written; SIGINT or SIGTERM
stops a command within a second, keeps what it found, and exits with code 130 (see
:class:`laprop_theory.cli.common.Interrupts`). A command may set ``INTERRUPTS = "flag"`` (it
polls ``args.interrupts``) instead of the default ``"raise"``
(:class:`~laprop_theory.cli.common.Interrupted` is raised in the main thread), and
``USES_Z3 = True`` to keep z3 from catching Ctrl-C itself.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import os
import pkgutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .cli.common import (
    EXIT_INTERRUPTED,
    CLIError,
    Interrupted,
    Interrupts,
    OneLineParser,
    no_ctrl_c_in_z3,
    one_line,
)

if __name__ == "__main__":  # Ctrl-C while the tools load: nothing found yet, stop at once
    def _early_stop(signum: int, frame: object) -> None:  # noqa: ARG001
        os.write(2, b"laprop_theory: interrupted\n")
        os._exit(EXIT_INTERRUPTED)

    for _sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(_sig, _early_stop)


@dataclass(frozen=True)
class _Entry:
    """One command as ``--help`` lists it; ``module`` is imported only when the command runs
    (or when its declarations cannot be read from its source)."""

    order: int
    name: str
    help: str
    module: str

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


def _checked(module: ModuleType, name: str) -> _Entry | None:
    """The entry of an imported command module, None for a shared module; raises TypeError for
    a command that declares itself only half (see :func:`commands`)."""
    if not hasattr(module, "HELP"):
        if hasattr(module, "add_arguments") and hasattr(module, "run"):
            raise TypeError(f"{module.__name__} defines add_arguments and run but no HELP "
                            "(its one line in python -m laprop_theory --help)")
        return None  # a shared module (common), not a command
    order = getattr(module, "ORDER", None)
    if not isinstance(order, int) or isinstance(order, bool):
        raise TypeError(f"{module.__name__} sets HELP but no integer ORDER (the place of "
                        "its line in python -m laprop_theory --help)")
    return _Entry(order, name, str(module.HELP), module.__name__)


def _declared(path: str | None) -> tuple[str, int] | None:
    """(HELP, ORDER) when the source at ``path`` assigns both as literals at its top level
    (a str and an int), read without importing it; None otherwise."""
    if not path or not path.endswith(".py"):
        return None
    values: dict[str, Any] = {}
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id in ("HELP", "ORDER"):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                return None
    help_, order = values.get("HELP"), values.get("ORDER")
    if isinstance(help_, str) and isinstance(order, int) and not isinstance(order, bool):
        return help_, order
    return None


def _entries() -> list[_Entry]:
    """Every command in the order of ``--help``. A module whose HELP and ORDER are literals
    is listed from its source and imported only to run; any other is imported and checked as
    :func:`commands` checks it."""
    from . import cli

    found = []
    for info in pkgutil.iter_modules(cli.__path__):
        if info.name.startswith("_") or info.ispkg:
            continue
        full = f"{cli.__name__}.{info.name}"
        spec = importlib.util.find_spec(full)
        declared = _declared(spec.origin if spec else None)
        if declared is not None:
            found.append(_Entry(declared[1], info.name, declared[0], full))
        elif (entry := _checked(importlib.import_module(full), info.name)) is not None:
            found.append(entry)
    return sorted(found, key=lambda e: (e.order, e.name))


def commands() -> dict[str, ModuleType]:
    """Every command, by name, in the order of ``--help``: each module of
    :mod:`laprop_theory.cli` whose name does not start with ``_`` and that sets ``HELP``, sorted
    by (``ORDER``, name); the command's name is the module's (``atlas-plot`` has a hyphen). A
    module with ``add_arguments`` and ``run`` but no ``HELP``, or with ``HELP`` but no integer
    ``ORDER``, raises :class:`TypeError` naming it. Imports every command (``main`` imports
    only the one it runs)."""
    return {entry.name: entry.load() for entry in _entries()}


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m laprop_theory", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    argv = sys.argv[1:] if argv is None else list(argv)
    # only the command asked for (the first word that is not an option) is imported and
    # given its arguments: a command does not pay for the others' imports (up to 0.8 s)
    wanted = next((a for a in argv if not a.startswith("-")), None)
    entries = _entries()
    module: ModuleType | None = None
    for entry in entries:
        p = sub.add_parser(entry.name, help=entry.help, description=entry.help)
        if entry.name == wanted:
            module = entry.load()
            module.add_arguments(p)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("a command is required: " + ", ".join(e.name for e in entries)
                     + " (python -m laprop_theory COMMAND --help)")
    assert module is not None and args.command == wanted  # the command is argv's first word
    prefix = f"laprop_theory {args.command}"
    stop = Interrupts(args.command, mode=getattr(module, "INTERRUPTS", "raise"))
    args.interrupts = stop
    z3_quiet = no_ctrl_c_in_z3() if getattr(module, "USES_Z3", False) else contextlib.nullcontext()
    with z3_quiet, stop:
        try:
            try:
                code = int(module.run(args) or 0)
            finally:
                stop.mode = "flag"  # from here on a signal only sets the flag
        except CLIError as exc:
            print(f"{prefix}: error: {one_line(str(exc))}", file=sys.stderr)
            code = 2
        except Interrupted:
            print(f"{prefix}: interrupted", file=sys.stderr)
            code = EXIT_INTERRUPTED
        except OSError as exc:  # the system failed us after the checks (disk full, ...)
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            print(f"{prefix}: error: {one_line(exc.strerror or str(exc))}"
                  f"{one_line(where)[:80]}", file=sys.stderr)
            code = 1
        if stop.hit and code == 0:
            code = EXIT_INTERRUPTED
        stop.finished()
    return code


if __name__ == "__main__":
    _code = main()
    if _code == EXIT_INTERRUPTED:  # everything is printed and saved: skip the slow teardown
        sys.stdout.flush()        # (torch's, or a solver thread still running)
        sys.stderr.flush()
        os._exit(_code)
    sys.exit(_code)
