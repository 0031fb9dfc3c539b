"""``check``: decide every step of the papers' claims (laprop_theory.proof.decide) and judge
each claim with the proof kernel (laprop_theory.proof.kernel). ``--paper`` selects papers
(:func:`laprop_theory.claims.papers`), ``--file`` checks a user's proof file instead
(:func:`laprop_theory.claims.load_file`, docs/writing-a-proof.md).

Everything printed on stdout is a function of the claims, ``--budget`` (work units) and
``--seed``: the same on any machine under any load. Only ``--json``'s per-step ``seconds``
(and the timing line on stderr) measure time."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ..claims import (
    LAPROP,
    ClaimFileError,
    claim_verdicts,
    load_file,
    paper_claims,
    paper_of,
)
from ..claims import papers as known_papers
from ..proof.budget import DEFAULT as DEFAULT_BUDGET
from ..proof.core import Claim, StepResult
from ..proof.decide import check_claim
from ..report import tables, text
from .common import (
    EXIT_INTERRUPTED,
    CLIError,
    Interrupted,
    check_output_file,
    emit_json,
    path_text,
    positive_number,
    quote,
    seed,
)

HELP = ("decide every step of the papers' claims (LaProp 2020, Adam 2015, AMSGrad 2018) or "
        "of your own proof file (--file)")
ORDER = 1  # HELP, at place ORDER: this command's line in --help
USES_Z3 = True  # z3 leaves Ctrl-C to the command (common.no_ctrl_c_in_z3)

MAX_BUDGET = 1e6  # validation only: a positive finite number (its unit is the checker's)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--claim", action="append", metavar="ID",
                   help="only this claim (repeatable); default: all")
    p.add_argument("--paper", action="append", metavar="P",
                   help="only the claims of this paper: laprop2020, adam2015 or amsgrad2018 "
                        "(repeatable); default: every paper")
    p.add_argument("--file", action="append", metavar="PATH", type=path_text("--file"),
                   help="check the claims of your own proof file instead of the built-in "
                        "ones: a Python file whose claims() returns a list of "
                        "laprop_theory.proof.Claim (repeatable; see docs/writing-a-proof.md)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--budget", type=positive_number("budget", MAX_BUDGET),
                   default=DEFAULT_BUDGET,
                   help=f"work units per step and method (default {DEFAULT_BUDGET}; counted "
                        "work: z3 rlimit, points, boxes, rewrites -- never seconds)")
    p.add_argument("--summary", action="store_true",
                   help="one row per claim: the kernel's verdict, rule, scope and the steps "
                        "it used or that block it")
    p.add_argument("--seed", type=seed(), default=0,
                   help="seed of the counterexample sampler, in [0, 2^32 - 1]")
    p.add_argument("--errata", action="store_true", help="print the generated errata list")
    p.add_argument("--markdown", metavar="PATH", type=path_text("--markdown"),
                   help="also write markdown to PATH: when the selection holds LaProp "
                        "(laprop2020) claims, their verdict, errata and tight-bound tables "
                        "(docs/theory-verdicts.md; the other papers' steps are left out); "
                        "otherwise each selected paper's (or --file's) verdict tables, errata "
                        "and undecided steps (e.g. --paper adam2015 --paper amsgrad2018 "
                        "--markdown docs/other-papers.md)")
    p.add_argument("--readme", metavar="PATH", type=path_text("--readme"),
                   help="also rewrite, in the README at PATH, the blocks between its "
                        "'<!-- generated: NAME ... -->' and '<!-- end generated: NAME -->' "
                        "lines (the LaProp paper's step counts, claim table and tight-bound "
                        "table); needs every LaProp claim: no --claim, --paper or --file")
    from .verify import certificates_dir

    p.add_argument("--certificates", metavar="DIR", type=certificates_dir,
                   help="also write one certificate per decided step and DIR/manifest.json "
                        "(re-check them with: python -m laprop_theory verify DIR)")


def result_record(r: StepResult) -> dict[str, Any]:
    """The JSON object of one step's verdict."""
    v = r.verdict
    return {"claim": r.claim, "step": r.step.id, "status": v.status, "method": v.method,
            "counterexample": v.counterexample, "eq": r.step.eq,
            "justification": r.step.justification, "detail": v.detail,
            "relation": r.step.text(),
            "domain": r.step.domain.describe(), "note": r.step.note,
            "work": v.work, "kind": step_kind(r),
            "seconds": round(v.seconds, 3), "paper": r.extra.get("paper")}


