"""The HTML -> Markdown step every package reader shares: what a reader of the HTML sees is
what the Markdown shows, math stays TeX, and qbank's own HTML comes back as its Markdown."""

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
