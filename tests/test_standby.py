"""A warm `qbank lint` hands the files that changed to a checker forked as the run starts;
whatever happens to that checker, the findings are the same."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import defective_bank
from qbank import standby
from qbank.standby import Standby

pytestmark = pytest.mark.skipif(not Standby.available(None), reason="needs fork and two cores")


def _edit_two(bank):
    edited = [bank / "t1" / "q001.yaml", bank / "t2" / "q002.yaml"]
    edited[0].write_text(edited[0].read_text() + "# reviewed\n")
    edited[1].write_text(edited[1].read_text().replace("trouble sleeping", "trouble sleeping and eating"))
    return edited


def test_a_warm_run_hands_the_changed_files_to_the_standby(cli, bank, monkeypatch):
    defective_bank(bank, 30)
    cli("lint", bank)
    edited = _edit_two(bank)
    handed: list[list[str]] = []
    check = Standby.check

    def spy(self, paths):
        handed.append(list(paths))
        results = check(self, paths)
        assert results is not None  # the child answered
        return results

    monkeypatch.setattr(Standby, "check", spy)
    warm = cli("lint", bank, "--format", "json").output
    assert handed == [[str(p) for p in edited]]
    assert warm == cli("lint", bank, "--format", "json", "--no-cache").output


def test_a_standby_that_fails_changes_nothing(cli, bank, monkeypatch):
    defective_bank(bank, 30)
    cli("lint", bank)
    _edit_two(bank)

    def broken(*args):
        raise RuntimeError("the child dies before it answers")

    monkeypatch.setattr(standby, "_serve", broken)
    expected = cli("lint", bank, "--format", "json", "--no-cache").output
    assert json.loads(expected)
    assert cli("lint", bank, "--format", "json").output == expected


def test_one_job_means_one_process(cli, bank, monkeypatch):
    defective_bank(bank, 12)
    cli("lint", bank)
    _edit_two(bank)

    def forbidden(self, *args):
        raise AssertionError("forked with --jobs 1")

    monkeypatch.setattr(Standby, "__init__", forbidden)
    cli("lint", bank, "--jobs", "1")


def test_a_missing_path_is_still_a_usage_error(cli, bank):
    defective_bank(bank, 12)
    cli("lint", bank)
    result = cli("lint", bank, bank / "nowhere")
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_files_added_and_removed_between_runs_are_seen(cli, bank):
    defective_bank(bank, 30)
    cli("lint", bank)
    (bank / "t3" / "q003.yaml").unlink()
    (bank / "t4" / "new.yaml").write_text((bank / "t4" / "q004.yaml").read_text().replace("id: q004", "id: new"))
    warm = cli("lint", bank, "--format", "json").output
    assert "new.yaml" in warm  # an identical stem: QB902 names the new file
    assert warm == cli("lint", bank, "--format", "json", "--no-cache").output


def test_the_standby_started_before_the_command_line_is_the_one_a_warm_run_uses(cli, bank, monkeypatch):
    defective_bank(bank, 30)
    cli("lint", bank)
    edited = _edit_two(bank)
    standby.start_early()   # what `qbank lint` does before it imports click
    early = standby._early
    assert early is not None and early.pid
    used: list[tuple[Standby, list[str]]] = []
    check = Standby.check

    def spy(self, paths):
        used.append((self, list(paths)))
        results = check(self, paths)
        assert results is not None  # the child, told the run's job late, answered
        return results

    monkeypatch.setattr(Standby, "check", spy)
    warm = cli("lint", bank, "--format", "json").output
    assert used == [(early, [str(p) for p in edited])] and standby._early is None
    assert warm == cli("lint", bank, "--format", "json", "--no-cache").output


def test_a_run_that_needs_no_standby_stops_the_one_started_early(cli, bank):
    defective_bank(bank, 12)
    standby.start_early()
    early = standby._early
    cli("lint", bank)   # cold: nothing for a standby to answer
    assert standby._early is None and early.pid == 0


def test_the_console_script_finds_what_the_run_in_process_finds(bank):
    defective_bank(bank, 30)
    qbank = [sys.executable, "-c", "from qbank.cli import entry; entry()"]
    subprocess.run([*qbank, "lint", str(bank)], capture_output=True, check=False)
    _edit_two(bank)
    warm = subprocess.run([*qbank, "lint", str(bank), "--format", "json"], capture_output=True, text=True)
    cold = subprocess.run([*qbank, "lint", str(bank), "--format", "json", "--no-cache"], capture_output=True, text=True)
    assert warm.returncode == cold.returncode == 1 and json.loads(warm.stdout)
    assert (warm.stdout, warm.stderr) == (cold.stdout, cold.stderr)
