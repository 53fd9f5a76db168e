"""Reading Canvas QTI 1.2: qbank's own --qti12 export back to data-equal questions, the
shapes Canvas itself exports (quizzes, question banks, feedback, media), and hostile files."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from import_helpers import (codes, cut_short, LAUGHS, PIXEL, XXE, bank_data, bomb_zip, comparable, export, lying_zip, symlink_zip,
                            traversal_zip, write_bank, zip_with)
from qbank.importers import reader
from qbank.importers.base import ImportOptions

read = reader("canvas")



def test_qbanks_own_export_reads_back_data_equal(tmp_path):
    root = write_bank(tmp_path / "bank")
    package, questions = export(root, "qti12", tmp_path / "out")
    result = read(package, ImportOptions())
    assert result.diagnostics == []
    got = sorted(result.items, key=lambda i: i.data["id"])
    # QTI 1.2 holds the id, texts, key, rationales, explanation, order and points; not topic or tags.
    fields = ("id", "stem", "options", "shuffle", "explanation", "points")
    assert [comparable(i) for i in got] == [bank_data(q, root, fields) for q in questions]
    assert all(i.folder == ("Round Trip",) for i in got)
    chart = got[0]
    assert list(chart.media.values()) == [PIXEL]
    assert f"]({next(iter(chart.media))})" in chart.data["stem"]


def item(ident: str, qtype: str, body: str, title: str = "Question") -> str:
    return f"""
      <item ident="{ident}" title="{title}">
        <itemmetadata><qtimetadata>
          <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>{qtype}</fieldentry></qtimetadatafield>
          <qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>2.0</fieldentry></qtimetadatafield>
          <qtimetadatafield><fieldlabel>original_answer_ids</fieldlabel><fieldentry>1,2,3</fieldentry></qtimetadatafield>
        </qtimetadata></itemmetadata>
        {body}
      </item>"""


def mattext(fragment: str) -> str:
    return f'<material><mattext texttype="text/html">{html.escape(fragment)}</mattext></material>'


def choices(*answers: tuple[str, str]) -> str:
    labels = "".join(f'<response_label ident="{i}">{mattext(t)}</response_label>' for i, t in answers)
    return f'<response_lid ident="response1" rcardinality="Single"><render_choice>{labels}</render_choice></response_lid>'


def feedback(ident: str, fragment: str) -> str:
    return f'<itemfeedback ident="{ident}"><flow_mat><material><mattext texttype="text/html">' \
           f'{html.escape(fragment)}</mattext></material></flow_mat></itemfeedback>'


# As Canvas writes a multiple-choice question with every kind of feedback it has.
CANVAS_MC = item("g5f1c0a8e", "multiple_choice_question", f"""
        <presentation>
          {mattext('<div><p>Which chart shows <strong>weekly</strong> sessions?</p>'
                   '<p><img src="%24IMS-CC-FILEBASE%24/Uploaded%20Media/week%20chart.png?canvas_download=1" '
                   'alt="week chart.png" title="week chart.png"></p></div>')}
          {choices(("6236", "<p>The bar chart</p>"), ("1927", "The pie chart"), ("3401", "The table"))}
        </presentation>
        <resprocessing>
          <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
          <respcondition continue="Yes"><conditionvar><other/></conditionvar>
            <displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>
          <respcondition continue="Yes"><conditionvar><varequal respident="response1">1927</varequal></conditionvar>
            <displayfeedback feedbacktype="Response" linkrefid="1927_fb"/></respcondition>
          <respcondition continue="No"><conditionvar><varequal respident="response1">6236</varequal></conditionvar>
            <setvar action="Set" varname="SCORE">100</setvar>
            <displayfeedback feedbacktype="Response" linkrefid="correct_fb"/></respcondition>
          <respcondition continue="Yes"><conditionvar><other/></conditionvar>
            <displayfeedback feedbacktype="Response" linkrefid="general_incorrect_fb"/></respcondition>
        </resprocessing>
        {feedback("general_fb", "<p>Bars show counts per week.</p>")}
        {feedback("correct_fb", "<p>Yes: one bar per week.</p>")}
        {feedback("general_incorrect_fb", "<p>Look for one mark per week.</p>")}
        {feedback("1927_fb", "<p>A pie shows shares, not weeks.</p>")}""")

CANVAS_TF = item("g77aa", "true_false_question", """
        <presentation>
          <material><mattext texttype="text/plain">Supervision notes are *always* confidential (2*3).</mattext></material>
          <response_lid ident="response1" rcardinality="Single"><render_choice>
            <response_label ident="8001"><material><mattext texttype="text/plain">True</mattext></material></response_label>
            <response_label ident="8002"><material><mattext texttype="text/plain">False</mattext></material></response_label>
          </render_choice></response_lid>
        </presentation>
        <resprocessing>
          <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
          <respcondition continue="No"><conditionvar><varequal respident="response1">8001</varequal></conditionvar>
            <setvar action="Set" varname="SCORE">100</setvar></respcondition>
        </resprocessing>""")

CANVAS_ESSAY = item("g99", "essay_question", """
        <presentation>
          <material><mattext texttype="text/html">&lt;p&gt;Describe a safety plan.&lt;/p&gt;</mattext></material>
          <response_str ident="response1" rcardinality="Single"><render_fib><response_label ident="answer1" rshuffle="No"/></render_fib></response_str>
        </presentation>""")

CANVAS_MULTI = item("g98", "multiple_answers_question", f"""
        <presentation>{mattext("<p>Pick all that apply.</p>")}
          <response_lid ident="response1" rcardinality="Multiple"><render_choice>
            <response_label ident="1">{mattext("a")}</response_label><response_label ident="2">{mattext("b")}</response_label>
          </render_choice></response_lid></presentation>""")

CANVAS_NO_KEY = item("g97", "multiple_choice_question", f"""
        <presentation>{mattext("<p>Which one?</p>")}{choices(("1", "a"), ("2", "b"))}</presentation>
        <resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
          <respcondition continue="No"><conditionvar><varequal respident="response1">1</varequal></conditionvar>
            <setvar action="Set" varname="SCORE">0</setvar></respcondition></resprocessing>""")

NS = 'xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def quiz(*items: str, title: str = "Week 3 quiz") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop {NS}>\n'
            f'  <assessment ident="g0ab" title="{title}">\n'
            '    <qtimetadata><qtimetadatafield><fieldlabel>cc_maxattempts</fieldlabel><fieldentry>1</fieldentry>'
            '</qtimetadatafield></qtimetadata>\n'
            f'    <section ident="root_section">{"".join(items)}\n    </section>\n  </assessment>\n</questestinterop>\n')


def bank_doc(*items: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop {NS}>\n'
            '  <objectbank ident="gbank1"><qtimetadata><qtimetadatafield><fieldlabel>bank_title</fieldlabel>'
            '<fieldentry>Ethics bank</fieldentry></qtimetadatafield></qtimetadata>'
            f'{"".join(items)}\n  </objectbank>\n</questestinterop>\n')


MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="gman" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
  <metadata><schema>IMS Content</schema><schemaversion>1.1.3</schemaversion></metadata>
  <organizations/>
  <resources>
    <resource identifier="g0ab" type="imsqti_xmlv1p2">
      <file href="g0ab/g0ab.xml"/><dependency identifierref="g0ab-meta"/>
    </resource>
    <resource identifier="g0ab-meta" type="associatedcontent/imscc_xmlv1p1/learning-application-resource"
              href="g0ab/assessment_meta.xml"><file href="g0ab/assessment_meta.xml"/></resource>
    <resource identifier="gbank1" type="imsqti_xmlv1p2/imscc_xmlv1p1/question-bank">
      <file href="gbank1/gbank1.xml"/></resource>
    <resource identifier="gimg" type="webcontent" href="web_resources/Uploaded Media/week chart.png">
      <file href="web_resources/Uploaded Media/week chart.png"/></resource>
  </resources>
</manifest>
"""


