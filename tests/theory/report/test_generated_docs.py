"""The markdown documents generated from the LaProp paper's verdicts: ``docs/theory-verdicts.md``
(``check --markdown``) and the README's generated blocks (laprop_theory.report.readme,
``check --readme``) hold what the current verdicts render; the README's blocks are replaced
and nothing else, and a README without its markers is refused, naming the block, before any
work."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from laprop_theory.__main__ import main as cli
from laprop_theory.claims import claims_of
from laprop_theory.proof.decide import check_claim
from laprop_theory.report import markdown, readme

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"


@pytest.fixture(scope="module")
def results():
    # decided at the default budget, as `check --readme` decides them (the suite's shared
    # verdict folder answers the steps other tests decided already)
    return [r for c in claims_of("laprop2020") for r in check_claim(c)]


def _marked(body: dict[str, str]) -> str:
    parts = ["# a README", "", "text before"]
    for name in readme.NAMES:
        parts += [readme.BEGIN.format(name=name), body.get(name, "old"),
                  readme.END.format(name=name), f"text after {name}"]
    return "\n".join(parts) + "\n"


def test_the_readme_is_not_stale(results):
    stale = readme.stale(README.read_text(encoding="utf-8"), results)
    assert not stale, (f"README.md blocks {stale} are stale: run `{readme.COMMAND}`")


def test_the_verdicts_doc_is_not_stale(results):
    stored = (ROOT / "docs" / "theory-verdicts.md").read_text(encoding="utf-8")
    assert markdown.theory_verdicts(results) == stored, (
        "docs/theory-verdicts.md is stale: run `python -m laprop_theory check --markdown "
        "docs/theory-verdicts.md`")


def test_the_counts_are_the_statuses_counted_by_hand(results):
    by_hand = {s: sum(1 for r in results if r.verdict.status == s)
               for s in ("proved", "refuted", "unverified")}
    sentence = readme.blocks(results)["verdict-counts"]
    numbers = re.fullmatch(r"(\d+) steps: (\d+) proved, (\d+) refuted \(each with a certified "
                           r"counterexample\), (\d+) unverified\.", sentence)
    assert numbers, sentence
    assert [int(x) for x in numbers.groups()] == [len(results), by_hand["proved"],
                                                   by_hand["refuted"], by_hand["unverified"]]
    # the claim table has one row per LaProp claim, in the registry's order
    rows = readme.blocks(results)["verdict-summary"].splitlines()[2:]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == [
        c.id for c in claims_of("laprop2020")]


def test_update_replaces_the_blocks_and_nothing_else(results):
    old = _marked({})
    new = readme.update(old, results)
    outside = re.compile(r"<!-- generated: [\w-]+ .*? -->\n.*?<!-- end generated", re.S)
    assert outside.sub("", old) == outside.sub("", new)
    for name, body in readme.blocks(results).items():
        start = new.index(readme.BEGIN.format(name=name)) + len(readme.BEGIN.format(name=name))
        end = new.index(readme.END.format(name=name))
        assert new[start:end] == "\n" + body + "\n"
    assert readme.stale(new, results) == [] and readme.update(new, results) == new
    assert readme.stale(old, results) == list(readme.NAMES)


@pytest.mark.parametrize("damage, message", [
    (lambda t: t.replace(readme.END.format(name="bounds"), ""),
     r"block 'bounds': expected one line .* found 1 and 0"),
    (lambda t: t + readme.BEGIN.format(name="verdict-counts") + "\n",
     r"block 'verdict-counts': expected one line .* found 2 and 1"),
    (lambda t: t.replace(readme.BEGIN.format(name="verdict-summary"), "@@").replace(
        readme.END.format(name="verdict-summary"), readme.BEGIN.format(
            name="verdict-summary")).replace("@@", readme.END.format(name="verdict-summary")),
     r"block 'verdict-summary': its end marker comes before its begin marker"),
])
def test_damaged_markers_are_refused_naming_the_block(damage, message):
    with pytest.raises(readme.ReadmeError, match=message):
        readme.blocks_present(damage(_marked({})))


def test_check_readme_refuses_before_any_work(tmp_path, capsys, monkeypatch):
    import laprop_theory.cli.check as check_cli

    monkeypatch.setattr(check_cli, "run_check", lambda *a, **k: pytest.fail("work was done"))
    plain = tmp_path / "README.md"
    plain.write_text("# no markers\n", encoding="utf-8")
    cases = [(["check", "--readme", str(plain)], "block 'verdict-counts': expected one line"),
             (["check", "--readme", str(README), "--claim", "prop1"],
              "--readme needs every LaProp claim"),
             (["check", "--readme", str(tmp_path / "missing.md")], "cannot be read")]
    for argv, message in cases:
        try:
            code = cli(argv)
        except SystemExit as exc:
            code = exc.code
        err = capsys.readouterr().err.strip()
        assert code == 2 and message in err and len(err.splitlines()) == 1, (argv, err)
    assert plain.read_text(encoding="utf-8") == "# no markers\n"


def test_check_readme_writes_the_blocks(tmp_path, results):
    copy = tmp_path / "README.md"
    shutil.copyfile(README, copy)
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("| prop1 |", "| prop-stale |"), encoding="utf-8")
    assert readme.stale(copy.read_text(encoding="utf-8"), results) == ["verdict-summary"]
    assert cli(["check", "--readme", str(copy)]) == 0
    # the damaged row is written back: the copy is the README again (which
    # test_the_readme_is_not_stale shows is current)
    assert copy.read_text(encoding="utf-8") == text
