"""The HTML -> Markdown step every reader shares (Moodle XML, GIFT, Canvas, QTI 2.1, Anki): what
a reader of the HTML sees is what the Markdown shows, math stays TeX, and qbank's own HTML comes
back as its Markdown."""

from __future__ import annotations

import pytest
from lxml import html as lhtml

from qbank.importers.markup import html_to_markdown, mathml_tex
from qbank.render import to_html


def words(fragment: str) -> list[str]:
    """The words a reader sees (each element's text apart: paragraphs do not run together)."""
    if not fragment.strip():
        return []
    return " ".join(lhtml.fragment_fromstring(fragment, create_parent="div").itertext()).split()


@pytest.mark.parametrize("fragment", [
    "<p>1. Not a list, a year: 1999.</p>",
    "<p># 3 is a number, not a heading</p>",
    "<p>- a minus, &gt; a quote mark</p><p>+ plus</p>",
    "<p>2 * 3 * 4 and a_b_c and [brackets](not a link)</p>",
    "<div><p>Look: <b>bold</b> and <i>italic</i></p></div>",
])
def test_text_that_looks_like_markdown_stays_text(fragment):
    markdown = html_to_markdown(fragment)
    assert words(to_html(markdown)) == words(fragment), markdown


@pytest.mark.parametrize("markdown", [
    "Plain words, a comma; and a question?",
    "Some *emphasis*, some **strong** and `code`.\n\nA second paragraph.",
    "- one\n- two\n\nAfter the list.",
    "A [link](https://example.org/x) and ![an image](chart.png).",
    "```python\nx = 1 < 2\n```",
    "> A quote.",
    "Math stays: $x_{1} = 2$ and $$a^2$$.",
])
def test_qbanks_own_html_comes_back_as_its_markdown(markdown):
    assert html_to_markdown(to_html(markdown)) == markdown


def test_lms_math_becomes_qbanks_tex():
    assert html_to_markdown(r"<p>\(a_1 &lt; b\) and \[c^2\]</p>") == "$a_1 < b$ and $$c^2$$"
    math = lhtml.fragment_fromstring('<math><mfrac><mi>a</mi><msqrt><mn>2</mn></msqrt></mfrac></math>')
    assert mathml_tex(math) == r"$\frac{a}{\sqrt{2}}$"


def test_lms_html_qbank_never_writes_keeps_its_text_with_no_needless_escape():
    fragment = '<p dir="ltr">2 * 3 and snake_case and *not emphasis*</p>'
    markdown = html_to_markdown(fragment)
    assert words(to_html(markdown)) == words(fragment) and "<em>" not in to_html(markdown)
    assert "snake_case" in markdown  # an underscore inside a word is never emphasis: left bare


def test_a_line_break_keeps_its_line_without_the_indentation_after_it():
    assert html_to_markdown("<p>line one<br>\n   line two</p>") == "line one  \nline two"
    assert html_to_markdown("<p>nothing after it<br></p>") == "nothing after it"


def test_tex_from_any_lms_becomes_qbanks_math_with_its_spacing_collapsed():
    assert html_to_markdown('<p dir="ltr">Solve \\[ a  +\n b \\] for \\( a_1 \\).</p>') == "Solve $$a + b$$ for $a_1$."


def test_images_point_where_the_reader_puts_their_files():
    fragment = '<p>See <img src="my chart.png" alt="chart"></p>'
    assert html_to_markdown(fragment) == "See ![chart](<my chart.png>)"  # a space needs <...>
    assert html_to_markdown(fragment, lambda src: src.replace(" ", "_")) == "See ![chart](my_chart.png)"