@pytest.fixture
def canvas_zip(tmp_path) -> Path:
    return zip_with(tmp_path / "canvas-export.zip", {
        "imsmanifest.xml": MANIFEST.encode(),
        "g0ab/g0ab.xml": quiz(CANVAS_MC, CANVAS_TF, CANVAS_ESSAY, CANVAS_MULTI, CANVAS_NO_KEY).encode(),
        "g0ab/assessment_meta.xml": b"<quiz/>",
        # Canvas ships a second copy of each quiz that the manifest does not list as QTI.
        "non_cc_assessments/g0ab.xml.qti": quiz(CANVAS_MC).encode(),
        "gbank1/gbank1.xml": bank_doc(CANVAS_TF.replace('ident="g77aa"', 'ident="g77bb"')).encode(),
        "web_resources/Uploaded Media/week chart.png": PIXEL,
    })


def test_a_canvas_quiz_and_question_bank_import_with_feedback_and_media(canvas_zip):
    result = read(canvas_zip, ImportOptions())
    by_id = {i.data["id"]: i for i in result.items}
    assert sorted(by_id) == ["g5f1c0a8e", "g77aa", "g77bb"]  # the non_cc copy is not read twice
    mc = by_id["g5f1c0a8e"]
    assert mc.data == {
        "id": "g5f1c0a8e",
        "stem": "Which chart shows **weekly** sessions?\n\n![week chart.png](week_chart.png)",
        "options": [
            {"text": "The bar chart", "correct": True, "rationale": "Yes: one bar per week."},
            # its own feedback, then what every wrong answer is told
            {"text": "The pie chart", "rationale": "A pie shows shares, not weeks.\n\nLook for one mark per week."},
            {"text": "The table", "rationale": "Look for one mark per week."},
        ],
        "explanation": "Bars show counts per week.",
        "points": 2,
    }
    assert mc.media == {"week_chart.png": PIXEL}
    assert mc.folder == ("Week 3 quiz",)
    tf = by_id["g77aa"]
    assert tf.data["options"] == [{"text": "True", "correct": True}, {"text": "False"}]
    assert tf.data["stem"] == r"Supervision notes are \*always\* confidential (2\*3)."  # text/plain stays literal
    assert tf.data["explanation"] == ""  # Canvas had none: left empty for lint (QB105), not invented
    assert by_id["g77bb"].folder == ("Ethics bank",)


