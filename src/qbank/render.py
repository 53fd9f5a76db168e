"""Markdown to HTML, once per text, the same way for every exporter.

CommonMark via markdown-it-py with raw HTML disabled: `<script>` in a question is shown
as text, never run, in Anki, an LMS or a spreadsheet preview.

Nesting is bounded: markdown-it stops nesting blocks at ``maxNesting`` (20) levels, but
emphasis, strikethrough and links can nest as deep as their markers go (`****...x...****`
gives one `<strong>`/`<em>` per pair). Past 256 levels XML parsers refuse the document (QTI
packages would not import) and HTML parsers drop what is inside, so inline markup deeper
than ``maxNesting`` is left out; its text stays.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

if TYPE_CHECKING:
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token


def commonmark() -> MarkdownIt:
    """A new instance of the renderer every exporter uses (the site adds the math plugins to one)."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
    md.core.ruler.push("bound_inline_nesting", _bound_inline_nesting)
    return md


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    return commonmark()


def to_html(text: str) -> str:
    return markdown().render(text or "").strip()


def _bound_inline_nesting(state: StateCore) -> None:
    limit = state.md.options["maxNesting"]
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = bounded(token.children, limit)


def bounded(children: list[Token], limit: int) -> list[Token]:
    """``children`` without the open/close pairs nested deeper than ``limit`` (the tokens
    between them are kept). Inline tokens are always properly nested."""
    out: list[Token] = []
    kept: list[bool] = []   # for each open pair: was its opening token kept?
    depth = 0
    for token in children:
        if token.nesting == 1:
            kept.append(depth < limit)
            if kept[-1]:
                depth += 1
                out.append(token)
        elif token.nesting == -1:
            if kept.pop():
                depth -= 1
                out.append(token)
        else:
            out.append(token)
    return out
