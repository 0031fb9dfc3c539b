"""``python -m laprop_theory <command> ...``: the theory toolkit's command line.

Each command lives in its own module ``laprop_theory.cli.<name>`` exposing
``add_arguments(parser)`` and ``run(args) -> int``; this file only dispatches. Bad arguments
exit with code 2 and a one-line message on stderr (quoting at most 60 characters of any
argument), and nothing is written; SIGINT or SIGTERM stops a command within a second, keeps
what it found, and exits with code 130 (see :class:`laprop_theory.cli.common.Interrupts`).
A command may set ``INTERRUPTS = "flag"`` (it polls ``args.interrupts``) instead of the default
``"raise"`` (:class:`~laprop_theory.cli.common.Interrupted` is raised in the main thread).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys

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

COMMANDS: dict[str, str] = {
    "check": "decide every step of the paper's claims (Props. 1-2, Table 1, Eq. 8, Thm. 1)",
    "supremum": "exact supremum of the LaProp or Adam update size",
    "search": "adversarial search for worst-case gradient sequences",
    "regret": "empirical regret of the Theorem 1 variant against its bound",
    "experiment": "the paper's experiments that fit on a CPU",
    "report": "write every table and figure of the companion note",
    "verify": "re-check the certificates of check --certificates with cvc5 and mpmath",
    "atlas": "the searcher swept over (target, mu, nu, T) grids on Dask (resumable)",
    "atlas-plot": "heat maps of an atlas folder (best/bound, Adam/LaProp, Prop. 2)",
}
USES_Z3 = ("check", "report")


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m laprop_theory", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    available = {}
    for name, help_text in COMMANDS.items():
        try:
            module = importlib.import_module(f"laprop_theory.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"laprop_theory.cli.{name}":
                continue  # command not built yet
            raise
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p)
        available[name] = module
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("a command is required: " + ", ".join(available)
                     + " (python -m laprop_theory COMMAND --help)")
    module = available[args.command]
    prefix = f"laprop_theory {args.command}"
    stop = Interrupts(args.command, mode=getattr(module, "INTERRUPTS", "raise"))
    args.interrupts = stop
    z3_quiet = no_ctrl_c_in_z3() if args.command in USES_Z3 else contextlib.nullcontext()
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
