"""What :func:`.spans.layout` finds in a field, as plain lists (a module of its own so the
scanners that fill it, :mod:`.inline` and :mod:`.blocks`, need not import :mod:`.spans`)."""

from __future__ import annotations

from typing import NamedTuple

Span = tuple[int, int]


class Layout(NamedTuple):
    code: list[Span]        # code blocks (with their fences) and code spans (with their backticks)
    urls: list[Span]        # link and image destinations (the parentheses, title included),
                            # autolinks, bare http(s):// and www. URLs, reference definitions
    html: list[Span]        # raw HTML: tags, comments, processing instructions, declarations
    images: list[Span]      # whole images, `![alt](src)`
    link_text: list[Span]   # the text between the brackets of a link
    image_refs: list[str]   # each image's destination, as written (see image_sources)
    attempts: list[tuple[int, int, bool]]  # `[text](` or `![alt](` read as text: where its
                                            # bracket and its `]` are, and if it is an image

    def covered(self, link_text: bool = False) -> list[Span]:
        """Sorted, merged spans that are not prose to edit (with ``link_text``: link text too)."""
        spans = self.code + self.urls + self.html + self.images + (self.link_text if link_text else [])
        return merge(spans)


EMPTY = Layout([], [], [], [], [], [], [])


def merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        elif e > s:
            out.append((s, e))
    return out
