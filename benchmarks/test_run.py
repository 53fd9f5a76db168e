"""Behaviour of the benchmark runner (run: pytest benchmarks/test_run.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402
import run  # noqa: E402


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(run, "WORK", tmp_path)
    return tmp_path


def test_findings_exit_code_is_not_a_crash(work: Path) -> None:
    sample = run.run_timed("exits 1", [[sys.executable, "-c", "import sys; sys.exit(1)"]], work)
    assert sample.returncodes == [1] and sample.seconds > 0 and sample.max_rss > 0


def test_a_traceback_or_an_unexpected_exit_code_aborts_loudly(work: Path) -> None:
    with pytest.raises(run.CommandCrashed, match="ZeroDivisionError"):
        run.run_timed("raises", [[sys.executable, "-c", "1/0"]], work)
    with pytest.raises(run.CommandCrashed, match="exit code 3"):
        run.run_timed("exits 3", [[sys.executable, "-c", "import sys; sys.exit(3)"]], work)


def test_peak_memory_counts_the_workers_of_a_command(work: Path) -> None:
    # a parent holding ~60 MB waits for a child holding ~60 MB: the tree peak sees both
    code = ("import subprocess, sys, time\n"
            "block = bytearray(60_000_000)\n"
            "subprocess.run([sys.executable, '-c', 'import time; b = bytearray(60_000_000); time.sleep(0.6)'])\n")
    sample = run.run_timed("two processes", [[sys.executable, "-c", code]], work)
    assert sample.max_rss > 60_000_000
    assert sample.tree_peak > 120_000_000


def test_long_file_lists_are_split_into_several_commands() -> None:
    files = [f"area/sub/question-{i:06d}.yaml" for i in range(40_000)]
    cmds = run.batched(["tool", "--flag"], files)
    assert len(cmds) > 1
    assert [f for c in cmds for f in c[2:]] == files
    assert all(c[:2] == ["tool", "--flag"] and sum(len(a) + 1 for a in c[2:]) <= run.ARG_BYTES for c in cmds)


def test_missing_qbank_gives_not_available_rows_instead_of_a_crash(work: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(run, "BIN", work / "no-such-env" / "bin")
    assert run.main(["--count", "30", "--reps", "1", "--skip-peers", "--big", "40"]) == 0
    results = json.loads((work / "results.json").read_text())
    assert {r["key"] for r in results["rows"]} == {
        "validate", "lint-cold", "lint-warm", "lint-warm-stem", "lint-worst-case", "fmt-check-cold", "fmt-check-warm",
        "export-anki", "export-csv", "export-qti12", "export-qti21", "export-moodle", "import-moodle", "site-cold",
        "site-warm", "site-rebuild", "big-lint-cold"}
    assert all(not r["available"] and r["note"].startswith("not available") for r in results["rows"])
    assert {r["result"] for r in results["ratios"]} == {"n/a"}
    assert "not available" in capsys.readouterr().out


def test_exportable_view_leaves_out_only_files_export_refuses(work: Path) -> None:
    bank = run.ensure_bank(200, 0.3, 5)
    view, n = run.exportable_view(bank)
    manifest = json.loads((bank / ".qbank-bench.json").read_text())
    blocked = {rel for rel, kind in manifest["defects"].items() if kind in run.EXPORT_BLOCKERS}
    kept = sorted(p.relative_to(view).as_posix() for p in view.rglob("*.yaml"))
    assert n == len(kept) == 200 - len(blocked) and blocked
    assert not blocked & set(kept)
    assert all((view / rel).read_bytes() == (bank / rel).read_bytes() for rel in kept)
    assert run.ensure_bank(200, 0.3, 5) == bank  # same arguments: reused, not regenerated


def test_a_stem_edit_changes_only_the_first_line_of_the_stem(tmp_path: Path) -> None:
    generate.generate(tmp_path / "b", 20, defects=0.0, seed=2)
    for path in sorted((tmp_path / "b").rglob("*.yaml")):
        before = yaml.safe_load(path.read_bytes())
        after = yaml.safe_load(run.edit_stem(path.read_bytes(), "(edit 1)"))
        first, rest = before["stem"].split("\n", 1)
        assert after["stem"] == f"{first} (edit 1)\n{rest}"
        assert {k: v for k, v in after.items() if k != "stem"} == {k: v for k, v in before.items() if k != "stem"}
