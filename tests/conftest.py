"""Shared test helpers: write small banks to a temp folder and run the real CLI."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbank.cli import main

REPO = Path(__file__).resolve().parents[1]

GOOD = """\
id: {id}
stem: |
  A 34-year-old client reports trouble sleeping since starting a new job.
  What should the social worker explore FIRST?
options:
  - text: Recent changes in the client's daily routine
    correct: true
    rationale: Routine changes are a common, modifiable cause of new sleep problems.
  - text: Family history of psychiatric hospitalization
    rationale: Useful later, but it does not address the recent onset tied to the job.
  - text: Early childhood attachment patterns
    rationale: Too distant from a problem that began with a recent life change.
  - text: Eligibility for a medication referral
    rationale: Premature before the worker understands what changed for the client.
explanation: |
  The problem began with the new job, so the worker first explores recent changes in
  routine, which are the most likely and most modifiable contributors to poor sleep.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    folder = tmp_path / "bank"
    folder.mkdir()
    return folder


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke
