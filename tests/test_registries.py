"""Every registry picks up a one-file addition (issue 15, docs/architecture.md "Where an
addition goes").

For each kind of addition (an experiment, a search target, a command, a claim) a test writes
one new module into a temporary folder, adds that folder to the package's ``__path__`` (so
nothing is written into the source tree that other processes read), and shows that the
registry and its users see it: the command line's listings and help, the note's table, the
searcher's choices. The expected listings of the built-in entries are the ones the code had
before the registries were derived (copied from the hand-written lists they replaced), so a
change of order or text fails here. An optimizer flag's one place, ``laprop/_rule.py``
(``StepOptions`` next to the rule), is checked by loading a copy of that file with one more
field, with copies of the modules that derive from it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import laprop_theory.claims
import laprop_theory.cli
import laprop_theory.experiments
from laprop_theory.__main__ import commands, main
from laprop_theory.experiments import registry as exp_registry

ROOT = Path(__file__).resolve().parents[1]

# The hand-written lists the registries replaced (before issue 15's registry work).
OLD_EXPERIMENTS = {
    "rosenbrock": "noisy Rosenbrock, time to converge vs ν (Sec. 5.1, Fig. 2)",
    "adam-divergence": "Adam diverges at μ=0.9, ν=0.7 on a 2-layer ReLU net (Fig. 1)",
    "deep-fc": "deep fully connected ReLU networks (Sec. 5.3, Fig. 4)",
    "transformer-warmup": "PROXY: tiny transformer with vs without warm-up (Sec. 5.4)",
}
OLD_COMMANDS = {
    "check": "decide every step of the paper's claims (Props. 1-2, Table 1, Eq. 8, Thm. 1)",
    "supremum": "exact supremum of the LaProp or Adam update size",
    "search": "adversarial search for worst-case gradient sequences",
    "regret": "empirical regret of the Theorem 1 variant against its bound",
    "experiment": "the paper's experiments that fit on a CPU",
    "report": "write every table and figure of the companion note",
    "verify": "re-check the certificates of check --certificates with cvc5 and mpmath",
    "atlas": "the searcher swept over (target, mu, nu, T) grids on Dask (resumable)",
    "atlas-plot": "heat maps of an atlas folder (best/bound, Adam/LaProp, Prop. 2)",
}
OLD_TARGETS_FIRST = ["laprop-update", "adam-update", "prop1", "prop2-statement", "prop2-proof",
                     "amsprop-update", "centered-update", "regret"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=_env(), cwd=ROOT, timeout=600)


@pytest.fixture
def extra_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``add(package, filename, source)``: write a module into a folder of its own and put that
    folder on ``package.__path__`` for this test; the module is forgotten afterwards."""
    added: list[str] = []

    def add(package, filename: str, source: str) -> Path:  # noqa: ANN001
        folder = tmp_path / package.__name__.replace(".", "_")
        folder.mkdir(exist_ok=True)
        path = folder / filename
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        if str(folder) not in package.__path__:
            monkeypatch.setattr(package, "__path__", [*package.__path__, str(folder)])
        added.append(f"{package.__name__}.{Path(filename).stem}")
        return path

    yield add
    for name in added:
        sys.modules.pop(name, None)


# ----------------------------------------------------------------------------- experiments

PROBE_EXPERIMENT = '''
    """A probe experiment: the sum 1 + 2 + 3, its record and a one-bar figure (no torch)."""
    from pathlib import Path

    from laprop_theory.experiments.common import Record, no_tick
    from laprop_theory.experiments.plots import plt, save_figure
    from laprop_theory.experiments.registry import Experiment

    NAME = "registry-probe"


    def run(quick=False, seeds=None, tick=no_tick):
        total = sum(range(1, 4))
        tick(1)
        return Record(NAME, "probe", "1 + 2 + 3 = 6", quick, [0], {"n": 3}, {"sum": total},
                      "reproduced" if total == 6 else "not reproduced", f"sum = {total}")


    def units(quick=False, seeds=None):
        return 1


    def plot(rec, out):
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.bar([0], [rec["results"]["sum"]])
        return [save_figure(fig, Path(out), "registry-probe.png")]


    EXPERIMENT = Experiment(name=NAME, description="the registry test's probe", order=99,
                            run=run, units=units, plot=plot)
'''