def step_kind(r: StepResult) -> str:
    """What a step's verdict says: ``numeric`` (no variables: a comparison of two numbers),
    ``tautology`` (lhs − rhs is a constant after sympy's automatic simplification: the relation
    is true or false whatever the variables), or ``general`` (a relation over its domain)."""
    import sympy as sp

    lhs, rhs = sp.sympify(r.step.lhs), sp.sympify(r.step.rhs)
    if not (lhs.free_symbols | rhs.free_symbols):
        return "numeric"
    if not (lhs - rhs).free_symbols:
        return "tautology"
    return "general"


def select_claims(claim_ids: list[str] | None = None, papers: list[str] | None = None,
                  files: list[str] | None = None) -> list[tuple[str, Claim]]:
    """The claims to check, each with its paper: the built-in claims of ``papers`` (None:
    every paper), or the claims of the user's ``files`` (paper: the file's stem), cut down to
    ``claim_ids`` when given. Raises :class:`CLIError` naming an unknown paper or claim, or
    the problem with a file."""
    if files and papers:
        raise CLIError("--file and --paper cannot be combined: --file checks only the "
                       "claims of its files")
    if files:
        pairs: list[tuple[str, Claim]] = []
        for f in files:
            try:
                pairs += [(Path(f).stem, c) for c in load_file(f)]
            except ClaimFileError as exc:
                raise CLIError(str(exc)) from None
        ids = [c.id for _, c in pairs]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise CLIError(f"duplicate claim ids across the --file files: {dupes}")
    else:
        known_p = known_papers()
        for p in papers or ():
            if p not in known_p:
                raise CLIError(f"unknown paper {quote(p)}; known: {', '.join(known_p)}")
        if claim_ids and not papers:
            # paper by paper, in order, until every asked-for id is found: a LaProp claim
            # does not wait for the other papers' claims to be built (seconds)
            pairs = []
            for p in known_p:
                pairs += paper_claims(p)
                if set(claim_ids) <= {c.id for _, c in pairs}:
                    break
        else:
            pairs = paper_claims(papers)
    if claim_ids:
        known = {c.id: (p, c) for p, c in pairs}
        unknown = [c for c in claim_ids if c not in known]
        owner = paper_of() if unknown and papers else {}
        if unknown and unknown[0] in owner:
            raise CLIError(f"claim {quote(unknown[0])} is in paper {owner[unknown[0]]}, not in "
                           f"--paper {', '.join(dict.fromkeys(papers or ()))}")
        if unknown:
            raise CLIError(f"unknown claim {quote(unknown[0])}; known: "
                           f"{', '.join(known) or '(none)'}")
        pairs = [known[c] for c in claim_ids]
    return pairs


def run_check(claim_ids: list[str] | None, budget: float, seed: int = 0,
              progress: bool = False, sink: list[StepResult] | None = None,
              papers: list[str] | None = None,
              claims: list[tuple[str, Claim]] | None = None) -> list[StepResult]:
    """Decide the selected claims (all if ``claim_ids`` is None and ``papers`` is None; see
    :func:`select_claims`); ``claims``: (paper, claim) pairs to check instead (a user's
    file). Each result's ``extra["paper"]`` names its paper. ``sink``: a list that receives
    each claim's results as soon as they are decided (what an interrupt keeps)."""
    if budget <= 0:
        raise CLIError(f"--budget must be > 0, got {budget}")
    pairs = select_claims(claim_ids, papers) if claims is None else claims
    out: list[StepResult] = [] if sink is None else sink
    for paper, c in pairs:
        if progress:
            print(f"checking {c.id} ...", file=sys.stderr, flush=True)
        decided = check_claim(c, budget=budget, seed=seed)
        for r in decided:
            r.extra["paper"] = paper
        out.extend(decided)
    return out


