"""Long runs show a progress bar to a person at a terminal, and never anywhere else
(issue 10, point 19): not in CI logs, not into a pipe or a file."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest

pty = pytest.importorskip("pty", reason="pseudo-terminals are POSIX-only")

from qbank.cli.progress import Bar, wanted  # noqa: E402

from conftest import GOOD, write  # noqa: E402


@pytest.fixture
def terminal():
    """The two ends of a real pseudo-terminal: (what the program writes to, what a user sees)."""
    leader, follower = pty.openpty()
    stream = os.fdopen(follower, "w", encoding="utf-8")
    yield stream, leader
    stream.close()
    os.close(leader)


def screen(leader: int) -> str:
    """Everything written to the terminal since the last look (a pty hands it over in pieces)."""
    import select

    seen = b""
    while select.select([leader], [], [], 0.2)[0]:
        chunk = os.read(leader, 65536)
        if not chunk:
            break
        seen += chunk
    return seen.decode("utf-8")


def test_a_bar_is_wanted_on_a_terminal_only(terminal, tmp_path):
    stream, _ = terminal
    assert wanted(stream, {})
    with open(tmp_path / "log.txt", "w") as file:
        assert not wanted(file, {})
    read, write_end = os.pipe()
    with os.fdopen(write_end, "w") as pipe:
        assert not wanted(pipe, {})
    os.close(read)
    assert not wanted(io.StringIO(), {})


@pytest.mark.parametrize("environ", [{"CI": "true"}, {"CI": "1"}, {"TERM": "dumb"}])
def test_no_bar_in_ci_or_on_a_dumb_terminal_even_on_a_tty(terminal, environ):
    stream, _ = terminal
    assert not wanted(stream, environ)


def test_the_bar_draws_in_place_and_erases_itself(terminal):
    stream, leader = terminal
    bar = Bar("Checking", stream, total=200, delay=0)
    bar.update(50)
    drawn = screen(leader)
    assert drawn.startswith("\rChecking [") and drawn.endswith("] 50/200")
    bar.clear()
    assert screen(leader).strip("\r ") == ""
    bar.update(0)  # the same run, later: drawn again after a clear
    assert "0/200" in screen(leader)


def test_a_quick_run_never_shows_a_bar(terminal):
    stream, leader = terminal
    bar = Bar("Checking", stream, total=10, delay=60)  # a run shorter than the delay
    for done in range(1, 11):
        bar.update(done)
    bar.clear()
    assert screen(leader) == ""


def test_a_disabled_bar_writes_nothing():
    out = io.StringIO()
    bar = Bar("Checking", out, enabled=False, total=5, delay=0)
    bar.update(3)
    bar.advance()
    bar.clear()
    assert out.getvalue() == ""


@pytest.fixture
def on_terminal(terminal, monkeypatch, capsys):
    """Run a qbank command in this process with standard error on a pseudo-terminal and no
    delay before the bar; returns (what the terminal showed, standard output, exit code)."""
    from qbank.cli import main, progress

    stream, leader = terminal
    monkeypatch.setattr(progress, "DELAY", 0)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)

    def run(*args: str, environ: dict[str, str] | None = None, stdout_too: bool = False) -> tuple[str, str, int]:
        for k, v in (environ or {}).items():
            monkeypatch.setenv(k, v)
        capsys.readouterr()
        with monkeypatch.context() as m:
            m.setattr(sys, "stderr", stream)
            if stdout_too:  # both on the one terminal, as when a person runs the command
                m.setattr(sys, "stdout", stream)
            try:
                main([str(a) for a in args], standalone_mode=False)
                code = 0
            except SystemExit as exc:
                code = exc.code
            stream.flush()
        return screen(leader), capsys.readouterr().out, code

    return run


@pytest.fixture(scope="module")
def big_bank(tmp_path_factory):
    bank = tmp_path_factory.mktemp("progress") / "bank"
    for i in range(120):
        write(bank, f"q{i:03d}.yaml", GOOD.format(id=f"q{i:03d}").replace("new job", f"new job {i}"))
    return bank


def test_fmt_check_shows_a_bar_on_a_terminal_and_keeps_it_out_of_its_report(on_terminal, big_bank):
    shown, report, code = on_terminal("fmt", "--check", "-j", "1", big_bank)
    assert re.search(r"\rChecking format \[#*-*\] [0-9]+/120", shown)
    assert shown.endswith("\r")  # erased at the end: the terminal is left as it was
    assert (report, code) == ("0 files would be reformatted, 120 already formatted.\n", 0)


def test_a_report_line_printed_during_the_run_erases_the_bar_first(on_terminal, big_bank, tmp_path):
    import shutil

    bank = tmp_path / "bank"
    shutil.copytree(big_bank, bank)
    write(bank, "q100.yaml", "id: q100\ntags: [a]\n")
    shown, _, _ = on_terminal("fmt", "--check", "-j", "1", bank, stdout_too=True)
    before, _, after = shown.partition(f"Would reformat: {bank / 'q100.yaml'}\r\n")  # a tty's line end
    assert re.search(r"\] [0-9]+/120\r +\r$", before)  # the bar, erased before the line was printed
    assert re.match(r"\rChecking format \[#*-*\] [0-9]+/120", after)  # then drawn again below it


def test_lint_shows_a_bar_on_a_terminal_but_not_in_ci(on_terminal, big_bank):
    shown, _, _ = on_terminal("lint", "--no-cache", "-j", "1", big_bank)
    assert re.search(r"\rChecking \[#*-*\] [0-9]+/120", shown)
    in_ci, report, _ = on_terminal("lint", "--no-cache", "-j", "1", big_bank, environ={"CI": "true"})
    assert in_ci == "" and "120 files" in report


def test_nothing_but_the_report_when_standard_error_is_redirected(big_bank):
    proc = subprocess.run([sys.executable, "-m", "qbank.cli", "fmt", "--check", "-j", "1", "bank"],
                          cwd=big_bank.parent, capture_output=True, env={k: v for k, v in os.environ.items() if k != "CI"})
    assert proc.stderr == b""
    assert proc.stdout == b"0 files would be reformatted, 120 already formatted.\n"


def test_export_shows_the_same_bar_on_a_terminal_and_lists_only_the_files_it_wrote(on_terminal, big_bank, tmp_path):
    shown, listed, code = on_terminal("export", "--csv", "--out", tmp_path / "out", "-j", "1", big_bank)
    assert re.search(r"\rExporting \[#*-*\] [0-9]+/240", shown)  # 120 rendered + 120 written
    assert shown.endswith("\r")
    assert (listed.strip().splitlines(), code) == ([str(tmp_path / "out" / "bank.csv")], 0)
    in_ci, _, _ = on_terminal("export", "--csv", "--out", tmp_path / "out", big_bank, environ={"CI": "1"})
    assert in_ci == ""
