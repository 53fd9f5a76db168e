"""One item as the site shows it: the question, where it is, what lint found, and its parts of
the site as made where it was rendered (UTF-8, as they are written)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from ..model import Question
from .layout import worst

JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode   # one encoder for every item


@dataclass
class SiteItem:
    question: Question
    relative_path: str                          # its file, relative to the bank root
    line: int                                   # the `id:` line of its file
    findings: list[Diagnostic] = field(default_factory=list)
    stats: dict[str, Any] | None = None         # its entry in qbank-stats.json
    article: tuple[bytes, ...] = ()             # its part of its item page, in parts (item.build_items), UTF-8
    data: bytes = b""                           # its practice data, JSON (item.make_items), UTF-8
    search: bytes = b""                         # what search looks in (search_text), JSON, UTF-8

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def worst(self) -> Diagnostic | None:
        return worst(self.findings)


def facets(items: list[SiteItem]) -> tuple[list[str], list[str]]:
    """The topics and the tags of ``items``, sorted: the index's and practice's filters."""
    return (sorted({i.question.topic for i in items if i.question.topic}),
            sorted({t for i in items for t in i.question.tags}))


def search_text(q: Question) -> str:
    """What full-text search looks in, as a JSON string (made where the item is rendered, in a
    worker process, so that the index is joined, not encoded, in the one that writes it): the
    id, topic, tags and the Markdown of the stem, options and explanation, lower-cased once at
    build time (markup marks are left in: a search for words finds them all the same). A term
    never holds a space or newline, so newlines become spaces and runs of spaces stay:
    cleaning more costs more than it saves."""
    parts = [q.id, q.topic or "", " ".join(q.tags), q.stem, *(o.text for o in q.options), q.explanation]
    return JSON(" ".join(parts).replace("\n", " ").lower())
