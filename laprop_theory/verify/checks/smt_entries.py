"""The check of an ``smt`` certificate: definedness by cvc5, the relation by exact algebra or
by cvc5, after the helper lemmas (:func:`lemma_scripts`) and in the cases of a split
(:func:`split_cases`)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from .. import algebra
from ..smt import NEGATED_KIND
from .reading import Failed, _parse, _read, _smt


def _check_smt_entry(root: Path, entry: dict[str, Any], files: list[dict[str, Any]],
                     rlimit: int, cpu: float, tools: set[str], where: list[str]) -> None:
    """Definedness by cvc5; the relation by exact algebra (an identity between rational
    functions, where the ``statement`` file allows it) or else by cvc5 -- after the helper
    lemmas of a ``lemmas`` file (:func:`lemma_scripts`), in the cases of a ``split`` file
    (:func:`split_cases`)."""
    roles = [f.get("role") for f in files]
    if roles.count("negation") != 1 or len(set(roles)) != len(roles) or any(
            r not in ("negation", "definedness", "statement", "split", "lemmas") for r in roles):
        raise Failed(f"unexpected file roles {roles}")
    rel = entry.get("rel")
    if rel not in NEGATED_KIND:
        raise Failed(f"bad relation {rel!r}")
    by_role = {f["role"]: f for f in files}
    texts = {role: _read(root, f) for role, f in by_role.items()}  # every hash first
    if "definedness" in by_role:
        where[0] = by_role["definedness"]["path"]
        tools.add("cvc5")
        _smt(texts["definedness"].decode("utf-8"), where[0], rlimit, cpu=cpu)
    if "statement" in by_role:
        where[0] = by_role["statement"]["path"]
        st = json.loads(texts["statement"])
        if st.get("rel") != rel:
            raise Failed("the relation differs from the manifest's")
        if rel == "=":
            try:
                ok = algebra.identity(_parse(st.get("lhs")), _parse(st.get("rhs")))
            except algebra.NotRational:
                ok = None
            if ok is False:
                raise Failed("lhs - rhs is not the zero rational function")
            if ok:
                tools.add("exact-algebra")
                return
    where[0] = by_role["negation"]["path"]
    tools.add("cvc5")
    negation = texts["negation"].decode("utf-8")
    if "lemmas" in by_role:
        where[0] = by_role["lemmas"]["path"]
        scripts, negation = lemma_scripts(negation, json.loads(texts["lemmas"]))
        for i, text in enumerate(scripts):
            try:
                _smt(text, where[0], rlimit, cpu=cpu)
            except Failed as exc:
                raise Failed(f"lemma {i}: {exc}") from None
        where[0] = by_role["negation"]["path"]
    if "split" not in by_role:
        _smt(negation, where[0], rlimit, rel, cpu=cpu)
        return
    where[0] = by_role["split"]["path"]
    spec = json.loads(texts["split"])
    for case, text in split_cases(negation, spec):
        try:
            _smt(text, where[0], rlimit, rel, cpu=cpu)
        except Failed as exc:
            raise Failed(f"case {case}: {exc}") from None


#: at most this many lemmas in one certificate
MAX_LEMMAS = 64


def _split_last_assertion(negation: str) -> int:
    at = negation.rfind("\n(assert ")
    if at < 0:
        raise Failed("the negation script has no assertion")
    return at


def lemma_scripts(negation: str, spec: dict[str, Any]) -> tuple[list[str], str]:
    """Helper lemmas L₀ … Lₖ₋₁ (formulas over the negation script's symbols): per lemma i, the
    script up to its last assertion (domain and definitions), L₀ … Lᵢ₋₁ asserted and
    ``not Lᵢ`` -- each must be unsat, so every Lᵢ holds wherever the domain and definitions
    do (a lemma ``{"formula", "context": "none"}`` is shown from the declarations alone:
    valid for all real values, a fortiori there); and the negation script with all the
    lemmas asserted just before the negated relation, which is then equisatisfiable with the
    original (returned for the caller to check). A lemma can only make the check easier,
    never pass a wrong step."""
    raw = spec.get("lemmas")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_LEMMAS:
        raise Failed("lemmas must be 1 to MAX_LEMMAS formulas")
    lemmas: list[str] = []
    valid: list[bool] = []
    for item in raw:
        if isinstance(item, dict) and item.get("context") == "none":
            item, alone = item.get("formula"), True
        else:
            alone = False
        if not _one_term(item):
            raise Failed("a lemma is not one term")
        lemmas.append(item)
        valid.append(alone)
    at = _split_last_assertion(negation)
    prefix = negation[:at]
    # a lemma without context is shown valid over the reals from the declarations alone
    declarations = "\n".join(line for line in prefix.splitlines()
                             if line.startswith(("(set-option", "(set-logic", "(declare-fun")))
    scripts = []
    for i, lemma in enumerate(lemmas):
        if valid[i]:
            scripts.append(f"{declarations}\n(assert (not {lemma}))\n(check-sat)\n")
            continue
        asserted = "".join(f"\n(assert {a})" for a in lemmas[:i])
        scripts.append(f"{prefix}{asserted}\n(assert (not {lemma}))\n(check-sat)\n")
    final = prefix + "".join(f"\n(assert {a})" for a in lemmas) + negation[at:]
    return scripts, final


#: at most this many atoms in a case split (2^k cases)
MAX_SPLIT_ATOMS = 4


def _one_term(text: Any) -> bool:
    """Is ``text`` one balanced parenthesised term (so that it cannot smuggle commands)?"""
    if not isinstance(text, str) or not text.startswith("(") or not text.endswith(")"):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0 or (depth == 0 and i != len(text) - 1) or ch in ";|\"\n\r":
            return False
    return depth == 0


def split_cases(negation: str, spec: dict[str, Any]) -> list[tuple[str, str]]:
    """The scripts of a case split: per assignment of true/false to the ``atoms`` of
    ``spec`` (all 2^k of them, enumerated here, so the cases cover every point), the
    negation script with the atom or its negation asserted just before the negated relation,
    and the assignment's ``options`` (cvc5 strategies, checked by :mod:`.smt`) first.
    φ ∧ a and φ ∧ ¬a both unsat ⇒ φ unsat, whatever the atom a says."""
    atoms = spec.get("atoms")
    if not isinstance(atoms, list) or not 1 <= len(atoms) <= MAX_SPLIT_ATOMS or not all(
            _one_term(a) for a in atoms):
        raise Failed("a split needs 1 to MAX_SPLIT_ATOMS atoms, each one term")
    options = spec.get("options") or {}
    if not isinstance(options, dict):
        raise Failed("bad split options")
    at = _split_last_assertion(negation)
    out = []
    for bits in itertools.product("10", repeat=len(atoms)):
        case = "".join(bits)
        lits = [f"(assert {a})" if b == "1" else f"(assert (not {a}))"
                for a, b in zip(atoms, bits, strict=True)]
        opts = []
        for kv in options.get(case, []):
            if not (isinstance(kv, list) and len(kv) == 2 and all(
                    isinstance(v, str) and v.replace("-", "").isalnum() for v in kv)):
                raise Failed(f"bad option {kv!r}")
            opts.append(f"(set-option :{kv[0]} {kv[1]})")
        text = "\n".join(opts + [negation[:at]] + lits) + negation[at:]
        out.append((case, text))
    return out
