"""Nothing outside the bank is read or written through a symbolic link (issue 10, point 5):
a question file that links out of the bank is reported where it stands and never read,
exported, formatted or fixed; links that stay inside the bank keep working."""

from __future__ import annotations

import json
import os

import pytest

from qbank.fix import apply_fixes
from qbank.fsutil import Refused, confined, read_bounded, read_file
from qbank.fmt import format_text
from qbank.rewrite import write_back
from qbank.rules.base import RuleOptions

from conftest import GOOD, write

UNFORMATTED = GOOD.replace("stem: |\n  A 34-year-old client reports trouble sleeping since starting a new job.\n"
                           "  What should the social worker explore FIRST?\n",
                           'stem: "A 34-year-old client reports trouble sleeping since starting a new job. '
                           'What should the social worker explore first?"\n')


@pytest.fixture
def outside(tmp_path):
    """A question file outside the bank whose content has a fixable lint finding (QB204)
    and an unformatted stem, and a link to it inside the bank."""
    path = write(tmp_path / "elsewhere", "secret.yaml", UNFORMATTED.format(id="secret-q"))
    return path


def test_a_question_linked_from_outside_the_bank_is_reported_where_it_stands_and_not_read(cli, bank, outside):
    write(bank, "a.yaml", GOOD.format(id="q-a"))
    (bank / "in.yaml").symlink_to(outside)
    for command in ("lint", "validate"):
        result = cli(command, *(["--no-cache"] if command == "lint" else []), "--format", "json", bank)
        diags = [(os.path.basename(d["path"]), d["line"], d["column"], d["code"]) for d in json.loads(result.output)]
        assert result.exit_code == 1
        assert diags == [("in.yaml", 1, 1, "QB002")], command  # no finding from the content: it was not read
        assert "outside the bank folder" in json.loads(result.output)[0]["message"]


def test_a_linked_question_named_on_the_command_line_is_still_confined_to_its_bank(cli, bank, outside):
    (bank / "qbank.toml").write_text('name = "B"\n', encoding="utf-8")
    (bank / "in.yaml").symlink_to(outside)
    result = cli("validate", bank / "in.yaml")
    assert result.exit_code == 1 and "QB002" in result.output and "outside the bank folder" in result.output


def test_export_refuses_a_bank_with_a_question_linked_from_outside(cli, bank, outside, tmp_path):
    write(bank, "a.yaml", GOOD.format(id="q-a"))
    (bank / "in.yaml").symlink_to(outside)
    out = tmp_path / "exports"
    result = cli("export", "--csv", "--out", out, bank)
    assert result.exit_code == 1
    assert not out.exists() or not any(out.iterdir())


def test_fmt_never_rewrites_a_file_outside_the_bank_through_a_link(cli, bank, outside):
    before = outside.read_bytes()
    (bank / "in.yaml").symlink_to(outside)
    result = cli("fmt", bank)
    assert result.exit_code == 1 and "outside the bank folder" in result.output
    assert outside.read_bytes() == before


def test_lint_fix_never_rewrites_a_file_outside_the_bank_through_a_link(cli, bank, outside):
    before = outside.read_bytes()
    (bank / "in.yaml").symlink_to(outside)
    cli("lint", "--no-cache", "--fix", "--unsafe-fixes", bank)
    assert outside.read_bytes() == before
    outcome = apply_fixes(bank / "in.yaml", {"QB204"}, RuleOptions(), False, root=str(bank))
    assert not outcome.written and [d.code for d in outcome.diagnostics] == ["QB002"]
    assert outside.read_bytes() == before


def test_a_link_that_stays_inside_the_bank_is_read_and_formatted(cli, bank):
    real = write(bank, "real/q.yaml", UNFORMATTED.format(id="q-1"))
    (bank / "q.yaml").symlink_to(real)
    lint = cli("lint", "--no-cache", "--select", "QB0", bank)
    assert lint.exit_code == 1 and "QB005" in lint.output and "QB002" not in lint.output  # read twice: one id
    assert cli("fmt", bank / "q.yaml").exit_code == 0
    assert (bank / "q.yaml").is_symlink()
    assert real.read_text(encoding="utf-8") == format_text(UNFORMATTED.format(id="q-1"))


def test_the_readers_and_writers_refuse_a_path_that_leads_out_of_the_root(bank, outside):
    link = bank / "in.yaml"
    link.symlink_to(outside)
    before = outside.read_bytes()
    with pytest.raises(Refused):
        read_bounded(link, 1_000_000, root=bank)
    assert read_file(str(link), str(bank))[1].code == "QB002"
    with pytest.raises(Refused):
        confined(str(link), bank)
    problem = write_back(str(link), b"id: overwritten\n", os.stat(outside), str(bank))
    assert problem is not None and "outside the bank folder" in problem.message
    assert outside.read_bytes() == before
    (bank / "sub").symlink_to(outside.parent)  # a linked folder on the way is no way out either
    with pytest.raises(Refused):
        read_bounded(bank / "sub" / outside.name, 1_000_000, root=bank)
    assert read_bounded(link, 1_000_000) == before  # without a root, only the file type is checked


def test_an_image_linked_from_outside_the_bank_is_never_exported(cli, bank, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG not for export")
    (bank / "img").mkdir()
    (bank / "img" / "x.png").symlink_to(secret)
    text = GOOD.format(id="q-1").replace("  What should", "  ![x](img/x.png)\n  What should")
    write(bank, "q.yaml", text)
    lint = cli("lint", "--no-cache", "--format", "json", bank)
    assert [d["message"] for d in json.loads(lint.output) if d["code"] == "QB006"] == [
        "image 'img/x.png' lies outside the bank folder; keep media inside the bank"]
    out = tmp_path / "exports"
    assert cli("export", "--all", "--out", out, bank).exit_code == 1
    assert not out.exists() or not any(out.iterdir())
