"""The s-expression grammar of :mod:`laprop_theory.verify.sexpr`: tokens, the parser, the
names a term uses, and the errors of every evaluator."""

from __future__ import annotations

import re

Node = str | list["Node"]


_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_INT = re.compile(r"-?[0-9]+\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\Z")
#: ``integral`` is read here but evaluated only by :mod:`.extended` (elsewhere: an error)
OPERATORS = frozenset({"+", "*", "-", "/", "^", "abs", "sign", "exp", "log", "max", "min",
                       "integral"})


class SexprError(ValueError):
    """Malformed s-expression."""


class Undefined(ValueError):
    """A partial operation is (possibly) applied outside its domain."""


class Inexact(ValueError):
    """The exact value is not rational (a root, exp, log or pi)."""


def parse(text: str) -> Node:
    """Parse one s-expression (a name, an integer or a nested list)."""
    if not isinstance(text, str):
        raise SexprError(f"expected a string, got {type(text).__name__}")
    tokens = _TOKEN.findall(text)
    pos = 0

    def read() -> Node:
        nonlocal pos
        if pos >= len(tokens):
            raise SexprError("unexpected end")
        tok = tokens[pos]
        pos += 1
        if tok == ")":
            raise SexprError("unexpected ')'")
        if tok != "(":
            if not (_INT.match(tok) or _NAME.match(tok)):
                raise SexprError(f"bad token {tok!r}")
            return tok
        if pos >= len(tokens) or tokens[pos] not in OPERATORS:
            raise SexprError(f"unknown operator in {text[:60]!r}")
        out: list[Node] = [tokens[pos]]
        pos += 1
        while True:
            if pos >= len(tokens):
                raise SexprError("missing ')'")
            if tokens[pos] == ")":
                pos += 1
                break
            out.append(read())
        if len(out) < 2:
            raise SexprError(f"{out[0]} without arguments")
        return out

    node = read()
    if pos != len(tokens):
        raise SexprError("trailing tokens")
    return node


def names_in(node: Node) -> set[str]:
    """The variable names a term uses."""
    if isinstance(node, str):
        return set() if (_INT.match(node) or node == "pi") else {node}
    out: set[str] = set()
    for a in node[1:]:
        out |= names_in(a)
    return out


def _arity(node: list, lo: int, hi: int | None = None) -> None:
    n = len(node) - 1
    if n < lo or (hi is not None and n > hi):
        raise SexprError(f"wrong number of arguments to {node[0]}")
