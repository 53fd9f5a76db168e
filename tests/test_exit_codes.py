"""The README's exit-code table, row by row, with the installed `qbank` console script run
as CI runs it (a subprocess): 0 clean, 1 problems found, 2 usage error / unreadable input /
unwritable output. Each case names the command and what it is given."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOOD, write

EXE = shutil.which("qbank", path=str(Path(sys.executable).parent)) or shutil.which("qbank")

WARNING_ONLY = GOOD.replace("explore FIRST?", "not fail to explore FIRST?")  # QB203, a fixable warning
UNFORMATTED = GOOD + "tags: [sleep, work]\n"  # fmt writes block lists
WITH_ERROR = GOOD.replace("    correct: true\n", "")  # QB101: no key


def qbank(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    assert EXE, "the qbank console script is not installed"
    env = {k: v for k, v in os.environ.items() if k not in ("PRE_COMMIT", "NO_COLOR")}
    return subprocess.run([EXE, *args], cwd=cwd, capture_output=True, text=True, input=stdin,
                          env={**env, "PYTHONPATH": ""}, timeout=120)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder with three banks: clean, one with an error, one with a warning only."""
    write(tmp_path / "clean", "q.yaml", GOOD.format(id="q1"))
    write(tmp_path / "broken", "q.yaml", WITH_ERROR.format(id="q1"))
    write(tmp_path / "warned", "q.yaml", WARNING_ONLY.format(id="q1"))
    write(tmp_path / "messy", "q.yaml", UNFORMATTED.format(id="q1"))
    write(tmp_path / "fixable", "q.yaml", WARNING_ONLY.format(id="q1"))
    (tmp_path / "a-file").write_text("not a folder\n")
    return tmp_path


CLEAN = {
    "validate a clean bank": ["validate", "clean"],
    "lint a clean bank": ["lint", "clean"],
    "lint a bank with only warnings": ["lint", "warned"],
    "lint --strict a clean bank": ["lint", "--strict", "clean"],
    "lint --exit-zero a bank with errors": ["lint", "--exit-zero", "broken"],
    "lint one clean question from stdin": ["lint", "-", "--stdin-filename", "clean/q.yaml"],
    "fmt --check a formatted bank": ["fmt", "--check", "clean"],
    "fmt a bank": ["fmt", "messy"],
    "lint --fix a bank with fixable warnings": ["lint", "--fix", "fixable"],
    "export a clean bank": ["export", "--csv", "--out", "out", "clean"],
    "rules": ["rules"],
    "rules by name": ["rules", "duplicate-option"],
    "schema": ["schema"],
    "init an empty folder": ["init", "newbank"],
    "new a question": ["new", "q2", "--dir", "clean"],
}


@pytest.mark.parametrize("args", CLEAN.values(), ids=CLEAN.keys())
def test_exit_0_when_clean(work, args):
    stdin = GOOD.format(id="q1") if "-" in args else None
    proc = qbank(work, *args, stdin=stdin)
    assert proc.returncode == 0, proc.stdout + proc.stderr


PROBLEMS = {
    "validate a bank with an error": ["validate", "broken"],
    "lint a bank with an error": ["lint", "broken"],
    "lint --strict a bank with a warning": ["lint", "--strict", "warned"],
    "lint an erroneous question from stdin": ["lint", "-"],
    "lint --fix --diff when a fix would change a file": ["lint", "--fix", "--diff", "fixable"],
    "fmt --check a bank that would change": ["fmt", "--check", "messy"],
    "fmt --diff a bank that would change": ["fmt", "--diff", "messy"],
    "fmt a file it must refuse": ["fmt", "broken-yaml"],
    "export a bank with errors": ["export", "--csv", "--out", "out", "broken"],
}


@pytest.mark.parametrize("args", PROBLEMS.values(), ids=PROBLEMS.keys())
def test_exit_1_when_problems_are_found(work, args):
    write(work / "broken-yaml", "q.yaml", "id: [\n")
    stdin = WITH_ERROR.format(id="q1") if "-" in args else None
    proc = qbank(work, *args, stdin=stdin)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


USAGE = {
    "an unknown command": ["lnit"],
    "an unknown option": ["lint", "--frobnicate", "clean"],
    "an unknown format": ["validate", "--format", "xml", "clean"],
    "a malformed rule code": ["lint", "--select", "X1", "clean"],
    "an unknown rule": ["rules", "QB999"],
    "--diff without --fix": ["lint", "--diff", "clean"],
    "--statistics in sarif": ["lint", "--statistics", "--format", "sarif", "clean"],
    "export without a format": ["export", "clean"],
    "new with an id the schema forbids": ["new", "Bad_Id", "--dir", "clean"],
    "no bank here (no paths, no bank/, no qbank.toml)": ["lint"],
    "a path that does not exist": ["lint", "missing"],
    "a path with no question files": ["validate", "empty"],
    "fmt a path that does not exist": ["fmt", "--check", "missing"],
    "export a path that does not exist": ["export", "--csv", "missing"],
    "a --config file that does not exist": ["lint", "--config", "missing.toml", "clean"],
    "lint -o into a folder that does not exist": ["lint", "-o", "/nonexistent/dir/out.txt", "clean"],
    "validate -o into a folder that does not exist": ["validate", "-o", "nowhere/out.json", "clean"],
    "fmt -o into a folder that does not exist": ["fmt", "--check", "-o", "nowhere/out.txt", "clean"],
    "export --out through a file": ["export", "--csv", "--out", "a-file/sub", "clean"],
    "schema --out into a folder that does not exist": ["schema", "--out", "nowhere/schema.json"],
    "init over an existing bank": ["init", "clean-init"],
    "new over an existing file": ["new", "q", "--dir", "clean"],
}


@pytest.mark.parametrize("args", USAGE.values(), ids=USAGE.keys())
def test_exit_2_for_usage_errors_unreadable_inputs_and_unwritable_outputs(work, args):
    (work / "empty").mkdir()
    write(work / "clean-init", "qbank.toml", "")
    proc = qbank(work, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip(), "a usage error says what is wrong"


def test_an_unwritable_report_file_is_refused_before_fix_writes_anything(work):
    before = (work / "fixable" / "q.yaml").read_bytes()
    proc = qbank(work, "lint", "--fix", "-o", "nowhere/report.txt", "fixable")
    assert proc.returncode == 2 and "nowhere" in proc.stderr
    assert (work / "fixable" / "q.yaml").read_bytes() == before
