"""Certificates: what a decided step leaves behind for a second tool to re-check.

:func:`write_certificates` writes, for every step whose verdict is ``proved`` or ``refuted``,
files under ``DIR/<claim>/`` and a ``DIR/manifest.json`` that lists them::

    {"format": "laprop-certificates/1",
     "certificates": [{"claim", "step", "status", "method", "rel", "relation", "domain",
                       "relaxation", "kind", "files": [{"path", "role", "expect", "sha256"}],
                       "reason"}]}

By kind:

``smt`` (steps proved by ``smt`` or ``sympy``)
    ``<step>.smt2``: the negated step (the *relaxed* step where the proof used a relaxation,
    which the comments and ``relaxation`` name) over its domain, with √, powers, |·|, sign and
    Max/Min written out (:mod:`laprop_theory.proof.smtlib`), expected ``unsat``;
    ``<step>.def.smt2`` (when the sides have roots or denominators): some side undefined
    somewhere, expected ``unsat``;
    for an equality that is an identity between rational functions also
    ``<step>.terms.json``: lhs and rhs as s-expressions, so that it is re-checked exactly.
    Where :data:`SMT_HINTS` names the step, the negation script sets cvc5 search-strategy
    options and
    ``<step>.split.json`` lists atoms (``{"atoms", "options": {case: [[key, value]]}}``): the
    verifier checks the negation under each of the 2^k truth assignments to them;
    ``<step>.lemmas.json`` lists helper formulas (``{"lemmas"}``) that the verifier proves
    one after another, then assumes.
``extended`` (steps with ``oo`` or integrals, proved by ``sympy``)
    ``<step>.json``: lhs and rhs with ``oo`` and ``(integral F X A B)``, the domain, and per
    integral the pieces of a certified lower bound: ``riemann`` boxes, or a ``pole``
    (f = g·|x − s|^(−p), p ≥ 1, g > 0 on a box cover near s: divergence). The verifier's
    rules (:mod:`laprop_theory.verify.extended`) take it from there.
``boxes`` (steps proved by ``interval``)
    ``<step>.json``: f = lhs − rhs oriented so that the step reads f ≤ 0 (f < 0), the domain,
    and per value of the integer symbols the factors (f = Π baseᵢ^kᵢ) and the box cover, each
    box ``sign`` (with the arb enclosure of Π baseᵢ^kᵢ on it) or ``outside`` (with the index and
    enclosure of a constraint it certainly violates); ``<step>.identity.smt2``: per value of
    the integer symbols, f is defined on the box's domain and f = Π baseᵢ^kᵢ wherever defined
    (each ``unsat``).
``point`` (refutations)
    ``<step>.json``: the exact rational point, lhs and rhs as s-expressions, the domain, the
    arb enclosures of lhs, rhs and the violation, and the replayed run for an abstract step.
``none``
    A decided step that has no certificate, with the ``reason`` (e.g. an improper integral,
    a limit: not expressible in SMT-LIB2 arithmetic).

Content is a function of the results alone (no time stamps; JSON with sorted keys), so the
same check writes byte-identical files. Each file is written to a temporary name and renamed.

The package: :mod:`.formatting` (text and JSON), :mod:`.smt_hints` (:data:`SMT_HINTS`),
:mod:`.relaxations` (weaker steps SMT-LIB2 can state), :mod:`.boxes`, :mod:`.points` and
:mod:`.extended` (one module per kind); the ``smt`` kind, the choice of kind and
:func:`write_certificates` are here.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ...files import write_bytes
from ..ball import Undefined
from ..core import StepResult
from ..smtlib import (
    Names,
    NotEncodable,
    definedness_script,
    encode_step,
    negation_script,
    sexpr,
)
from .boxes import _box_files
from .extended import _extended_files, _is_extended
from .formatting import _describe, _dump, _header, _relation, _safe
from .points import _point_files
from .relaxations import INTS_AS_REALS_RLIMIT_BUDGET as INTS_AS_REALS_RLIMIT_BUDGET
from .relaxations import _ints_as_reals, _unit_powers
from .smt_hints import SMT_HINTS
from .smt_hints import ite_atoms as ite_atoms

__all__ = ["write_certificates", "FORMAT"]


FORMAT = "laprop-certificates/1"


def _rational_identity(lhs: str, rhs: str) -> bool:
    """Is lhs − rhs the zero rational function, by the verifier's exact algebra?"""
    from ...verify import algebra
    from ...verify import sexpr as vsx

    try:
        return algebra.identity(vsx.parse(lhs), vsx.parse(rhs))
    except (algebra.NotRational, vsx.SexprError):
        return False


