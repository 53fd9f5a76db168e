"""Bank-declared fields: a team adds its own keys to every item (a blueprint domain, `reviewed-by`)
in qbank.toml, and qbank validates them like the built-in ones: a missing required field, a value
outside the list and a misspelt key are QB003 errors at their line, with a "did you mean"."""

from __future__ import annotations

from conftest import GOOD, write

from qbank import api
from qbank.config import load_config

FIELDS = """\
[fields.domain]
type = "string"
enum = ["values-ethics", "assessment-planning"]
required = true
description = "Content outline domain"
[fields.reviewed-by]
type = "list"
[fields.year]
type = "integer"
"""


def findings(bank) -> list[tuple[str, int, str, str]]:
    report = api.lint(bank, cache=False)
    return [(d.path.rsplit("/", 1)[-1], d.line, d.code, d.message) for d in report.diagnostics]


def item(bank, name: str, extra: str = "") -> None:
    write(bank, name, GOOD.format(id=name.removesuffix(".yaml")) + extra)


def test_an_item_with_its_declared_fields_passes_and_carries_them(bank):
    (bank / "qbank.toml").write_text(FIELDS)
    item(bank, "q1.yaml", "domain: values-ethics\nreviewed-by: [ann, raj]\nyear: 2026\n")
    assert [f for f in findings(bank) if f[2].startswith("QB0")] == []
    [question] = api.load_bank(bank).questions
    assert question.fields == {"domain": "values-ethics", "reviewed-by": ["ann", "raj"], "year": 2026}


def test_a_required_field_left_out_is_an_error(bank):
    (bank / "qbank.toml").write_text(FIELDS)
    item(bank, "q1.yaml")
    assert [(f[2], f[3]) for f in findings(bank) if f[2] == "QB003"] == [("QB003", "missing required key `domain`")]


def test_a_value_outside_the_list_is_an_error_at_its_line(bank):
    (bank / "qbank.toml").write_text(FIELDS)
    item(bank, "q1.yaml", "domain: values-ethic\n")
    line = (bank / "q1.yaml").read_text().splitlines().index("domain: values-ethic") + 1
    [found] = [f for f in findings(bank) if f[2] == "QB003"]
    assert found[1] == line
    assert "must be one of values-ethics, assessment-planning" in found[3]


def test_a_misspelt_field_gets_a_did_you_mean(bank):
    (bank / "qbank.toml").write_text(FIELDS)
    item(bank, "q1.yaml", "domain: values-ethics\nreviewd-by: [ann]\n")
    assert [f[3] for f in findings(bank) if f[2] == "QB003"] == [
        "unknown key 'reviewd-by'; did you mean 'reviewed-by'?"]


def test_a_wrong_type_is_an_error(bank):
    (bank / "qbank.toml").write_text(FIELDS)
    item(bank, "q1.yaml", "domain: values-ethics\nyear: soon\n")
    assert [f[3] for f in findings(bank) if f[2] == "QB003"] == ['`year` must be a whole number, not the text "soon"']


def test_an_undeclared_key_is_still_unknown(bank):
    item(bank, "q1.yaml", "domain: values-ethics\n")
    assert [f[3] for f in findings(bank) if f[2] == "QB003"][0].startswith("unknown key 'domain'")


def test_declaring_a_field_changes_what_a_cached_run_reports(bank):
    item(bank, "q1.yaml", "domain: values-ethics\n")
    assert any(d.code == "QB003" for d in api.lint(bank).diagnostics)
    (bank / "qbank.toml").write_text(FIELDS)
    assert not any(d.code == "QB003" for d in api.lint(bank).diagnostics)


def test_bad_field_declarations_are_config_errors_at_their_key(bank):
    (bank / "qbank.toml").write_text(
        '[fields.stem]\n[fields.x]\ntpe = "string"\n[fields.y]\ntype = "str"\n[fields.z]\nenum = "a"\n')
    config = load_config([bank])
    assert [(d.code, d.line, d.message) for d in config.diagnostics] == [
        ("QB008", 1, "field `stem` is a built-in key of every question; choose another name"),
        ("QB008", 3, "unknown setting `fields.x.tpe`; did you mean `type`?"),
        ("QB008", 5, '`fields.y.type` must be one of string, integer, number, boolean, list, not "str"; '
                     "did you mean `string`?"),
        ("QB008", 7, "`fields.z.enum` must be a list of distinct values of type string"),
    ]
    assert config.fields == ()


def test_the_schema_command_includes_the_banks_fields_for_editors(bank, cli):
    (bank / "qbank.toml").write_text(FIELDS)
    result = cli("schema", "--bank", bank)
    import json

    printed = json.loads(result.output)
    assert printed["properties"]["domain"]["enum"] == ["values-ethics", "assessment-planning"]
    assert "domain" in printed["required"] and "year" not in printed["required"]
