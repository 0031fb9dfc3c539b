"""``verify DIR``: re-check the certificates that ``check --certificates DIR`` wrote, with
cvc5 and mpmath interval arithmetic only (see :mod:`laprop_theory.verify`).

Exit code 0 when every certificate checks, 1 when one fails, 2 on bad arguments (a missing
directory or manifest). This module imports nothing of ``laprop_theory.proof``;
``python -m laprop_theory.cli.verify DIR`` runs it without the other commands (and so without
z3, sympy or the checker even being importable).
"""

from __future__ import annotations

import argparse
import sys
import time

from ..verify import CPU_SECONDS, RLIMIT, ManifestError, verify_directory
from .common import (
    CLIError,
    OneLineParser,
    check_output_dir,
    emit_json,
    path_text,
    positive_int,
)

HELP = "re-check the certificates of check --certificates with cvc5 and mpmath"
ORDER = 7  # HELP, at place ORDER: this command's line in --help


def certificates_dir(text: str) -> str:
    """argparse type of ``check --certificates DIR``: a path (see ``path_text``) to a folder
    that exists and can be written, or can be created -- checked before any work starts."""
    text = path_text("--certificates")(text)
    try:
        check_output_dir(text, "--certificates")
    except CLIError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("directory", metavar="DIR", help="a directory written by check "
                   "--certificates")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--rlimit", type=positive_int("--rlimit", maximum=10**12), default=RLIMIT,
                   help=f"cvc5 resource units per query (default {RLIMIT})")
    p.add_argument("--cpu-limit", type=positive_int("--cpu-limit", maximum=3600),
                   default=None, metavar="SECONDS",
                   help=f"safety limit: processor seconds per cvc5 script (default "
                        f"{CPU_SECONDS:g}; cvc5's nonlinear solver does not count all its "
                        "work in resource units)")
    p.add_argument("--jobs", type=positive_int("--jobs", maximum=64), default=None,
                   help="worker processes (default: CPU count, at most 4)")


def run(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    try:
        result = verify_directory(args.directory, rlimit=args.rlimit, jobs=args.jobs,
                                  cpu_limit=args.cpu_limit or CPU_SECONDS)
    except ManifestError as exc:
        raise CLIError(str(exc)) from None
    if args.json:
        emit_json(result)
    else:
        rows = [("certificates", str(result["checked"])), ("passed", str(result["passed"])),
                ("failed", str(len(result["failed"])))]
        rows += [(f"  by {tool}", str(n)) for tool, n in sorted(result["by_tool"].items())]
        width = max(len(a) for a, _ in rows)
        for a, b in rows:
            print(f"{a.ljust(width)}  {b}")
        if result["failed"]:
            print("\nfailed:")
            fw = max(len(f["file"]) for f in result["failed"])
            for f in result["failed"]:
                print(f"  {f['file'].ljust(fw)}  {f['reason']}")
        print(f"({time.monotonic() - t0:.1f} s)", file=sys.stderr)
    return 1 if result["failed"] else 0


def main(argv: list[str] | None = None) -> int:
    """Run ``verify`` on its own (without the other commands' imports)."""
    parser = OneLineParser(prog="python -m laprop_theory verify",
                           description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except CLIError as exc:
        print(f"laprop_theory verify: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
