"""Reading IMS QTI 2.1: qbank's own --qti21 export back to data-equal questions, items as
other tools write them (inline and modal feedback, prompts), the interactions qbank does not
hold, and hostile packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from import_helpers import (codes, cut_short, LAUGHS, PIXEL, XXE, bank_data, bomb_zip, comparable, export, symlink_zip, traversal_zip,
                            write_bank, zip_with)
from qbank.importers import reader
from qbank.importers.base import ImportOptions

read = reader("qti21")
NS = 'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"'



def test_qbanks_own_export_reads_back_data_equal(tmp_path):
    root = write_bank(tmp_path / "bank")
    package, questions = export(root, "qti21", tmp_path / "out")
    result = read(package, ImportOptions())
    assert result.diagnostics == []
    got = sorted(result.items, key=lambda i: i.data["id"])
    fields = ("id", "stem", "options", "shuffle", "explanation", "points")
    assert [comparable(i) for i in got] == [bank_data(q, root, fields) for q in questions]
    assert [i.folder for i in got] == [("Round Trip",), ("Round Trip",)]  # the test's section
    assert list(got[0].media.values()) == [PIXEL]


def item(identifier: str, body: str, declaration: str = "", feedback: str = "", title: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {NS} identifier="{identifier}" title="{title or identifier}" adaptive="false" timeDependent="false">
  {declaration or '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
                  '<correctResponse><value>ChoiceB</value></correctResponse></responseDeclaration>'}
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
{body}
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
{feedback}
</assessmentItem>
"""


# As authoring tools write it: a prompt, inline feedback per choice, modal feedback for right/wrong.
THIRD_PARTY = item("ITEM_Capital_1", """
    <p>Look at the map.</p>
    <p><img src="images/map%20one.png" alt="A map"/></p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <prompt>Which city is the capital?</prompt>
      <simpleChoice identifier="ChoiceA">Lyon<feedbackInline outcomeIdentifier="FEEDBACK" identifier="ChoiceA"
        showHide="show">Lyon is the third city.</feedbackInline></simpleChoice>
      <simpleChoice identifier="ChoiceB">Paris</simpleChoice>
      <simpleChoice identifier="ChoiceC">Marseille</simpleChoice>
    </choiceInteraction>""", feedback="""
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show"><p>Paris is the capital.</p></modalFeedback>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="incorrect" showHide="show"><p>Think of the seat of government.</p></modalFeedback>""")

TEXT_ENTRY = item("ITEM_2", """<p>Capital of Italy: <textEntryInteraction responseIdentifier="RESPONSE"/></p>""",
                  '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string"/>')

MULTIPLE = item("ITEM_3", """
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="0">
      <prompt>Pick the EU capitals.</prompt>
      <simpleChoice identifier="ChoiceA">Paris</simpleChoice><simpleChoice identifier="ChoiceB">Rome</simpleChoice>
    </choiceInteraction>""", '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">'
                             '<correctResponse><value>ChoiceA</value><value>ChoiceB</value></correctResponse>'
                             '</responseDeclaration>')

NO_KEY = item("ITEM_4", """
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <prompt>Which one?</prompt>
      <simpleChoice identifier="ChoiceA">a</simpleChoice><simpleChoice identifier="ChoiceC">c</simpleChoice>
    </choiceInteraction>""")

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M1">
  <organizations/>
  <resources>
    <resource identifier="T1" type="imsqti_test_xmlv2p1" href="tests/test.xml"><file href="tests/test.xml"/></resource>
    <resource identifier="I1" type="imsqti_item_xmlv2p1" href="items/capital.xml">
      <file href="items/capital.xml"/><file href="items/images/map one.png"/></resource>
    <resource identifier="I2" type="imsqti_item_xmlv2p1" href="items/text.xml"><file href="items/text.xml"/></resource>
    <resource identifier="I3" type="imsqti_item_xmlv2p1" href="items/multi.xml"><file href="items/multi.xml"/></resource>
    <resource identifier="I4" type="imsqti_item_xmlv2p1" href="items/nokey.xml"><file href="items/nokey.xml"/></resource>
  </resources>
</manifest>
"""

TEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentTest {NS} identifier="T1" title="Geography">
  <testPart identifier="P1" navigationMode="linear" submissionMode="individual">
    <assessmentSection identifier="S1" title="Europe" visible="true">
      <assessmentSection identifier="S2" title="Capitals" visible="true">
        <assessmentItemRef identifier="I1" href="../items/capital.xml"/>
      </assessmentSection>
    </assessmentSection>
  </testPart>
</assessmentTest>
"""


