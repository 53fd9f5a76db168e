"""Inputs are size-bounded with a clear error, and no read blocks (issue 10, point 7): a
2.5 GB qbank.toml is a config error, not a MemoryError; the 1 MB question limit cannot be
bypassed with a FIFO, a device or a file that grows."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from qbank import fsutil
from qbank.fsutil import MAX_FILE_BYTES, NotRegular, TooLarge, read_bounded, read_file

from conftest import GOOD, write

QBANK = [sys.executable, "-c", "from qbank.cli import entry; entry()"]


@pytest.fixture
def no_hang():
    """Fail (instead of hanging the suite) if the test blocks for 20 seconds."""
    def alarm(signum, frame):
        raise TimeoutError("blocked on a read")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_huge_config_file_is_a_located_config_error_not_a_memory_error(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q-1"))
    with open(bank / "qbank.toml", "wb") as fh:  # sparse: 2.5 GB on paper, nothing on disk
        fh.truncate(2_500_000_000)
    result = cli("validate", "--format", "json", bank)
    diags = [(Path(d["path"]).name, d["line"], d["column"], d["code"], d["message"]) for d in json.loads(result.output)]
    assert result.exit_code == 1
    assert diags == [("qbank.toml", 1, 1, "QB008", "cannot read the config file: file is 2,500,000,000 bytes, "
                                                     f"over the {MAX_FILE_BYTES:,}-byte limit")]


def test_a_config_file_just_over_the_limit_is_refused(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q-1"))
    (bank / "qbank.toml").write_text('name = "B"\n' + "#" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    result = cli("validate", bank)
    assert result.exit_code == 1 and "QB008" in result.output and "byte limit" in result.output


def test_a_fifo_named_like_a_question_is_reported_and_lint_does_not_hang(bank, tmp_path):
    write(bank, "q.yaml", GOOD.format(id="q-1"))
    os.mkfifo(bank / "pipe.yaml")
    done = subprocess.run([*QBANK, "lint", "--no-cache", "--format", "json", str(bank)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    diags = [(Path(d["path"]).name, d["code"], d["message"]) for d in json.loads(done.stdout) if d["code"] < "QB1"]
    assert done.returncode == 1
    assert diags == [("pipe.yaml", "QB002", "not a regular file (a named pipe); point qbank at question files or folders")]


def test_a_fifo_swapped_in_after_the_type_check_is_never_waited_on(tmp_path, monkeypatch, no_hang):
    pipe = tmp_path / "q.yaml"
    os.mkfifo(pipe)
    regular = os.stat(__file__)
    monkeypatch.setattr(fsutil.os, "lstat", lambda p: regular)  # the check saw a regular file
    with pytest.raises(NotRegular):
        read_bounded(pipe, MAX_FILE_BYTES)


def test_a_link_to_dev_zero_is_refused_without_reading_it(cli, bank, no_hang):
    write(bank, "q.yaml", GOOD.format(id="q-1"))
    (bank / "zero.yaml").symlink_to("/dev/zero")
    _, diag = read_file(str(bank / "zero.yaml"))  # no bank root given: the file type stops it
    assert diag.message == "not a regular file (a device); point qbank at question files or folders"
    result = cli("lint", "--no-cache", "--select", "QB0", bank)
    assert result.exit_code == 1 and "zero.yaml:1:1: QB002" in result.output


def test_a_question_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "q.yaml"
    path.write_bytes(b"id: q-1\n")
    real_fstat = os.fstat

    def grown(fd):  # the file is appended to between the check and the read
        with open(path, "ab") as fh:
            fh.write(b"#" * (MAX_FILE_BYTES + 10))
        return real_fstat(fd)

    monkeypatch.setattr(fsutil.os, "fstat", grown)
    with pytest.raises(TooLarge):
        read_bounded(path, MAX_FILE_BYTES)


def test_a_question_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "q.yaml"
    with open(path, "wb") as fh:
        fh.truncate(4_200_000_000)
    monkeypatch.setattr(fsutil.os, "open", lambda *a: pytest.fail("opened a file over the limit"))
    _, diag = read_file(str(path))
    assert diag.code == "QB002" and diag.message == (
        f"file is 4,200,000,000 bytes, over the {MAX_FILE_BYTES:,}-byte limit for one question; "
        "split it or remove embedded data")
