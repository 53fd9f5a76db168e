"""Issue 10, point 8: an image path that decodes to a NUL is a media error, not an internal
error; a file name holding a newline cannot inject CI workflow commands or break a report
line, in `--format text` or `--format github`."""

from __future__ import annotations

import json
import os

import pytest

from qbank.report import printable

from conftest import GOOD, write

INJECTED = "a\n::error file=x.yaml,line=1::forged\n.yaml"


def test_an_image_path_with_an_encoded_nul_is_a_media_error_not_an_internal_error(cli, bank):
    text = GOOD.format(id="q-1").replace("  What should", "  ![x](%00a.png) and ![y](img/%00)\n  What should")
    write(bank, "q.yaml", text)
    result = cli("lint", "--no-cache", "--format", "json", bank)
    found = [(d["code"], d["message"]) for d in json.loads(result.output)]
    assert "QB000" not in [c for c, _ in found]
    assert sorted(m for c, m in found if c == "QB006") == [
        "image path '%00a.png' contains a NUL character (%00); no file can have that name",
        "image path 'img/%00' contains a NUL character (%00); no file can have that name"]


@pytest.fixture
def forged(bank):
    """A question with a finding, in a file whose name tries to forge an annotation."""
    return write(bank, INJECTED, GOOD.format(id="q-1").replace("    correct: true\n", ""))


def test_a_newline_in_a_file_name_stays_on_its_line_in_the_text_report(cli, bank, forged):
    result = cli("lint", "--no-cache", "--select", "QB0", bank)
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert not any(line.startswith("::") for line in lines)
    assert lines[:-1] and all(line.startswith(os.path.join(str(bank), "a\\n::error")) for line in lines[:-1])
    assert lines[-1].startswith("Found ")


def test_a_newline_in_a_file_name_is_escaped_in_github_annotations(cli, bank, forged):
    result = cli("lint", "--no-cache", "--select", "QB0", "--format", "github", bank)
    lines = result.output.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert annotations and all(line.startswith("::error file=") for line in annotations)
    assert len(annotations) == len(lines) - 1  # and the summary
    assert "file=" + str(bank).replace(":", "%3A") + "/a%0A%3A%3Aerror file=x.yaml%2Cline=1%3A%3Aforged%0A.yaml,line=" in annotations[0]


def test_a_newline_in_a_file_name_stays_on_its_line_in_fmt_output(cli, bank):
    write(bank, INJECTED, "id: [\n")
    result = cli("fmt", "--check", bank)
    assert result.exit_code == 1
    assert not any(line.startswith("::") for line in result.output.splitlines())


def test_printable_escapes_control_characters_and_keeps_everything_else():
    assert printable("bank/a\nb\r\x1b[2J.yaml:1:1: QB001 ok\tcafé ‑ 😀") == \
        "bank/a\\nb\\r\\x1b[2J.yaml:1:1: QB001 ok\tcafé ‑ 😀"
