"""Link and image destinations: what follows a `]` (CommonMark's `(dest "title")` and
`[label]`), read so that a line of a million failed links still costs one pass: parentheses
are matched once per run of text, titles are read once per place they start."""

from __future__ import annotations

import re

_PARENS = re.compile(r"[()\\\x00-\x20\x7f]")
_ROUND = re.compile(r"[()]")
_ANGLE_DEST = re.compile(r"<(?:[^<>\n\\]|\\.)*>")
_LABEL = re.compile(r"\[((?:[^\\\[\]]|\\.){0,999})\]")
_SPACE = re.compile(r"[ \t\n]*")


def escaped(text: str, i: int, floor: int) -> bool:
    """Is the character at ``i`` escaped by an odd run of backslashes?"""
    j = i
    while j > floor and text[j - 1] == "\\":
        j -= 1
    return (i - j) % 2 == 1


class Destinations:
    """The destinations that start in text[a:b] (one run of inline content)."""

    def __init__(self, text: str, a: int, b: int) -> None:
        self.text, self.a, self.b = text, a, b
        self.match: dict[int, int] | None = None  # `(` -> its `)`, within one word
        self.balanced: set[int] = set()            # unmatched `(` whose word is balanced after it
        self.words: dict[int, int] = {}            # unmatched `(` -> where its word ends
        self.titles: dict[int, int | None] = {}

    def skip_space(self, i: int) -> int:
        return _SPACE.match(self.text, i, self.b).end()

    def inline_link(self, p: int) -> int | None:
        """The end of `(destination "title")` at ``p``, or None if CommonMark reads none there."""
        text, b = self.text, self.b
        j = self.skip_space(p + 1)
        if j >= b:
            return None
        if text[j] == "<":
            m = _ANGLE_DEST.match(text, j, b)
            if m is None:
                return None
            dest_end = m.end()
        elif text[j] == ")":
            return j + 1
        elif j == p + 1:
            close = self.paren(p)
            if close is not None:
                return close + 1
            if p not in self.balanced:
                return None
            dest_end = self.words[p]
        else:
            dest_end = self.word_dest(j)
            if dest_end is None:
                return None
            if dest_end < b and text[dest_end] == ")":
                return dest_end + 1
        k = self.skip_space(dest_end)
        if k < b and text[k] == ")":
            return k + 1
        if k == dest_end or k >= b:
            return None
        title_end = self.title(k)
        if title_end is None:
            return None
        k = self.skip_space(title_end)
        return k + 1 if k < b and text[k] == ")" else None

    def paren(self, p: int) -> int | None:
        """The `)` that closes the `(` at ``p`` before any space or control character."""
        if self.match is None:
            self.match = {}
            stack: list[int] = []
            text, b = self.text, self.b
            escaped_to = -1
            for m in _PARENS.finditer(text, self.a, b):
                q = m.start()
                if q < escaped_to:
                    continue
                ch = text[q]
                if ch == "\\":
                    escaped_to = q + 2
                elif ch == "(":
                    stack.append(q)
                elif ch == ")":
                    if stack:
                        self.match[stack.pop()] = q
                else:  # a word ends: its unmatched `(` stay open
                    self._word_end(stack, q)
                    stack = []
            self._word_end(stack, b)
        return self.match.get(p)

    def _word_end(self, stack: list[int], end: int) -> None:
        for q in stack:
            self.words[q] = end
        if stack:
            self.balanced.add(stack[-1])  # every `(` after it is matched: a balanced destination

    def word_dest(self, j: int) -> int | None:
        """End of a destination starting at ``j`` after a space (at a space, or at its `)`)."""
        text, b = self.text, self.b
        level = 0
        q = j
        while q < b:
            ch = text[q]
            if ch <= " " or ch == "\x7f":
                break
            if ch == "\\" and q + 1 < b:
                q += 2
                continue
            if ch == "(":
                level += 1
            elif ch == ")":
                if level == 0:
                    break
                level -= 1
            q += 1
        return q if level == 0 else None

    def title(self, k: int) -> int | None:
        if k in self.titles:
            return self.titles[k]
        text, b = self.text, self.b
        opener = text[k]
        end = None
        if opener in "\"'":
            q = text.find(opener, k + 1, b)
            while q >= 0 and escaped(text, q, k + 1):
                q = text.find(opener, q + 1, b)
            end = q + 1 if q >= 0 else None
        elif opener == "(":
            q = k + 1
            while True:
                m = _ROUND.search(text, q, b)
                if m is None:
                    break
                if escaped(text, m.start(), k + 1):
                    q = m.end()
                    continue
                if m.group(0) == ")":
                    end = m.end()
                break
        self.titles[k] = end
        return end

    def reference(self, defs: dict[str, str], text_start: int, i: int) -> tuple[int, str] | None:
        """The end of a reference link or image whose text ends at the `]` at ``i``, and the
        destination its definition gives."""
        text, b = self.text, self.b
        if i + 1 < b and text[i + 1] == "[":
            m = _LABEL.match(text, i + 1, b)
            if m is None:
                return None
            label = m.group(1) or (text[text_start:i] if i - text_start <= 999 else "")
            end = m.end()
        else:
            if i - text_start > 999:
                return None
            label, end = text[text_start:i], i + 1
        dest = defs.get(" ".join(label.split()).casefold())
        return None if dest is None else (end, dest)

    def destination(self, p: int) -> str:
        """The raw destination of the inline link or image whose `(` is at ``p``."""
        text = self.text
        j = self.skip_space(p + 1)
        if text[j] == "<":
            return text[j + 1:_ANGLE_DEST.match(text, j, self.b).end() - 1]
        if text[j] == ")":
            return ""
        if j == p + 1:
            close = self.paren(p)
            return text[j:close if close is not None else self.words[p]]
        return text[j:self.word_dest(j)]
