"""`qbank stats`: areas against the targets of a form, gaps, unassigned items, and the bank's figures."""

from __future__ import annotations

import json

import click
import pytest

from formkit import write_bank
from qbank import stats
from qbank.cli.stats import stats as stats_group
from qbank.config import load_config
from qbank.engine import load_bank


@pytest.fixture
def bank_dir(tmp_path):
    root = write_bank(tmp_path / "b", {"ethics": 6, "assessment": 3, "practice": 1}, form_size=10)
    (root / "ethics" / "eth-005.yaml").write_text(
        (root / "ethics" / "eth-005.yaml").read_text().replace("status: approved", "status: draft"))
    (root / "practice" / "pra-000.yaml").write_text(
        (root / "practice" / "pra-000.yaml").read_text().replace("domain: practice\n", ""))
    return root


def compute(root, items=None):
    return stats.compute(load_bank([root], use_cache=False), load_config([root]).blueprints["outline"], items)


def test_each_area_against_its_share_of_the_form(bank_dir):
    got = compute(bank_dir)
    assert got["form_items"] == 10   # the blueprint's form-size
    assert [(a["name"], a["items"], a["approved"], a["target"], a["gap"]) for a in got["areas"]] == [
        ("Ethics", 6, 5, 5, 0), ("Assessment", 3, 3, 3, 0), ("Practice", 0, 0, 2, -2)]
    assert got["areas_without_items"] == ["Practice"]
    assert got["unassigned"] == ["pra-000"]
    assert got["overlaps"] == []


def test_a_larger_form_shows_what_each_area_lacks(bank_dir):
    got = compute(bank_dir, items=40)
    assert [(a["target"], a["gap"]) for a in got["areas"]] == [(20, -15), (12, -9), (8, -8)]


def test_key_positions_difficulty_status_and_option_counts(bank_dir):
    got = compute(bank_dir)
    assert got["questions"] == 10
    assert got["key_positions"] == {"4": {"A": 3, "B": 3, "C": 2, "D": 2}}   # keys cycle A-D in the fixture
    assert got["difficulty"] == {"easy": 4, "medium": 3, "hard": 3, "unset": 0}
    assert got["status"] == {"draft": 1, "review": 0, "approved": 9, "retired": 0, "unset": 0}
    assert got["option_counts"] == {"4": 10}
    assert got["fields"] == {"domain": {"assessment": 3, "ethics": 6}}   # pra-000 lost its domain


def test_without_a_blueprint_only_the_bank_figures(bank_dir):
    got = stats.compute(load_bank([bank_dir], use_cache=False))
    assert got["blueprint"] is None and got["areas"] == [] and got["form_items"] == 10


def test_compute_is_pure_and_its_json_is_stable(bank_dir):
    one, two = compute(bank_dir), compute(bank_dir)
    assert one == two and stats.render(one, "json") == stats.render(two, "json")
    assert list(json.loads(stats.render(one, "json"))) == [
        "version", "questions", "blueprint", "form_items", "areas", "areas_without_items", "unassigned", "overlaps",
        "key_positions", "difficulty", "status", "option_counts", "fields"]


def test_the_json_validates_against_the_published_schema(bank_dir):
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("qbank").joinpath("data/stats.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for got in (compute(bank_dir), stats.compute(load_bank([bank_dir], use_cache=False))):
        jsonschema.Draft202012Validator(schema).validate(json.loads(stats.render(got, "json")))


def test_the_command_prints_a_table_with_the_report_as_default(cli, bank_dir):
    result = cli("stats", bank_dir)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Blueprint outline (Test outline, version 2026-08): a form of 10 items"
    assert lines[1].split() == ["area", "weight", "items", "approved", "target", "gap"]
    assert lines[4].split() == ["Practice", "20%", "0", "0", "2", "-2"]
    assert "in no area (1): pra-000" in result.output
    assert cli("stats", "report", bank_dir).output == result.output


def test_json_and_markdown_formats(cli, bank_dir):
    data = json.loads(cli("stats", bank_dir, "--format", "json", "--items", "20").output)
    assert data["form_items"] == 20 and [a["target"] for a in data["areas"]] == [10, 6, 4]
    markdown = cli("stats", "--format", "markdown", bank_dir).output
    assert "| Practice | 20% | 0 | 0 | 2 | -2 |" in markdown


def test_an_unknown_blueprint_is_a_usage_error_with_a_suggestion(cli, bank_dir):
    result = cli("stats", bank_dir, "--blueprint", "outlin")
    assert result.exit_code == 2 and "did you mean 'outline'?" in result.output


def test_a_question_in_two_areas_is_qb020_at_its_id(cli, bank_dir):
    toml = bank_dir / "qbank.toml"
    toml.write_text(toml.read_text().replace('value = "practice"', 'value = "ethics"'))
    result = cli("stats", bank_dir)
    assert result.exit_code == 1
    assert "eth-000.yaml:1:1: QB020 area-overlap: the question is in 2 areas of blueprint `outline` " \
           "('Ethics', 'Practice')" in result.output


def test_a_subcommand_of_the_group_is_not_read_as_a_path(cli, bank_dir):
    @stats_group.command("probe")
    @click.argument("value")
    def probe(value):
        click.echo(f"probe got {value}")

    try:
        result = cli("stats", "probe", "x")
        assert result.exit_code == 0 and result.output == "probe got x\n"
        assert cli("stats", bank_dir).exit_code == 0
    finally:
        stats_group.commands.pop("probe")


def test_the_report_can_go_to_a_file(cli, bank_dir, tmp_path):
    result = cli("stats", bank_dir, "--format", "json", "-o", tmp_path / "stats.json")
    assert result.exit_code == 0 and result.output == ""
    assert json.loads((tmp_path / "stats.json").read_text())["form_items"] == 10