@pytest.fixture
def package(tmp_path) -> Path:
    return zip_with(tmp_path / "geo.zip", {
        "imsmanifest.xml": MANIFEST.encode(), "tests/test.xml": TEST.encode(),
        "items/capital.xml": THIRD_PARTY.encode(), "items/images/map one.png": PIXEL,
        "items/text.xml": TEXT_ENTRY.encode(), "items/multi.xml": MULTIPLE.encode(), "items/nokey.xml": NO_KEY.encode(),
    })


def test_a_third_party_item_imports_with_its_prompt_feedback_media_and_section(package):
    result = read(package, ImportOptions())
    (got,) = result.items
    assert got.data == {
        "id": "item_capital_1",
        "stem": "Look at the map.\n\n![A map](map_one.png)\n\nWhich city is the capital?",
        "options": [
            {"text": "Lyon", "rationale": "Lyon is the third city."},
            {"text": "Paris", "correct": True},
            {"text": "Marseille", "rationale": "Think of the seat of government."},
        ],
        "shuffle": False,
        # "correct" feedback with no general feedback beside it: what the key's choosers are told
        "explanation": "Paris is the capital.",
    }
    assert got.media == {"map_one.png": PIXEL}
    assert got.folder == ("Europe", "Capitals")


def test_interactions_qbank_does_not_hold_are_reported_one_each(package):
    result = read(package, ImportOptions())
    assert codes(result) == ["QB012", "QB012", "QB013"]
    by_file = {d.path.rsplit("!", 1)[1]: d for d in result.diagnostics}
    assert "textEntryInteraction" in by_file["items/text.xml"].message
    assert "more than one choice" in by_file["items/multi.xml"].message
    assert "no key" in by_file["items/nokey.xml"].message


def test_one_item_file_reads_without_a_package(tmp_path):
    path = tmp_path / "item.xml"
    path.write_text(NO_KEY.replace("ChoiceC", "ChoiceB"), encoding="utf-8")
    result = read(path, ImportOptions())
    assert result.diagnostics == []
    (got,) = result.items
    assert got.data["options"] == [{"text": "a"}, {"text": "c", "correct": True}]
    assert got.data["stem"] == "Which one?" and got.data["explanation"] == ""


