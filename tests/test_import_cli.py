"""`qbank import`: the summary, the diagnostics, --dry-run, --format json and the exit codes."""

from __future__ import annotations

import json

from test_import_readers import AIKEN, MOODLE


def test_import_writes_the_bank_prints_a_summary_and_exits_1_when_questions_were_skipped(cli, tmp_path):
    src = tmp_path / "quiz.xml"
    src.write_text(MOODLE, "utf-8")
    bank = tmp_path / "bank"
    out = cli("import", "moodle", src, "--into", bank)
    assert out.exit_code == 1
    assert f"{src}:" in out.output and "QB012 import-unsupported: an essay question" in out.output
    assert "skipped: 2 import-unsupported (QB012)" in out.output and "skipped: 1 import-malformed (QB013)" in out.output
    lines = out.output.splitlines()
    row = lines[lines.index(next(line for line in lines if line.startswith("file "))) + 1]
    assert row.split()[1:] == ["2", "0", "0", "0", "3"]
    assert sorted(p.relative_to(bank).as_posix() for p in bank.rglob("*") if p.is_file()) == [
        "week-1-2-memory/media/span_chart.png", "week-1-2-memory/psy-mem-1.yaml", "week-1-2-memory/tf-1.yaml"]
    lint = cli("lint", bank)
    assert "QB003" not in lint.output and "QB006" not in lint.output
    again = json.loads(cli("import", "moodle", src, "--into", bank, "--format", "json").output)
    assert again["summary"] == {"added": 0, "updated": 0, "unchanged": 2, "conflicting": 0,
                                "skipped": {"QB012": 2, "QB013": 1}}


def test_dry_run_prints_the_plan_and_diff_and_writes_nothing(cli, tmp_path):
    src = tmp_path / "q.txt"
    src.write_text(AIKEN.split("\n\n")[0] + "\n", "utf-8")
    out = cli("import", "aiken", src, "--into", tmp_path / "bank", "--dry-run")
    assert out.exit_code == 0, out.output
    assert "would be added: which-organ-pumps-blood.yaml" in out.output
    assert "+++ b/which-organ-pumps-blood.yaml" in out.output and "+  - text: The heart" in out.output
    assert "Dry run: nothing was written." in out.output and not (tmp_path / "bank").exists()
    assert cli("import", "aiken", src, "--into", tmp_path / "bank").exit_code == 0
    assert cli("import", "aiken", src, "--into", tmp_path / "bank").output.count("unchanged") == 1


def test_usage_errors_exit_2(cli, tmp_path):
    src = tmp_path / "q.txt"
    src.write_text(AIKEN, "utf-8")
    assert cli("import", "word", src, "--into", tmp_path / "b").exit_code == 2
    assert cli("import", "aiken", tmp_path / "missing.txt", "--into", tmp_path / "b").exit_code == 2
    assert cli("import", "aiken", src, "--into", src).exit_code == 2
    assert cli("import", "aiken", src).exit_code == 2
    assert cli("import", "csv", src, "--into", tmp_path / "b", "--map", "stem").exit_code == 2


def test_a_hostile_file_is_refused_with_a_diagnostic_and_nothing_written(cli, tmp_path):
    evil = tmp_path / "evil.xml"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
                    "<quiz>&b;</quiz>\n", "utf-8")
    out = cli("import", "moodle", evil, "--into", tmp_path / "bank")
    assert out.exit_code == 1 and f"{evil}:2:1: QB015 import-refused:" in out.output
    assert "skipped: 1 import-refused (QB015)" in out.output and not (tmp_path / "bank").exists()


def test_importing_the_bundled_banks_own_exports_back_changes_no_file(cli, tmp_path):
    """Identity: a bank exported to Moodle XML or GIFT and imported back into itself (with its own
    folders, fields and comments) is unchanged, file for file."""
    import shutil

    from conftest import REPO

    bank = tmp_path / "bank"
    shutil.copytree(REPO / "bank", bank, ignore=shutil.ignore_patterns(".qbank_cache"))
    before = {p: p.read_bytes() for p in bank.rglob("*.yaml")}
    out = tmp_path / "out"
    assert cli("export", "--moodle", "--gift", "--out", out, bank).exit_code == 0
    for fmt, pattern in (("moodle", "*.moodle.xml"), ("gift", "*.gift.txt")):
        [source] = out.glob(pattern)
        result = json.loads(cli("import", fmt, source, "--into", bank, "--format", "json").output)
        assert result["summary"] == {"added": 0, "updated": 0, "unchanged": len(before), "conflicting": 0,
                                     "skipped": {}}, fmt
    assert {p: p.read_bytes() for p in bank.rglob("*.yaml")} == before


def test_worker_processes_import_the_same_files_with_the_same_report(cli, tmp_path, monkeypatch):
    import qbank.pool as pool

    body = MOODLE[MOODLE.index("<quiz>") + len("<quiz>"):MOODLE.index("</quiz>")]
    src = tmp_path / "quiz.xml"
    src.write_text(MOODLE.replace(body, body * 3), "utf-8")   # the same ids again: -2, -3

    def run(into: str) -> tuple[str, dict[str, bytes]]:
        out = cli("import", "moodle", src, "--into", tmp_path / into, "--format", "json")
        files = {p.relative_to(tmp_path / into).as_posix(): p.read_bytes()
                 for p in (tmp_path / into).rglob("*") if p.is_file()}
        return out.output.replace(str(tmp_path / into), "BANK"), files

    serial = run("serial")
    monkeypatch.setattr(pool, "PARALLEL_MIN_ITEMS", 2)
    monkeypatch.setattr(pool, "workers_for", lambda jobs: 2)
    assert run("parallel") == serial
    assert len(serial[1]) == 7 and '"tf-1-3"' in serial[0]
