"""One item as the site shows it: the question rendered once, where it is, what lint found."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from ..export.common import RenderedQuestion
from .layout import worst

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass
class SiteItem:
    rq: RenderedQuestion
    line: int                                   # the `id:` line of its file
    findings: list[Diagnostic] = field(default_factory=list)
    stats: dict[str, Any] | None = None         # its entry in qbank-stats.json

    @property
    def id(self) -> str:
        return self.rq.id

    @property
    def worst(self) -> Diagnostic | None:
        return worst(self.findings)


def plain(fragment: str) -> str:
    """The text of rendered HTML, for the search index: tags dropped, entities decoded."""
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", fragment))).strip()


def search_text(item: SiteItem) -> str:
    """What full-text search looks in, lower-cased once at build time."""
    rq = item.rq
    q = rq.question
    parts = [q.id, q.topic or "", " ".join(q.tags), plain(rq.stem), *(plain(o) for o in rq.options),
             plain(rq.explanation)]
    return _SPACE.sub(" ", " ".join(parts)).lower()
