"""textkit.spans finds code, URLs, link text, images and raw HTML where the exporters'
CommonMark (markdown-it) finds them, on generated Markdown and on the cases that matter."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.common.utils import unescapeAll

from qbank.render import markdown
from qbank.textkit.markup import mask
from qbank.textkit.spans import attempt, image_sources, layout

WORDS = ["client", "first", "NOT", "the", "a", "worker's", "“quoted”", "x", "1.5", "mg", "—", "don't", "e.g.",
         "ok,", "why?", "\u200d", "👩\u200d⚕️", "می\u200cخواهم", "  ", "(", ")", "[", "]", "!", "`", "``", "*", "_",
         "<", ">", "\\", "http://x.org/a_b", "www.x.org", "~", "#", "|"]
DESTINATIONS = ["http://x.y/a", "a b.png", "img/c.png", "<my chart.png>", "a(b)c", 'x "t"', "", "a%20b.png",
                "javascript:x", "(a", "a)b"]
IMAGES = ["img/a.png", "img/my chart.png", "<img/my chart.png>", "a(1).png", "a.png 'title'", 'a.png "t"',
          "x\\)y.png", "&amp;.png", "ä.png"]


def _inline() -> st.SearchStrategy[str]:
    text = st.text("ab first '\" ,.(", max_size=8)
    return st.one_of(
        st.sampled_from(WORDS),
        text.map(lambda a: f"`{a}`"),
        st.text("ab `'\" ", max_size=8).map(lambda a: f"``{a}``"),
        st.builds(lambda t, u: f"[{t}]({u})", text, st.sampled_from(DESTINATIONS)),
        st.builds(lambda t, u: f"![{t}]({u})", st.text("ab ", max_size=5), st.sampled_from(IMAGES)),
        st.sampled_from(["http://a.b/c", "b", "sub", "/sub", "img src=x.png", "a@b.co", "!-- c --"]).map(
            lambda t: f"<{t}>"),
        st.builds(lambda t, r: f"[{t}][{r}]", st.sampled_from(["a", "b c", "first"]),
                  st.sampled_from(["r", "R", "", "q"])),
        st.sampled_from(["r", "a [b] c", "![x](y.png)", "[x](y)"]).map(lambda t: f"[{t}]"),
        st.builds(lambda t, u, v: f"[{t} [{u}]({v}) x]({v})", st.sampled_from(["a", "b"]),
                  st.sampled_from(["c", "d"]), st.sampled_from(["u", "<v w>", "x 't'"])),
    )


LINE = st.lists(_inline(), min_size=1, max_size=10).map(" ".join)
LINES = st.lists(LINE, min_size=1, max_size=3).map("\n".join)
BLOCK = st.one_of(
    LINE, LINES,
    st.builds(lambda c, f: f"{f}\n{c}\n{f}", LINES, st.sampled_from(["```", "~~~", "````"])),
    LINES.map(lambda t: "\n".join("    " + line for line in t.split("\n"))),
    LINE.map(lambda t: "- " + t), LINE.map(lambda t: "> " + t), LINE.map(lambda t: "1. " + t),
    st.builds(lambda a, b: f"- {a}\n\n      {b}\n  {a}", LINE, LINE),
    st.builds(lambda a, b: f"- ```\n  {b}\n  ```\n{a}", LINE, LINE),
    st.builds(lambda a, b: f"- {a}\n  - {a}\n\n        {b}", LINE, LINE),
    LINE.map(lambda t: f'[r]: http://r.x/{t[:3]} "t"'),
    st.just("[q]:\n  <q q.png>"),
    LINE.map(lambda t: f"| a | {t} |\n|---|---|\n| `x` y | ![i](t.png) |"),
    LINE.map(lambda t: "\t" + t), LINE.map(lambda t: f"# {t}\n    code"),
)
MARKDOWN = st.lists(BLOCK, min_size=1, max_size=5).map("\n\n".join)


def rendered(text: str) -> tuple[list[str], list[str], list[str]]:
    """What markdown-it makes of ``text``: the contents of its code, its images' sources, the
    text inside its links."""
    code, images, link_text = [], [], []
    for tok in markdown().parse(text):
        if tok.type in ("fence", "code_block"):
            code.append(tok.content)
        depth = 0
        for child in tok.children or ():
            if child.type == "code_inline":
                code.append(child.content)
            elif child.type == "image":
                images.append(child.attrs["src"])
            elif child.type in ("link_open", "link_close"):
                depth += 1 if child.type == "link_open" else -1
            elif child.type == "text" and depth and child.content.strip():
                link_text.append(child.content)
    return code, images, link_text


def squeeze(s: str) -> str:
    return "".join(s.split())


def code_texts(text: str, spans: list[tuple[int, int]]) -> str:
    """The covered text, raw and as code span contents (backticks off, lines joined)."""
    out = []
    for s, e in spans:
        t = text[s:e]
        out.append(t)
        n = len(t) - len(t.lstrip("`"))
        if n and t.endswith("`" * n):
            out.append(t[n:len(t) - n].replace("\n", " "))
    return squeeze("\x00".join(out))


@settings(max_examples=400, suppress_health_check=list(HealthCheck), deadline=None)
@given(MARKDOWN)
def test_spans_cover_what_commonmark_reads_as_code_images_and_links(text):
    code, images, link_text = rendered(text)
    found = layout(text)
    covered = code_texts(text, found.covered())
    for block in code:
        for line in block.split("\n"):
            assert squeeze(line) in covered, (text, line)
    assert image_sources(text) == images
    linked = squeeze("\x00".join(unescapeAll(text[s:e]) for s, e in found.link_text + found.urls))
    for words in link_text:
        assert squeeze(words) in linked, (text, words)


def covered_text(text: str, **kind: bool) -> list[str]:
    found = layout(text)
    return [text[s:e] for s, e in (found.covered(**kind))]


def test_code_of_every_kind_is_covered():
    text = ("Run `print('a' ,  \"b\")` or ``a ` b`` first.\n\n    x  =  'y'\n\n```py\nz  = \"w\"\n```\n\n"
            "~~~\nq  'r'\n~~~\n")
    assert covered_text(text) == ["`print('a' ,  \"b\")`", "``a ` b``", "    x  =  'y'\n",
                                  "```py\nz  = \"w\"\n```\n", "~~~\nq  'r'\n~~~\n"]


def test_a_code_span_needs_a_closing_run_of_the_same_length():
    assert covered_text("a `` b ` c") == []
    assert covered_text("a ``` b ``` c ` d") == ["``` b ```"]


def test_urls_of_every_kind_are_covered_and_link_text_is_prose():
    text = ('See [the FIRST step](http://x.org/a?q="b") and <https://y.org/c> or https://z.org/d?e="f".\n\n'
            '[ref]: http://r.org/x  "Title"\n')
    assert covered_text(text) == ['(http://x.org/a?q="b")', "<https://y.org/c>", 'https://z.org/d?e="f"',
                                  '[ref]: http://r.org/x  "Title"']
    assert "the FIRST step" in covered_text(text, link_text=True)
    assert "[the FIRST step]" in mask(text)  # link text stays prose for the rules that read it


def test_images_and_html_are_covered():
    assert covered_text('A ![chart](img/a b.png) and ![ECG](<img/my chart.png>) in CO<sub>2</sub>') == [
        "![ECG](<img/my chart.png>)", "<sub>", "</sub>"]


def test_an_image_commonmark_cannot_read_is_an_attempt_with_its_reason():
    text = "See ![ECG](img/my chart.png) and [x](a(b) and ![y](z.png"
    found = [attempt(text, *a) for a in layout(text).attempts]
    assert [(a.image, a.text, a.dest, a.why) for a in found] == [
        (True, "ECG", "img/my chart.png", "space"), (False, "x", "a(b", "parentheses"),
        (True, "y", "z.png", "parentheses")]


def test_image_sources_are_those_markdown_it_gives():
    text = "![a](img/my%20chart.png) ![b](<img/my chart.png>) ![c](ä.png) ![d](javascript:x) ![e][r]\n\n[r]: r.png"
    assert image_sources(text) == ["img/my%20chart.png", "img/my%20chart.png", "%C3%A4.png", "r.png"]
