"""`qbank lint --fix` edits prose only: never code (fenced, indented, inline), URLs, link and
image targets, raw HTML, the capitals of a link's text, or a joiner (U+200C/U+200D); and a
second run changes nothing. A property test over real-looking Markdown proves it, and each
case that once went wrong has a test of its own."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lintkit import lint, make
from test_spans import rendered

from qbank.fix import fix_text
from qbank.loader import load
from qbank.rules.base import RuleOptions

SAFE = {"QB203", "QB204", "QB311", "QB501"}  # every safe fix
STEM = "A client reports trouble sleeping since starting a new job. What should the worker explore first?"
OPTIONS = ["Recent changes in the client's daily routine", "Family history of psychiatric hospitalization",
           "Early childhood attachment patterns"]


def fixed(text: str) -> str:
    new, _ = fix_text(text, SAFE, RuleOptions(), unsafe=False)
    return new


def field(text: str, path: tuple) -> str:
    """The field at ``path`` as the test wrote it (without the line break `make`'s `|` adds)."""
    doc, _ = load("q.yaml", text.encode("utf-8"))
    value = doc.data
    for key in path:
        value = value[key]
    return value.removesuffix("\n")


# --- the property ----------------------------------------------------------------------------

PROSE = st.sampled_from([
    "The client says", "what should the worker do first", "NOT", "which is not", "the most likely",
    "“quoted”", '"straight"', "'single'", "don't", "a  doubled  space", "a space ,", "ends..", "why ??",
    "tab\there", "nbsp\u00a0here", "zero\u200bwidth", "👩\u200d⚕️ a doctor", "می\u200cخواهم",
    "stray wo\u200drd", "(open", "e.g.", "1.5 mg", "—", " trailing ", "x\u00a0:"])
CODE = st.sampled_from(["print('a' ,  \"b\")", "x  =  'y'", "a\u200db", "it's  “odd”", "if x :  return"])
URL = st.sampled_from(["http://x.org/a_b?q='c'", "https://y.org/d  e", "www.z.org/'f'"])
LINK = st.builds(lambda t, u: f"[{t}]({u})", st.sampled_from(["the first step", "Not  Alone", "don't"]),
                 st.sampled_from(["http://x.org/'a'", "<a  b.png>", 'x "a  title"', "y.png"]))
INLINE = st.one_of(PROSE, PROSE, PROSE, CODE.map(lambda c: f"`{c}`"), CODE.map(lambda c: f"`` {c} ``"), URL,
                   URL.map(lambda u: f"<{u.split()[0]}>"), LINK, LINK.map(lambda link: "!" + link),
                   st.just("<b class='x'>CO<sub>2</sub></b>"))
LINE = st.lists(INLINE, min_size=1, max_size=8).map(" ".join)
BLOCK = st.one_of(
    LINE, LINE, LINE,
    st.builds(lambda c, f: f"{f}\n{c}\n{f}", st.lists(CODE, min_size=1, max_size=3).map("\n".join),
              st.sampled_from(["```", "~~~", "```python"])),
    st.lists(CODE, min_size=1, max_size=3).map(lambda lines: "\n".join("    " + c for c in lines)),
    LINE.map(lambda t: "- " + t),
    st.builds(lambda u: f"[r]: {u.split()[0]} 'a  title'", URL),
)
MARKDOWN = st.lists(BLOCK, min_size=1, max_size=4).map("\n\n".join)


def scalar(text: str, literal: bool) -> str:
    if literal:
        return "|2-\n" + "\n".join("  " + line if line else "" for line in text.split("\n"))
    return json.dumps(text, ensure_ascii=False)


def question(stem: str, options: list[str], explanation: str, literal: bool) -> str:
    lines = [f"id: q-001", f"stem: {scalar(stem, literal)}", "options:"]
    for i, text in enumerate(options):
        lines.append(f"  - text: {scalar(text, False)}")
        lines.append("    correct: true" if i == 0 else f"    rationale: {scalar(text + ' is wrong here', False)}")
    lines.append(f"explanation: {scalar(explanation, literal)}")
    return "\n".join(lines) + "\n"


def protected(text: str) -> tuple:
    """What no fix may change in a field: code, image sources, link targets and URLs as
    markdown-it reads them, the letters' case in link text, and every joiner."""
    code, images, link_text = rendered(text)
    tokens = [(t.type, t.attrs.get("href")) for t in _inline_tokens(text) if t.type == "link_open"]
    urls = re.findall(r"https?://[^\s<>\]]+|www\.[^\s<>\]]+", text)
    letters = ["".join(c for c in words if c.isalpha()) for words in link_text]
    return code, images, tokens, urls, letters, [c for c in text if c in "\u200c\u200d"]


def _inline_tokens(text: str):
    from qbank.render import markdown

    for tok in markdown().parse(text):
        yield from tok.children or ()


def words(text: str) -> list[str]:
    """The words of ``text`` as a reader sees them (a zero-width space, which the fix deletes,
    does not split a word)."""
    return re.findall(r"\w+", text.casefold().replace("\u200b", ""))


@settings(max_examples=150, suppress_health_check=list(HealthCheck), deadline=None)
@given(stem=MARKDOWN, options=st.lists(LINE, min_size=3, max_size=4, unique=True), explanation=MARKDOWN,
       literal=st.booleans())
def test_fixes_change_only_prose_and_a_second_run_changes_nothing(stem, options, explanation, literal):
    before = question(stem + "\n\nWhat should the worker do first?", options, explanation, literal)
    after = fixed(before)
    assert fixed(after) == after  # idempotent
    old, _ = load("q.yaml", before.encode("utf-8"))
    new, diags = load("q.yaml", after.encode("utf-8"))
    assert not diags and old.data.keys() == new.data.keys() and old.data["id"] == new.data["id"]
    old_fields = [old.data["stem"], old.data["explanation"]] + [o["text"] for o in old.data["options"]]
    new_fields = [new.data["stem"], new.data["explanation"]] + [o["text"] for o in new.data["options"]]
    for a, b in zip(old_fields, new_fields):
        assert protected(a) == protected(b), (a, b)
        assert words(a) == words(b), (a, b)  # the same question: only spacing, marks and capitals move
    assert [o.get("correct") for o in old.data["options"]] == [o.get("correct") for o in new.data["options"]]


# --- each case ---------------------------------------------------------------------------------

CODE_BLOCK = "A client's script:\n\n    print('a' ,  \"b\")\n    x  =  1\n\nWhat should the  worker do FIRST?"


def test_typography_fix_leaves_an_indented_code_block_alone():
    after = fixed(make(CODE_BLOCK, OPTIONS))
    assert field(after, ("stem",)) == CODE_BLOCK.replace("the  worker", "the worker")


def test_typography_fix_leaves_fenced_code_and_code_spans_of_any_length_alone():
    stem = ("Given\n\n```python\nprint('a' ,  \"b\")\n```\n\n~~~\nx  = 'y'\n~~~\n\n"
            "and `f('a' ,  b)` or `` g(\"c\" ,  `d`) ``, what should the  worker do FIRST?")
    assert field(fixed(make(stem, OPTIONS)), ("stem",)) == stem.replace("the  worker", "the worker")


def test_typography_fix_leaves_urls_link_targets_and_html_alone():
    stem = ("See [the guide](http://x.org/a?q='b') , <https://y.org/'c'> , https://z.org/d?e='f' and "
            "<img src='e.png'> first. What should the worker do FIRST?\n\n[ref]: http://r.org/'x'  'Ti  tle'")
    want = stem.replace(") ,", "),").replace("> ,", ">,")
    assert field(fixed(make(stem, OPTIONS)), ("stem",)) == want


def test_joiners_in_emoji_sequences_and_persian_words_are_never_removed():
    stem = "The 👩\u200d⚕️ nurse and the family (می\u200cخواهم) agree. What should the worker do FIRST?"
    options = ["Ask about می\u200cخواهم", "Ask about میخواهم", "Early childhood attachment patterns"]
    after = fixed(make(stem, options))
    assert field(after, ("stem",)) == stem
    assert [field(after, ("options", i, "text")) for i in range(3)] == options  # the key stays distinct
    assert not [d for d in lint(make(stem, options), ["QB501"]) if "joiner" in d.message]


def test_a_stray_joiner_between_latin_letters_is_an_info_that_no_fix_removes():
    stem = "A client reports trouble sle\u200deping. What should the worker explore FIRST?"
    (d,) = lint(make(stem, OPTIONS), ["QB501"])
    assert "zero-width joiner" in d.message and d.severity.value == "info" and not d.fixable
    assert field(fixed(make(stem, OPTIONS)), ("stem",)) == stem


def test_capitals_are_never_changed_inside_link_text_or_code():
    stem = ("A client reports trouble sleeping. What should the worker read [first](http://x.org/guide) "
            "about `not` sleeping?")
    found = lint(make(stem, OPTIONS), ["QB203", "QB204"])
    assert [(d.code, d.fixable) for d in found] == [("QB204", False)]  # `not` is code: not a negative
    assert field(fixed(make(stem, OPTIONS)), ("stem",)) == stem


def test_capitals_outside_links_are_still_fixed():
    stem = "A client reports trouble sleeping. Which step is not [in the guide](http://x.org) first?"
    assert field(fixed(make(stem, OPTIONS)), ("stem",)) == stem.replace("is not", "is NOT").replace(
        ") first", ") FIRST")


def test_a_second_fix_run_over_a_bank_changes_nothing(cli, bank):
    for i, stem in enumerate([CODE_BLOCK, STEM.replace("worker", "worker  "),
                              "Which is  not right , “he said\"? What first??"]):
        (bank / f"q{i}.yaml").write_text(make(stem, OPTIONS, id=f"q-{i}"), encoding="utf-8")
    cli("lint", "--fix", "--no-cache", str(bank))
    first = {p.name: p.read_bytes() for p in bank.glob("*.yaml")}
    cli("lint", "--fix", "--no-cache", str(bank))
    assert {p.name: p.read_bytes() for p in bank.glob("*.yaml")} == first
