"""Discovery never drops a question in silence (issue 10, point 1): every entry that cannot
be read is a located diagnostic, the rest is still checked, and a run that finds nothing to
check is an error."""

from __future__ import annotations

import json
import os
import stat

import pytest

from qbank.discover import discover_paths
from qbank.fsutil import read_file

from conftest import GOOD, write


def lint_json(cli, *args):
    result = cli("lint", "--no-cache", "--select", "QB0", "--format", "json", *args)  # file checks only
    return result.exit_code, [(os.path.basename(d["path"]), d["line"], d["column"], d["code"], d["message"])
                              for d in json.loads(result.output)]


def question(qid: str) -> str:
    """A clean question whose stem differs from every other one's (QB902 stays quiet)."""
    return GOOD.format(id=qid).replace("a new job", f"a new job ({qid})")


def two_questions(bank):
    write(bank, "a.yaml", question("q-a"))
    write(bank, "sub/b.yaml", question("q-b"))


def test_a_symlink_loop_is_reported_and_every_other_file_is_still_checked(cli, bank):
    two_questions(bank)
    (bank / "loop.yaml").symlink_to("loop.yaml")
    (bank / "sub" / "ping.yaml").symlink_to("pong.yaml")
    (bank / "sub" / "pong.yaml").symlink_to("ping.yaml")
    code, diags = lint_json(cli, bank)
    assert code == 1
    assert [(name, line, col, c) for name, line, col, c, _ in diags] == [
        ("loop.yaml", 1, 1, "QB002"), ("ping.yaml", 1, 1, "QB002"), ("pong.yaml", 1, 1, "QB002")]
    assert all("symbolic link loop" in m for *_, m in diags)
    summary = cli("lint", "--no-cache", "--select", "QB0", bank).output.splitlines()[-1]
    assert summary == "Found 3 errors in 3 files (5 files checked)."  # a.yaml and sub/b.yaml were checked too


def test_a_broken_link_is_reported_with_its_target(cli, bank):
    two_questions(bank)
    (bank / "gone.yaml").symlink_to("renamed.yaml")
    code, diags = lint_json(cli, bank)
    assert code == 1
    assert [(n, ln, c, code_) for n, ln, c, code_, _ in diags] == [("gone.yaml", 1, 1, "QB002")]
    assert "broken symbolic link" in diags[0][4] and "renamed.yaml" in diags[0][4]


def test_a_linked_folder_is_reported_not_silently_skipped(cli, bank, tmp_path):
    two_questions(bank)
    write(tmp_path / "shared", "c.yaml", question("q-c"))
    (bank / "shared").symlink_to(tmp_path / "shared")
    (bank / "sub" / "again").symlink_to("..")  # a folder loop
    code, diags = lint_json(cli, bank)
    assert code == 1
    messages = {n: m for n, _, _, c, m in diags if c == "QB002"}
    assert sorted(messages) == ["again", "shared"] and len(diags) == 2
    assert "symbolic link to a folder" in messages["again"] and "no question in it was checked" in messages["again"]
    assert "leads outside the bank folder" in messages["shared"]


def test_a_linked_folder_listed_in_exclude_is_left_out(cli, bank, tmp_path):
    two_questions(bank)
    (tmp_path / "media").mkdir()
    (bank / "media").symlink_to(tmp_path / "media")
    (bank / "qbank.toml").write_text('exclude = ["media"]\n', encoding="utf-8")
    assert lint_json(cli, bank) == (0, [])


def test_an_unreadable_subfolder_is_reported_and_its_siblings_checked(cli, bank, monkeypatch):
    """Simulated (tests run as root here, who can read any folder): the walk and the
    reader get the error a mode-000 folder gives an ordinary user."""
    two_questions(bank)
    write(bank, "locked/c.yaml", question("q-c"))
    locked = str(bank / "locked")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.abspath(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, diags = lint_json(cli, bank)
    assert code == 1
    assert diags == [("locked", 1, 1, "QB002",
                      "folder cannot be read (Permission denied), so no question in it was checked; make it readable")]
    assert cli("lint", "--no-cache", "--select", "QB0", bank).output.splitlines()[-1] == "Found 1 error in 1 file (3 files checked)."


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 folder; see the simulated test above")
def test_a_mode_000_subfolder_is_reported(cli, bank):
    two_questions(bank)
    locked = bank / "locked"
    write(locked, "c.yaml", question("q-c"))
    locked.chmod(0)
    try:
        assert not os.access(locked, os.R_OK)
        code, diags = lint_json(cli, bank)
    finally:
        locked.chmod(stat.S_IRWXU)
    assert code == 1 and [(n, c) for n, _, _, c, _ in diags] == [("locked", "QB002")]


def test_discovery_lists_what_it_cannot_read_and_the_reader_says_why(bank):
    two_questions(bank)
    (bank / "loop.yaml").symlink_to("loop.yaml")
    (bank / "notes.txt").write_text("not a question")
    (bank / "img.png").symlink_to("missing.png")  # not a question: ignored like any image
    found = discover_paths([bank])
    assert [os.path.relpath(p, bank) for p in found] == ["a.yaml", "loop.yaml", os.path.join("sub", "b.yaml")]
    _, diag = read_file(str(bank / "loop.yaml"))
    assert (diag.line, diag.column, diag.code) == (1, 1, "QB002")


@pytest.mark.parametrize("command", [["lint", "--no-cache"], ["validate"], ["fmt", "--check"],
                                     ["export", "--csv", "--out", "exports"]])
def test_a_run_that_finds_no_question_file_is_an_error(cli, bank, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (bank / "README.md").write_text("questions go here\n")
    result = cli(*command, bank)
    assert result.exit_code == 2
    assert "no question files to check" in result.output
    assert "All checks passed" not in result.output
    assert not (tmp_path / "exports").exists()


def test_a_run_whose_every_file_is_excluded_is_an_error(cli, bank):
    write(bank, "drafts/a.yaml", GOOD.format(id="q-a"))
    (bank / "qbank.toml").write_text('exclude = ["drafts/**"]\n', encoding="utf-8")
    for command in (["lint", "--no-cache"], ["validate"], ["fmt", "--check"]):
        result = cli(*command, bank)
        assert result.exit_code == 2 and "no question files to check" in result.output, command


def test_a_warm_run_still_reports_what_it_cannot_read(cli, bank):
    two_questions(bank)
    (bank / "loop.yaml").symlink_to("loop.yaml")
    (bank / "linked").symlink_to("sub")
    for _ in range(2):  # the first run fills the cache, the second reads it
        result = cli("lint", "--select", "QB0", bank)
        assert result.exit_code == 1
        assert result.output.splitlines()[-1] == "Found 2 errors in 2 files (4 files checked)."
