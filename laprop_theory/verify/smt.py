"""Re-checking SMT-LIB2 scripts with cvc5 (the ``cvc5`` Python package, BSD licence).

The script is read by cvc5's own parser (``cvc5.InputParser``) and each command is invoked on
a fresh ``cvc5.Solver``. Only a plain fragment is accepted: ``set-logic``, ``set-info``,
``set-option`` with a key of :data:`STRATEGY_OPTIONS` (``:incremental`` and cvc5's nonlinear
search strategies, which a certificate may choose), ``declare-fun``/``declare-const``/
``define-fun``, ``assert``, ``push``/``pop``, ``check-sat`` and ``exit``; anything else
(another option, e.g. one that could change the limits, ``reset``, ...) fails the file.

Each ``check-sat`` runs under ``rlimit-per`` = :data:`RLIMIT` cvc5 resource units, a count of
cvc5's own steps that does not depend on the machine's speed. cvc5's nonlinear solver
(cylindrical algebraic coverings, ``nl-cov``) does not count the work inside one covering
computation, so a hard query can run far past any resource limit (and past cvc5's own
``tlimit``): :func:`run_isolated` therefore runs each script in a child process that is
killed once it has used :data:`CPU_SECONDS` of *processor* time (read from ``/proc``, so a
busy machine slows the check down but hardly changes its answer), or
:data:`WALL_FACTOR` times that in wall-clock time, whichever comes first. This safety limit is
the one place where the machine can change an answer (from ``unsat`` to "no answer", never
the other way). Any answer other than ``unsat`` fails the file.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, field
from typing import Any

#: cvc5 resource units per check-sat (deterministic)
RLIMIT: int = 2_000_000
#: the child process running a script is killed after this much processor time (seconds)
CPU_SECONDS: float = 7.0
#: ... or after this many times CPU_SECONDS of wall-clock time (a machine busy elsewhere)
WALL_FACTOR: float = 6.0

#: the options a certificate may set: ``:incremental`` and cvc5's nonlinear strategies. They
#: choose how cvc5 searches (coverings, incremental linearisation, the model it starts from),
#: never what counts as a model, so they cannot make an ``unsat`` answer wrong; limits
#: (``rlimit``, ``tlimit``) and everything else stay out.
STRATEGY_OPTIONS = frozenset({
    ":incremental", ":nl-ext", ":nl-cov", ":nl-cov-linear-model", ":nl-cov-proj",
    ":nl-cov-lift", ":nl-cov-prune", ":nl-cov-var-elim", ":nl-ext-tplanes",
    ":nl-ext-factor", ":nl-ext-inc-prec", ":nl-ext-rbound", ":nl-ext-split-zero", ":nl-rlv"})


def _option_key(text: str) -> str | None:
    """The key of ``(set-option :key value)``, as cvc5 prints the command."""
    parts = text.strip().strip("()").split()
    return parts[1] if len(parts) == 3 and parts[0] == "set-option" else None


_ALLOWED = frozenset({"set-logic", "set-info", "set-option", "declare-fun", "declare-const",
                      "define-fun", "assert", "push", "pop", "check-sat", "exit"})


@dataclass
class SmtOutcome:
    """The answers of the script's check-sat commands, in order, and what went wrong."""

    answers: list[str] = field(default_factory=list)
    error: str | None = None
    #: the last assertion before the last check-sat: (kind name, kind name of its argument)
    last_assertion: tuple[str, str | None] | None = None
    #: cvc5 resource units used by the whole script
    units: int = 0


def run_script(text: str, name: str = "certificate", *, rlimit: int = RLIMIT) -> SmtOutcome:
    """Run an SMT-LIB2 script with cvc5; never raises for a bad script (``error`` says)."""
    import cvc5

    out = SmtOutcome()
    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("incremental", "true")
    solver.setOption("rlimit-per", str(int(rlimit)))
    sm = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, sm)
    try:
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, name)
        while True:
            cmd = parser.nextCommand()
            if cmd.isNull():
                break
            cname = cmd.getCommandName()
            if cname not in _ALLOWED:
                out.error = f"command {cname} is not allowed in a certificate"
                return out
            if cname == "set-option" and _option_key(str(cmd)) not in STRATEGY_OPTIONS:
                out.error = f"option {cmd} is not allowed in a certificate"
                return out
            if cname == "check-sat":
                last = list(solver.getAssertions())
                out.last_assertion = _shape(last[-1]) if last else None
            result = cmd.invoke(solver, sm).strip()
            if cname == "check-sat":
                out.answers.append(result)
            elif result.startswith("(error"):
                out.error = result
                return out
    except Exception as exc:  # noqa: BLE001  (cvc5 reports parse/type errors as exceptions)
        out.error = f"cvc5: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}"
    out.units = _units(solver)
    return out


def _units(solver: Any) -> int:
    try:
        for key, val in solver.getStatistics():
            if key == "resource::resourceUnitsUsed":
                return int(val["value"])
    except Exception:  # noqa: BLE001  (a statistic cvc5 did not record)
        pass
    return 0


def _shape(term: Any) -> tuple[str, str | None]:
    kind = term.getKind().name
    inner = term[0].getKind().name if term.getNumChildren() > 0 else None
    return kind, inner


#: the shape (outer kind, inner kind) of ``not (lhs REL rhs)`` as cvc5 parses it
NEGATED_KIND: dict[str, tuple[str, str]] = {"<=": ("NOT", "LEQ"), "<": ("NOT", "LT"),
                                            ">=": ("NOT", "GEQ"), ">": ("NOT", "GT"),
                                            "=": ("NOT", "EQUAL")}


def _die_with_parent() -> None:
    """Linux: have the kernel kill this process when its parent dies (best effort), so that
    a runaway cvc5 never outlives the verifier."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, ValueError):
        pass


def _child(conn: Any, text: str, name: str, rlimit: int) -> None:
    _die_with_parent()
    try:
        conn.send(run_script(text, name, rlimit=rlimit))
    except BaseException as exc:  # noqa: BLE001  (reported to the parent, never raised there)
        conn.send(SmtOutcome(error=f"cvc5 run failed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def cpu_seconds(pid: int) -> float | None:
    """Processor time (user + system) used so far by process ``pid``, from /proc; None where
    there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def run_isolated(text: str, name: str = "certificate", *, rlimit: int = RLIMIT,
                 cpu_limit: float = CPU_SECONDS) -> SmtOutcome:
    """:func:`run_script` in a child process, killed at the safety limit (``cpu_limit``
    seconds of processor time, see the module docstring). Where processes cannot be forked,
    the script runs in this process, with the resource limit only."""
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        return run_script(text, name, rlimit=rlimit)
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, text, name, rlimit), daemon=True)
    proc.start()
    send.close()
    start = time.monotonic()
    out: SmtOutcome | None = None
    try:
        while True:
            if recv.poll(0.05):
                try:
                    out = recv.recv()
                except EOFError:
                    out = SmtOutcome(error="cvc5 stopped without an answer")
                break
            wall = time.monotonic() - start
            cpu = cpu_seconds(proc.pid) if proc.pid is not None else None
            if (cpu if cpu is not None else wall) > cpu_limit or wall > WALL_FACTOR * cpu_limit:
                break
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    if out is None:
        out = SmtOutcome(answers=["unknown"])
        out.error = (f"cvc5 gave no answer within {cpu_limit:g} s of processor time (the "
                     "safety limit; its nonlinear solver does not count all its work in "
                     "resource units)")
    return out
