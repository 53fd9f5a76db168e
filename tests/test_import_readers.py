"""The Moodle XML, GIFT and Aiken readers on files written the way Moodle writes them."""

from __future__ import annotations

import base64
from pathlib import Path

from qbank.importers import reader
from qbank.importers.base import ImportOptions
from qbank.render import to_html

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


def read(fmt: str, tmp_path: Path, text: str, name: str = "in.txt", **options):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return reader(fmt)(path, ImportOptions(**options))


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def codes(result) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in result.diagnostics]


MOODLE = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Default for PSY101/Week 1//2: Memory</text>
    </category>
  </question>
  <question type="multichoice">
    <name><text>Memory span</text></name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr">How many items fit in <strong>short-term</strong> memory? <img src="@@PLUGINFILE@@/span%20chart.png" alt="chart"></p>]]></text>
      <file name="span chart.png" path="/" encoding="base64">{base64.b64encode(PNG).decode()}</file>
    </questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Miller (1956): \\(7 \\pm 2\\).</p>]]></text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>PSY-MEM-1</idnumber>
    <single>true</single>
    <shuffleanswers>false</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html"><text>Seven, give or take two</text>
      <feedback format="html"><text>Right: the magical number.</text></feedback></answer>
    <answer fraction="0" format="html"><text>Twenty</text>
      <feedback format="html"><text><![CDATA[<p>Far too many.</p>]]></text></feedback></answer>
    <answer fraction="-33.33333" format="html"><text>One</text><feedback format="html"><text></text></feedback></answer>
    <tags><tag><text>memory</text></tag><tag><text>week 1</text></tag></tags>
  </question>
  <question type="truefalse">
    <name><text>TF 1</text></name>
    <questiontext format="moodle_auto_format"><text>The hippocampus is in the temporal lobe.</text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <answer fraction="100" format="moodle_auto_format"><text>true</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text><feedback><text>It is.</text></feedback></answer>
  </question>
  <question type="essay">
    <name><text>Essay</text></name>
    <questiontext format="html"><text>Discuss.</text></questiontext>
  </question>
  <question type="multichoice">
    <name><text>Several</text></name>
    <questiontext format="html"><text>Pick two.</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>a</text></answer><answer fraction="50"><text>b</text></answer>
  </question>
  <question type="multichoice">
    <name><text>No key</text></name>
    <questiontext format="html"><text>Which?</text></questiontext>
    <single>true</single>
    <answer fraction="0"><text>a</text></answer><answer fraction="0"><text>b</text></answer>
  </question>
</quiz>
"""


def test_moodle_xml_as_moodle_writes_it(tmp_path):
    result = read("moodle", tmp_path, MOODLE, "quiz.xml")
    first, tf = result.items
    assert first.folder == ("Week 1/2: Memory",)
    assert first.line == line_of(MOODLE, '<question type="multichoice">')
    assert first.data == {
        "id": "PSY-MEM-1",
        "stem": "How many items fit in **short-term** memory? ![chart](span_chart.png)",
        "options": [{"text": "Seven, give or take two", "correct": True, "rationale": "Right: the magical number."},
                    {"text": "Twenty", "rationale": "Far too many."},
                    {"text": "One"}],
        "shuffle": False,
        "explanation": "Miller (1956): $7 \\pm 2$.",
        "tags": ["memory", "week 1"],
        "points": 2,
        "topic": "Week 1/2: Memory",
    }
    assert first.media == {"span_chart.png": PNG}
    assert tf.data["options"] == [{"text": "True", "correct": True, "rationale": "Yes."},
                                  {"text": "False", "rationale": "It is."}]
    assert tf.data["explanation"] == "" and tf.data["id"] == "TF 1"
    assert [(d.code, d.line) for d in result.diagnostics] == [
        ("QB012", line_of(MOODLE, '<question type="essay">')), ("QB012", line_of(MOODLE, "<name><text>Several") - 1),
        ("QB013", line_of(MOODLE, "<name><text>No key") - 1)]
    assert "essay" in result.diagnostics[0].message and "several correct" in result.diagnostics[1].message
    assert "no key" in result.diagnostics[2].message


def test_moodle_xml_that_does_not_parse_is_reported_at_its_line(tmp_path):
    result = read("moodle", tmp_path, "<quiz>\n<question type='multichoice'>\n<name>\n</quiz>\n", "bad.xml")
    [d] = result.diagnostics
    assert d.code == "QB013" and d.line == 4 and not result.items


def test_xml_with_entities_is_refused_without_reading_them(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", "utf-8")
    xxe = (f'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY x SYSTEM "file://{secret}">]>\n'
           '<quiz><question type="multichoice"><questiontext><text>&x;</text></questiontext></question></quiz>\n')
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
              + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
                        for i in range(1, 10))
              + ']>\n<quiz><question type="category"><category><text>&lol9;</text></category></question></quiz>\n')
    for text in (xxe, laughs):
        result = read("moodle", tmp_path, text, "evil.xml")
        assert [d.code for d in result.diagnostics] == ["QB015"] and not result.items
        [problem] = result.diagnostics  # at the first entity declaration (the policy every reader shares)
        assert "<!ENTITY" in text.splitlines()[problem.line - 1]


def test_moodle_xml_with_a_bare_doctype_is_read_as_qti_files_with_one_are(tmp_path):
    plain = read("moodle", tmp_path, MOODLE, "quiz.xml")
    text = MOODLE.replace("<quiz>", '<!DOCTYPE quiz SYSTEM "http://127.0.0.1:9/quiz.dtd">\n<quiz>', 1)
    assert text != MOODLE
    result = read("moodle", tmp_path, text, "doctype.xml")
    assert [d.code for d in result.diagnostics] == [d.code for d in plain.diagnostics]
    assert [i.data for i in result.items] == [i.data for i in plain.items] and result.items


def test_a_question_about_xml_that_quotes_an_entity_declaration_is_imported(tmp_path):
    quoted = '<feedback format="plain_text"><text><![CDATA[Why refuse <!ENTITY x SYSTEM "file:///etc/passwd">?]]>'
    text = MOODLE.replace('<feedback format="html"><text><![CDATA[<p>Far too many.</p>]]>', quoted, 1)
    assert quoted in text
    result = read("moodle", tmp_path, text, "xml-security.xml")
    assert not [d for d in result.diagnostics if d.code == "QB015"]
    [memory] = [i for i in result.items if i.data["id"] == "PSY-MEM-1"]
    assert to_html(memory.data["options"][1]["rationale"]) == '<p>Why refuse &lt;!ENTITY x SYSTEM &quot;file:///etc/passwd&quot;&gt;?</p>'


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    result = read("moodle", tmp_path, MOODLE, "quiz.xml", max_bytes=100)
    assert [d.code for d in result.diagnostics] == ["QB015"] and "limit" in result.diagnostics[0].message


GIFT = r"""// a comment line
$CATEGORY: $course$/top/Default for PSY101/Perception

