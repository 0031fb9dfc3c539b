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
    Max/Min written out (:mod:`.smtlib`), expected ``unsat``; ``<step>.def.smt2`` (when the
    sides have roots or denominators): some side undefined somewhere, expected ``unsat``;
    for an equality also ``<step>.terms.json``: lhs and rhs as s-expressions, so that an
    identity between rational functions can be re-checked exactly.
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
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy as sp
from flint import arb

from .ball import Undefined, box_env, enclose, precision
from .core import Domain, StepResult
from .counterexample import rel_kind, violation_expr
from .interval import PREC, factors
from .smtlib import (
    Names,
    NotEncodable,
    Query,
    definedness_script,
    encode_step,
    identity_script,
    negation_script,
    sexpr,
)

__all__ = ["write_certificates", "FORMAT"]

FORMAT = "laprop-certificates/1"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).strip(".") or "_"


def _text(e: Any) -> str:
    """sympy's text of ``e`` without term ordering (ordering an Add evaluates its terms
    numerically, which for an improper integral takes minutes)."""
    return sp.sstr(e, order="none")


def _relation(step: Any) -> str:
    return f"{_text(step.lhs)} {step.rel} {_text(step.rhs)}"


def _describe(domain: Domain) -> str:
    parts = [f"{_text(s)} in {r}" for s, r in domain.ranges.items()]
    return ", ".join(parts + [_text(c) for c in domain.constraints])


def _dump(obj: Any, compact: bool = False) -> str:
    """Deterministic JSON: sorted keys, ASCII; ``compact`` (box covers) without indentation."""
    if compact:
        return json.dumps(obj, sort_keys=True, ensure_ascii=True, separators=(",", ":")) + "\n"
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _ball(v: arb) -> list[str]:
    """[lower, upper] of a ball as decimal strings of 25 significant digits (rounded to
    nearest: informational; a verifier recomputes the enclosure and only checks that it meets
    this one)."""
    return [v.lower().str(25, radius=False), v.upper().str(25, radius=False)]


def _domain_json(domain: Domain, names: Names) -> dict[str, Any]:
    ranges = []
    for s, r in domain.ranges.items():
        r = r.normalized()
        ranges.append({"name": names.symbol(s), "integer": bool(r.integer),
                       "lo": None if r.lo == -sp.oo else sexpr(r.lo, names),
                       "hi": None if r.hi == sp.oo else sexpr(r.hi, names),
                       "lo_open": bool(r.lo_open), "hi_open": bool(r.hi_open)})
    cons = []
    for c in domain.constraints:
        ops = {sp.LessThan: "<=", sp.StrictLessThan: "<", sp.GreaterThan: ">=",
               sp.StrictGreaterThan: ">", sp.Eq: "=", sp.Ne: "!="}
        if type(c) not in ops:
            raise NotEncodable(f"constraint {c}")
        cons.append({"lhs": sexpr(c.lhs, names), "rel": ops[type(c)],
                     "rhs": sexpr(c.rhs, names)})
    return {"ranges": ranges, "constraints": cons}


def _header(r: StepResult, step: Any, relaxation: str | None, what: str) -> list[str]:
    lines = [f"laprop_theory certificate: claim {r.claim}, step {r.step.id}, decided by "
             f"{r.verdict.method} ({r.verdict.status})",
             f"step: {_relation(step)}",
             f"domain: {_describe(step.domain)}"]
    if relaxation:
        lines.append(f"relaxation (the proof is of this relaxed step): {relaxation}")
    lines.append(what)
    return lines


def _smt_files(r: StepResult, step: Any, relaxation: str | None
               ) -> list[tuple[str, str, str]]:
    """(suffix, role, text) of the negation and definedness scripts."""
    q = encode_step(step)
    out = [(".smt2", "negation", negation_script(q, _header(
        r, step, relaxation, "expected: unsat (the step holds wherever both sides are "
        "defined)")))]
    d = definedness_script(q, _header(r, step, relaxation,
                                      "expected: unsat (both sides are defined on the domain)"))
    if d is not None:
        out.append((".def.smt2", "definedness", d))
    if step.rel == "=":
        # an identity can also be re-checked exactly, as rational functions
        names = Names()
        for s in step.domain.ranges:
            names.symbol(s)
        out.append((".terms.json", "statement", _dump({
            "format": "laprop-certificate/terms-1", "claim": r.claim, "step": r.step.id,
            "rel": step.rel, "lhs": sexpr(step.lhs, names), "rhs": sexpr(step.rhs, names),
            "names": names.table()})))
    return out


def _outside_index(domain: Domain, env: dict) -> tuple[int, list[str]] | None:
    """The first constraint certainly false on the box, with the enclosure of lhs − rhs."""
    from .interval import violated

    hit = violated(domain, env)
    return None if hit is None else (hit[0], _ball(hit[1]))