def run(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    if args.markdown:
        check_output_file(args.markdown, "--markdown", make_parents=True)
    if args.readme:
        _check_readme(args)
    done: list[StepResult] = []
    stop = args.interrupts
    stop.emergency = lambda: stop.once(lambda: _interrupted(list(done), args.json))
    try:
        selected = select_claims(args.claim, args.paper, args.file)
        results = run_check(args.claim, args.budget, args.seed, progress=not args.json,
                            sink=done, claims=selected)
    except Interrupted:
        stop.once(lambda: _interrupted(list(done), args.json))
        return EXIT_INTERRUPTED
    laprop = [] if args.file else [r for r in results if r.extra.get("paper") == LAPROP]
    if args.markdown and laprop:
        from ..report.markdown import write_theory_verdicts

        write_theory_verdicts(laprop, args.markdown)
    elif args.markdown:
        from ..report.papers import write_papers_markdown

        write_papers_markdown(results, args.markdown, [c for _, c in selected],
                              list(dict.fromkeys(args.paper or ())), markdown_command(args))
    if args.readme:
        from ..report.readme import write_readme

        write_readme(args.readme, laprop)
    if args.certificates:
        from ..proof.certificates import write_certificates

        write_certificates(results, args.certificates)
    if args.summary:
        verdicts = claim_verdicts(results, [c for _, c in selected])
        owner = {c.id: p for p, c in selected}
        if args.json:
            emit_json([{**v.record(), "paper": owner[v.claim]} for v in verdicts])
        else:
            print(text.render(tables.summary_table(verdicts, results)))
            if args.errata:
                _print_errata(results)
        return 0
    if args.json:
        emit_json([result_record(r) for r in results])
        return 0
    print(text.render(tables.steps_table(results)))
    print("\n" + text.counts_line(len(results), tables.step_counts(results),
                                  sum(r.verdict.work for r in results)))
    print(f"({time.monotonic() - t0:.1f} s)", file=sys.stderr)
    if args.errata:
        _print_errata(results)
    return 0


def _check_readme(args: argparse.Namespace) -> None:
    """Before any work: ``--readme`` names a README that holds every generated block, and the
    selection is every LaProp claim (a README table of a subset would drop rows)."""
    from ..report.readme import ReadmeError, blocks_present

    if args.claim or args.paper or args.file:
        raise CLIError("--readme needs every LaProp claim: drop --claim, --paper and --file")
    path = check_output_file(args.readme, "--readme")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CLIError(f"--readme {quote(args.readme)}: cannot be read "
                       f"({type(exc).__name__})") from None
    try:
        blocks_present(text)
    except ReadmeError as exc:
        raise CLIError(f"--readme {quote(args.readme)}: {exc}") from None


def markdown_command(args: argparse.Namespace) -> str:
    """The command line that writes ``args.markdown`` again (the header of the file)."""
    words = [f"--file {f}" for f in args.file or ()]
    words += [f"--paper {p}" for p in dict.fromkeys(args.paper or ())]
    words += [f"--claim {c}" for c in args.claim or ()]
    if args.budget != DEFAULT_BUDGET:
        words.append(f"--budget {args.budget:g}")
    if args.seed:
        words.append(f"--seed {args.seed}")
    return " ".join(["python -m laprop_theory check", *words, "--markdown", args.markdown])


def _print_errata(results: list[StepResult]) -> None:
    listing = tables.errata_table(results)
    print(f"\n{listing.title}:")
    if listing.rows:
        print(text.errata_list(listing))


def _interrupted(results: list[StepResult], as_json: bool) -> None:
    """On Ctrl-C/SIGTERM: the claims decided so far (JSON: {"stopped": "interrupted",
    "steps": [...]}), nothing written to --markdown."""
    if as_json:
        emit_json({"stopped": "interrupted", "steps": [result_record(r) for r in results]})
    else:
        if results:
            print(text.render(tables.steps_table(results)))
        print(f"\nstopped: interrupted after {len(results)} steps "
              f"({len({r.claim for r in results})} claims)")
