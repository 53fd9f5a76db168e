"""Markdown's block structure, read line by line: fenced and indented code, reference
definitions, and the runs of lines whose inline content :mod:`.inline` reads.

It follows CommonMark closely enough for protection; where it is unsure (deep lists, lazy
lines in block quotes) it errs towards code, which no fix edits.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# Container marks a line can start with: block quote markers and list item markers.
_PREFIX = re.compile(r"(?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*")
_QUOTES = re.compile(r"(?: {0,3}> ?)*")
_QUOTE = re.compile(r" {0,3}> ?")
_ITEM = re.compile(r"([-+*]|(\d{1,9})[.)])([ \t]+|$)")
_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
# List items one line can open ("- + - + x"): markdown-it drops what is nested deeper than
# its maxNesting (20 levels, a list and an item each), and the bound keeps a line of a
# thousand markers linear (each item's column is counted from the line's start).
ITEMS_PER_LINE = 10
_REF_DEF = re.compile(r" {0,3}\[((?:[^\\\[\]]|\\.){1,999})\]:[ \t]*\n?[ \t]*(?:<((?:[^<>\n\\]|\\.)*)>|(\S+))")


def _columns(s: str, start: int = 0, whole: bool = False) -> int:
    """Width of the leading whitespace of ``s`` (with ``whole``: of all of it), a tab reaching
    the next multiple of 4, from column ``start``."""
    col = start
    for ch in s:
        if ch == "\t":
            col += 4 - col % 4
        elif ch == " " or whole:
            col += 1
        else:
            break
    return col - start


def _thematic_break(s: str) -> bool:
    core = s.replace(" ", "").replace("\t", "")
    return len(core) >= 3 and core[0] in "-*_" and core == core[0] * len(core)


def _table_delimiter(s: str, header: str) -> bool:
    """A table's delimiter row (`|---|:--:|`) under a header of as many cells: each row of a
    table is read on its own."""
    core = s.strip(" \t")
    return ("-" in core and ("|" in core or ":" in core) and not core.strip("|:- \t")
            and _cells(core) == _cells(header))


def _cells(row: str) -> int:
    core = row.strip(" \t")
    core = core[1:] if core.startswith("|") else core
    core = core[:-1] if core.endswith("|") and not core.endswith("\\|") else core
    return core.count("|") - core.count("\\|") + 1


def blocks(text: str, code: list[Span], urls: list[Span]) -> tuple[list[Span], dict[str, str]]:
    """Add the code blocks of ``text`` to ``code`` and its reference definitions to ``urls``;
    return the runs of lines in between that hold inline content (a paragraph, a heading, a
    table row: no blank line inside) and the destination of each label a reference
    definition defines."""
    inline: list[Span] = []
    defs: dict[str, str] = {}
    fence: tuple[str, int, int, int] | None = None  # char, length, quote depth, list content column
    indents: list[int] = []   # content columns of the list items the line may be in
    depths: list[int] = []    # the block quote depth of each of those items
    paragraph = False         # the previous line is paragraph text (the next may continue it)
    table = False             # the lines since the last blank line are rows of a table
    empty_item = False        # the previous line is a list marker with nothing after it
    last_code_end = -1        # end of the last indented code line (blank lines after it may join it)
    run_start = -1
    pos, n = 0, len(text)

    def close_run(at: int) -> None:
        nonlocal run_start
        if run_start >= 0:
            inline.append((run_start, at))
            run_start = -1

    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        line = text[pos:end]
        nxt = end + 1
        if fence is not None:
            char, length, depth, column = fence
            body, inside = line, 0
            while inside < depth and (m := _QUOTE.match(body)):  # the fence's own block quotes only
                body, inside = body[m.end():], inside + 1
            indent = _columns(body)
            if not (inside < depth or body.strip() and indent < column):
                code.append((pos, min(end + 1, n)))  # with its line break: one span per block
                rest = body.lstrip(" \t")
                if indent - column <= 3 and rest.startswith(char * length) and not rest.rstrip(" \t").strip(char):
                    fence = None
                pos = nxt
                continue
            fence = None  # its container ended, and the fence with it: read this line afresh
        quoted = _QUOTES.match(line)
        body = line[quoted.end():]
        depth = quoted.group(0).count(">")
        blank = not body.strip(" \t")
        if blank and empty_item and indents:
            indents.pop()  # an item that starts empty ends at a blank line
            depths.pop()
        if blank or not paragraph:
            while depths and depths[-1] > depth:  # the block quote holding them has ended
                indents.pop()
                depths.pop()
        if blank:
            close_run(pos)
            paragraph = table = empty_item = False
            pos = nxt
            continue
        col = _columns(body)
        lead = len(body) - len(body.lstrip(" \t"))
        base = indents[-1] if indents else 0
        item = _ITEM.match(body, lead) if col < base + 4 or not indents else None
        if item is not None and (_thematic_break(body) or paragraph and (
                item.end() == len(body) or item.group(2) not in (None, "1"))):
            item = None  # an empty item, or a list not starting at 1, cannot interrupt a paragraph
        if not paragraph or item is not None:
            while indents and col < indents[-1]:
                indents.pop()
                depths.pop()
        base = indents[-1] if indents else 0
        if col >= base + 4 and not paragraph:
            close_run(pos)
            if last_code_end >= 0:
                code.append((last_code_end, pos))  # the blank lines inside the block are code too
            code.append((pos, min(end + 1, n)))  # with its line break: one span per block
            last_code_end = end
            pos = nxt
            continue
        last_code_end = -1
        empty_item = False
        opened = 0
        while item is not None:  # "- * text" opens two items
            close_run(pos)
            opened += 1
            if opened > ITEMS_PER_LINE:  # deeper than markdown-it renders: code to us
                code.append((pos + quoted.end() + item.start(), end))
                last_code_end = end
                break
            content = _columns(body[:item.end(1)], whole=True)
            gap = _columns(body[item.start(3):item.end(3)], content)
            empty_item = item.end() == len(body)
            indents.append(content + (gap if 1 <= gap <= 4 and not empty_item else 1))
            depths.append(depth)
            if gap > 4 and not empty_item:  # "-      x": the item opens with indented code
                code.append((pos + quoted.end() + item.end(1), end))
                last_code_end = end
                break
            item = None if empty_item else _ITEM.match(body, item.end())
            if item is not None and _thematic_break(body[item.start():]):
                item = None
        if last_code_end == end:
            paragraph = False
            pos = nxt
            continue
        rest = line[_PREFIX.match(line).end():]
        if rest.startswith(("```", "~~~")):
            char = rest[0]
            length = len(rest) - len(rest.lstrip(char))
            if char == "~" or "`" not in rest[length:]:
                close_run(pos)
                fence = (char, length, depth, indents[-1] if indents else 0)
                code.append((pos, min(end + 1, n)))  # with its line break: one span per block
                paragraph = False
                pos = nxt
                continue
        if _HEADING.match(body, lead) and lead <= 3 or _thematic_break(body):
            close_run(pos)
            inline.append((pos, end))
            paragraph = False
            pos = nxt
            continue
        ref = None if paragraph else _REF_DEF.match(text, pos)
        if ref is not None:
            label = " ".join(ref.group(1).split()).casefold()
            if label:
                defs.setdefault(label, ref.group(2) if ref.group(2) is not None else ref.group(3))
                close_run(pos)
                stop = text.find("\n", ref.end())
                stop = n if stop < 0 else stop
                urls.append((pos, stop))
                pos = stop + 1
                continue
        if table or paragraph and "-" in body and _table_delimiter(body, text[text.rfind("\n", 0, pos - 1) + 1:pos - 1]):
            if not table and run_start >= 0:  # the header row above is a row of its own
                head = text.rfind("\n", run_start, pos - 1)
                head = run_start if head < 0 else head + 1
                if head > run_start:
                    inline.append((run_start, head - 1))
                run_start = -1
                inline.append((head, pos - 1))
            table = True
            close_run(pos)
            inline.append((pos, end))
            pos = nxt
            continue
        if run_start < 0:
            run_start = pos
        paragraph = True
        pos = nxt
    close_run(n)
    return inline, defs