def test_experiments_listing_is_the_old_one_and_imports_nothing() -> None:
    assert laprop_theory.experiments.EXPERIMENTS == OLD_EXPERIMENTS
    assert list(OLD_EXPERIMENTS) == laprop_theory.experiments.names()
    code = ("import sys\nfrom laprop_theory.experiments import names\nnames()\n"
            "print(sorted(m for m in sys.modules if m in ('torch', 'matplotlib') "
            "or m.startswith('laprop_theory.experiments.')))")
    r = _python(code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "['laprop_theory.experiments.registry']"


def test_each_experiment_carries_its_plot() -> None:
    for name in OLD_EXPERIMENTS:
        exp = exp_registry.load(name)
        module = laprop_theory.experiments.get(name)
        assert exp.plot is module.plot and exp.run is module.run and exp.units is module.units
        assert exp.plot.__module__ == module.__name__


def test_a_new_experiment_is_one_module(extra_modules, tmp_path: Path) -> None:
    extra_modules(laprop_theory.experiments, "registry_probe.py", PROBE_EXPERIMENT)
    assert laprop_theory.experiments.names() == [*OLD_EXPERIMENTS, "registry-probe"]
    assert laprop_theory.experiments.listing()["registry-probe"] == "the registry test's probe"
    exp = exp_registry.load("registry-probe")
    assert exp.order == 99

    # the command line lists it, runs it, and draws its figure with its own plot
    help_out = io.StringIO()
    with contextlib.redirect_stdout(help_out), pytest.raises(SystemExit) as stop:
        main(["experiment", "--help"])
    assert stop.value.code == 0
    assert "transformer-warmup, registry-probe ('all'" in " ".join(help_out.getvalue().split())
    out = tmp_path / "out"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["experiment", "registry-probe", "--out", str(out), "--json"]) == 0
    rec = json.loads(buf.getvalue())
    assert rec["results"] == {"sum": 6} and rec["status"] == "reproduced"
    assert rec["verdict_line"] == "VERDICT registry-probe: reproduced -- sum = 6"
    assert [Path(f).name for f in rec["figures"]] == ["registry-probe.png"]
    assert (out / "registry-probe.png").stat().st_size > 500
    assert json.loads((out / "registry-probe.json").read_text())["figure_files"] == [
        "registry-probe.png"]

    # plots.plot dispatches to it
    from laprop_theory.experiments.plots import plot

    assert [p.name for p in plot(rec, tmp_path / "again")] == ["registry-probe.png"]

    # the note reads its record and draws its figure (the built-in records: the committed
    # full runs), and the note's experiments table has a row for it
    from laprop_theory import note
    from laprop_theory.report import tables

    records = tmp_path / "records"
    records.mkdir()
    for name in OLD_EXPERIMENTS:
        (records / f"{name}.json").write_bytes((ROOT / "docs/figures" / f"{name}.json")
                                               .read_bytes())
    (records / "registry-probe.json").write_text(json.dumps(dict(rec, quick=False)))
    found = note.experiment_records(records, tmp_path / "figs")
    assert list(found) == [*OLD_EXPERIMENTS, "registry-probe"]
    assert (tmp_path / "figs" / "registry-probe.png").is_file()
    table = tables.experiments_table(found)
    assert len(table.rows) == len(OLD_EXPERIMENTS) + 1
    assert table.rows[-1]["claim"] == "1 + 2 + 3 = 6"


def test_experiment_declarations_are_checked(extra_modules) -> None:
    path = extra_modules(laprop_theory.experiments, "registry_bad.py", '''
        DESCRIPTION = "x".upper()
        EXPERIMENT = Experiment(name="bad", description=DESCRIPTION, order=1,
                                run=None, units=None, plot=None)
    ''')
    with pytest.raises(exp_registry.ExperimentError, match="description= of EXPERIMENT must be "
                                                          "a literal"):
        laprop_theory.experiments.names()
    path.write_text('EXPERIMENT = Experiment(name="deep-fc", description="again", order=1)\n')
    with pytest.raises(exp_registry.ExperimentError, match="'deep-fc' is declared twice"):
        laprop_theory.experiments.names()
    path.write_text('EXPERIMENT = Experiment(name="x", description="no order")\n')
    with pytest.raises(exp_registry.ExperimentError, match="must give order="):
        laprop_theory.experiments.names()


