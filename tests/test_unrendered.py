"""QB502: lint flags what every export would show as typed (issue 10 point 10): an image
CommonMark cannot read though its file exists, raw HTML, Pandoc sub/superscripts; and it says
what to write instead, which then renders."""

from __future__ import annotations

from lintkit import lint, make

from qbank.render import markdown
from qbank.rules.base import RuleOptions

OPTIONS = ["Recent changes in the client's daily routine", "Family history of psychiatric hospitalization",
           "Early childhood attachment patterns"]
LEAD = " What should the worker explore FIRST?"


def found(stem: str, options: RuleOptions | None = None) -> list:
    return lint(make(stem + LEAD, OPTIONS), ["QB502"], options)


def test_an_image_with_a_space_in_its_path_is_an_error_whose_message_gives_both_fixes(cli, bank):
    (bank / "img").mkdir()
    (bank / "img" / "my chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (bank / "q.yaml").write_text(make("The ECG:\n\n![ECG](img/my chart.png)\n\nWhat should the worker do FIRST?",
                                      OPTIONS), encoding="utf-8")
    result = cli("lint", "--no-cache", "--select", "QB502", str(bank))
    assert result.exit_code == 1 and "QB502" in result.output and "Found 1 error in 1 file" in result.output
    assert "![ECG](<img/my chart.png>)" in result.output and "![ECG](img/my%20chart.png)" in result.output
    for fixed in ("![ECG](<img/my chart.png>)", "![ECG](img/my%20chart.png)"):
        (bank / "q.yaml").write_text(make(f"The ECG:\n\n{fixed}\n\nWhat should the worker do FIRST?", OPTIONS),
                                     encoding="utf-8")
        result = cli("lint", "--no-cache", "--select", "QB502", str(bank))
        assert result.exit_code == 0, result.output  # and QB006 found the file
        assert '<img src="img/my%20chart.png"' in markdown().render(fixed)


def test_a_link_whose_destination_has_a_space_is_a_warning():
    (d,) = found("See [the guide](docs/sleep guide.html).")
    assert d.severity.value == "warning" and "[the guide](<docs/sleep guide.html>)" in d.message


def test_raw_html_subscripts_suggest_the_unicode_characters():
    (d,) = found("The client works with CO<sub>2</sub> and x<sup>2</sup> daily.")[:1]
    assert "raw HTML" in d.message and "CO" not in d.message.split("write")[1] and "₂" in d.message
    messages = [d.message for d in found("The client works with CO<sub>2</sub> and x<sup>2</sup> daily.")]
    assert any("²" in m for m in messages) and len(messages) == 2


def test_raw_html_elements_suggest_their_markdown():
    by_tag = {"<b>tired</b>": "**tired**", "<i>new</i>": "*new*", "line<br>break": "`\\`",
              '<img src="ecg.png" alt="ECG">': "![ECG](ecg.png)", '<a href="http://x.org">the guide</a>':
              "[the guide](http://x.org)", "<!-- check this -->": "YAML comment"}
    for html, markdown_ in by_tag.items():
        (d,) = found(f"The client is {html} today.")
        assert markdown_ in d.message, (html, d.message)


def test_pandoc_sub_and_superscripts_are_not_commonmark():
    messages = [d.message for d in found("The client drinks H~2~O and computes 2^10^ daily.")]
    assert len(messages) == 2 and "H₂O" not in messages[0] and "₂" in messages[0] and "¹⁰" in messages[1]


def test_repeated_tags_are_one_finding_per_field():
    (d,) = found("One<br>two<br>three<br>four.")
    assert "3 in this field" in d.message


def test_code_placeholders_strikethrough_and_readable_markup_are_not_flagged():
    assert found("Run `<b>` and\n\n    <img src=x>\n\nwith <filename> and ~~old~~ and ![ok](<a b.png>) "
                 "and [ok](a%20b.html) and x < y > z and ~5 mg.") == []


def test_an_element_named_in_prose_is_a_mention_but_a_closed_or_void_one_is_markup():
    assert found("The client asks about the HTML <script> tag and the <div> element.") == []
    assert len(found("The client pasted <script>alert(1)</script> and <hr> here.")) == 2


def test_tags_a_bank_writes_as_text_on_purpose_are_not_flagged():
    options = RuleOptions(literal_html_tags=frozenset({"div"}))
    assert found("Which element is <div>a</div> in this layout?", options) == []
    assert found("Which element is <span>a</span> in this layout?", options)


def test_an_item_with_validation_errors_still_gets_its_unrendered_markup_reported(cli, bank):
    text = make("The ECG: ![ECG](img/my chart.png)" + LEAD, OPTIONS).replace("    correct: true\n", "")
    (bank / "q.yaml").write_text(text, encoding="utf-8")
    result = cli("lint", "--no-cache", str(bank))
    assert "QB101" in result.output and "QB502" in result.output  # no key, and the image
