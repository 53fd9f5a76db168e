"""Linting is linear in the text: a 1 MB question whose one stem line repeats a pattern that
made a regex or a scan quadratic (a run of backticks, `~`, `[`, `](`, `![`, nested list
markers) is checked in seconds, not hours (issue 10 point 3). The files come from
benchmarks/worst_case.py, whose mixed file (every pattern of its list in turn on one line)
benchmarks/run.py times. The bound is generous on purpose: it separates linear from
quadratic (which took 3.6 s at 16k characters, so hours at 1 MB), not fast from slow."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import worst_case  # noqa: E402

from qbank import api
from qbank.fix import fix_text
from qbank.fsutil import MAX_FILE_BYTES
from qbank.rules.base import RuleOptions

BOUND_S = 10.0
ISSUE_PATTERNS = ["backticks", "tildes", "brackets", "link-openers", "image-openers", "nested-items"]


def lint_seconds(bank: Path, content: bytes) -> tuple[float, api.LintResult]:
    assert len(content) <= MAX_FILE_BYTES and len(content) > 0.99 * MAX_FILE_BYTES  # the limit, not less
    (bank / "q.yaml").write_bytes(content)
    start = time.perf_counter()
    result = api.lint([bank], cache=False, jobs=1)
    return time.perf_counter() - start, result


@pytest.mark.parametrize("name", ISSUE_PATTERNS)
def test_a_1mb_stem_of_one_pathological_pattern_lints_in_seconds(bank, name):
    seconds, result = lint_seconds(bank, worst_case.pattern_file(name))
    assert result.files == 1 and not [d for d in result.diagnostics if d.code == "QB000"]
    assert seconds < BOUND_S, f"{name}: {seconds:.1f} s for 1 MB"


@pytest.mark.parametrize("field", ["explanation", "rationale"])
@pytest.mark.parametrize("name", ISSUE_PATTERNS)
def test_a_1mb_explanation_or_rationale_of_one_pathological_pattern_lints_in_seconds(bank, name, field):
    """Found by the long fuzz run: a 200 kB line of `![` in an explanation took 30 s in the
    feedback rules' link pattern."""
    seconds, result = lint_seconds(bank, worst_case.pattern_file(name, field))
    assert result.files == 1 and not [d for d in result.diagnostics if d.code == "QB000"]
    assert seconds < BOUND_S, f"{name} in the {field}: {seconds:.1f} s for 1 MB"


def test_a_1mb_stem_of_every_pattern_in_turn_lints_in_seconds(bank):
    seconds, result = lint_seconds(bank, worst_case.mixed_file())
    assert result.files == 1 and not [d for d in result.diagnostics if d.code == "QB000"]
    assert [d.code for d in result.diagnostics].count("QB501") >= 2  # its prose was read, not skipped
    assert seconds < BOUND_S, f"{seconds:.1f} s for 1 MB"


def test_fixing_a_1mb_stem_of_every_pattern_in_turn_takes_seconds():
    text = worst_case.mixed_file().decode("utf-8")
    start = time.perf_counter()
    new, fixed = fix_text(text, {"QB203", "QB204", "QB311", "QB501"}, RuleOptions(), unsafe=False)
    seconds = time.perf_counter() - start
    assert "QB501" in fixed and len(new) < len(text)  # the doubled spaces went
    assert seconds < BOUND_S, f"{seconds:.1f} s for 1 MB"


def test_the_worst_case_files_are_single_lines_of_their_pattern():
    for name, pattern in worst_case.PATTERNS.items():
        text = worst_case.pattern_file(name).decode("utf-8")
        stem = next(line for line in text.splitlines() if line.startswith("stem: "))
        written = pattern.replace("\\", "\\\\").replace('"', '\\"')  # as JSON quotes it
        assert stem.count(written) * len(written) > 0.99 * MAX_FILE_BYTES, name