def test_each_question_qbank_cannot_hold_is_one_diagnostic_at_its_line(canvas_zip):
    result = read(canvas_zip, ImportOptions())
    found = sorted((d.code, d.message) for d in result.diagnostics)
    assert [c for c, _ in found] == ["QB012", "QB012", "QB013"]
    assert "essay_question" in found[0][1] + found[1][1] and "multiple_answers_question" in found[0][1] + found[1][1]
    assert "no key" in found[2][1]
    text = quiz(CANVAS_MC, CANVAS_TF, CANVAS_ESSAY, CANVAS_MULTI, CANVAS_NO_KEY).splitlines()
    for d in result.diagnostics:
        assert d.path == f"{canvas_zip}!g0ab/g0ab.xml"
        assert "<item " in text[d.line - 1]


def test_a_single_questestinterop_file_reads_without_a_package(tmp_path):
    path = tmp_path / "quiz.xml"
    path.write_text(quiz(CANVAS_TF, title="Loose file"), encoding="utf-8")
    result = read(path, ImportOptions())
    assert [i.data["id"] for i in result.items] == ["g77aa"] and result.diagnostics == []
    assert result.items[0].folder == ("Loose file",)
    assert "<item " in path.read_text().splitlines()[result.items[0].line - 1]


def test_malformed_xml_is_reported_at_its_line(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(quiz(CANVAS_TF).replace("</presentation>", "</presentaton>", 1), encoding="utf-8")
    result = read(path, ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"]
    bad_line = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if "</presentaton>" in line)
    assert result.diagnostics[0].line == bad_line


@pytest.mark.parametrize("prolog", [XXE, LAUGHS], ids=["external-entity", "entity-expansion"])
def test_entity_declarations_are_refused_at_their_line(tmp_path, prolog):
    path = tmp_path / "hostile.xml"
    path.write_bytes(prolog + quiz(CANVAS_TF).split("\n", 1)[1].encode())
    result = read(path, ImportOptions())
    assert result.items == [] and codes(result) == ["QB015"]
    assert "<!ENTITY" in path.read_text().splitlines()[result.diagnostics[0].line - 1]
    assert "entities" in result.diagnostics[0].message


def test_a_doctype_without_entities_is_read_and_its_dtd_never_loaded(tmp_path):
    path = tmp_path / "with-doctype.xml"
    text = quiz(CANVAS_TF).replace("<questestinterop", '<!DOCTYPE questestinterop SYSTEM "http://127.0.0.1:9/x.dtd">\n'
                                   "<questestinterop", 1)
    path.write_text(text, encoding="utf-8")
    result = read(path, ImportOptions())
    assert [i.data["id"] for i in result.items] == ["g77aa"] and result.diagnostics == []


@pytest.mark.parametrize("make", [traversal_zip, symlink_zip, bomb_zip])
def test_hostile_archives_are_refused_whole(tmp_path, make):
    result = read(make(tmp_path / "hostile.zip"), ImportOptions())
    assert result.items == [] and codes(result) == ["QB015"]


def test_a_member_larger_than_its_header_says_is_not_read_past_it(tmp_path):
    result = read(lying_zip(tmp_path / "lying.zip"), ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"]
    assert "'doc.xml' cannot be read" in result.diagnostics[0].message


def test_a_file_over_the_size_limit_is_refused(tmp_path, canvas_zip):
    result = read(canvas_zip, ImportOptions(max_bytes=1000))
    assert result.items == [] and codes(result) == ["QB015"]
    assert "1,000" in result.diagnostics[0].message


def test_a_zip_that_is_not_a_qti_package_says_so(tmp_path):
    result = read(zip_with(tmp_path / "other.zip", {"notes.txt": b"hello"}), ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"]
    assert "questestinterop" in result.diagnostics[0].message


def test_a_damaged_package_is_diagnostics_never_an_exception(tmp_path, canvas_zip):
    reported = 0
    for copy in cut_short(canvas_zip, tmp_path):
        result = read(copy, ImportOptions())
        assert all(d.code in ("QB012", "QB013", "QB015") and d.line >= 1 for d in result.diagnostics), copy.name
        reported += bool(result.diagnostics)
    assert reported  # the damage is said, not passed over


def test_tex_and_canvas_equation_images_become_tex_math(tmp_path):
    stem = ('<p>Solve \\(x_1 + y_2 = 3\\) for <img class="equation_image" title="y_2" alt="LaTeX: y_2" '
            'src="/equation_images/y_2" data-equation-content="y_2">, given \\[a^2 &lt; b_1\\].</p>')
    path = tmp_path / "math.xml"
    answers = choices(("1", "<p>\\(y_2 = 1\\)</p>"), ("2", "<p>none</p>"))
    path.write_text(quiz(item("gm1", "multiple_choice_question", f"""
        <presentation>{mattext(stem)}{answers}</presentation>
        <resprocessing><respcondition continue="No"><conditionvar><varequal respident="response1">1</varequal>
          </conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing>""")),
                    encoding="utf-8")
    (got,) = read(path, ImportOptions()).items
    assert got.data["stem"] == "Solve $x_1 + y_2 = 3$ for $y_2$, given $$a^2 < b_1$$."
    assert got.data["options"][0] == {"text": "$y_2 = 1$", "correct": True}


def blackboard_text(fragment: str) -> str:
    return (f'<flow_mat><material><mat_extension><mat_formattedtext type="HTML">{html.escape(fragment)}'
            '</mat_formattedtext></mat_extension></material></flow_mat>')


# As Blackboard writes a multiple-choice question: HTML in mat_extension, the key scored SCORE.max.
BLACKBOARD_MC = f"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop><assessment title="Syllabus Quiz"><section><item maxattempts="0">
  <itemmetadata><bbmd_questiontype>Multiple Choice</bbmd_questiontype></itemmetadata>
  <presentation><flow class="Block"><flow class="QUESTION_BLOCK">
    <flow class="FORMATTED_TEXT_BLOCK"><material><mat_extension><mat_formattedtext type="HTML">&lt;p&gt;What is the
      late policy?&lt;/p&gt;</mat_formattedtext></mat_extension></material></flow></flow>
    <flow class="RESPONSE_BLOCK"><response_lid ident="response" rcardinality="Single" rtiming="No">
      <render_choice shuffle="No">
        <flow_label class="Block"><response_label ident="a1">{blackboard_text("<p>None</p>")}</response_label></flow_label>
        <flow_label class="Block"><response_label ident="a2">{blackboard_text("<p>One week</p>")}</response_label></flow_label>
      </render_choice></response_lid></flow></flow></presentation>
  <resprocessing scoremodel="SumOfScores">
    <outcomes><decvar varname="SCORE" vartype="Decimal" defaultval="0" minvalue="0" maxvalue="10.0"/></outcomes>
    <respcondition title="correct"><conditionvar><varequal respident="response" case="No">a2</varequal></conditionvar>
      <setvar variablename="SCORE" action="Set">SCORE.max</setvar></respcondition>
    <respcondition title="incorrect"><conditionvar><other/></conditionvar>
      <setvar variablename="SCORE" action="Set">0</setvar></respcondition>
  </resprocessing>
</item></section></assessment></questestinterop>
"""


def test_a_blackboard_multiple_choice_question_reads_too(tmp_path):
    path = tmp_path / "bb.xml"
    path.write_text(BLACKBOARD_MC, encoding="utf-8")
    result = read(path, ImportOptions())
    assert result.diagnostics == []
    (got,) = result.items
    # the source's line break stays a (soft) line break; its indentation goes
    assert got.data == {"stem": "What is the\nlate policy?", "options": [{"text": "None"}, {"text": "One week", "correct": True}],
                        "shuffle": False, "explanation": ""}
    assert got.folder == ("Syllabus Quiz",)
