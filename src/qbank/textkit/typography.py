"""Typography problems of one Markdown field (code excluded), each with the edit that fixes
it: whitespace, invisible characters, doubled punctuation, brackets and quote styles."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .markup import mask

# Invisible characters with no meaning in prose: the fix deletes them.
ZERO_WIDTH = "\u200b\u2060\ufeff\u00ad"
# Joiners are meaningful inside emoji sequences (👩\u200d⚕️) and Persian and Indic words: never
# deleted; one between ASCII characters ("wo\u200drd") is reported as an info.
JOINERS = "\u200c\u200d"
_JOINER_RUN = re.compile(f"[{JOINERS}]+")
_NBSP = "\u00a0\u202f\u2007"
_WS = f" \\t{_NBSP}{ZERO_WIDTH}"
# Only whitespace runs that can be a problem: with a tab, non-breaking or zero-width
# character; two or more spaces; one space at a line end or before punctuation.
_SUSPECT = re.compile(f"[{_WS}]*[\\t{_NBSP}{ZERO_WIDTH}][{_WS}]*| {{2,}}| (?=\\n|\\Z)| (?=[,;]|[:.!?](?:\\s|\\Z))")
_DOUBLED_PUNCT = re.compile(r"([,;:!?])\1+|(?<!\.)\.\.(?!\.)|[,;]\.(?!\.)")
_PUNCT_AFTER = frozenset(",;:.!?")
_MAYBE_DOUBLED = re.compile(r"[,;:!?.][,;:!?.]")
_ENUMERATOR = re.compile(r"(?:^|(?<=\s))(?:[a-zA-Z]|\d{1,2}|[ivxIVX]{1,4})\)(?=\s|$)")
_STRAIGHT = "\"'"
CURLY = "“”‘’"
QUOTES = re.compile("[\"'“”‘’]")
_OPENERS = frozenset(" \t\n([{—–/\x01")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    replacement: str | None  # None: not fixable (brackets)


class _Lines:
    """Where the lines of a text start, found once (a check per finding that searched back
    for its line's start would make a long line quadratic)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None
        self.tables: dict[int, bool] = {}

    def start(self, pos: int) -> int:
        if self.starts is None:
            self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self.starts[bisect_right(self.starts, pos) - 1]

    def is_table(self, pos: int) -> bool:
        """Is the line holding ``pos`` a Markdown table row?"""
        s = self.start(pos)
        if s not in self.tables:
            self.tables[s] = self.text[s:s + 40].lstrip(" ").startswith("|")
        return self.tables[s]


def field_findings(text: str, hard: str | None = None) -> list[Finding]:
    """Every typography problem of one field, with the edit that fixes it. ``hard`` is
    ``mask(text, opaque=True)`` if the caller has it already."""
    hard = mask(text, opaque=True) if hard is None else hard
    out: list[Finding] = []
    n = len(hard)
    lines = _Lines(hard)
    for m in _SUSPECT.finditer(hard):
        run = m.group(0)
        s, e = m.span()
        at_start = s == 0 or hard[s - 1] == "\n"
        at_end = e == n or hard[e] == "\n"
        if at_start and at_end:  # a line of nothing but whitespace
            kind = "zero-width" if any(c in ZERO_WIDTH for c in run) else "trailing"
            out.append(Finding(kind, s, e, ""))
            continue
        if at_start:
            if run.strip(" "):
                fixed = "".join("    " if c == "\t" else " " if c in _NBSP else "" if c in ZERO_WIDTH else c
                                for c in run)
                out.append(Finding(_kind(run), s, e, fixed))
            continue
        if at_end:
            nxt_start = e + 1
            nxt_end = hard.find("\n", nxt_start)
            next_line = hard[nxt_start: n if nxt_end < 0 else nxt_end]
            hard_break = run.startswith("  ") and set(run) == {" "} and e < n and next_line.strip()
            out.append(Finding("trailing", s, e, "\\" if hard_break else ""))
            continue
        if lines.is_table(s):
            continue
        if hard[e] in _PUNCT_AFTER and hard[s - 1] != "_" and (
                hard[e] in ",;" or (e + 1 == n or hard[e + 1] in " \t\n")
                and not (hard[e] == "." and hard[e + 1: e + 2] == ".")):
            out.append(Finding("punct-space", s, e, ""))
            continue
        if not run.strip(ZERO_WIDTH):
            out.append(Finding("zero-width", s, e, ""))  # inside a word: "wo\u200brd"
            continue
        out.append(Finding(_kind(run), s, e, " "))
    for m in _DOUBLED_PUNCT.finditer(hard) if _MAYBE_DOUBLED.search(hard) else ():
        if lines.is_table(m.start()):
            continue
        g = m.group(0)
        out.append(Finding("double-punct", m.start(), m.end(), g[-1] if g[0] in ",;" and g[-1] == "." else g[0]))
    if not hard.isascii():
        for m in _JOINER_RUN.finditer(hard):
            s, e = m.span()
            if (s == 0 or hard[s - 1].isascii()) and (e == n or hard[e].isascii()):
                out.append(Finding("joiner", s, e, None))
    out.extend(_bracket_findings(hard))
    return out


def _kind(run: str) -> str:
    if any(c in ZERO_WIDTH for c in run):
        return "zero-width"
    if "\t" in run:
        return "tab"
    if any(c in _NBSP for c in run):
        return "nbsp"
    return "double"


# Anything QB501 could report starts here: a tab, non-breaking or zero-width character, a
# space before a space/line end/punctuation, or two punctuation marks in a row.
_RARE = re.compile(f"[\\t{_NBSP}{ZERO_WIDTH}{JOINERS}]")
_SPACE_HINT = re.compile(r" [ \n,.;:?!]")       # starts with a literal: a fast scan
_PUNCT_HINT = re.compile(r"[,;:!?.][,;:!?.]")


def spacing_hint(text: str) -> bool:
    """Could ``text`` have any whitespace or punctuation finding? (Three fast scans.)"""
    if "\t" in text or not text.isascii() and _RARE.search(text):
        return True
    return bool(text.endswith(" ") or _SPACE_HINT.search(text) or _PUNCT_HINT.search(text))


def balanced_counts(text: str) -> bool:
    """Equal numbers of openers and closers: balanced in practice (a misordered ")(" is
    not worth a character-by-character scan)."""
    return text.count("(") == text.count(")") and text.count("[") == text.count("]") \
        and text.count("{") == text.count("}")


def mixed_quotes_possible(text: str) -> bool:
    return not text.isascii() and ('"' in text or "'" in text) and \
        ("’" in text or "‘" in text or "“" in text or "”" in text)


_BRACKET = re.compile(r"[()\[\]{}]")
_PAIRS = {")": "(", "]": "[", "}": "{"}
# Brackets that are content, not punctuation: half-open intervals ("[0, 1)", "(-∞, 5]") and
# emoticons (":)", ";-)"). Blanked (same length) before brackets are matched.
_CONTENT_BRACKETS = re.compile(r"[\[(][ \t]*[-+−]?[\w.∞\\]{1,12}[ \t]*,[ \t]*[-+−]?[\w.∞\\]{1,12}[ \t]*[\])]"
                               r"|(?<![\w(])[:;]-?[()](?![\w)])")


def _bracket_findings(hard: str) -> list[Finding]:
    if balanced_counts(hard):
        return []
    hard = _CONTENT_BRACKETS.sub(lambda m: " " * len(m.group(0)), hard)
    if balanced_counts(hard):
        return []
    # Closers of list enumerators ("a) ... b) ...", "1)") have no opener by design.
    enumerators = {m.end() - 1 for m in _ENUMERATOR.finditer(hard)} if ")" in hard else set()
    opens: dict[str, list[int]] = {"(": [], "[": [], "{": []}
    unmatched_close: dict[str, int] = {}
    for m in _BRACKET.finditer(hard):  # one pass over the brackets only
        ch, i = m.group(0), m.start()
        if ch in opens:
            opens[ch].append(i)
        elif opens[_PAIRS[ch]]:
            opens[_PAIRS[ch]].pop()
        elif _PAIRS[ch] not in unmatched_close and i not in enumerators:
            unmatched_close[_PAIRS[ch]] = i
    out = []
    for o in "([{":
        pos = unmatched_close.get(o, opens[o][0] if opens[o] else None)
        if pos is not None:
            out.append(Finding("brackets", pos, pos + 1, None))
    return out


def quote_counts(texts: list[str], masked: bool = False) -> tuple[int, int]:
    straight = curly = 0
    for t in texts:
        if not QUOTES.search(t):
            continue
        hard = t if masked else mask(t, opaque=True)
        for ch in QUOTES.findall(hard):
            if ch in _STRAIGHT:
                straight += 1
            else:
                curly += 1
    return straight, curly


def quote_edits(text: str, to_curly: bool) -> list[tuple[int, int, str]]:
    hard = mask(text, opaque=True)
    edits = []
    for m in QUOTES.finditer(hard):
        ch, i = m.group(0), m.start()
        if to_curly and ch in _STRAIGHT:
            before = hard[i - 1] if i else " "
            after = hard[i + 1] if i + 1 < len(hard) else " "
            if ch == '"':
                new = "“" if before in _OPENERS else "”"
            elif before.isalnum():
                new = "’"
            else:
                new = "‘" if before in _OPENERS and after.isalnum() else "’"
            edits.append((i, i + 1, new))
        elif not to_curly and ch in CURLY:
            edits.append((i, i + 1, '"' if ch in "“”" else "'"))
    return edits
