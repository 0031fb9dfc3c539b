"""One certificate, re-checked: SMT scripts by cvc5, boxes and points by interval arithmetic.

Nothing here imports the checker (``laprop_theory.proof``), z3 or sympy: the certificates are
read as text, the SMT-LIB2 scripts by cvc5's parser, the JSON s-expressions by
:mod:`.sexpr`.

What is checked, per kind of certificate (see ``laprop_theory.proof.certificates``):

``smt``
    every file's sha256 is the manifest's; cvc5 answers ``unsat`` to the ``definedness``
    script; for an equality whose ``statement`` file gives two rational functions, lhs − rhs
    expands to the zero rational function (:mod:`.algebra`); otherwise the ``negation``
    script's last assertion is ``not (lhs REL rhs)`` with the manifest's REL and cvc5 answers
    ``unsat`` to it. A ``lemmas`` file lists helper formulas, each shown unsat to negate
    under the domain, the definitions and the lemmas before it, then asserted before the
    negated relation; a ``split`` file lists atoms, and the negation must be unsat under every
    one of the 2^k truth assignments to them, which the verifier enumerates. Either can only
    make cvc5's work easier, never pass a wrong step.
``point``
    the point has one exact rational per range; it lies in every range (integers where the
    range is integer) and satisfies every constraint, decided exactly or by an interval that
    excludes the other side; lhs − rhs (oriented so that the step reads f ≤ 0, f < 0, f = 0)
    is certainly > 0, ≥ 0 or ≠ 0 there; the recorded enclosures of lhs and rhs meet the
    computed ones.
``boxes``
    the integer symbols' values are enumerated and each has exactly one cover; each cover's
    boxes lie in the hull of the continuous ranges and form a bisection of it (so their union
    is the hull and they overlap only on faces); each box either certainly violates a
    constraint on its whole closure, or the product of its factors Π bᵢ^kᵢ is certainly ≤ 0
    (< 0) on it; cvc5 shows, per value of the integers, that lhs and rhs are defined on the
    domain and that Π bᵢ^kᵢ = ±(lhs − rhs) wherever everything is defined (a query written
    here from the JSON, independent of the shipped ``identity`` script, which cvc5 also
    checks).
``extended`` (steps with ``oo`` or improper integrals)
    the rules of :mod:`.extended`: each integrand ≥ 0 almost everywhere (a structural sign
    analysis), a lower bound of each integral from pieces (a Riemann lower sum in interval
    arithmetic, or a pole c/|x − s|^p, p ≥ 1, shown by cvc5 and intervals: divergence), and
    the relation by the arithmetic of [0, ∞] with every finite term defined (and > 0 where a
    rule needs it) on the whole domain by cvc5.

The package: :mod:`.reading` (files, cvc5 runs, terms), :mod:`.domains`, and one module per
kind (:mod:`.smt_entries`, :mod:`.points`, :mod:`.boxes`); :func:`check_entry` is here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import sexpr as sx
from ..extended import ExtendedError, check_extended
from ..smt import CPU_SECONDS, RLIMIT
from .boxes import MAX_BOXES, MAX_COMBINATIONS, box_str, check_boxes
from .domains import _domain
from .points import check_point
from .reading import Failed, _read, _smt
from .smt_entries import MAX_LEMMAS, MAX_SPLIT_ATOMS, _check_smt_entry, lemma_scripts, split_cases

__all__ = ["Failed", "MAX_BOXES", "MAX_COMBINATIONS", "MAX_LEMMAS", "MAX_SPLIT_ATOMS", "box_str",
           "check_boxes", "check_entry", "check_point", "lemma_scripts", "split_cases"]


def check_entry(root: Path, entry: dict[str, Any], rlimit: int = RLIMIT,
                cpu: float = CPU_SECONDS) -> tuple[str, str | None, set[str]]:
    """(file, failure reason or None, tools used) for one manifest entry."""
    files = entry.get("files") or []
    first = files[0]["path"] if files and isinstance(files[0], dict) and "path" in files[0] \
        else f"{entry.get('claim')}/{entry.get('step')}"
    kind = entry.get("kind")
    tools: set[str] = set()
    where = [first]
    try:
        if kind == "none" or not files:
            raise Failed(f"no certificate ({entry.get('reason', 'none written')})")
        if kind == "smt":
            if entry.get("status") != "proved":
                raise Failed("an SMT certificate must be of a proof")
            _check_smt_entry(root, entry, files, rlimit, cpu, tools, where)
        elif kind == "point":
            if entry.get("status") != "refuted" or len(files) != 1:
                raise Failed("a point certificate is one file of a refutation")
            tools.add("mpmath-iv")
            cert = json.loads(_read(root, files[0]))
            if cert.get("rel") != entry.get("rel"):
                raise Failed("the relation differs from the manifest's")
            check_point(cert)
        elif kind == "boxes":
            if entry.get("status") != "proved":
                raise Failed("a box cover must be of a proof")
            by_role = {f.get("role"): f for f in files}
            if set(by_role) != {"boxes", "identity"} or len(files) != 2:
                raise Failed("a box certificate is a cover and an identity script")
            tools |= {"mpmath-iv", "cvc5"}
            texts = {role: _read(root, f) for role, f in by_role.items()}
            where[0] = by_role["boxes"]["path"]
            cert = json.loads(texts["boxes"])
            if cert.get("rel") != entry.get("rel"):
                raise Failed("the relation differs from the manifest's")
            check_boxes(cert, rlimit, cpu)
            where[0] = by_role["identity"]["path"]
            _smt(texts["identity"].decode("utf-8"), where[0], rlimit, cpu=cpu)
        elif kind == "extended":
            if entry.get("status") != "proved" or len(files) != 1 or \
                    files[0].get("role") != "extended":
                raise Failed("an extended certificate is one file of a proof")
            cert = json.loads(_read(root, files[0]))
            if cert.get("rel") != entry.get("rel"):
                raise Failed("the relation differs from the manifest's")
            ranges, cons = _domain(cert)

            def run(script: str, what: str) -> None:
                try:
                    _smt(script, what, rlimit, cpu=cpu)
                except Failed as exc:
                    raise Failed(f"{what}: {exc}") from None

            try:
                check_extended(cert, ranges, cons, run, tools)
            except (ExtendedError, sx.SexprError, sx.Undefined) as exc:
                raise Failed(str(exc)) from None
        else:
            raise Failed(f"unknown certificate kind {kind!r}")
    except Failed as exc:
        return where[0], str(exc), tools
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        return where[0], f"malformed certificate: {type(exc).__name__}: {exc}", tools
    return where[0], None, tools
