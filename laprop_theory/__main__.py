"""``python -m laprop_theory <command> ...``: the theory toolkit's command line.

Each command lives in its own module ``laprop_theory.cli.<name>`` exposing
``add_arguments(parser)`` and ``run(args) -> int``; this file only dispatches. Bad arguments
exit with code 2 and a one-line message on stderr.
"""

from __future__ import annotations

import importlib
import sys

from .cli.common import CLIError, OneLineParser

COMMANDS: dict[str, str] = {
    "check": "decide every step of the paper's claims (Props. 1-2, Table 1, Eq. 8, Thm. 1)",
    "supremum": "exact supremum of the LaProp or Adam update size",
    "search": "adversarial search for worst-case gradient sequences",
    "regret": "empirical regret of the Theorem 1 variant against its bound",
    "experiment": "the paper's experiments that fit on a CPU",
    "report": "write every table and figure of the companion note",
}


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
        parser.print_help()
        return 2
    try:
        return int(available[args.command].run(args) or 0)
    except CLIError as exc:
        print(f"laprop_theory {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