def _box_files(r: StepResult, step: Any, ev: dict[str, Any], relaxation: str | None
               ) -> list[tuple[str, str, str]]:
    """The box-cover JSON and the identity script of an interval proof."""
    names = Names()
    for s in step.domain.ranges:
        names.symbol(s)
    by_name: dict[str, sp.Symbol] = {}
    for s in step.domain.ranges:
        if str(s) in by_name:
            raise NotEncodable(f"two symbols are named {s}")
        by_name[str(s)] = s
    cont = [by_name[v] for v in ev.get("variables", [])]
    f = violation_expr(step)
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for b in ev["boxes"]:
        key = tuple(sorted(b["fixed"].items()))
        groups.setdefault(key, []).append(b)
    covers = []
    blocks: list[tuple[Query, str, str, list[str]]] = []
    with precision(PREC):
        for key, boxes in groups.items():
            fixed = {by_name[k]: int(v) for k, v in key}
            fi = f.xreplace({s: sp.Integer(v) for s, v in fixed.items()}) if fixed else f
            fs = factors(fi)
            prod = sp.Mul(*[b ** k for b, k in fs], evaluate=False)
            fenv = {s: arb(v) for s, v in fixed.items()}
            out_boxes = []
            for b in boxes:
                box = [(Fraction(lo), Fraction(hi)) for lo, hi in b["box"]]
                env = {**box_env(cont, box), **fenv}
                rec: dict[str, Any] = {"box": b["box"], "why": b["why"]}
                if b["why"] == "outside":
                    hit = _outside_index(step.domain, env)
                    if hit is not None:
                        rec["constraint"], rec["enclosure"] = hit
                else:
                    try:
                        v = arb(1)
                        for base, k in fs:
                            v *= enclose(base, env) ** k if k >= 0 else \
                                1 / enclose(base, env) ** (-k)
                        rec["enclosure"] = _ball(v)
                    except (Undefined, ZeroDivisionError):
                        rec["enclosure"] = None
                out_boxes.append(rec)
            covers.append({"fixed": {names.symbol(s): v for s, v in fixed.items()},
                           "factors": [[sexpr(base, names), int(k)] for base, k in fs],
                           "boxes": out_boxes})
            label = ", ".join(f"{s} = {v}" for s, v in fixed.items()) or "no integer symbol"
            q_def = encode_step(step.__class__("def", fi, "=", 0, step.domain),
                                fixed=fixed, abstract=True)
            if q_def.conditions:
                blocks.append((q_def, "defined", "", [f"{label}: f is defined on the domain"]))
            q_id = encode_step(step.__class__("identity", fi, "=", prod, step.domain),
                               fixed=fixed, abstract=True)
            blocks.append((q_id, q_id.lhs, q_id.rhs,
                           [f"{label}: f = product of the factors wherever defined"]))
    cert = {"format": "laprop-certificate/boxes-1", "claim": r.claim, "step": r.step.id,
            "rel": step.rel, "kind": rel_kind(step),
            "lhs": sexpr(step.lhs, names), "rhs": sexpr(step.rhs, names),
            "f": sexpr(f, names),
            "f_is": "lhs - rhs" if step.rel in ("<=", "<") else "rhs - lhs",
            "variables": [names.symbol(s) for s in cont],
            "domain": _domain_json(step.domain, names), "names": names.table(),
            "relaxation": relaxation, "covers": covers}
    ident = identity_script(blocks, _header(r, step, relaxation,
                                            "expected: unsat at every check-sat"))
    return [(".json", "boxes", _dump(cert, compact=True)),
            (".identity.smt2", "identity", ident)]


def _point_files(r: StepResult, step: Any, ev: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The refutation JSON: the exact point and what it gives."""
    names = Names()
    for s in step.domain.ranges:
        names.symbol(s)
    by_name = {str(s): s for s in step.domain.ranges}
    if len(by_name) != len(step.domain.ranges):
        raise NotEncodable("two symbols share a name")
    point = {names.symbol(by_name[k]): str(sp.Rational(v)) for k, v in ev["point"].items()}
    cex = r.verdict.counterexample or {}
    cert = {"format": "laprop-certificate/point-1", "claim": r.claim, "step": r.step.id,
            "rel": step.rel, "lhs": sexpr(step.lhs, names), "rhs": sexpr(step.rhs, names),
            "domain": _domain_json(step.domain, names), "names": names.table(),
            "point": point, "abstract": bool(step.abstract),
            "values": {"lhs": cex.get("lhs"), "rhs": cex.get("rhs"),
                       "violation": cex.get("violation")}}
    if "run" in cex:
        cert["run"] = cex["run"]
    return [(".json", "point", _dump(cert))]


def _files_for(r: StepResult) -> tuple[str, list[tuple[str, str, str]]]:
    v = r.verdict
    ev = v.evidence or {}
    step = ev.get("step")
    if step is None:
        raise NotEncodable(f"the verdict ({v.method}) kept no evidence")
    if v.status == "refuted":
        if "point" not in ev:
            raise NotEncodable("the refutation kept no exact point")
        return "point", _point_files(r, step, ev)
    if v.method in ("smt", "sympy"):
        return "smt", _smt_files(r, step, ev.get("relaxation"))
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
            _write_atomic(root / rel_path, data)
            written.add(rel_path)
            entry["files"].append({
                "path": rel_path, "role": role,
                "expect": "unsat" if rel_path.endswith(".smt2") else "certified",
                "sha256": hashlib.sha256(data).hexdigest()})
        entries.append(entry)
    manifest = {"format": FORMAT, "certificates": entries}
    _write_atomic(root / "manifest.json", _dump(manifest).encode("utf-8"))
    for stale in sorted(old - written):
        p = (root / stale).resolve()
        if root.resolve() in p.parents and p.is_file():
            p.unlink()
    return manifest