::Colour 1::[html]<p>Which colour has the <em>longest</em> wavelength\: red or blue?</p>{
	=red#Yes\: about 700 nm.
	~blue#No\, blue is short \= 450 nm.
	~%-50%green
	####<p>Red is at the long end.</p>
}

::TF::The retina has rods. {T#Wrong\: it does.#Right.}

What is 2+2? {#4}

Match these. {=a -> 1 =b -> 2}

::SA::Name a color. {=red =blue}

::Partial::Pick {~%50%a ~%50%b ~c}

The capital of France is {=Paris ~Lyon ~Nice} in Europe.

Unclosed {=a ~b

::Cloze::Pick {1:MC:~=a~b} and {1:SA:=c}.

::Tilde equals::Would you like {~=some~a few} rice?
"""


def test_gift_as_moodle_reads_it(tmp_path):
    result = read("gift", tmp_path, GIFT, "q.gift")
    colour, tf, blank, tilde = result.items
    assert colour.line == 4 and colour.folder == ("Perception",)
    assert colour.data == {
        "id": "Colour 1",
        "stem": "Which colour has the *longest* wavelength: red or blue?",
        "options": [{"text": "red", "correct": True, "rationale": "Yes: about 700 nm."},
                    {"text": "blue", "rationale": "No\\\\, blue is short \\= 450 nm."},
                    {"text": "green"}],
        "explanation": "Red is at the long end.",
        "topic": "Perception",
    }
    # `\,` is no GIFT escape: Moodle shows the backslash, and so does the bank's Markdown
    assert to_html(colour.data["options"][1]["rationale"]) == "<p>No\\, blue is short = 450 nm.</p>"
    assert tf.data["options"] == [{"text": "True", "correct": True, "rationale": "Right."},
                                  {"text": "False", "rationale": "Wrong: it does."}]
    assert blank.data["stem"] == "The capital of France is _____ in Europe."
    assert tilde.data["options"] == [{"text": "some", "correct": True}, {"text": "a few"}]
    assert codes(result) == [("QB012", 13), ("QB012", 15), ("QB012", 17), ("QB012", 19), ("QB013", 23), ("QB012", 25)]
    assert [m for d in result.diagnostics for m in ("numerical", "matching", "short-answer", "partial", "closed", "cloze")
            if m in d.message] == ["numerical", "matching", "short-answer", "partial", "closed", "cloze"]


AIKEN = """Which organ pumps blood?
A) The heart
B. The liver
C) The lungs
ANSWER: A

A question with a bad answer
A) one
B) two
ANSWER: E

Is this finished?
A) Yes
B) No
"""


def test_aiken_as_moodle_reads_it(tmp_path):
    result = read("aiken", tmp_path, AIKEN, "q.txt")
    [q] = result.items
    assert q.data == {"stem": "Which organ pumps blood?",
                      "options": [{"text": "The heart", "correct": True}, {"text": "The liver"}, {"text": "The lungs"}],
                      "explanation": ""}
    assert codes(result) == [("QB013", 7), ("QB013", 12)]


def test_an_image_inside_the_html_becomes_a_media_file(tmp_path):
    data = base64.b64encode(PNG).decode()
    xml = (f'<quiz><question type="multichoice"><name><text>img</text></name><questiontext format="html"><text>'
           f'<![CDATA[<p>Which? <img src="data:image/png;base64,{data}" alt="dot"></p>]]></text></questiontext>'
           '<answer fraction="100"><text>a</text></answer><answer fraction="0"><text>b</text></answer>'
           '</question></quiz>')
    [q] = read("moodle", tmp_path, xml, "img.xml").items
    [(name, blob)] = q.media.items()
    assert blob == PNG and q.data["stem"] == f"Which? ![dot]({name})" and name.endswith(".png")
