"""Markdown to HTML, once per text, the same way for every exporter.

CommonMark via markdown-it-py with raw HTML disabled: `<script>` in a question is shown
as text, never run, in Anki, an LMS or a spreadsheet preview.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def to_html(text: str) -> str:
    return markdown().render(text or "").strip()
