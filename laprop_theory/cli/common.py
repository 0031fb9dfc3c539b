"""Shared pieces of the command line: one-line errors, argument types, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NoReturn


class CLIError(Exception):
    """A bad argument or input discovered after parsing: printed on one line, exit code 2."""


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def unit_interval(name: str):
    """argparse type for a decimal in [0, 1); kept as a string so mpmath reads it exactly."""

    def parse(text: str) -> str:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not 0 <= value < 1:
            raise argparse.ArgumentTypeError(f"{name} must be in [0, 1), got {text}")
        return text

    return parse


def positive_int(name: str, minimum: int = 1):
    """argparse type for an integer >= minimum."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{name} must be >= {minimum}, got {value}")
        return value

    return parse


def emit_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout (mpf and other non-JSON values become strings)."""
    json.dump(obj, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
