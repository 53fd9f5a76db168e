"""The options a ruff or eslint user reaches for (issue 10, point 18): --quiet, --exit-zero,
--statistics, --show-fixes, --fix --diff, --config, --color, one question from standard
input, `qbank rules NAME` and prefixes, shell completion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from conftest import GOOD, write

from qbank.cli import main

LOWER_FIRST = GOOD.replace("FIRST?", "first?")  # QB204 (info), fixable: --fix capitalises it
NO_KEY = GOOD.replace("    correct: true\n", "")  # QB101


def two_findings(bank: Path) -> Path:
    write(bank, "a.yaml", LOWER_FIRST.format(id="a"))
    write(bank, "b.yaml", NO_KEY.format(id="b").replace(
        "reports trouble sleeping since starting a new job", "skips meals when deadlines pile up at work"))  # no QB902
    return bank


def test_quiet_prints_the_findings_without_the_summary(cli, bank):
    two_findings(bank)
    loud = cli("lint", "--no-cache", bank).output.splitlines()
    quiet = cli("lint", "--no-cache", "--quiet", bank)
    assert quiet.exit_code == 1
    assert quiet.output.splitlines() == loud[:-1] and loud[-1].startswith("Found ")
    (bank / "b.yaml").unlink()
    assert cli("lint", "--no-cache", "-q", "--fix", bank).output == ""  # no "Fixed 1 problem" either


def test_exit_zero_reports_problems_but_passes(cli, bank):
    two_findings(bank)
    result = cli("lint", "--no-cache", "--exit-zero", bank)
    assert result.exit_code == 0 and "QB101" in result.output
    assert cli("lint", "--exit-zero", bank / "missing").exit_code == 2  # usage errors still fail


def test_statistics_counts_findings_per_code(cli, bank):
    two_findings(bank)
    write(bank, "c.yaml", NO_KEY.format(id="c").replace(
        "reports trouble sleeping since starting a new job", "has felt low since a spring bereavement"))  # no QB902
    result = cli("lint", "--no-cache", "--statistics", bank)
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0].split() == ["2", "QB101", "key-count", "[error]"]
    assert lines[1].split() == ["1", "QB204", "qualifier-not-capitalized", "[info]", "[*]"]
    assert lines[-1] == "Found 2 errors, 1 info in 3 files (3 files checked; 1 fixable with `qbank lint --fix`)."
    rows = json.loads(cli("lint", "--no-cache", "--statistics", "--format", "json", bank).output)
    assert [(r["code"], r["count"], r["fixable"]) for r in rows] == [("QB101", 2, 0), ("QB204", 1, 1)]


def test_show_fixes_lists_what_fix_would_do_and_what_it_did(cli, bank):
    two_findings(bank)
    before = cli("lint", "--no-cache", "--show-fixes", bank).output
    assert "`qbank lint --fix` would fix:\n- " in before and "a.yaml:\n    1 × QB204 (qualifier-not-capitalized)\n" in before
    done = cli("lint", "--no-cache", "--fix", "--show-fixes", bank).output
    assert "Fixed 1 problem in 1 file:\n- " in done and "a.yaml:\n    1 × QB204 (qualifier-not-capitalized)\n" in done
    assert "FIRST?" in (bank / "a.yaml").read_text()


def test_fix_diff_shows_the_fixes_as_a_patch_and_writes_nothing(bank):
    two_findings(bank)
    before = (bank / "a.yaml").read_bytes()
    result = CliRunner().invoke(main, ["lint", "--no-cache", "--fix", "--diff", str(bank)])
    assert result.exit_code == 1
    assert f"--- a/{bank}/a.yaml\n+++ b/{bank}/a.yaml\n" in result.stdout
    assert "-  What should the social worker explore first?" in result.stdout
    assert "+  What should the social worker explore FIRST?" in result.stdout
    assert "Would fix 1 problem in 1 file; nothing was written." in result.stderr
    assert (bank / "a.yaml").read_bytes() == before
    (bank / "a.yaml").write_text(GOOD.format(id="a"))
    clean = CliRunner().invoke(main, ["lint", "--no-cache", "--fix", "--diff", str(bank)])
    assert clean.exit_code == 0 and clean.stdout == "" and "No fixes available." in clean.stderr


def test_config_reads_another_qbank_toml_for_the_same_bank(cli, bank, tmp_path):
    two_findings(bank)
    write(bank, "qbank.toml", "[lint]\nignore = []\n")
    strict = write(tmp_path, "ci.toml", '[lint]\nignore = ["QB2"]\n')
    assert "QB204" in cli("lint", "--no-cache", bank).output
    result = cli("lint", "--no-cache", "--config", strict, bank)
    assert "QB204" not in result.output and "QB101" in result.output
    assert cli("lint", "--config", tmp_path / "none.toml", bank).exit_code == 2


def test_color_always_styles_the_text_report_and_never_or_auto_off_a_terminal_do_not(bank):
    two_findings(bank)
    runner = CliRunner()
    coloured = runner.invoke(main, ["lint", "--no-cache", "--color", "always", str(bank)]).stdout
    assert "\x1b[31mQB101 key-count:\x1b[0m" in coloured and "\x1b[1mFound " in coloured
    for choice in ("never", "auto"):  # CliRunner's output is not a terminal
        assert "\x1b[" not in runner.invoke(main, ["lint", "--no-cache", "--color", choice, str(bank)]).stdout


def test_color_auto_colours_a_terminal_unless_no_color_is_set(bank, monkeypatch):
    from qbank.cli.common import use_color

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color("auto", None) is True
    assert use_color("auto", bank / "report.txt") is False  # a file is not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", None) is False and use_color("always", None) is True


def test_a_question_from_stdin_is_reported_under_its_stdin_filename(bank):
    write(bank, "qbank.toml", '[lint.per-file-ignores]\n"drafts/**" = ["QB204"]\n')
    runner = CliRunner()
    text = LOWER_FIRST.format(id="a")
    found = runner.invoke(main, ["lint", "-", "--stdin-filename", str(bank / "ready" / "a.yaml")], input=text)
    assert found.exit_code == 0
    assert f"{bank}/ready/a.yaml:" in found.stdout and "QB204" in found.stdout
    assert found.stdout.splitlines()[-1] == "Found 1 info in 1 file (1 file checked; 1 fixable with `qbank lint --fix`)."
    draft = runner.invoke(main, ["lint", "-", "--stdin-filename", str(bank / "drafts" / "a.yaml")], input=text)
    assert "QB204" not in draft.stdout  # the bank's qbank.toml applied to the name given
    bare = runner.invoke(main, ["validate", "-"], input=NO_KEY.format(id="b"))
    assert bare.exit_code == 1 and bare.stdout.startswith("-:")


def test_stdin_cannot_be_fixed_or_mixed_with_paths(cli, bank):
    write(bank, "a.yaml", GOOD.format(id="a"))
    assert cli("lint", "-", bank).exit_code == 2
    assert cli("lint", "--fix", "-").exit_code == 2
    assert cli("lint", "--stdin-filename", "x.yaml", bank).exit_code == 2


def test_rules_accepts_a_name_and_a_prefix(cli):
    by_name = cli("rules", "duplicate-option")
    assert by_name.exit_code == 0 and by_name.output.startswith("QB103 duplicate-option")
    prefix = cli("rules", "QB3").output.splitlines()
    assert [line.split()[0] for line in prefix] == [f"QB3{n:02d}" for n in range(1, 13)]
    assert cli("rules", "qb304").output.startswith("QB304 longest-option-is-key")
    wrong = cli("rules", "duplicate-opton")
    assert wrong.exit_code == 2 and "did you mean QB103 (duplicate-option)?" in wrong.output


def test_shell_completion_script_is_what_the_readme_documents():
    exe = shutil.which("qbank", path=str(Path(sys.executable).parent)) or shutil.which("qbank")
    env = {**os.environ, "_QBANK_COMPLETE": "bash_source", "PYTHONPATH": ""}
    script = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=60).stdout
    assert "_qbank_completion()" in script and "complete -o nosort -F _qbank_completion qbank" in script
    env = {**os.environ, "_QBANK_COMPLETE": "bash_complete", "COMP_WORDS": "qbank li", "COMP_CWORD": "1",
           "PYTHONPATH": ""}
    words = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=60).stdout
    assert "plain,lint" in words