def test_malformed_item_is_reported_at_its_line(tmp_path):
    path = tmp_path / "item.xml"
    path.write_text(THIRD_PARTY.replace("</prompt>", "</promt>"), encoding="utf-8")
    result = read(path, ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"]
    assert "</promt>" in path.read_text().splitlines()[result.diagnostics[0].line - 1]


@pytest.mark.parametrize("prolog", [XXE, LAUGHS], ids=["external-entity", "entity-expansion"])
def test_entity_declarations_are_refused(tmp_path, prolog):
    path = tmp_path / "item.xml"
    path.write_bytes(prolog + THIRD_PARTY.split("\n", 1)[1].encode())
    result = read(path, ImportOptions())
    assert result.items == [] and codes(result) == ["QB015"]


@pytest.mark.parametrize("make", [traversal_zip, symlink_zip, bomb_zip])
def test_hostile_packages_are_refused(tmp_path, make):
    result = read(make(tmp_path / "hostile.zip"), ImportOptions())
    assert result.items == [] and codes(result) == ["QB015"]


def test_an_image_path_that_leaves_the_package_is_not_followed(tmp_path):
    (tmp_path / "secret.png").write_bytes(b"secret")
    text = THIRD_PARTY.replace("images/map%20one.png", "../../secret.png")
    result = read(zip_with(tmp_path / "p.zip", {"items/capital.xml": text.encode()}), ImportOptions())
    (got,) = result.items
    assert got.media == {} and "](../../secret.png)" in got.data["stem"]


# As Canvas writes QTI 2.1: no correctResponse; rules score the key and set each choice's feedback.
CANVAS_STYLE = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {NS} identifier="i4fa2" title="true false" adaptive="false" timeDependent="false">
<instructureMetadata><instructureField name="points_possible" value="10"/></instructureMetadata>
<responseDeclaration identifier="response1" cardinality="single" baseType="identifier"/>
<outcomeDeclaration identifier="FEEDBACK" cardinality="multiple" baseType="identifier"/>
<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
<itemBody><p>Supervision notes are <strong>always</strong> private.</p>
<choiceInteraction responseIdentifier="response1" shuffle="false" maxChoices="1">
<simpleChoice identifier="R_1"><p>True</p></simpleChoice><simpleChoice identifier="R_2"><p>False</p></simpleChoice>
</choiceInteraction></itemBody>
<responseProcessing>
<responseCondition><responseIf><match><variable identifier="response1"/><baseValue baseType="identifier">R_1</baseValue></match>
<setOutcomeValue identifier="FEEDBACK"><multiple><variable identifier="FEEDBACK"/><baseValue baseType="identifier">FB_1</baseValue></multiple></setOutcomeValue>
</responseIf></responseCondition>
<responseCondition><responseIf><match><variable identifier="response1"/><baseValue baseType="identifier">R_2</baseValue></match>
<setOutcomeValue identifier="SCORE"><baseValue baseType="float">100</baseValue></setOutcomeValue></responseIf></responseCondition>
</responseProcessing>
<modalFeedback outcomeIdentifier="FEEDBACK" showHide="show" identifier="FB_1"><p>Not always: there are limits.</p></modalFeedback>
</assessmentItem>
"""


def test_an_item_scored_by_its_rules_alone_takes_its_key_and_feedback_from_them(tmp_path):
    path = tmp_path / "canvas21.xml"
    path.write_text(CANVAS_STYLE, encoding="utf-8")
    result = read(path, ImportOptions())
    assert result.diagnostics == []
    (got,) = result.items
    assert got.data == {"id": "i4fa2", "stem": "Supervision notes are **always** private.",
                        "options": [{"text": "True", "rationale": "Not always: there are limits."},
                                    {"text": "False", "correct": True}],
                        "shuffle": False, "explanation": "", "points": 10}


MATH_ITEM = item("math_1", """
    <p>Which scientist is associated with
       <m:math xmlns:m="http://www.w3.org/1998/Math/MathML"><m:mi>E</m:mi><m:mo>=</m:mo><m:mi>m</m:mi>
         <m:msup><m:mi>c</m:mi><m:mn>2</m:mn></m:msup></m:math>
       and with <math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><semantics><mfrac><mn>1</mn><mn>2</mn></mfrac>
         <annotation encoding="LaTeX">\\[\\tfrac{1}{2}\\]</annotation></semantics></math></p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <simpleChoice identifier="ChoiceA">Newton</simpleChoice>
      <simpleChoice identifier="ChoiceB">Einstein,
                    a physicist</simpleChoice>
    </choiceInteraction>""")


def test_mathml_becomes_tex_and_source_indentation_is_not_kept(tmp_path):
    path = tmp_path / "math.xml"
    path.write_text(MATH_ITEM, encoding="utf-8")
    (got,) = read(path, ImportOptions()).items
    assert got.data["stem"] == "Which scientist is associated with\n$E = m {c}^{2}$\nand with $$\\tfrac{1}{2}$$"
    assert got.data["options"][1] == {"text": "Einstein,\na physicist", "correct": True}


def test_a_template_item_is_not_imported_with_its_variable_names(tmp_path):
    path = tmp_path / "template.xml"
    path.write_text(NO_KEY.replace("<itemBody>", '<templateDeclaration identifier="A" cardinality="single" '
                                                 'baseType="integer"/><itemBody>'), encoding="utf-8")
    result = read(path, ImportOptions())
    assert result.items == [] and codes(result) == ["QB012"] and "template item" in result.diagnostics[0].message


def test_a_single_item_file_takes_its_images_from_its_own_folder_only(tmp_path):
    (tmp_path / "secret.png").write_bytes(b"not yours")
    folder = tmp_path / "item"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "map one.png").write_bytes(PIXEL)
    (folder / "images" / "link.png").symlink_to(tmp_path / "secret.png")
    text = THIRD_PARTY.replace('<p>Look at the map.</p>', '<p>Look at the map. <img src="../secret.png" alt="out"/>'
                               '<img src="images/link.png" alt="link"/></p>')
    (folder / "item.xml").write_text(text, encoding="utf-8")
    (got,) = read(folder / "item.xml", ImportOptions()).items
    assert got.media == {"map_one.png": PIXEL}
    assert "](../secret.png)" in got.data["stem"] and "](images/link.png)" in got.data["stem"]


def test_a_damaged_package_is_diagnostics_never_an_exception(tmp_path, package):
    reported = 0
    for copy in cut_short(package, tmp_path):
        result = read(copy, ImportOptions())
        assert all(d.code in ("QB012", "QB013", "QB015") and d.line >= 1 for d in result.diagnostics), copy.name
        reported += bool(result.diagnostics)
    assert reported  # the damage is said, not passed over
