"""Moodle XML export: read back with lxml as Moodle's importer reads it, and every fact of
shared/moodle-facts.md that can bite a Moodle XML exporter."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import GOOD, write
from qbank.export import run_export
from qbank.export.common import media_name
from qbank.export.moodle import IDNUMBER_MAX, category_path, cdata
from test_export_common import BANKS, TRICKY, export_one, load
from test_export_qti import SHUFFLES, shuffle_bank

# Moodle's grade options as percentages (moodle-facts.md: anything else refuses the whole file).
GRADES = {100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5,
          11.11111, 10, 5, 0}


def quiz(path: Path) -> etree._Element:
    # What Moodle's importer does: no entities resolved, no network; huge trees allowed.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, strip_cdata=False)
    return etree.fromstring(path.read_bytes(), parser)


def questions(root: etree._Element) -> list[etree._Element]:
    return root.findall("question[@type='multichoice']")


def by_id(root: etree._Element) -> dict[str, etree._Element]:
    return {q.findtext("idnumber"): q for q in questions(root)}


@BANKS
def test_moodle_xml_reads_back_as_the_bank(bank_dir, tmp_path):
    bank = load(bank_dir)
    root = quiz(export_one(bank, "moodle", tmp_path))
    assert root.tag == "quiz"
    got = by_id(root)
    assert sorted(got) == sorted(q.id for q in bank.questions)
    for q in bank.questions:
        el = got[q.id]
        assert el.findtext("name/text") == q.id
        assert el.findtext("single") == "true" and el.findtext("answernumbering") == "ABCD"
        answers = el.findall("answer")
        assert len(answers) == len(q.options)
        assert [a.get("fraction") for a in answers] == ["100" if o.correct else "0" for o in q.options]
        for answer, option in zip(answers, q.options):
            assert answer.get("format") == "html"
            assert bool(answer.findtext("feedback/text")) == bool(option.rationale)
        assert el.find("questiontext").get("format") == "html" and el.findtext("questiontext/text")
        assert el.findtext("generalfeedback/text")
        assert [t.text for t in el.findall("tags/tag/text")] == list(q.tags)


@BANKS
def test_every_fraction_is_one_of_moodles_grade_options(bank_dir, tmp_path):
    root = quiz(export_one(load(bank_dir), "moodle", tmp_path))
    assert {float(a.get("fraction")) for a in root.iter("answer")} <= GRADES


@BANKS
def test_every_question_has_exactly_one_100_percent_answer_and_at_least_two_answers(bank_dir, tmp_path):
    # Moodle stores a single-answer question with no 100% answer without a word (nobody can
    # get it right), and a question with fewer than two answers stops the import there.
    for el in questions(quiz(export_one(load(bank_dir), "moodle", tmp_path))):
        fractions = [a.get("fraction") for a in el.findall("answer")]
        assert fractions.count("100") == 1 and len(fractions) >= 2


@BANKS
def test_html_texts_are_cdata_inside_text_elements_with_a_format(bank_dir, tmp_path):
    raw = export_one(load(bank_dir), "moodle", tmp_path).read_text("utf-8")
    assert "<text><![CDATA[<p>" in raw
    for el in quiz(Path(tmp_path / next(p.name for p in tmp_path.iterdir()))).iter("text"):
        parent = el.getparent()
        if parent.tag in ("questiontext", "generalfeedback", "answer", "feedback"):
            assert parent.get("format") == "html"


def test_every_pluginfile_reference_has_its_file_in_the_same_text(tmp_path):
    # A @@PLUGINFILE@@ reference with no <file> beside it imports silently as a broken image.
    bank = load(TRICKY)
    root = quiz(export_one(bank, "moodle", tmp_path))
    seen = 0
    for owner in root.iter("questiontext", "generalfeedback", "answer", "feedback"):
        refs = set(re.findall(r'src="@@PLUGINFILE@@/([^"]+)"', owner.findtext("text") or ""))
        files = {f.get("name"): f for f in owner.findall("file")}
        assert refs == set(files), owner.findtext("text")
        for name, f in files.items():
            assert f.get("path") == "/" and f.get("encoding") == "base64"
            source = next(p for p in TRICKY.rglob("*.png") if media_name(p.relative_to(TRICKY).as_posix()) == name)
            assert base64.b64decode(f.text) == source.read_bytes()
            seen += 1
    assert seen >= 2  # both charts


def test_categories_come_from_the_topic_before_their_questions(tmp_path):
    bank = load(TRICKY)
    root = quiz(export_one(bank, "moodle", tmp_path))
    current, placed = None, {}
    for el in root.findall("question"):
        if el.get("type") == "category":
            current = el.findtext("category/text")
        else:
            placed[el.findtext("idnumber")] = current
    for q in bank.questions:
        assert placed[q.id] == category_path("Tricky Bank", q.topic)
    assert category_path("Bank", "Ethics/Law") == "$course$/top/Bank/Ethics//Law"
    assert category_path("Bank", None) == "$course$/top/Bank"


def test_moodle_shuffles_except_where_order_matters_and_never_pins_one_option(tmp_path):
    root = quiz(export_one(load(shuffle_bank(tmp_path / "bank")), "moodle", tmp_path / "out"))
    got = {el.findtext("idnumber"): el.findtext("shuffleanswers") for el in questions(root)}
    # Moodle cannot keep "None of the above" last while the others move: that item stays unshuffled.
    assert got == {qid: "true" if shuffles and qid != "none" else "false" for qid, shuffles in SHUFFLES.items()}


def test_points_become_the_default_mark(tmp_path):
    write(tmp_path / "bank", "a.yaml", GOOD.format(id="a") + "points: 2.5\n")
    write(tmp_path / "bank", "b.yaml", GOOD.format(id="b"))
    got = by_id(quiz(export_one(load(tmp_path / "bank"), "moodle", tmp_path / "out")))
    assert got["a"].findtext("defaultgrade") == "2.5" and got["b"].findtext("defaultgrade") == "1"


def test_a_long_id_is_cut_to_moodles_idnumber_length_and_stays_unique(tmp_path):
    long_a, long_b = "a" * 150 + "-one", "a" * 150 + "-two"
    write(tmp_path / "bank", "a.yaml", GOOD.format(id=long_a))
    write(tmp_path / "bank", "b.yaml", GOOD.format(id=long_b))
    root = quiz(export_one(load(tmp_path / "bank"), "moodle", tmp_path / "out"))
    ids = [el.findtext("idnumber") for el in questions(root)]
    assert all(len(i) <= IDNUMBER_MAX for i in ids) and len(set(ids)) == 2
    assert {el.findtext("name/text") for el in questions(root)} == {long_a, long_b}


def test_identity_comes_from_the_id_never_from_the_name(tmp_path):
    bank = load(TRICKY)
    plain = quiz(export_one(bank, "moodle", tmp_path / "a"))
    renamed = quiz(export_one(bank, "moodle", tmp_path / "b", name="Another Name"))
    assert sorted(by_id(plain)) == sorted(by_id(renamed)) == sorted(q.id for q in bank.questions)
    # Moodle keeps idnumbers unique per category: the categories are the bank's own too
    assert etree.tostring(plain) == etree.tostring(renamed)


@BANKS
def test_two_moodle_exports_are_byte_identical(bank_dir, tmp_path):
    bank = load(bank_dir)
    assert export_one(bank, "moodle", tmp_path / "a").read_bytes() == export_one(bank, "moodle", tmp_path / "b").read_bytes()


def test_a_cdata_end_marker_in_a_text_stays_text():
    # The renderer escapes `>`, so rendered HTML never holds `]]>`; cdata() must not rely on it.
    wrapped = etree.fromstring(f"<text>{cdata('a]]>b <p>')}</text>".encode())
    assert wrapped.text == "a]]>b <p>"


def test_an_oversized_embedded_image_set_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    from qbank.errors import ExportError
    from qbank.export import common

    monkeypatch.setattr(common, "MAX_PACKAGE_BYTES", 100)
    with pytest.raises(ExportError, match="package would hold"):
        run_export(load(TRICKY), ["moodle"], tmp_path)
    assert not list(tmp_path.iterdir())
