"""QTI 1.2 and 2.1 packages: valid against the official IMS schemas, and read back to the bank.

The schemas live outside the repository, in ../shared/schemas/qti/ (QBANK_QTI_SCHEMAS
overrides). On a fresh clone without them the schema tests skip with one reason; `.ci/run`
sets QBANK_REQUIRE_QTI_SCHEMAS=1, and there a missing schema fails the run.
"""

from __future__ import annotations

import html as htmlmod
import io
import json
import os
import re
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lhtml

from qbank import package_check
from qbank.export import qti12
from qbank.export.common import Renderer, item_ident
from qbank.export import Selection, run_export
from test_export_common import BANKS, BUNDLED, NCNAME, TRICKY, export_one, load

SCHEMAS = Path(os.environ.get("QBANK_QTI_SCHEMAS") or Path(__file__).resolve().parents[2] / "shared" / "schemas" / "qti")
# .ci/run sets this: there the schemas must be present, and a missing one fails instead of skipping.
REQUIRED = os.environ.get("QBANK_REQUIRE_QTI_SCHEMAS") == "1"


@lru_cache(maxsize=1)
def schemas() -> package_check.Schemas:
    """The official IMS schemas, loaded by the same code as `qbank check-package`. Without them
    (a fresh clone has no ../shared) the tests that need them skip with one reason."""
    try:
        return package_check.load_schemas(SCHEMAS)
    except package_check.SchemaError as exc:
        message = (f"QTI schema tests need the official IMS schemas: {exc}. Put them in ../shared/schemas/qti/ "
                   f"beside the clone or set QBANK_QTI_SCHEMAS=DIR")
        if REQUIRED:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def assert_valid(xml: bytes, against: etree.XMLSchema, name: str) -> etree._Element:
    doc = etree.fromstring(xml)
    if not against.validate(doc):
        pytest.fail(f"{name} is not valid: " + "; ".join(str(e) for e in against.error_log[:5]))
    return doc


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def text_of(fragment: str) -> str:
    """The words of an HTML fragment, whitespace collapsed: what a reader sees."""
    if not fragment.strip():
        return ""
    return " ".join(lhtml.fragment_fromstring(fragment, create_parent="div").text_content().split())