def _smt_files(r: StepResult, step: Any, relaxation: str | None
               ) -> list[tuple[str, str, str]]:
    """(suffix, role, text) of the negation and definedness scripts (and of the case split
    that :data:`SMT_HINTS` asks for)."""
    q = encode_step(step)
    hint = SMT_HINTS.get((r.claim, r.step.id), {})
    neg = negation_script(q, _header(
        r, step, relaxation, "expected: unsat (the step holds wherever both sides are "
        "defined)"), options=hint.get("options", ()))
    out = [(".smt2", "negation", neg)]
    lemmas = list(hint.get("lemmas", ()))
    declared = set(re.findall(r"\(declare-fun (\S+) ", neg))
    texts = [a["formula"] if isinstance(a, dict) else a for a in lemmas]
    if lemmas and all(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", a)) <= declared for a in
                      (re.sub(r"\(\s*(?:[-+*/<>=]+|not|and|or|ite)(?=[\s(])", "(", a)
                       for a in texts)):
        out.append((".lemmas.json", "lemmas", _dump({
            "format": "laprop-certificate/lemmas-1", "claim": r.claim, "step": r.step.id,
            "lemmas": lemmas})))
    atoms = ite_atoms(neg) if hint.get("split") else []
    if atoms:
        out.append((".split.json", "split", _dump({
            "format": "laprop-certificate/split-1", "claim": r.claim, "step": r.step.id,
            "atoms": atoms, "options": {}})))
    d = definedness_script(q, _header(r, step, relaxation,
                                      "expected: unsat (both sides are defined on the domain)"))
    if d is not None:
        out.append((".def.smt2", "definedness", d))
    if step.rel == "=":
        # an identity between rational functions can also be re-checked exactly; an equality
        # that holds only on the domain (u = mu under the constraint u = mu) is left to cvc5
        names = Names()
        for s in step.domain.ranges:
            names.symbol(s)
        lhs, rhs = sexpr(step.lhs, names), sexpr(step.rhs, names)
        if _rational_identity(lhs, rhs):
            out.append((".terms.json", "statement", _dump({
                "format": "laprop-certificate/terms-1", "claim": r.claim, "step": r.step.id,
                "rel": step.rel, "lhs": lhs, "rhs": rhs, "names": names.table()})))
    return out


def _files_for(r: StepResult) -> tuple[str, list[tuple[str, str, str]]]:
    v = r.verdict
    ev = v.evidence or {}
    step = ev.get("step")
    if step is None:
        raise NotEncodable(f"the verdict ({v.method}) kept no evidence")
    if v.status == "proved" and _is_extended(step):
        return "extended", _extended_files(r, step)
    if v.status == "refuted":
        if "point" not in ev:
            raise NotEncodable("the refutation kept no exact point")
        return "point", _point_files(r, step, ev)
    if v.method in ("smt", "sympy"):
        relaxation = ev.get("relaxation")
        try:
            encode_step(step)
        except NotEncodable:
            relaxed = _unit_powers(step)
            if relaxed is None:
                raise
            step, note = relaxed
            relaxation = f"{relaxation}; {note}" if relaxation else note
        real = _ints_as_reals(step)
        if real is not None:
            step, note = real
            relaxation = f"{relaxation}; {note}" if relaxation else note
        return "smt", _smt_files(r, step, relaxation)
    if v.method == "interval":
        if "boxes" not in ev:
            raise NotEncodable("the interval proof kept no box cover")
        return "boxes", _box_files(r, step, ev, ev.get("relaxation"))
    raise NotEncodable(f"no certificate for method {v.method}")


def write_certificates(results: list[StepResult], directory: str | Path) -> dict[str, Any]:
    """Write one certificate per decided step of ``results`` and ``manifest.json`` under
    ``directory`` (see the module docstring); returns the manifest.

    Files listed by a previous manifest in ``directory`` that this one does not list are
    removed (nothing else is)."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    old: set[str] = set()
    try:
        prev = json.loads((root / "manifest.json").read_text())
        old = {f["path"] for c in prev.get("certificates", []) for f in c.get("files", [])}
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        pass
    entries = []
    used: set[str] = set()
    written: set[str] = set()
    for r in results:
        v = r.verdict
        if v.status not in ("proved", "refuted"):
            continue
        ev = v.evidence or {}
        step = ev.get("step", r.step)
        stem = f"{_safe(r.claim)}/{_safe(r.step.id)}"
        k = 1
        while stem.lower() in used:
            k += 1
            stem = f"{_safe(r.claim)}/{_safe(r.step.id)}~{k}"
        used.add(stem.lower())
        entry: dict[str, Any] = {
            "claim": r.claim, "step": r.step.id, "status": v.status, "method": v.method,
            "rel": step.rel, "relation": _relation(step),
            "domain": _describe(step.domain), "relaxation": ev.get("relaxation"),
            "files": []}
        try:
            kind, files = _files_for(r)
        except (NotEncodable, Undefined, ZeroDivisionError, KeyError, ValueError,
                TypeError, AttributeError, RecursionError) as exc:
            entry["kind"] = "none"
            entry["reason"] = f"not encodable: {str(exc)[:300]}"
            entries.append(entry)
            continue
        entry["kind"] = kind
        for suffix, role, text in files:
            rel_path = stem + suffix
            data = text.encode("utf-8")
            write_bytes(root / rel_path, data, parents=True)
            written.add(rel_path)
            entry["files"].append({
                "path": rel_path, "role": role,
                "expect": "unsat" if rel_path.endswith(".smt2") else "certified",
                "sha256": hashlib.sha256(data).hexdigest()})
        entries.append(entry)
    manifest = {"format": FORMAT, "certificates": entries}
    write_bytes(root / "manifest.json", _dump(manifest).encode("utf-8"), parents=True)
    for stale in sorted(old - written):
        p = (root / stale).resolve()
        if root.resolve() in p.parents and p.is_file():
            p.unlink()
    return manifest
