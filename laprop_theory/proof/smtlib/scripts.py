"""SMT-LIB2 scripts of a :class:`~laprop_theory.proof.smtlib.Query`: the negation, the
definedness and the identity scripts, each with its comment header."""

from __future__ import annotations

from .encoder import Query

#: the SMT-LIB2 term of ``not (lhs REL rhs)``, by REL (``{0}`` lhs, ``{1}`` rhs)
NEGATION: dict[str, str] = {"<=": "(not (<= {0} {1}))", "<": "(not (< {0} {1}))",
                            ">=": "(not (>= {0} {1}))", ">": "(not (> {0} {1}))",
                            "=": "(not (= {0} {1}))"}


def _conj(terms: list[str]) -> str:
    if not terms:
        return "true"
    return terms[0] if len(terms) == 1 else f"(and {' '.join(terms)})"


def _comment(lines: list[str]) -> list[str]:
    return ["; " + line.replace("\n", " ").replace("\r", " ") for line in lines]


def _prelude(q: Query, header: list[str], strict: bool,
             options: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Comments, solver options, logic, declarations, the domain and the definitions:
    ``strict``: the strict definitions (which imply every definedness condition), else the
    total ones and the constraints' conditions."""
    out = _comment(header)
    if q.names:
        out += _comment(["symbols: " + ", ".join(f"{n} = {s}" for n, s in q.names.items())])
    if q.fresh:
        out += _comment(["fresh variables: " + ", ".join(f"{n} = {d}"
                                                         for n, d in q.fresh.items())])
    if options:
        out.append("; a search strategy for the second solver (it cannot change an answer)")
        out += [f"(set-option :{k} {v})" for k, v in options]
    out.append(f"(set-logic {q.logic})")
    out += q.declarations
    if q.domain:
        out.append("; the domain")
        out += [f"(assert {a})" for a in q.domain]
    if strict and q.strict:
        out.append("; definitions of the fresh variables where everything is defined (y >= 0, "
                   "y^q = b; r*u = 1): they imply every definedness condition, which the "
                   "definedness query shows on the whole domain")
        out += [f"(assert {d})" for d in q.strict]
    if not strict and q.definitions:
        out.append("; definitions of the fresh variables (total: satisfiable at every point)")
        out += [f"(assert {d})" for d in q.definitions]
    if not strict and q.domain_conditions:
        out.append("; the constraints are defined (a point where one is not is not in the "
                   "domain)")
        out += [f"(assert {c})" for c in q.domain_conditions]
    return out


def negation_script(q: Query, header: list[str],
                    options: tuple[tuple[str, str], ...] = ()) -> str:
    """``domain ∧ strict defs ∧ ¬(lhs REL rhs)``, expected ``unsat``; the negated relation is
    the last assertion. (The strict definitions hold exactly where everything is defined,
    each fresh variable then being the value it names.) ``options``: cvc5 search-strategy
    options ``(set-option :key value)`` written before the logic."""
    out = _prelude(q, header, strict=True, options=options)
    out.append(f"; the negated relation: lhs {q.rel} rhs fails")
    out.append(f"(assert {NEGATION[q.rel].format(q.lhs, q.rhs)})")
    out += ["(check-sat)", "(exit)"]
    return "\n".join(out) + "\n"


def definedness_script(q: Query, header: list[str]) -> str | None:
    """``domain ∧ C ∧ total defs ∧ ¬D``, expected ``unsat``; None when there is no
    condition."""
    if not q.conditions:
        return None
    out = _prelude(q, header, strict=False)
    out.append("; some side is undefined somewhere on the domain")
    out.append(f"(assert (not {_conj(q.conditions)}))")
    out += ["(check-sat)", "(exit)"]
    return "\n".join(out) + "\n"


def identity_script(blocks: list[tuple[Query, str, str, list[str]]],
                    header: list[str]) -> str:
    """Several queries in one incremental script, each in a ``push``/``pop`` scope and
    expected ``unsat``: per block (query, left term, right term, comment) the identity
    ``left = right`` fails somewhere where everything is defined; or, where left is
    ``"defined"``, some condition of the query fails."""
    out = _comment(header)
    out.append("(set-option :incremental true)")
    logic = "QF_NIRA" if any(q.logic == "QF_NIRA" for q, *_ in blocks) else "QF_NRA"
    out.append(f"(set-logic {logic})")
    for q, left, right, note in blocks:
        out.append("(push 1)")
        out += _comment(note)
        body = _prelude(q, [], strict=left != "defined")
        out += [line for line in body if not line.startswith("(set-logic")]
        if left == "defined":
            out.append("; some side is undefined somewhere on the domain")
            out.append(f"(assert (not {_conj(q.conditions)}))")
        else:
            out.append("; the identity fails")
            out.append(f"(assert (not (= {left} {right})))")
        out += ["(check-sat)", "(pop 1)"]
    out.append("(exit)")
    return "\n".join(out) + "\n"
