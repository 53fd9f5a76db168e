"""Shared test helpers: write small banks to a temp folder and run the real CLI."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbank.cli import main
from qbank.rules.examples import BASE_ITEM

REPO = Path(__file__).resolve().parents[1]

# A clean question (the one the rule docs' examples change), with its id to fill in.
GOOD = BASE_ITEM.replace("id: practice-sleep-001\n", "id: {id}\n", 1)


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


ALL_ABOVE = GOOD.replace(
    "  - text: Eligibility for a medication referral\n    rationale: Premature before the worker understands what changed for the client.\n",
    "  - text: All of the above\n    rationale: Only one of these is the first thing to explore.\n")


def defective_bank(bank, n=240):
    """``n`` questions in five folders, some with errors and lint findings, and one duplicate id."""
    for i in range(n):
        text = GOOD.format(id=f"q{i:03d}").replace("34-year-old", f"{20 + i % 60}-year-old").replace(
            "new job", f"new job number {i} in a different town {i * 7}")
        if i % 17 == 0:
            text = text.replace("    correct: true\n", "")
        if i % 23 == 0:
            text = ALL_ABOVE.format(id=f"q{i:03d}")
        if i % 31 == 0:
            text = text.replace("explanation:", "explaination:")
        write(bank, f"t{i % 5}/q{i:03d}.yaml", text)
    write(bank, "dup.yaml", GOOD.format(id="q001"))