# ----------------------------------------------------------------------------- search targets

PROBE_TARGET = '''
    """A probe target: the sum of |g_t| (a search objective in three number systems)."""
    import mpmath
    import numpy as np

    from laprop_theory.numerics import Ball
    from laprop_theory.search.registry import Target, register


    def f64(G, mu, nu):
        return np.abs(np.asarray(G, float)).sum(axis=-1)


    def mp(g, mu, nu, dps=50, backend=None):
        with mpmath.workdps(dps):
            return mpmath.fsum(abs(mpmath.mpf(x)) for x in g)


    def arb(g, mu, nu):
        return sum((abs(Ball(x)) for x in g), Ball(0))


    register(Target("registry-probe", "sum of |g_t| (the registry test's probe)", f64, mp, arb,
                    scale_invariant=False))
'''

_TARGETS_WITH_PROBE = """
import json, sys
import laprop_theory.search as search
search.__path__.append(sys.argv[1])  # before the targets are imported: import-time discovery
from laprop_theory.search.targets import get_target, target_names
from laprop_theory.__main__ import main
t = get_target("registry-probe")
print(json.dumps({"names": target_names(), "value": str(t.mp(["1", "-2.5"], "0", "0.5"))}))
try:
    main(["search", "--help"])
except SystemExit as stop:
    assert stop.code == 0
"""


def test_a_new_search_target_is_one_module(tmp_path: Path) -> None:
    folder = tmp_path / "targets"
    folder.mkdir()
    (folder / "sum_probe_target.py").write_text(textwrap.dedent(PROBE_TARGET))
    r = _python(_TARGETS_WITH_PROBE, str(folder))
    assert r.returncode == 0, r.stderr
    first, _, help_text = r.stdout.partition("\n")
    found = json.loads(first)
    from laprop_theory.search.targets import target_names  # here: without the probe

    assert [n for n in found["names"] if n != "registry-probe"] == target_names()
    # after the targets of targets.py itself (the modules *_target come after, by name)
    assert found["names"].index("registry-probe") >= OLD_TARGETS_FIRST.index("regret")
    assert found["value"] == "3.5"  # |1| + |-2.5|
    assert "centered-update,regret" in help_text and ",registry-probe}" in help_text


def test_targets_discovery_has_no_special_case() -> None:
    from laprop_theory.search import targets

    assert "regret_target" in targets.discover()
    assert targets.discover() == targets.discover()  # importing again registers nothing new
    names = targets.target_names()
    assert names[:len(OLD_TARGETS_FIRST)] == OLD_TARGETS_FIRST
    source = inspect.getsource(targets.get_target)
    assert not [n for n in names if repr(n) in source or f'"{n}"' in source]
    # options rebuild through the target's own rebuild (centered-update's t_init)
    assert targets.get_target("centered-update", t_init=2) is targets.TARGETS["centered-update"]
    assert targets.get_target("centered-update", t_init=3).options == {"t_init": 3}
    assert targets.get_target("prop1", t_init=3) is targets.TARGETS["prop1"]


# ----------------------------------------------------------------------------- commands

PROBE_COMMAND = '''
    """``registry-probe``: a command added by tests/test_registries.py."""

    HELP = "the registry test's probe command"
    ORDER = 99


    def add_arguments(p):
        p.add_argument("--word", default="hello")


    def run(args):
        print(f"probe says {args.word}")
        return 0
'''


def test_commands_are_the_old_ones_in_the_old_order(capsys: pytest.CaptureFixture) -> None:
    found = commands()
    assert list(found) == list(OLD_COMMANDS)
    # each module's HELP is its line of --help (a command's text may change with it)
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name, module in found.items():
        assert f"{name} {module.HELP}" in text


