"""`qbank export` from the command line: formats, defaults, refusals, output paths, progress."""

from __future__ import annotations

import csv
import os
import pty
import select as io_select
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import GOOD, write
from qbank.bank import Bank
from qbank.diagnostics import Diagnostic, Severity
from qbank.cli import main
from qbank.cli.export import refuse_if_errors
from test_export_common import TRICKY, copy_bank

ALL_FILES = ["tricky-bank.apkg", "tricky-bank.csv", "tricky-bank.anki.txt", "tricky-bank.qti12.zip",
             "tricky-bank.qti21.zip"]
RUN_EXPORT = "import sys; from qbank.cli import main; main(['export', *sys.argv[1:]])"


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A copy of the tricky bank in an empty working folder."""
    bank = copy_bank(TRICKY, tmp_path)
    monkeypatch.chdir(tmp_path)
    return bank


def run(*args):
    return CliRunner().invoke(main, ["export", *(str(a) for a in args)], catch_exceptions=False)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_all_formats_go_to_exports_named_after_the_bank(work):
    result = run(work.name, "--all")
    assert result.exit_code == 0, result.output
    out = Path("exports")
    assert sorted(p.name for p in out.iterdir()) == sorted(ALL_FILES)
    assert result.stdout.splitlines() == [str(out / name) for name in ALL_FILES]
    assert leftovers(out) == []


@pytest.mark.parametrize("args, files", [
    (["--anki"], ["tricky-bank.apkg"]),
    (["--csv"], ["tricky-bank.csv"]),
    (["--csv", "plain"], ["tricky-bank.csv"]),
    (["--csv", "anki"], ["tricky-bank.anki.txt"]),
    (["--csv", "--csv", "anki"], ["tricky-bank.csv", "tricky-bank.anki.txt"]),
    (["--qti12", "--qti21"], ["tricky-bank.qti12.zip", "tricky-bank.qti21.zip"]),
])
def test_each_format_flag_writes_its_file(work, args, files):
    result = run(work.name, *args, "--out", "somewhere/else")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path("somewhere/else").iterdir()) == sorted(files)


def test_csv_before_the_bank_path_takes_the_path_as_a_path(work):
    result = run("--csv", work.name, "--out", "o")
    assert result.exit_code == 0, result.output
    assert [p.name for p in Path("o").iterdir()] == ["tricky-bank.csv"]
    result = run(work.name, "--csv", "plian")
    assert result.exit_code == 2 and "'plian' is not one of 'plain', 'anki'" in result.output


def test_no_format_is_a_usage_error(work):
    result = run(work.name)
    assert result.exit_code == 2 and "choose at least one format" in result.output
    assert not Path("exports").exists()


def test_a_bank_with_errors_is_refused_with_its_diagnostics_and_nothing_is_written(work):
    write(work, "broken.yaml", "id: broken\nstem: What?\noptions:\n  - text: A\n  - text: B\nexplanation: x\n")
    result = run(work.name, "--all")
    assert result.exit_code == 1
    assert "broken.yaml:3:" in result.stderr and "QB101" in result.stderr
    assert "nothing was written" in result.stderr
    assert not Path("exports").exists() or list(Path("exports").iterdir()) == []


def test_warnings_are_shown_but_do_not_block(capsys):
    warning = Diagnostic("bank/q.yaml", 3, 1, "QB007", "suppression", Severity.WARNING, "unused suppression")
    refuse_if_errors(Bank(root=Path("."), name="b", questions=[], diagnostics=[warning]))
    assert "bank/q.yaml:3:1: QB007" in capsys.readouterr().err
    error = Diagnostic("bank/q.yaml", 4, 1, "QB101", "key-count", Severity.ERROR, "two keys")
    with pytest.raises(SystemExit) as stop:
        refuse_if_errors(Bank(root=Path("."), name="b", questions=[], diagnostics=[warning, error]))
    assert stop.value.code == 1


def ids_in(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [row[0] for row in list(csv.reader(fh))[1:]]


def test_tag_topic_and_name_select_and_rename(work):
    result = run(work.name, "--csv", "--tag", "images", "--name", "Chart Drill")
    assert result.exit_code == 0, result.output
    assert ids_in(Path("exports/chart-drill.csv")) == ["tricky-chart-a", "tricky-chart-b"]
    result = run(work.name, "--csv", "--topic", "spreadsheets & code", "--out", "t")
    assert result.exit_code == 0
    assert sorted(ids_in(Path("t/tricky-bank.csv"))) == ["0-leading-digit", "tricky-code-001"]


def test_a_selection_that_matches_nothing_writes_nothing(work):
    result = run(work.name, "--all", "--tag", "no-such-tag")
    assert result.exit_code == 1 and "no question matches --tag no-such-tag" in result.stderr
    assert not Path("exports").exists()


def test_a_file_where_the_output_folder_should_be_is_exit_2(work):
    Path("exports").write_text("not a folder")
    result = run(work.name, "--all")
    assert result.exit_code == 2 and "exports: is a file, not a folder" in result.stderr
    assert Path("exports").read_text() == "not a folder"
    result = run(work.name, "--all", "--out", "exports/sub")
    assert result.exit_code == 2 and "a file stands where a folder is needed" in result.stderr
    assert sorted(p.name for p in Path(".").iterdir()) == sorted(["exports", work.name])


@pytest.fixture
def read_only(tmp_path):
    """A folder nobody can write to, root included (an immutable folder when run as root)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    immutable = False
    if os.geteuid() == 0:
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        if not immutable:
            pytest.skip("running as root without chattr: no folder is read-only for root here")
    yield folder
    if immutable:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(stat.S_IRWXU)


