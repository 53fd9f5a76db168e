"""Markup the exports show as typed (QB502): raw HTML, links and images CommonMark cannot
read, Pandoc's `~sub~` and `^sup^`."""

from __future__ import annotations

from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.unrendered import Problem, unrendered
from .base import ItemContext, Option, Rule

# "every export": the Anki and QTI ones, which render; the plain CSV is the source as written.
_SAID = {
    "image": "is not an image to CommonMark: every export shows this text and no picture",
    "link": "is not a link to CommonMark: every export shows it as typed",
    "html": "is raw HTML, which every export shows as typed (their Markdown has raw HTML off)",
    "comment": "is an HTML comment, which every export shows as typed",
    "pandoc": "is shown as typed in every export",
}


class UnrenderedMarkup(Rule):
    """Markup every export shows as typed: raw HTML, an unreadable link or image, `~sub~`.

    What it flags:
        In the stem, options, rationales and explanation (code excluded): an image or link
        that CommonMark cannot read, such as `![ECG](img/my chart.png)` (a space in the
        path) or a destination with unbalanced parentheses (error for an image, warning for
        a link); raw HTML elements such as `CO<sub>2</sub>`, `<b>`, `<br>` or
        `<img src=...>`, and HTML comments (warning); Pandoc's `H~2~O` and `x^2^`, which
        CommonMark does not have (warning). Each message gives the Markdown that shows what
        was meant: the path in angle brackets or with `%20`, `**bold**`, a Markdown image or
        link, Unicode sub- and superscripts (CO₂, x²), a YAML comment. A `<name>` that is not
        an HTML element (`<filename>`) is a placeholder meant to be seen, and an element
        named without its closing tag ("the HTML <script> tag"; `<br>` and other void
        elements aside) is a mention: neither is flagged, nor are the elements a bank lists
        in `literal-html-tags`.
    Why:
        A house rule from the exports: the Anki and QTI exports render every field with
        CommonMark and raw HTML off (so nothing in a question can run or restyle a page), so
        these are shown to candidates as the characters typed (the plain CSV carries the
        Markdown as written). An image that is not read is an error:
        the picture is missing from every export, and an item that shows an ECG usually
        cannot be answered without it. The rest leaves the item readable but garbled, so it is
        a warning. Raw HTML is not allowed through, even a "safe" list of it, because QTI
        and Anki sanitise it differently; Markdown says the same thing in every target.
    Fails:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job, which
          involves exposure to CO<sub>2</sub>. What should the social worker explore FIRST?
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job, which
          involves exposure to CO₂. What should the social worker explore FIRST?
        ```
    Fix:
        Write what the message suggests: `![ECG](<img/my chart.png>)` or
        `![ECG](img/my%20chart.png)`; Markdown for HTML (`**bold**`, `*italics*`, a `\\`
        line break, `![alt](src)`, `[text](url)`); Unicode characters for sub- and
        superscripts; a YAML comment for a note to authors. To show a tag itself, put it in
        a code span (`` `<b>` ``). A bank that writes some element names on purpose as text
        lists them in `literal-html-tags`. There is no automatic fix: which of these the
        author meant is theirs to say.
    """

    code = "QB502"
    name = "unrendered-markup"
    severity = Severity.WARNING
    needs = frozenset()  # the text of each field, whatever else the item lacks
    options = (Option("literal-html-tags", list[str], (),
                      "HTML element names written on purpose to be seen as text (a web course's "
                      "`<div>`), which the rule does not report.",
                      convert=lambda tags: frozenset(t.lower() for t in tags)),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        literal = ctx.options.literal_html_tags
        for path, text in facts(ctx).fields:
            groups: dict[tuple[str, str], list[Problem]] = {}
            for p in unrendered(text, literal):
                groups.setdefault((p.kind, p.name), []).append(p)
            for (kind, _name), found in groups.items():
                first = found[0]
                more = f" ({len(found)} in this field; the first is here)" if len(found) > 1 else ""
                hint = "; to show the tag itself, put it in a code span" if kind == "html" else ""
                yield self.diagnostic(ctx, path, f"{first.written} {_SAID[kind]}{more}; write {first.advice}{hint}",
                                      Severity.ERROR if kind == "image" else Severity.WARNING, offset=first.start)
