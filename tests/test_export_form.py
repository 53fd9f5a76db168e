"""`qbank export --form FILE` in every format, and `--pools` (blueprint areas as QTI sections and
Moodle categories): read back with each format's own structure, QTI checked against the IMS schemas."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from lxml import etree

from formkit import write_bank
from qbank import package_check
from qbank.assemble import Request, assemble, write_forms
from qbank.config import load_config
from qbank.engine import load_bank
from test_export_qti import schemas

QTI21 = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
QTI12 = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


@pytest.fixture(scope="module")
def bank_dir(tmp_path_factory):
    return write_bank(tmp_path_factory.mktemp("forms") / "b", {"ethics": 10, "assessment": 6, "practice": 4})


@pytest.fixture(scope="module")
def form(bank_dir, tmp_path_factory):
    config = load_config([bank_dir])
    bank = load_bank([bank_dir], use_cache=False)
    (built,) = assemble(bank.questions, config.blueprints["outline"], Request(items=10, seed=5), config.options)
    (path,) = write_forms([built], tmp_path_factory.mktemp("out") / "forms")
    by_id = {q.id: q for q in bank.questions}
    # what a candidate must see: each item's option texts in the form's order, and the key's text
    expected = [(i.id, [by_id[i.id].options[o].text for o in i.order], by_id[i.id].key.text) for i in built.items]
    return path, expected


def export(cli, bank_dir, tmp_path, *args):
    result = cli("export", bank_dir, "--out", tmp_path, *args)
    assert result.exit_code == 0, result.output
    return result


def test_the_form_reorders_options_somewhere(form):
    _, expected = form   # otherwise the tests below would prove nothing about option order
    assert any(texts.index(key) != 0 for _, texts, key in expected)


def test_csv_has_the_forms_items_in_order_with_its_option_order(cli, bank_dir, tmp_path, form):
    path, expected = form
    export(cli, bank_dir, tmp_path, "--form", path, "--csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "forms-test.csv").read_text("utf-8-sig"))))
    got = [(r["id"], [r[f"option_{x}"] for x in "abcd"], r[f"option_{r['key'].lower()}"]) for r in rows]
    assert got == expected
    assert {r["shuffle"] for r in rows} == {"false"}


def test_qti21_items_in_order_choices_in_order_key_follows_and_valid(cli, bank_dir, tmp_path, form):
    path, expected = form
    export(cli, bank_dir, tmp_path, "--form", path, "--qti21")
    package = tmp_path / "forms-test.qti21.zip"
    assert package_check.check_package(package, schemas()) == []
    with zipfile.ZipFile(package) as zf:
        test = etree.fromstring(zf.read("assessment.xml"))
        refs = [r.get("href") for r in test.iter(f"{QTI21}assessmentItemRef")]
        assert [s.get("title") for s in test.iter(f"{QTI21}assessmentSection")] == ["Forms Test, form A"]
        got = []
        for href in refs:
            item = etree.fromstring(zf.read(href))
            choices = list(item.iter(f"{QTI21}simpleChoice"))
            key = item.find(f"{QTI21}responseDeclaration/{QTI21}correctResponse/{QTI21}value").text
            texts = ["".join(c.itertext()).strip() for c in choices]
            assert item.find(f".//{QTI21}choiceInteraction").get("shuffle") == "false"
            got.append((item.get("title"), texts, texts[[c.get("identifier") for c in choices].index(key)]))
    assert got == expected


def test_qti12_items_in_order_and_the_scored_choice_is_the_key(cli, bank_dir, tmp_path, form):
    path, expected = form
    export(cli, bank_dir, tmp_path, "--form", path, "--qti12")
    package = tmp_path / "forms-test.qti12.zip"
    assert package_check.check_package(package, schemas()) == []
    with zipfile.ZipFile(package) as zf:
        doc = etree.fromstring(zf.read("a-forms-test/a-forms-test.xml"))
    got = []
    for item in doc.iter(f"{QTI12}item"):
        labels = item.findall(f".//{QTI12}response_label")
        texts = [re.sub("<[^>]+>", "", lab.find(f".//{QTI12}mattext").text) for lab in labels]
        scored = [c for c in item.iter(f"{QTI12}respcondition") if c.find(f"{QTI12}setvar") is not None]
        key = scored[0].find(f".//{QTI12}varequal").text
        got.append((item.get("title"), texts, texts[[lab.get("ident") for lab in labels].index(key)]))
    assert got == expected


def test_moodle_one_category_for_the_form_in_its_order(cli, bank_dir, tmp_path, form):
    path, expected = form
    export(cli, bank_dir, tmp_path, "--form", path, "--moodle")
    doc = etree.parse(str(tmp_path / "forms-test.moodle.xml"))
    assert [c.text for c in doc.iterfind("question[@type='category']/category/text")] == [
        "$course$/top/Forms Test/form A"]
    got = []
    for q in doc.iterfind("question[@type='multichoice']"):
        answers = q.findall("answer")
        texts = [re.sub("<[^>]+>", "", a.find("text").text) for a in answers]
        key = next(t for t, a in zip(texts, answers) if a.get("fraction") == "100")
        assert q.find("shuffleanswers").text == "false"
        got.append((q.find("idnumber").text, texts, key))
    assert got == expected


def test_gift_and_aiken_in_the_forms_order_with_the_key_letter_following(cli, bank_dir, tmp_path, form):
    path, expected = form
    result = export(cli, bank_dir, tmp_path, "--form", path, "--aiken", "--gift")
    blocks = (tmp_path / "forms-test.aiken.txt").read_text().strip().split("\n\n")
    got = []
    for block, (_, texts, key) in zip(blocks, expected):
        lines = block.splitlines()
        options = [line[3:] for line in lines if re.match(r"^[A-D]\) ", line)]
        letter = lines[-1].removeprefix("ANSWER: ")
        got.append((options, options["ABCD".index(letter)]))
    assert got == [(texts, key) for _, texts, key in expected]
    gift = (tmp_path / "forms-test.gift.txt").read_text()
    assert [m for m in re.findall(r"::([a-z0-9-]+)::", gift)] == [i for i, _, _ in expected]
    assert "form A gives these options an order, but GIFT cannot say so" in result.output


def test_anki_cards_show_the_forms_option_order_with_the_key_following(cli, bank_dir, tmp_path, form):
    from test_export_common import collection, import_apkg

    path, expected = form
    export(cli, bank_dir, tmp_path, "--form", path, "--anki")
    with collection(tmp_path / "anki") as col:
        import_apkg(col, tmp_path / "forms-test.apkg")
        notes = {col.get_note(n)["ID"]: col.get_note(n) for n in col.find_notes("")}
    def text(fragment: str) -> str:   # what the card shows, without the option's letter
        return re.sub(r"<[^>]+>", "", re.sub(r'<span class="qb-letter">[A-Z]</span>', "", fragment)).strip()

    got = {}
    for qid, note in notes.items():
        assert 'data-qb-order="kept"' in note["Options"]   # the card does not shuffle a form's order
        got[qid] = ([text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", note["Options"])], text(note["Answer"]))
    assert got == {qid: (texts, key) for qid, texts, key in expected}


def test_a_form_naming_an_unknown_item_is_qb022_at_its_line(cli, bank_dir, tmp_path, form):
    path, _ = form
    stale = tmp_path / "A.yaml"
    text = path.read_text()
    first = re.search(r"id: (\S+)", text).group(1)
    stale.write_text(text.replace(f"id: {first}", "id: gone-001"))
    result = cli("export", bank_dir, "--form", stale, "--csv", "--out", tmp_path / "x")
    assert result.exit_code == 1
    assert f"{stale}:6:5: QB022 form-invalid: the bank has no valid question `gone-001`" in result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("change, message", [
    (("order: [", "order: [9, "), "is not each of its 4 options' indices once"),
    (("form: A", "form: [A"), "not a readable YAML file"),
    (("items:", "itemz:"), "unknown key `itemz`"),
])
def test_a_broken_form_file_is_qb022_and_exports_nothing(cli, bank_dir, tmp_path, form, change, message):
    path, _ = form
    broken = tmp_path / "A.yaml"
    broken.write_text(path.read_text().replace(*change, 1))
    result = cli("export", bank_dir, "--form", broken, "--qti21", "--out", tmp_path / "x")
    assert result.exit_code == 1 and "QB022 form-invalid" in result.output and message in result.output
    assert not (tmp_path / "x").exists()


def test_a_form_takes_no_other_filter(cli, bank_dir, tmp_path, form):
    path, _ = form
    assert cli("export", bank_dir, "--form", path, "--tag", "x", "--csv", "--out", tmp_path).exit_code == 2


# --- --pools ---------------------------------------------------------------------------------

def test_qti21_pools_are_sections_that_draw_each_areas_share(cli, bank_dir, tmp_path):
    export(cli, bank_dir, tmp_path, "--pools", "--items", "10", "--qti21")
    package = tmp_path / "forms-test.qti21.zip"
    assert package_check.check_package(package, schemas()) == []
    with zipfile.ZipFile(package) as zf:
        test = etree.fromstring(zf.read("assessment.xml"))
    got = [(s.get("title"), s.find(f"{QTI21}selection").get("select"), len(s.findall(f"{QTI21}assessmentItemRef")))
           for s in test.iter(f"{QTI21}assessmentSection")]
    assert got == [("Ethics", "5", 10), ("Assessment", "3", 6), ("Practice", "2", 4)]


def test_qti12_pools_are_sections_with_a_selection_number(cli, bank_dir, tmp_path):
    export(cli, bank_dir, tmp_path, "--pools", "--items", "20", "--qti12")
    package = tmp_path / "forms-test.qti12.zip"
    assert package_check.check_package(package, schemas()) == []
    with zipfile.ZipFile(package) as zf:
        doc = etree.fromstring(zf.read("a-forms-test/a-forms-test.xml"))
    root = doc.find(f".//{QTI12}section")
    got = [(s.get("title"), s.find(f".//{QTI12}selection_number").text, len(s.findall(f"{QTI12}item")))
           for s in root.findall(f"{QTI12}section")]
    assert got == [("Ethics", "10", 10), ("Assessment", "6", 6), ("Practice", "4", 4)]


def test_moodle_pools_are_one_category_per_area(cli, bank_dir, tmp_path):
    export(cli, bank_dir, tmp_path, "--pools", "--items", "10", "--moodle")
    doc = etree.parse(str(tmp_path / "forms-test.moodle.xml"))
    assert [c.text for c in doc.iterfind("question[@type='category']/category/text")] == [
        "$course$/top/Forms Test/Ethics", "$course$/top/Forms Test/Assessment", "$course$/top/Forms Test/Practice"]
    assert len(doc.findall("question[@type='multichoice']")) == 20


def test_pools_that_cannot_draw_their_share_export_nothing(cli, bank_dir, tmp_path):
    result = cli("export", bank_dir, "--pools", "--items", "40", "--qti21", "--out", tmp_path / "x")
    assert result.exit_code == 1
    assert "area 'Ethics' of blueprint `outline` has 10 of the questions to export; a pool for a 40-item form " \
           "draws 20 from it: it lacks 10" in result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("args", [["--pools", "--csv"], ["--pools"], ["--blueprint", "outline", "--qti21"]])
def test_pools_are_for_qti_and_moodle_and_need_a_size(cli, bank_dir, tmp_path, args):
    fmt = [] if any(a.startswith("--csv") or a == "--qti21" for a in args) else ["--qti21"]
    assert cli("export", bank_dir, *args, *fmt, "--out", tmp_path).exit_code == 2


def test_the_python_api_exports_a_form_too(bank_dir, tmp_path, form):
    from qbank import api

    path, expected = form
    result = api.export_bank(bank_dir, "csv", tmp_path, form=path)
    rows = list(csv.DictReader(io.StringIO(result.paths[0].read_text("utf-8-sig"))))
    assert result.questions == 10 and [r["id"] for r in rows] == [i for i, _, _ in expected]
