"""Inline Markdown, read left to right as CommonMark does: backslash escapes, code spans,
autolinks, then links and images through a stack of bracket openers (:mod:`.links` reads
what follows a `]`). Raw HTML is only noted: the exporters keep it off, so to them it is text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from .links import Destinations

if TYPE_CHECKING:
    from .layout import Layout

_SPECIAL = re.compile(r"[\\`<\[\]]|!\[|https?://|www\.")
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BACKTICKS = re.compile(r"`+")
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\x00-\x20<>]*>")
_EMAIL = re.compile(r"<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*>")
_ATTRIBUTE = r"(?:\s+[A-Za-z_:][A-Za-z0-9_.:\-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)"
_OPEN_TAG = re.compile(rf"<[A-Za-z][A-Za-z0-9\-]*{_ATTRIBUTE}*\s*/?>")
_CLOSE_TAG = re.compile(r"</[A-Za-z][A-Za-z0-9\-]*\s*>")
_URL_END = re.compile(r"[^\s<>\[\]`]*")
TAG_MAX = 4096      # a longer "tag" is not looked for (it bounds the work per `<`)


class Inline:
    """One run of inline content, text[a:b], scanned left to right as CommonMark does:
    backslash escapes, code spans, autolinks, then links and images through a stack of
    bracket openers. Raw HTML is only noted (the exporters keep it off: to them it is text)."""

    def __init__(self, text: str, a: int, b: int, defs: dict[str, str], found: Layout) -> None:
        self.text, self.a, self.b, self.defs, self.found = text, a, b, defs, found
        self.openers: list[tuple[int, bool]] = []  # (position of `[` or `![`, is an image)
        self.inactive = 0                          # link openers below this index are inactive
        self.runs: dict[int, list[int]] | None = None   # backtick run length -> run starts
        self.links = Destinations(text, a, b)
        self.finds: dict[str, tuple[int, int]] = {}

    def run(self) -> None:
        text, b = self.text, self.b
        i = self.a
        search = _SPECIAL.search
        while True:
            m = search(text, i, b)
            if m is None:
                return
            i = m.start()
            tok = m.group(0)
            c = tok[0]
            if c == "\\":
                i += 2 if i + 1 < b and text[i + 1] in _PUNCT else 1
            elif c == "`":
                i = self.code_span(i)
            elif c == "<":
                i = self.angle(i)
            elif tok == "![":
                self.openers.append((i, True))
                i += 2
            elif c == "[":
                self.openers.append((i, False))
                i += 1
            elif c == "]":
                i = self.close(i)
            else:
                i = self.bare_url(i, tok)

    # code spans ----------------------------------------------------------------------------

    def code_span(self, i: int) -> int:
        text, b = self.text, self.b
        j = i
        while j < b and text[j] == "`":
            j += 1
        if self.runs is None:
            self.runs = {}
            for m in _BACKTICKS.finditer(text, self.a, b):
                self.runs.setdefault(m.end() - m.start(), []).append(m.start())
        starts = self.runs.get(j - i, ())
        k = bisect_right(starts, j - 1)
        if k == len(starts):
            return j  # no closing run of the same length: the backticks are text
        close = starts[k] + j - i
        self.found.code.append((i, close))
        return close

    # autolinks and raw HTML ----------------------------------------------------------------

    def angle(self, i: int) -> int:
        text, found = self.text, self.found
        after = text[i + 1:i + 2]
        end = min(self.b, i + TAG_MAX)
        if after in ("!", "?"):  # one test per `<`: a line of a million of them stays quick
            stop = self.html_other(i)
        elif after == "/":
            m = _CLOSE_TAG.match(text, i, end)
            stop = m.end() if m is not None else 0
        elif after.isascii() and after.isalpha():
            m = _AUTOLINK.match(text, i, end) or _EMAIL.match(text, i, end)
            if m is not None:
                found.urls.append(m.span())
                return m.end()
            m = _OPEN_TAG.match(text, i, end)
            stop = m.end() if m is not None else 0
        else:
            return i + 1
        if stop:
            found.html.append((i, stop))
        return i + 1  # markup inside a tag is still read: to the exporters the tag is text

    def html_other(self, i: int) -> int:
        """The end of a comment, processing instruction, declaration or CDATA at ``i`` (0: none)."""
        text = self.text
        if text.startswith("<!--", i):
            if text.startswith(("<!-->", "<!--->"), i):
                return i + (5 if text[i + 4] == ">" else 6)
            close = self.find("-->", i + 4)
            return close + 3 if close >= 0 else 0
        if text.startswith("<![CDATA[", i):
            close = self.find("]]>", i + 9)
            return close + 3 if close >= 0 else 0
        if text.startswith("<?", i):
            close = self.find("?>", i + 2)
            return close + 2 if close >= 0 else 0
        if text.startswith("<!", i) and i + 2 < self.b and text[i + 2].isascii() and text[i + 2].isalpha():
            close = self.find(">", i + 2)
            return close + 1 if close >= 0 else 0
        return 0

    def find(self, what: str, i: int) -> int:
        """``text.find(what, i)`` within the run, remembered: asked with ever larger ``i``, the
        searches never cover the same text twice."""
        hit = self.finds.get(what)
        if hit is None or i < hit[0] or 0 <= hit[1] < i:
            hit = self.finds[what] = (i, self.text.find(what, i, self.b))
        return hit[1]

    # links and images ----------------------------------------------------------------------

    def close(self, i: int) -> int:
        if not self.openers:
            return i + 1
        start, image = self.openers.pop()
        below = len(self.openers) < self.inactive
        self.inactive = min(self.inactive, len(self.openers))  # the openers under it stay inactive
        if below and not image:
            return i + 1  # a link inside a link: the inner one won, this bracket is text
        text, b, found = self.text, self.b, self.found
        inline = i + 1 < b and text[i + 1] == "("
        end = self.links.inline_link(i + 1) if inline else None
        dest = self.links.destination(i + 1) if end is not None else None
        if end is None and self.defs:
            ref = self.links.reference(self.defs, start + (2 if image else 1), i)
            if ref is not None:
                end, dest = ref
        if end is None:
            if inline:
                found.attempts.append((start, i, image))
            return i + 1
        if image:
            found.images.append((start, end))
            found.image_refs.append(dest)
        else:
            found.link_text.append((start + 1, i))
            self.inactive = len(self.openers)
        if end > i + 1:
            found.urls.append((i + 1, end))
        return end

    # bare URLs -----------------------------------------------------------------------------

    def bare_url(self, i: int, tok: str) -> int:
        text = self.text
        # Wider than GFM's rule for `www.` (which wants a space or `*_~(` before it): the
        # exporters do not linkify, so this only keeps fixes off anything that looks like a URL.
        if i > self.a and text[i - 1].isalnum():
            return i + len(tok)
        end = _URL_END.match(text, i, self.b).end()
        # Trailing punctuation is the sentence's, as are a closing bracket or quote the URL
        # did not open (GFM's rule, with quotes counted like brackets).
        opens, closes = text.count("(", i, end), text.count(")", i, end)
        quotes = {q: text.count(q, i, end) for q in "'\""}
        while end > i + len(tok):
            ch = text[end - 1]
            if ch in "?!.,:*_~;":
                end -= 1
            elif ch == ")" and closes > opens:
                closes -= 1
                end -= 1
            elif ch in quotes and quotes[ch] % 2:
                quotes[ch] -= 1
                end -= 1
            else:
                break
        self.found.urls.append((i, end))
        return end