def test_a_new_command_is_one_module(extra_modules, capsys: pytest.CaptureFixture) -> None:
    extra_modules(laprop_theory.cli, "registry-probe.py", PROBE_COMMAND)
    assert list(commands()) == [*OLD_COMMANDS, "registry-probe"]
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert "registry-probe" in text and "the registry test's probe command" in text
    assert text.index("atlas-plot") < text.index("registry-probe")
    assert main(["registry-probe", "--word", "hi"]) == 0
    assert capsys.readouterr().out == "probe says hi\n"


def test_python_m_help_lists_a_new_command(tmp_path: Path) -> None:
    """``python -m laprop_theory --help`` (run by runpy as ``-m`` does) with the probe."""
    folder = tmp_path / "cli"
    folder.mkdir()
    (folder / "registry-probe.py").write_text(textwrap.dedent(PROBE_COMMAND))
    code = ("import runpy, sys\nimport laprop_theory.cli as cli\n"
            "cli.__path__.append(sys.argv[1])\nsys.argv = ['laprop_theory', '--help']\n"
            "runpy.run_module('laprop_theory', run_name='__main__', alter_sys=True)\n")
    r = _python(code, str(folder))
    assert r.returncode == 0, r.stderr
    listed = [line.split()[0] for line in r.stdout.splitlines()
              if line.startswith("    ") and not line.startswith("     ")]
    assert listed == [*OLD_COMMANDS, "registry-probe"]


@pytest.mark.parametrize("argv,imported", [(["--help"], []),
                                           (["supremum", "--help"], ["supremum"])])
def test_main_imports_only_the_command_it_runs(argv: list[str], imported: list[str]) -> None:
    """``--help`` reads every command's HELP and ORDER from its source; a command's own
    module is the only one imported to run it."""
    code = ("import json, sys\nfrom laprop_theory.__main__ import main\n"
            "try:\n    main(json.loads(sys.argv[1]))\nexcept SystemExit:\n    pass\n"
            "names = sorted(m.rsplit('.', 1)[1] for m in sys.modules\n"
            "               if m.startswith('laprop_theory.cli.'))\n"
            "print(json.dumps(names), file=sys.stderr)\n")
    r = _python(code, json.dumps(argv))
    assert r.returncode == 0, r.stderr
    names = json.loads(r.stderr.strip().splitlines()[-1])
    assert [n for n in names if n in OLD_COMMANDS] == imported, names


def test_command_declarations_are_checked(extra_modules) -> None:
    path = extra_modules(laprop_theory.cli, "registry_nohelp.py",
                         "def add_arguments(p):\n    pass\n\n\ndef run(args):\n    return 0\n")
    with pytest.raises(TypeError, match="registry_nohelp defines add_arguments and run but no "
                                        "HELP"):
        commands()
    path.write_text('HELP = "x"\n\n\ndef add_arguments(p):\n    pass\n')
    sys.modules.pop("laprop_theory.cli.registry_nohelp", None)
    with pytest.raises(TypeError, match="registry_nohelp sets HELP but no integer ORDER"):
        commands()


# ----------------------------------------------------------------------------- claims

PROBE_CLAIM = '''
    """A probe claim: x² ≥ 0 for every real x."""
    import sympy as sp

    from laprop_theory.claims._sym import REAL
    from laprop_theory.proof.core import Claim, Domain, Step

    x = sp.Symbol("x", real=True)


    def claims():
        dom = Domain({x: REAL})
        stmt = Step("statement", x**2, ">=", 0, dom, "(probe)", "a square is nonnegative")
        return [Claim("registry-probe", "the registry test's probe", stmt, (), "tests")]
'''


