"""The ``boxes`` certificate of an interval proof: the box cover with an arb enclosure per
box, and the identity script (f is defined and equals the product of its factors)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp
from flint import arb

from ..ball import Undefined, box_env, enclose, precision
from ..core import Domain, StepResult
from ..counterexample import rel_kind, violation_expr
from ..interval import PREC, factors
from ..smtlib import Names, NotEncodable, Query, encode_step, identity_script, sexpr
from .formatting import _ball, _domain_json, _dump, _header


def _outside_index(domain: Domain, env: dict) -> tuple[int, list[str]] | None:
    """The first constraint certainly false on the box, with the enclosure of lhs − rhs."""
    from ..interval import violated

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