def words(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def test_the_schemas_are_there_and_every_import_resolves():
    loaded = schemas()
    assert loaded.qti21 is not None and loaded.cp is not None and loaded.qti12 is not None


def test_a_schema_with_a_missing_import_is_refused(tmp_path):
    broken = tmp_path / "broken.xsd"
    broken.write_text('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                      '<xs:import namespace="urn:x" schemaLocation="nowhere.xsd"/></xs:schema>')
    assert package_check.unresolved_imports(broken) == ["broken.xsd -> nowhere.xsd"]


# --- QTI 2.1 ------------------------------------------------------------------------------

QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


@BANKS
def test_qti21_package_is_valid_against_the_official_schemas(bank_dir, tmp_path):
    bank = load(bank_dir)
    files = entries(export_one(bank, "qti21", tmp_path / "out"))
    manifest = assert_valid(files["imsmanifest.xml"], schemas().cp, "imsmanifest.xml")
    xml_files = [n for n in files if n.endswith(".xml") and n != "imsmanifest.xml"]
    assert len([n for n in xml_files if n.startswith("items/")]) == len(bank.questions)
    for name in xml_files:
        assert_valid(files[name], schemas().qti21, name)
    listed = {f.get("href") for f in manifest.iter(f"{CP}file")}
    assert listed == set(files) - {"imsmanifest.xml"}, "every file in the zip is in the manifest, and only those"
    types = {r.get("type") for r in manifest.iter(f"{CP}resource")}
    assert types == {"imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1"}
    ids = {r.get("identifier") for r in manifest.iter(f"{CP}resource")}
    assert {d.get("identifierref") for d in manifest.iter(f"{CP}dependency")} <= ids


@BANKS
def test_qti21_reads_back_as_the_bank(bank_dir, tmp_path):
    bank = load(bank_dir)
    files = entries(export_one(bank, "qti21", tmp_path / "out"))
    test = etree.fromstring(files["assessment.xml"])
    refs = [r.get("href") for r in test.iter(f"{QTI}assessmentItemRef")]
    assert refs == [f"items/{item_ident(q.id)}.xml" for q in bank.questions]
    renderer = Renderer(bank.root)
    for q, href in zip(bank.questions, refs):
        rq = renderer.render(q)
        item = etree.fromstring(files[href])
        assert item.get("identifier") == item_ident(q.id) and NCNAME.match(item.get("identifier"))
        body = item.find(f"{QTI}itemBody")
        assert words(body.find(f"{QTI}div")) == text_of(rq.stem)
        interaction = body.find(f"{QTI}choiceInteraction")
        assert interaction.get("maxChoices") == "1"
        choices = interaction.findall(f"{QTI}simpleChoice")
        assert [words(c) for c in choices] == [text_of(o) for o in rq.options]
        key = item.find(f"{QTI}responseDeclaration/{QTI}correctResponse/{QTI}value").text
        assert choices[q.key_index].get("identifier") == key
        assert score(item, key) == 1.0
        assert all(score(item, c.get("identifier")) == 0.0 for c in choices if c.get("identifier") != key)
        feedback = {f.get("identifier"): f for f in item.findall(f"{QTI}modalFeedback")}
        for i, choice in enumerate(choices):
            shown = feedback[chosen_feedback(item, choice.get("identifier"))]
            expected = (text_of(rq.rationales[i]) + " " if rq.rationales[i] else "") + text_of(rq.explanation)
            assert words(shown) == expected.strip()


def score(item: etree._Element, response: str) -> float:
    """Run the item's responseProcessing for one chosen identifier (the subset it uses)."""
    correct = item.find(f"{QTI}responseDeclaration/{QTI}correctResponse/{QTI}value").text
    value = float(item.find(f"{QTI}outcomeDeclaration[@identifier='SCORE']/{QTI}defaultValue/{QTI}value").text)
    condition = item.find(f"{QTI}responseProcessing/{QTI}responseCondition")
    branch = condition.find(f"{QTI}responseIf")
    match = branch.find(f"{QTI}match")
    assert [c.tag for c in match] == [f"{QTI}variable", f"{QTI}correct"]
    chosen = branch if response == correct else condition.find(f"{QTI}responseElse")
    for setter in chosen.findall(f"{QTI}setOutcomeValue"):
        if setter.get("identifier") == "SCORE":
            value = float(setter.find(f"{QTI}baseValue").text)
    return value


def chosen_feedback(item: etree._Element, response: str) -> str:
    """The FEEDBACK outcome after processing: the responseProcessing copies RESPONSE into it."""
    setter = item.find(f"{QTI}responseProcessing/{QTI}setOutcomeValue[@identifier='FEEDBACK']")
    assert setter.find(f"{QTI}variable").get("identifier") == "RESPONSE"
    return response


def test_qti21_images_are_packaged_and_referenced(tmp_path):
    files = entries(export_one(load(TRICKY), "qti21", tmp_path / "out"))
    media = sorted(n for n in files if n.startswith("media/"))
    assert len(media) == 2 and all(n.endswith("-chart.png") for n in media)
    item = etree.fromstring(files[f"items/{item_ident('tricky-chart-b')}.xml"])
    srcs = {img.get("src") for img in item.iter(f"{QTI}img")}
    assert srcs == {"../" + n for n in media}
    assert all(img.get("alt") for img in item.iter(f"{QTI}img"))


def test_qti21_keeps_script_as_text(tmp_path):
    files = entries(export_one(load(TRICKY), "qti21", tmp_path / "out"))
    item = etree.fromstring(files[f"items/{item_ident('tricky-code-001')}.xml"])
    assert not any(isinstance(e.tag, str) and etree.QName(e).localname in ("script", "b") for e in item.iter())
    assert '<script>alert("pwned")</script>' in words(item.find(f"{QTI}itemBody"))
    assert item.find(f".//{QTI}pre/{QTI}code") is not None


# --- QTI 1.2 ------------------------------------------------------------------------------

def qti12_files(path: Path) -> tuple[dict[str, bytes], str]:
    files = entries(path)
    manifest = etree.fromstring(files["imsmanifest.xml"])
    (resource,) = [r for r in manifest.iter(f"{CP}resource") if r.get("type") == "imsqti_xmlv1p2"]
    return files, resource.get("href")


@BANKS
def test_qti12_package_is_valid_against_the_dtd_and_cp_schema(bank_dir, tmp_path):
    bank = load(bank_dir)
    files, assessment = qti12_files(export_one(bank, "qti12", tmp_path / "out"))
    manifest = assert_valid(files["imsmanifest.xml"], schemas().cp, "imsmanifest.xml")
    doc = package_check.without_namespaces(etree.fromstring(files[assessment]))
    if not schemas().qti12.validate(doc):
        pytest.fail("QTI 1.2 assessment is not valid: " + "; ".join(str(e) for e in schemas().qti12.error_log[:5]))
    assert {f.get("href") for f in manifest.iter(f"{CP}file")} == set(files) - {"imsmanifest.xml"}
    items = doc.getroot().findall(".//item")
    assert len(items) == len(bank.questions)
    assert len(doc.getroot().findall("assessment")) == 1
    for item in items:
        meta = {f.findtext("fieldlabel"): f.findtext("fieldentry") for f in item.iter("qtimetadatafield")}
        assert meta["question_type"] == "multiple_choice_question"


@BANKS
def test_qti12_reads_back_as_the_bank(bank_dir, tmp_path):
    bank = load(bank_dir)
    files, assessment = qti12_files(export_one(bank, "qti12", tmp_path / "out"))
    root = package_check.without_namespaces(etree.fromstring(files[assessment])).getroot()
    items = root.findall(".//item")
    renderer = Renderer(bank.root)
    for q, item in zip(bank.questions, items):
        rq = renderer.render(q).localized(qti12.MEDIA_PREFIX)
        assert item.get("ident") == item_ident(q.id)
        assert item.find("presentation/material/mattext").text == rq.stem
        labels = item.findall("presentation/response_lid/render_choice/response_label")
        assert [lab.find("material/mattext").text for lab in labels] == list(rq.options)
        conditions = item.findall("resprocessing/respcondition")
        (scoring,) = [c for c in conditions if c.find("setvar") is not None]
        assert scoring.find("setvar").text == "100" and scoring.get("continue") == "No"
        assert scoring.find("conditionvar/varequal").text == labels[q.key_index].get("ident")
        feedback = {f.get("ident"): f.find("flow_mat/material/mattext").text for f in item.findall("itemfeedback")}
        assert feedback["general_fb"] == rq.explanation
        for label, rationale in zip(labels, rq.rationales):
            assert feedback.get(f"{label.get('ident')}_fb") == rationale
        shown = {c.find("conditionvar/varequal").text: c.find("displayfeedback").get("linkrefid")
                 for c in conditions if c.find("displayfeedback") is not None and c.find("conditionvar/varequal") is not None}
        assert shown == {lab.get("ident"): f"{lab.get('ident')}_fb" for lab, r in zip(labels, rq.rationales) if r}


def test_qti12_carries_html_as_escaped_text_and_packages_images(tmp_path):
    path = export_one(load(TRICKY), "qti12", tmp_path / "out")
    files, assessment = qti12_files(path)
    raw = files[assessment].decode("utf-8")
    # The rendered HTML escapes the tag and XML escapes that again, so an LMS that reads the
    # mattext as HTML shows `<script>` as text: neither the raw tag nor a once-escaped one appear.
    assert "&amp;lt;script&amp;gt;" in raw
    assert "<script" not in raw and "&lt;script" not in raw
    media = sorted(n for n in files if n.startswith("web_resources/media/"))
    assert len(media) == 2
    for name in media:
        assert htmlmod.escape(qti12.MEDIA_PREFIX + name.rsplit("/", 1)[1]) in htmlmod.unescape(raw)


# --- both -------------------------------------------------------------------------------

@BANKS
@pytest.mark.parametrize("fmt", ["qti12", "qti21"])
def test_the_same_bank_gives_byte_identical_packages(bank_dir, fmt, tmp_path):
    one = export_one(load(bank_dir), fmt, tmp_path / "a").read_bytes()
    two = export_one(load(bank_dir), fmt, tmp_path / "b").read_bytes()
    assert one == two
    with zipfile.ZipFile(io.BytesIO(one)) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("fmt", ["qti12", "qti21"])
def test_control_characters_and_emoji_still_give_well_formed_xml(fmt, tmp_path):
    from qbank.bank import Bank
    from qbank.model import Option, Question

    q = Question("ctl-1", "Bell \x07 and 🙂 — what?", (Option("a\x0b", True), Option("b", False, "no \x1b")),
                 "Because.", path=str(tmp_path / "ctl.yaml"))
    bank = Bank(root=tmp_path, name="Ctl", questions=[q])
    files = entries(export_one(bank, fmt, tmp_path / "out"))
    for name, data in files.items():
        if name.endswith(".xml"):
            doc = etree.fromstring(data)
            assert "\x07" not in "".join(doc.itertext())
    if fmt == "qti21":
        assert_valid(files[f"items/{item_ident('ctl-1')}.xml"], schemas().qti21, "item")


# --- shuffling: the LMS shuffles where that changes nothing the item says -----------------

def shuffle_bank(folder: Path) -> Path:
    """One item per case of qbank.export.order."""
    from conftest import GOOD, write

    write(folder, "plain.yaml", GOOD.format(id="plain"))
    write(folder, "kept.yaml", GOOD.format(id="kept") + "shuffle: false\n")
    write(folder, "none.yaml", GOOD.format(id="none").replace("Eligibility for a medication referral",
                                                              "None of the above"))
    write(folder, "combined.yaml", GOOD.format(id="combined").replace("Eligibility for a medication referral",
                                                                      "Both A and B"))
    numeric = GOOD.format(id="numeric")
    for old, new in zip(["Recent changes in the client's daily routine", "Family history of psychiatric hospitalization",
                         "Early childhood attachment patterns", "Eligibility for a medication referral"],
                        ["10 days", "30 days", "60 days", "90 days"]):
        numeric = numeric.replace(old, new)
    write(folder, "numeric.yaml", numeric)
    return folder


SHUFFLES = {"plain": True, "none": True, "kept": False, "combined": False, "numeric": False}


def test_qti21_lets_the_lms_shuffle_except_where_order_matters(tmp_path):
    path = export_one(load(shuffle_bank(tmp_path / "bank")), "qti21", tmp_path / "out")
    assert package_check.check_package(path, schemas()) == []
    files = entries(path)
    for qid, shuffles in SHUFFLES.items():
        interaction = etree.fromstring(files[f"items/{item_ident(qid)}.xml"]).find(f".//{QTI}choiceInteraction")
        assert interaction.get("shuffle") == ("true" if shuffles else "false"), qid
        fixed = [c.get("identifier") for c in interaction.findall(f"{QTI}simpleChoice") if c.get("fixed") == "true"]
        assert fixed == (["D"] if qid == "none" else []), qid


def test_qti12_lets_the_lms_shuffle_except_where_order_matters(tmp_path):
    path = export_one(load(shuffle_bank(tmp_path / "bank")), "qti12", tmp_path / "out")
    assert package_check.check_package(path, schemas()) == []
    files, assessment = qti12_files(path)
    root = package_check.without_namespaces(etree.fromstring(files[assessment])).getroot()
    for item in root.iter("item"):
        qid = item.get("title")
        render = item.find("presentation/response_lid/render_choice")
        assert render.get("shuffle") == ("Yes" if SHUFFLES[qid] else "No"), qid
        fixed = [lab.get("ident") for lab in render.findall("response_label") if lab.get("rshuffle") == "No"]
        assert fixed == ([f"{item_ident(qid)}-D"] if qid == "none" else []), qid
    meta = next(v for k, v in files.items() if k.endswith("assessment_meta.xml"))
    # Canvas shuffles per quiz: one item that keeps its order keeps the quiz's.
    assert b"<shuffle_answers>false</shuffle_answers>" in meta


def test_canvas_shuffles_a_quiz_whose_items_all_may_shuffle(tmp_path):
    bank = load(shuffle_bank(tmp_path / "bank"))
    path = run_export(bank, ["qti12"], tmp_path / "some", selection=Selection(ids=("plain", "none")))[0]
    files, _ = qti12_files(path)
    meta = next(v for k, v in files.items() if k.endswith("assessment_meta.xml"))
    assert b"<shuffle_answers>true</shuffle_answers>" in meta


@pytest.mark.parametrize("fmt", ["qti12", "qti21"])
def test_emphasis_nested_thousands_deep_exports_as_xml_a_default_parser_reads_with_every_word(fmt, tmp_path):
    """Found by the fuzz test: `*` x 2,000 around a word nested <em>/<strong> 1,000 deep; XML
    parsers refuse more than 256 levels (the LMS would not import the package) and the HTML
    fallback dropped the word."""
    from qbank.bank import Bank
    from qbank.model import Option, Question

    deep = "*" * 2000 + "innermost" + "*" * 2000
    q = Question("deep-1", f"Which? {deep}", (Option("a", True), Option("b", False, "no")), "Because.",
                 path=str(tmp_path / "deep.yaml"))
    files = entries(export_one(Bank(root=tmp_path, name="Deep", questions=[q]), fmt, tmp_path / "out"))
    documents = [etree.fromstring(data) for name, data in files.items() if name.endswith(".xml")]
    shown = " ".join(htmlmod.unescape("".join(doc.itertext())) for doc in documents)
    assert "innermost" in shown


# --- `qbank check-package`: the same validator, for a user's own schemas -------------------

def test_an_exported_package_checks_clean_against_the_official_schemas(tmp_path):
    bank = load(TRICKY)
    for fmt in ("qti12", "qti21"):
        assert package_check.check_package(export_one(bank, fmt, tmp_path / fmt), schemas()) == []


def test_a_package_with_an_invalid_item_is_reported_at_the_item_and_line(tmp_path):
    bank = load(TRICKY)
    good = entries(export_one(bank, "qti21", tmp_path / "out"))
    name = next(n for n in good if n.startswith("items/"))
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for member, data in good.items():
            if member == name:
                data = data.replace(b"<itemBody>", b"<itemBody><notQti/>", 1)
            zf.writestr(member, data)
    found = package_check.check_package(bad, schemas())
    assert found and all(d.code == "QB010" for d in found)
    assert found[0].path == f"{bad}!{name}" and found[0].line >= 1
    assert "notQti" in found[0].message


def test_a_file_that_is_not_a_package_is_one_located_problem(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    (problem,) = package_check.check_package(junk, schemas())
    assert problem.path == str(junk) and "zip" in problem.message


def test_a_schema_folder_without_the_schemas_is_refused_with_what_is_missing(tmp_path):
    with pytest.raises(package_check.SchemaError, match="imsqti_v2p1.xsd not found"):
        package_check.load_schemas(tmp_path)


def _cli(*args):
    from click.testing import CliRunner

    from qbank.cli import main

    return CliRunner().invoke(main, ["check-package", *(str(a) for a in args)], catch_exceptions=False)


def test_check_package_command_passes_clean_packages_and_locates_problems(tmp_path):
    schemas()  # skips, with the reason, where the official schemas are not at hand
    bank = load(TRICKY)
    clean = [export_one(bank, fmt, tmp_path / fmt) for fmt in ("qti12", "qti21")]
    result = _cli(*clean, "--schemas", SCHEMAS)
    assert result.exit_code == 0, result.output
    assert result.stdout == "All checks passed (2 files checked).\n"
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for member, data in entries(clean[1]).items():
            zf.writestr(member, data.replace(b"<itemBody>", b"<itemBody><notQti/>", 1))
    result = _cli(clean[0], bad, "--schemas", SCHEMAS, "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert found and {d["code"] for d in found} == {"QB010"} and {d["name"] for d in found} == {"package-invalid"}
    assert all(d["path"].startswith(f"{bad}!items/") and d["line"] >= 1 for d in found)


def test_check_package_command_refuses_an_unusable_schema_folder_with_exit_2(tmp_path):
    package = tmp_path / "p.zip"
    package.write_bytes(b"PK")
    result = _cli(package, "--schemas", tmp_path / "empty")
    assert result.exit_code == 2 and "cannot use the schema folder" in result.stderr
    assert "is not a folder" in result.stderr
    result = _cli(tmp_path / "missing.zip", "--schemas", tmp_path)
    assert result.exit_code == 2 and "does not exist" in result.output


def test_the_quick_look_at_the_options_agrees_with_the_rules_reading(tmp_path):
    from qbank.order import option_order
    from qbank.textkit.facts import ItemFacts

    questions = [q for folder in (BUNDLED, TRICKY, shuffle_bank(tmp_path / "bank")) for q in load(folder).questions]
    for q in questions:
        assert option_order(q) == option_order(q, ItemFacts(q)), q.id
    assert {q.id: option_order(q).shuffle for q in questions if q.id in SHUFFLES} == SHUFFLES


def test_points_are_the_score_and_points_possible_in_both_qti_packages(tmp_path):
    from conftest import GOOD, write

    write(tmp_path / "bank", "a.yaml", GOOD.format(id="a") + "points: 2.5\n")
    write(tmp_path / "bank", "b.yaml", GOOD.format(id="b"))
    bank = load(tmp_path / "bank")
    qti21_path, qti12_path = run_export(bank, ["qti21", "qti12"], tmp_path / "out")
    assert package_check.check_package(qti21_path, schemas()) == []
    assert package_check.check_package(qti12_path, schemas()) == []
    files = entries(qti21_path)
    for qid, points in (("a", 2.5), ("b", 1.0)):
        item = etree.fromstring(files[f"items/{item_ident(qid)}.xml"])
        assert score(item, "A") == points and score(item, "B") == 0.0
        maximum = item.find(f"{QTI}outcomeDeclaration[@identifier='MAXSCORE']/{QTI}defaultValue/{QTI}value")
        assert float(maximum.text) == points
    files12, assessment = qti12_files(qti12_path)
    root = package_check.without_namespaces(etree.fromstring(files12[assessment])).getroot()
    possible = {item.get("title"): field.findtext("fieldentry") for item in root.iter("item")
                for field in item.iter("qtimetadatafield") if field.findtext("fieldlabel") == "points_possible"}
    assert possible == {"a": "2.5", "b": "1.0"}
    meta = next(v for k, v in files12.items() if k.endswith("assessment_meta.xml"))
    assert b"<points_possible>3.5</points_possible>" in meta
