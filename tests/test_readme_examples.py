"""Every `qbank ...` command in the README's ```sh blocks runs as documented: each block on a
fresh copy of bank/, its commands in order, through the installed console script. A command
exits 0 unless its comment says `exit N`; `/tmp/` paths are moved into the test's folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

BIN = Path(sys.executable).parent
EXIT = re.compile(r"#.*\bexit (\d)\b")


def sh_blocks(text: str) -> list[list[tuple[str, int]]]:
    """The README's ```sh blocks as lists of (command, expected exit code), `qbank` lines only."""
    blocks = []
    for body in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S):
        commands = []
        for line in body.splitlines():
            if line.startswith("qbank "):
                expected = EXIT.search(line)
                commands.append((line, int(expected.group(1)) if expected else 0))
        if commands:
            blocks.append(commands)
    return blocks


BLOCKS = sh_blocks((REPO / "README.md").read_text("utf-8"))


def test_the_readme_documents_commands_to_run():
    assert sum(map(len, BLOCKS)) >= 15


@pytest.mark.parametrize("block", BLOCKS, ids=[b[0][0].split("#")[0].strip() for b in BLOCKS])
def test_readme_commands_exit_as_documented(block, tmp_path):
    shutil.copytree(REPO / "bank", tmp_path / "bank", ignore=shutil.ignore_patterns(".qbank_cache"))
    (tmp_path / "tmp").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PRE_COMMIT", "NO_COLOR")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH="")
    for command, expected in block:
        run = command.replace("/tmp/", f"{tmp_path}/tmp/")
        proc = subprocess.run(["bash", "-c", run], cwd=tmp_path, capture_output=True, text=True, env=env,
                              timeout=300)
        assert proc.returncode == expected, f"{command}\n{proc.stdout}{proc.stderr}"
        assert "Traceback" not in proc.stderr, command
