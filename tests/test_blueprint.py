"""Blueprints in qbank.toml: read with located QB008 findings, areas, membership, target counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from formkit import CONFIG, dedent, write_bank
from qbank.blueprint import Match, areas_of, choose, largest_remainder, membership, targets
from qbank.config import load_config
from qbank.engine import load_bank
from qbank.errors import UsageError


def config_of(tmp_path: Path, text: str):
    (tmp_path / "qbank.toml").write_text(dedent(text), encoding="utf-8")
    return load_config([tmp_path])


def messages(config) -> list[tuple[int, int, str]]:
    assert all(d.code == "QB008" for d in config.diagnostics)
    return [(d.line, d.column, d.message) for d in config.diagnostics]


def test_a_blueprint_is_read_with_its_areas_weights_and_matches(tmp_path):
    config = config_of(tmp_path, CONFIG.format(form_size="form-size = 20"))
    assert config.diagnostics == []
    bp = config.blueprints["outline"]
    assert (bp.title, bp.version, bp.source, bp.form_size) == ("Test outline", "2026-08", "written for the tests", 20)
    assert [(a.name, a.weight, a.match) for a in bp.areas] == [
        ("Ethics", 50, Match("field", "ethics", "domain")), ("Assessment", 30, Match("field", "assessment", "domain")),
        ("Practice", 20, Match("field", "practice", "domain"))]
    assert [a.where[1] for a in bp.areas] == [12, 17, 22]   # each area's [[...areas]] header


def test_a_bank_may_hold_several_blueprints_with_ranges_topics_and_tags(tmp_path):
    config = config_of(tmp_path, """
        [blueprints.old]
        areas = [{ name = "All", weight = 100, match = { tag = "core" } }]
        [blueprints.new]
        [[blueprints.new.areas]]
        name = "Ethics"
        weight = [33, 37]
        match = { topic = "Professional values and ethics" }
        [[blueprints.new.areas]]
        name = "Rest"
        weight = [63, 67]
        match = { tag = "rest" }
        """)
    assert config.diagnostics == []
    assert sorted(config.blueprints) == ["new", "old"]
    assert [(a.low, a.high, a.weight) for a in config.blueprints["new"].areas] == [(33, 37, 35), (63, 67, 65)]


def test_a_misspelt_setting_is_reported_at_its_line_with_a_suggestion(tmp_path):
    config = config_of(tmp_path, """
        [blueprints.outline]
        titel = "x"
        [[blueprints.outline.areas]]
        name = "All"
        wieght = 100
        match = { tag = "core" }
        """)
    assert messages(config) == [
        (2, 1, "unknown setting `blueprints.outline.titel`; did you mean `title`?"),
        (3, 1, "blueprint `outline`, area 1: unknown setting `wieght`; did you mean `weight`?"),
        (3, 1, "blueprint `outline`, area 1: `weight` must be a percentage (35) or a range of two ([33, 37]) "
               "from 0 to 100, not None")]
    assert config.blueprints == {}


def test_weights_must_add_up_to_100_or_admit_it(tmp_path):
    config = config_of(tmp_path, """
        [blueprints.fixed]
        areas = [{ name = "A", weight = 60, match = { tag = "a" } }, { name = "B", weight = 30, match = { tag = "b" } }]
        [blueprints.rounded]
        areas = [{ name = "A", weight = 66.7, match = { tag = "a" } }, { name = "B", weight = 33.3, match = { tag = "b" } }]
        [blueprints.ranges]
        areas = [{ name = "A", weight = [20, 30], match = { tag = "a" } }, { name = "B", weight = [40, 50], match = { tag = "b" } }]
        """)
    assert [m for _, _, m in messages(config)] == [
        "the weights of blueprint `fixed` add up to 90%, not 100",
        "the weights of blueprint `ranges` cannot add up to 100: the ranges give 60% to 80%"]
    assert list(config.blueprints) == ["rounded"]


@pytest.mark.parametrize("match, problem", [
    ('{ topic = "a", tag = "b" }', "needs exactly one of field, topic or tag, not 2"),
    ("{ }", "needs exactly one of field, topic or tag, not 0"),
    ('{ field = "domain" }', "on a field names it and the value"),
    ('{ tpoic = "a" }', "unknown key `tpoic`; did you mean `topic`?"),
    ('"ethics"', "`match` must be a table"),
])
def test_an_area_matches_by_exactly_one_of_field_topic_or_tag(tmp_path, match, problem):
    config = config_of(tmp_path, f"""
        [blueprints.b]
        [[blueprints.b.areas]]
        name = "All"
        weight = 100
        match = {match}
        """)
    ((line, _, message),) = messages(config)
    assert line == 2 and problem in message


def test_two_areas_with_one_name_and_a_bad_form_size_are_refused(tmp_path):
    config = config_of(tmp_path, """
        [blueprints.b]
        form-size = 0
        areas = [{ name = "A", weight = 50, match = { tag = "a" } }, { name = "A", weight = 50, match = { tag = "b" } }]
        """)
    assert [m for _, _, m in messages(config)] == [
        "`blueprints.b.form-size` must be a whole number from 1 to 100,000, not 0",
        "blueprint `b` has two areas named 'A'; give each its own name"]


def test_blueprints_are_part_of_the_cache_key(tmp_path):
    one = config_of(tmp_path, CONFIG.format(form_size="form-size = 20")).fingerprint()
    two = config_of(tmp_path, CONFIG.format(form_size="form-size = 30")).fingerprint()
    assert one != two


def test_membership_by_field_and_items_in_no_area_or_in_two(tmp_path):
    write_bank(tmp_path / "b", {"ethics": 3, "assessment": 2, "practice": 1})
    (tmp_path / "b" / "ethics" / "loose.yaml").write_text(
        (tmp_path / "b" / "ethics" / "eth-000.yaml").read_text().replace("eth-000", "loose")
        .replace("domain: ethics\n", "").replace("In case 0,", "In the loose case,"))
    bank = load_bank([tmp_path / "b"], use_cache=False)
    bp = load_config([tmp_path / "b"]).blueprints["outline"]
    got = membership(bp, bank.questions)
    assert [[q.id for q in area] for area in got.by_area] == [["eth-000", "eth-001", "eth-002"],
                                                               ["ass-000", "ass-001"], ["pra-000"]]
    assert [q.id for q in got.unassigned] == ["loose"]
    two = bp._replace(areas=(*bp.areas, bp.areas[0]._replace(name="Also ethics")))
    assert [(q.id, idx) for q, idx in membership(two, bank.questions).overlaps][:1] == [("eth-000", (0, 3))]


def test_topic_matches_ignore_case_and_tags_match_any_tag(tmp_path):
    write_bank(tmp_path / "b", {"ethics": 1})
    bank = load_bank([tmp_path / "b"], use_cache=False)
    (q,) = bank.questions
    q = q.__class__(**{**{f: getattr(q, f) for f in q.__slots__}, "topic": "Ethics ", "tags": ("core", "law")})
    bp = load_config([tmp_path / "b"]).blueprints["outline"]
    by_topic = bp._replace(areas=(bp.areas[0]._replace(match=Match("topic", "ethics")),
                                  bp.areas[1]._replace(match=Match("tag", "law"))))
    assert areas_of(by_topic, q) == [0, 1]


def test_largest_remainder_gives_every_seat_and_the_remainders_decide():
    assert largest_remainder([50, 30, 20], 10) == [5, 3, 2]
    assert largest_remainder([35, 35, 30], 122) == [43, 43, 36]   # 42.7, 42.7, 36.6
    assert largest_remainder([1, 1, 1], 2) == [1, 1, 0]             # a tie goes to the earlier area
    for n in range(0, 60):
        assert sum(largest_remainder([33.3, 33.3, 33.4], n)) == n


def test_targets_take_the_middle_of_each_range(tmp_path):
    config = config_of(tmp_path, """
        [blueprints.b]
        areas = [{ name = "A", weight = [30, 40], match = { tag = "a" } }, { name = "B", weight = [60, 70], match = { tag = "b" } }]
        """)
    assert targets(config.blueprints["b"], 20) == [7, 13]


def test_choosing_a_blueprint_by_name_suggests_a_near_one():
    bps = {"aswb-clinical-2026": object(), "aswb-masters-2026": object()}
    with pytest.raises(UsageError, match="did you mean 'aswb-clinical-2026'"):
        choose(bps, "aswb-clinical-2025")
    with pytest.raises(UsageError, match="choose one with --blueprint"):
        choose(bps, None)
    with pytest.raises(UsageError, match="has no blueprint"):
        choose({}, None)
    assert choose({"only": 1}, None) == 1


# --- QB910: an area that cannot fill its share of the configured form size ------------------

def qb910(root: Path) -> list[tuple[int, str]]:
    from qbank import api

    result = api.lint(root, select="QB910", cache=True)
    return [(d.line, d.message) for d in result.diagnostics if d.code == "QB910"]


def test_qb910_reports_each_short_area_at_its_line_in_qbank_toml(tmp_path):
    root = write_bank(tmp_path / "b", {"ethics": 5, "assessment": 3, "practice": 1}, form_size=10)
    assert qb910(root) == [(22, "area 'Practice' of blueprint `outline` has 1 approved question; its share of a "
                                "10-item form (form-size) is 2: it lacks 1")]


def test_qb910_counts_only_approved_questions_and_follows_the_form_size(tmp_path):
    root = write_bank(tmp_path / "b", {"ethics": 5, "assessment": 3, "practice": 2}, form_size=10)
    assert qb910(root) == []
    draft = root / "ethics" / "eth-000.yaml"
    draft.write_text(draft.read_text().replace("status: approved", "status: review"))
    assert [line for line, _ in qb910(root)] == [12]
    toml = root / "qbank.toml"
    toml.write_text(toml.read_text().replace("form-size = 10", "form-size = 8"))   # the cache must not answer
    assert qb910(root) == []


def test_qb910_is_silent_without_a_form_size(tmp_path):
    root = write_bank(tmp_path / "b", {"ethics": 1})
    assert qb910(root) == []