def test_a_read_only_output_folder_is_exit_2_and_leaves_nothing(work, read_only):
    result = run(work.name, "--all", "--out", read_only)
    assert result.exit_code == 2
    assert f"{read_only}: cannot write files in this folder" in result.stderr
    assert list(read_only.iterdir()) == []


def test_a_folder_where_an_export_file_goes_is_exit_2_and_writes_nothing(work):
    out = Path("exports")
    (out / "tricky-bank.qti21.zip").mkdir(parents=True)
    result = run(work.name, "--all")
    assert result.exit_code == 2 and "tricky-bank.qti21.zip" in result.stderr
    assert [p.name for p in out.iterdir()] == ["tricky-bank.qti21.zip"]  # no other file, no temp file


def _big_bank(folder: Path, count: int) -> Path:
    for i in range(count):
        write(folder, f"q{i:05d}.yaml", GOOD.format(id=f"q{i:05d}"))
    return folder


def test_an_interrupted_export_never_leaves_a_truncated_file(tmp_path):
    bank = _big_bank(tmp_path / "big", 1500)
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    first = subprocess.run([sys.executable, "-c", RUN_EXPORT, str(bank), "--all", "--out", str(out)],
                           capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    complete = {p.name: p.read_bytes() for p in out.iterdir()}
    # Whenever the interrupt lands (loading, rendering, building, writing), every file is
    # either the previous export or the new one, whole, and no temp file is left.
    for delay in (0.2, 0.5, 0.7, 0.85, 1.0, 1.2):
        proc = subprocess.Popen([sys.executable, "-c", RUN_EXPORT, str(bank), "--all", "--out", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=300)
        assert leftovers(out) == []
        assert sorted(p.name for p in out.iterdir()) == sorted(complete)
        for name, data in complete.items():
            if name.endswith(".apkg"):  # modification times may differ; the zip must be whole
                assert zipfile.ZipFile(out / name).testzip() is None
            else:  # same bank, same bytes
                assert (out / name).read_bytes() == data


def _stderr_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the export with stderr on a pseudo-terminal, as a person would, and return it."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", RUN_EXPORT, *args], stdout=subprocess.PIPE,
                            stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = io_select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=300)
    os.close(leader)
    assert proc.returncode == 0, seen
    return seen.decode("utf-8", "replace")


def test_a_progress_bar_shows_on_a_terminal_but_never_in_ci_or_pipes(tmp_path):
    bank = _big_bank(tmp_path / "big", 600)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    args = [str(bank), "--csv", "--out", str(tmp_path / "out")]
    assert "Exporting" in _stderr_on_a_terminal(args, env)
    assert "Exporting" not in _stderr_on_a_terminal(args, env | {"CI": "true"})
    piped = subprocess.run([sys.executable, "-c", RUN_EXPORT, *args], capture_output=True, text=True, env=env)
    assert piped.returncode == 0 and "Exporting" not in piped.stderr
