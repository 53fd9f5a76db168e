"""Control characters that an export cannot carry are rejected at validate (issue 10,
point 6): U+001F splits an Anki note into fields, XML forbids C0 controls. YAML allows
them only as escapes in double quotes, so the error points at the escape."""

from __future__ import annotations

import json

import pytest

from conftest import GOOD, write

ONE_LINE_STEM = GOOD.replace(
    "stem: |\n  A 34-year-old client reports trouble sleeping since starting a new job.\n"
    "  What should the social worker explore FIRST?\n",
    'stem: "A client reports trouble sleeping{char}. What should the social worker explore FIRST?"\n')


def validate(cli, path):
    result = cli("validate", "--format", "json", path)
    return result.exit_code, [(d["code"], d["line"], d["column"], d["message"]) for d in json.loads(result.output)]


def test_a_unit_separator_in_the_stem_is_an_error_at_its_escape(cli, bank):
    path = write(bank, "q.yaml", ONE_LINE_STEM.replace("{char}", "\\x1f").format(id="q-1"))
    code, diags = validate(cli, path)
    assert code == 1
    column = 'stem: "A client reports trouble sleeping'.index("sleeping") + len("sleeping") + 1
    assert [(c, line, col) for c, line, col, _ in diags] == [("QB003", 2, column)]
    assert "`stem` contains the control character U+001F" in diags[0][3]


def test_the_anki_export_refuses_a_stem_that_would_split_the_note(cli, bank, tmp_path):
    write(bank, "q.yaml", ONE_LINE_STEM.replace("{char}", "\\x1f").format(id="q-1"))
    result = cli("export", "--anki", "--csv", "anki", "--out", tmp_path / "out", bank)
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("escape, code_point", [
    ("\\x00", "U+0000"), ("\\a", "U+0007"), ("\\e", "U+001B"), ("\\v", "U+000B"), ("\\x7f", "U+007F"),
    ("\\N", "U+0085"), ("\\u009b", "U+009B"), ("\\uFFFE", "U+FFFE"), ("\\U0000001f", "U+001F")])
def test_every_c0_and_c1_control_character_is_rejected_with_its_code_point(cli, bank, escape, code_point):
    path = write(bank, "q.yaml", ONE_LINE_STEM.replace("{char}", escape).format(id="q-1"))
    code, diags = validate(cli, path)
    assert code == 1 and [(c, ln) for c, ln, _, _ in diags] == [("QB003", 2)]
    assert code_point in diags[0][3]


@pytest.mark.parametrize("escape", ["\\t", "\\n", "\\r", "\\\\x1f", "\\u00e9", "\\_", "\\L"])
def test_tab_newline_and_printable_escapes_are_accepted(cli, bank, escape):
    path = write(bank, "q.yaml", ONE_LINE_STEM.replace("{char}", escape).format(id="q-1"))
    assert validate(cli, path) == (0, [])


@pytest.mark.parametrize("field, old, new, line", [
    ("options[1].text", "  - text: Recent changes in the client's daily routine\n",
     '  - text: "Recent changes in the\\x1f routine"\n', 6),
    ("options[2].rationale", "    rationale: Useful later, but it does not address the recent onset tied to the job.\n",
     '    rationale: "Useful \\x1f later."\n', 10),
    ("explanation", "explanation: |\n", 'explanation: "Why \\x1f."\nreplaced: |\n', 15),
    ("topic", "explanation: |\n", 'topic: "Sleep\\x1f"\nexplanation: |\n', 15),
    ("tags[2]", "explanation: |\n", 'tags: [sleep, "wo\\x1frk"]\nexplanation: |\n', 15),
    ("references[1]", "explanation: |\n", 'references:\n  - "DSM\\x1f-5"\nexplanation: |\n', 16),
    ("lint.ignore.QB308", "explanation: |\n", 'lint:\n  ignore:\n    QB308: "reason\\x1f"\nexplanation: |\n', 17),
])
def test_every_text_field_is_checked(cli, bank, field, old, new, line):
    path = write(bank, "q.yaml", GOOD.format(id="q-1").replace(old, new))
    code, diags = validate(cli, path)
    assert code == 1
    assert [(c, ln) for c, ln, _, m in diags if "U+001F" in m] == [("QB003", line)], diags
    assert any(f"`{field}` contains the control character U+001F" in m for *_, m in diags)


def test_an_escape_on_a_continuation_line_of_a_quoted_stem_is_located(cli, bank):
    text = GOOD.format(id="q-1").replace(
        "stem: |\n  A 34-year-old client reports trouble sleeping since starting a new job.\n",
        'stem: "A 34-year-old client reports \\"trouble\\" sleeping\n  since a \\\\ new job\\x01 and \\x02.\n')
    text = text.replace("  What should the social worker explore FIRST?\n",
                        '  What should the social worker explore FIRST?"\n')
    path = write(bank, "q.yaml", text)
    code, diags = validate(cli, path)
    assert code == 1
    column = "  since a \\\\ new job".index("job") + len("job") + 1
    assert [(c, ln, col) for c, ln, col, _ in diags] == [("QB003", 3, column)]
    assert "U+0001 (and 1 more)" in diags[0][3]


def test_an_id_with_a_control_character_gets_one_error(cli, bank):
    path = write(bank, "q.yaml", GOOD.format(id='"q\\x1f1"'))
    code, diags = validate(cli, path)
    assert code == 1 and len(diags) == 1 and diags[0][0] == "QB003"