def test_a_new_claim_is_one_module_and_one_line(extra_modules, monkeypatch,
                                                 capsys: pytest.CaptureFixture) -> None:
    """Today's mechanism (claims/__init__.py): the module, plus its name in MODULES."""
    from laprop_theory import claims

    extra_modules(claims, "registry_probe.py", PROBE_CLAIM)
    before = claims.claim_ids()
    assert "registry-probe" not in before  # the file alone is not enough: MODULES lists them
    monkeypatch.setattr(claims, "MODULES", (*claims.MODULES, "registry_probe"))
    assert claims.claim_ids() == [*before, "registry-probe"]
    assert claims.paper_of()["registry-probe"] == claims.LAPROP
    assert main(["check", "--claim", "registry-probe", "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert [(s["claim"], s["step"], s["status"]) for s in steps] == [
        ("registry-probe", "statement", "proved")]


# ----------------------------------------------------------------------------- optimizer flags


_COPIES = iter(range(10**6))


def _laprop_copy_with(tmp_path: Path, field_line: str):
    """A package of its own holding a copy of laprop/_rule.py with one more StepOptions field
    (``field_line``, after the last one) and verbatim copies of laprop/_signature.py and
    laprop/functional.py beside it; returns the copy's ``_signature`` module, imported (so the
    copy's StepOptions, its checks and ARG_DOCS are built as the real ones are)."""
    import ast

    source = (ROOT / "laprop/_rule.py").read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "StepOptions")
    last_field = [n for n in cls.body if isinstance(n, ast.AnnAssign)][-1]
    lines.insert(last_field.end_lineno, "    " + field_line + "\n")
    name = f"laprop_probe_{next(_COPIES)}"
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "_rule.py").write_text("".join(lines), encoding="utf-8")
    for module in ("_signature.py", "functional.py"):
        (pkg / module).write_text((ROOT / "laprop" / module).read_text(encoding="utf-8"),
                                  encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(f"{name}._signature")
    finally:
        sys.path.remove(str(tmp_path))


@pytest.fixture
def laprop_copy(tmp_path: Path):
    """``_laprop_copy_with``, with the copies' modules taken out of sys.modules afterwards."""
    before = set(sys.modules)
    yield lambda field_line: _laprop_copy_with(tmp_path, field_line)
    for name in set(sys.modules) - before:
        if name.startswith("laprop_probe_"):
            del sys.modules[name]


PROBE_DOC = "a flag added by tests/test_registries.py."
PROBE = f'probe_flag: bool = option(False, doc="{PROBE_DOC}", cases=(False, True))'


def test_an_optimizer_flag_has_one_place(laprop_copy) -> None:
    """One field in laprop/_rule.py (next to the rule) is what the docs, every path's
    signature, test_rule's combinations, the import-time checks of the written-out signatures
    and the fallback to the reference path read."""
    import itertools
    from dataclasses import fields

    import torch

    import laprop.functional as F
    import laprop.optimizer as O
    from laprop import LaProp
    from laprop import _signature as S

    # today: every field documented; the written-out signatures agree
    assert set(S.STEP_KEYWORDS) <= set(S.ARG_DOCS)
    S.check_signature(F.laprop)
    S.check_constructor(LaProp.__init__, mapped=O._MAPPED, per_call=O._PER_CALL)

    copy = laprop_copy(PROBE)  # a flag with no fast path declared: the reference's alone
    assert copy.STEP_KEYWORDS == (*S.STEP_KEYWORDS, "probe_flag")
    # the generated docs
    assert copy.ARG_DOCS["probe_flag"] == PROBE_DOC
    assert f"probe_flag: {PROBE_DOC}" in copy.StepOptions.__doc__
    assert copy.args_doc(["probe_flag"], 4) == f"    probe_flag: {PROBE_DOC}"
    assert "probe_flag" in copy.group_fields()  # a param-group key of LaProp
    # every path's signature (the keywords step_path gives a path)
    path_params = inspect.signature(copy.step_path(lambda *a: None)).parameters
    assert list(path_params)[-1] == "probe_flag"
    assert path_params["probe_flag"].default is False
    # test_rule's combinations: the product of the fields' cases, now twice as many
    cases = [f.metadata["cases"] for f in fields(copy.StepOptions)]
    real = [f.metadata["cases"] for f in fields(S.StepOptions)]
    combos = list(itertools.product(*cases))
    assert len(combos) == 2 * len(list(itertools.product(*real)))
    assert {c[-1] for c in combos} == {False, True}

    # the written-out signatures lack it: the import-time checks name it
    with pytest.raises(TypeError, match=r"keywords differ: \['probe_flag'\]"):
        importlib.import_module(copy.__name__.replace("_signature", "functional"))
    with pytest.raises(TypeError, match=r"keywords differ: \['probe_flag'\]"):
        copy.check_signature(F.laprop)
    with pytest.raises(TypeError, match=r"LaProp.__init__ and StepOptions disagree: "
                                        r"param-group keywords differ: \['probe_flag'\]"):
        copy.check_constructor(LaProp.__init__, mapped=O._MAPPED, per_call=O._PER_CALL)

    # ... and pass once the flag is written out there too
    def with_probe(fn):  # fn's signature and probe_flag=False
        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003
            return None

        sig = inspect.signature(fn)
        wrapper.__signature__ = sig.replace(parameters=[
            *sig.parameters.values(),
            inspect.Parameter("probe_flag", inspect.Parameter.KEYWORD_ONLY, default=False)])
        wrapper.__qualname__ = fn.__qualname__
        return wrapper

    copy.check_signature(with_probe(F.laprop))
    copy.check_constructor(with_probe(LaProp.__init__), mapped=O._MAPPED, per_call=O._PER_CALL)

    # the fallback: the real choose_path reads the copy's declaration from its options
    def options(module, probe):
        return module.StepOptions(amsgrad=False, centered=False, t_init=10, beta1=0.9,
                                  beta2=0.7, lr=1e-3, weight_decay=0.0, eps=1e-8,
                                  eps_mode="inside", maximize=False, probe_flag=probe)

    cpu, meta = [torch.ones(3)], [torch.ones(3, device="meta")]
    on = options(copy, True)
    assert copy.unsupported(on, "foreach") == ["probe_flag"]
    assert copy.unsupported(options(copy, False), "foreach") == []  # its neutral value
    assert F.choose_path(cpu, foreach=None, fused=None, differentiable=False,
                         options=on) == "single"  # the default: silently the reference
    assert F.choose_path(cpu, foreach=None, fused=False, differentiable=False,
                         options=options(copy, False)) == "foreach"
    with pytest.raises(RuntimeError, match=r"fused=True does not support probe_flag=True: the "
                                           r"fused path does not implement it"):
        F.choose_path(cpu, foreach=None, fused=True, differentiable=False, options=on)
    with pytest.raises(RuntimeError, match=r"foreach=True does not support probe_flag=True"):
        F.choose_path(cpu, foreach=True, fused=None, differentiable=False, options=on)
    with pytest.raises(RuntimeError, match=r"the compiled path does not implement it"):
        F.choose_path(meta, foreach=None, fused=True, differentiable=False, options=on)
    assert F.choose_path(cpu, foreach=False, fused=None, differentiable=False,
                         options=on) == "single"

    # a flag that declares a fast path runs there
    on_foreach = laprop_copy(PROBE.replace("))", "), paths=('foreach',))"))
    on = options(on_foreach, True)
    assert F.choose_path(cpu, foreach=True, fused=None, differentiable=False,
                         options=on) == "foreach"
    with pytest.raises(RuntimeError, match=r"fused=True does not support probe_flag=True"):
        F.choose_path(cpu, foreach=None, fused=True, differentiable=False, options=on)


def test_an_optimizer_flag_declaration_is_checked(laprop_copy) -> None:
    """A field declared without option()'s doc and cases, with an unknown path, or leaving out
    a fast path without a neutral value, does not import; the message names it."""
    with pytest.raises(TypeError, match=r"probe_flag: declare it with laprop._rule.option"):
        laprop_copy("probe_flag: bool = field(default=False)")
    with pytest.raises(TypeError, match=r"probe_flag: unknown paths \['cuda'\]"):
        laprop_copy(PROBE.replace("))", "), paths=('cuda',))"))
    with pytest.raises(TypeError, match=r"probe_flag: paths \(\) leave out a fast path, so it "
                                        r"needs a default or neutral="):
        laprop_copy(f'probe_flag: bool = option(doc="{PROBE_DOC}", cases=(False, True))')
    # with a neutral value it imports (the control)
    laprop_copy(f'probe_flag: bool = option(doc="{PROBE_DOC}", cases=(False, True), '
                f'neutral=False)')
