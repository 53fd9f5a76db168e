"""Comments and blank lines of a question file: where they are, who owns them, and
putting them back after a rewrite (:mod:`qbank.rewrite` describes the rules).

ruamel.yaml's own comment handling moves comments when keys are reordered or items sorted,
so the rewriter dumps a tree without comments and this module re-inserts each comment at
the key or list item that owned it, found by object identity.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Hashable, Iterable

import yaml

from .diagnostics import Diagnostic, refused


class RewriteRefused(Exception):
    """The file is not rewritten; ``diagnostics`` say why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics




def refuse(path: str, message: str, line: int = 1, column: int = 1) -> RewriteRefused:
    return RewriteRefused([refused(path, message, line, column)])


# --- where things are: tokens, nodes, comments ------------------------------------------------

Handle = Hashable  # identifies a key or list item across a rewrite (by object identity)


@dataclass(frozen=True)
class Place:
    """Where a key or list item stands in a text (0-based lines)."""

    handle: Handle
    line: int       # its first line
    indent: int     # column for comments on their own line above it (the dash of an item)
    eol_line: int   # the line an end-of-line comment belongs on
    first: bool     # first entry of its mapping or list


@dataclass(frozen=True)
class Trivium:
    """A comment (``text`` starts with '#') or a blank line (``text == ""``)."""

    line: int
    text: str
    own_line: bool = True
    column: int = 0
    gap: int = 2    # spaces between the value and an end-of-line comment


@dataclass
class Trivia:
    """Comments and blank lines by owner."""

    header: list[Trivium] = field(default_factory=list)
    trailer: list[Trivium] = field(default_factory=list)
    leading: dict[Handle, list[Trivium]] = field(default_factory=dict)
    eol: dict[Handle, list[Trivium]] = field(default_factory=dict)

    def comments(self) -> dict[tuple, list[str]]:
        """Comment texts by owner, blank lines left out (what a rewrite must keep)."""
        out: dict[tuple, list[str]] = {}
        for key, items in [(("header",), self.header), (("trailer",), self.trailer),
                           *((("lead", h), v) for h, v in self.leading.items()),
                           *((("eol", h), v) for h, v in self.eol.items())]:
            texts = [t.text for t in items if t.text]
            if texts:
                out[key] = texts
        return out


_BLOCK_HEADER = re.compile(r"[|>]([1-9]?)([+-]?)([1-9]?)[ \t]*(#.*)?$")
ODD_BREAKS = re.compile("[\x85\u2028\u2029]")


def scan(text: str, lines: list[str]) -> tuple[list[yaml.Token], list[Trivium], set[int], set[int]]:
    """The tokens of ``text``, its comments and blank lines outside scalars, the lines that
    continue a multi-line scalar (blank ones there are text, not layout), and the lines
    whose trailing spaces and tabs are text (a block scalar's, a double-quoted scalar's
    before its last line, where an escape may end in a space)."""
    tokens = list(yaml.scan(text, Loader=yaml.CSafeLoader))
    starts = [0]
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln) + 1)

    def offset(mark) -> int:
        return starts[mark.line] + mark.column if mark.line < len(starts) else len(text)

    found: list[Trivium] = []
    content: set[int] = set()
    verbatim: set[int] = set()
    pos = 0
    for tok in tokens:
        begin = offset(tok.start_mark)
        if begin > pos:
            found.extend(_gap_comments(text, pos, begin, lines, starts))
        pos = max(pos, offset(tok.end_mark))
        if isinstance(tok, yaml.ScalarToken):
            inside = _scalar_lines(tok, lines)
            content.update(inside)
            if tok.style in ("|", ">"):
                verbatim.update(inside)
            elif tok.style == '"' and inside:
                verbatim.update(range(tok.start_mark.line, inside[-1]))
            if tok.style in ("|", ">"):
                head = lines[tok.start_mark.line][tok.start_mark.column:]
                m = _BLOCK_HEADER.match(head)
                if m and m.group(4):
                    col = tok.start_mark.column + m.start(4)
                    found.append(_eol(lines, tok.start_mark.line, col, m.group(4)))
    if pos < len(text):
        found.extend(_gap_comments(text, pos, len(text), lines, starts))
    for i, ln in enumerate(lines[:-1]):  # the last "line" is what follows the final newline
        if not ln.strip(" \t") and i not in content:
            found.append(Trivium(i, ""))
    found.sort(key=lambda t: (t.line, t.column))
    return tokens, found, content, verbatim


def _eol(lines: list[str], line: int, col: int, text: str) -> Trivium:
    before = lines[line][:col]
    own = not before.strip()
    gap = len(before) - len(before.rstrip(" \t"))
    return Trivium(line, text.rstrip(), own_line=own, column=col, gap=max(gap, 1))


def _gap_comments(text: str, begin: int, end: int, lines: list[str], starts: list[int]) -> Iterable[Trivium]:
    """Comments between two tokens (only whitespace and comments can be there)."""
    i = text.find("#", begin, end)
    while i != -1:
        line = bisect.bisect_right(starts, i) - 1
        stop = text.find("\n", i)
        stop = len(text) if stop == -1 else stop
        yield _eol(lines, line, i - starts[line], text[i:stop])
        i = text.find("#", stop, end)


def _scalar_lines(tok: yaml.ScalarToken, lines: list[str]) -> range:
    """Lines that belong to a multi-line scalar's text."""
    first, last = tok.start_mark.line, tok.end_mark.line
    if tok.end_mark.column == 0:
        last -= 1
    if last <= first:
        return range(0)
    if tok.style not in ("|", ">"):
        return range(first + 1, last + 1)
    m = _BLOCK_HEADER.match(lines[first][tok.start_mark.column:])
    if m and m.group(2) != "+":
        # clipped/stripped: trailing blank lines are layout, but a line of spaces deeper
        # than the block's indentation is a line of text (spaces) that the value ends with
        indent = _block_indent(tok.value, lines[first + 1:last + 1])
        while last > first and not lines[last].strip(" \t") and len(lines[last]) <= indent:
            last -= 1
    return range(first + 1, last + 1)


def _block_indent(value: str, body: list[str]) -> int:
    """The indentation of a block scalar's text lines ``body``, which read as ``value``:
    the spaces before its first non-space character less those that are text (0 when
    there is no such character: then every space may be text)."""
    at = next((i for i, ch in enumerate(value) if ch not in " \n"), None)
    if at is None:
        return 0
    text_spaces = at - (value.rfind("\n", 0, at) + 1)
    for line in body:
        spaces = len(line) - len(line.lstrip(" "))
        if spaces < len(line):
            return spaces - text_spaces
    return 0


def without_comments(lines: list[str], found: list[Trivium], verbatim: set[int]) -> str:
    """The text with its comments and the spaces and tabs that end a line of layout cut
    off (every line keeps its number; ruamel.yaml cannot read a tab after a value). A
    comment line becomes a bare `#`, not a blank line: after a `|+` block a blank line
    would be text."""
    out = [ln if i in verbatim else ln.rstrip(" \t") for i, ln in enumerate(lines)]
    for t in found:
        if t.text:
            out[t.line] = "#" if t.own_line else out[t.line][:t.column].rstrip(" \t")
    return "\n".join(out)


def compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=yaml.CSafeLoader)


def dashes(tokens: list[yaml.Token]) -> list[tuple[int, int]]:
    """(line, column) of every block-list dash, in order."""
    return [(t.start_mark.line, t.start_mark.column) for t in tokens if isinstance(t, yaml.BlockEntryToken)]


def layout(root: yaml.Node | None, tree: Any, dashes: list[tuple[int, int]], path: str) -> list[Place]:
    """Every key and block-list item of ``tree`` in document order, with its place in the
    text that ``root`` (the composed node tree of that text) was read from; an item
    starts at its dash."""
    places: list[Place] = []

    def mismatch() -> RewriteRefused:
        return refuse(path, "internal: the YAML reader and the rewriter see a different structure; "
                      "the file was left unchanged")

    def eol_line(value: yaml.Node, own_line: int) -> int:
        if isinstance(value, yaml.ScalarNode):
            if value.style in ("|", ">"):
                return value.start_mark.line
            return value.end_mark.line
        if value.flow_style:
            return value.end_mark.line
        return own_line

    def walk(node: yaml.Node, obj: Any) -> None:
        if isinstance(node, yaml.MappingNode):
            if not isinstance(obj, dict) or len(node.value) != len(obj):
                raise mismatch()
            if node.flow_style:
                return
            for i, ((kn, vn), (k, v)) in enumerate(zip(node.value, obj.items())):
                if not isinstance(kn, yaml.ScalarNode) or kn.value != str(k):
                    raise mismatch()
                line = kn.start_mark.line
                places.append(Place(("key", id(obj), k), line, kn.start_mark.column, eol_line(vn, line), i == 0))
                walk(vn, v)
        elif isinstance(node, yaml.SequenceNode):
            if not isinstance(obj, list) or len(node.value) != len(obj):
                raise mismatch()
            if node.flow_style:
                return
            for i, (item_node, item) in enumerate(zip(node.value, obj)):
                start = (item_node.start_mark.line, item_node.start_mark.column)
                d = bisect.bisect_left(dashes, start) - 1
                if d < 0:
                    raise mismatch()
                line, indent = dashes[d]
                handle = ("item", id(item)) if isinstance(item, (dict, list)) else ("index", id(obj), i)
                places.append(Place(handle, line, indent, eol_line(item_node, line), i == 0))
                walk(item_node, item)

    if root is not None:
        walk(root, tree)
    return places


def assign(found: list[Trivium], places: list[Place]) -> Trivia:
    """Give every comment and blank line an owner (see the module docstring)."""
    trivia = Trivia()
    starts = [p.line for p in places]
    for t in found:
        if t.own_line:
            i = bisect.bisect_right(starts, t.line)  # first place starting below it
            if i == len(places):
                trivia.trailer.append(t)
            elif i == 0:
                trivia.header.append(t)
            else:
                trivia.leading.setdefault(places[i].handle, []).append(t)
        else:
            i = bisect.bisect_right(starts, t.line) - 1  # last place starting on or above it
            if i < 0:  # e.g. `--- # comment`: keep it with the document
                trivia.header.append(Trivium(t.line, t.text))
            else:
                trivia.eol.setdefault(places[i].handle, []).append(t)
    return trivia


def expected(trivia: Trivia, places: list[Place], path: str) -> Trivia:
    """Where ``trivia`` will be found once written at ``places``: comments above the first
    key are document comments, comments above a line where several entries start (a list
    item and its first key) belong to the first of them, and a comment at the end of such
    a line to the last."""
    out = Trivia(list(trivia.header), list(trivia.trailer), {}, {})
    at = {p.handle: p for p in places}
    if any(h not in at for h in (*trivia.leading, *trivia.eol)):
        raise refuse(path, "a fix removed or replaced a part of the question that has a comment; "
                     "fix this file by hand")
    starts = [p.line for p in places]
    for handle, eols in trivia.eol.items():
        owner = places[bisect.bisect_right(starts, at[handle].eol_line) - 1].handle
        out.eol.setdefault(owner, []).extend(eols)
    first_on_line: dict[int, Handle] = {}
    for n, p in enumerate(places):
        lead = trivia.leading.get(p.handle, [])
        if n == 0:
            out.header.extend(lead)
        elif lead:
            owner = first_on_line.setdefault(p.line, p.handle)
            if owner == places[0].handle:
                out.header.extend(lead)
            else:
                out.leading.setdefault(owner, []).extend(lead)
        first_on_line.setdefault(p.line, p.handle)
    return out


# --- putting comments back -------------------------------------------------------------------

def keep_chomped_ends(root: yaml.Node | None, lines: list[str]) -> set[int]:
    """Lines that directly follow a `|+`/`>+` block scalar: a blank line there would be text."""
    out: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                m = _BLOCK_HEADER.match(lines[node.start_mark.line][node.start_mark.column:])
                if m and m.group(2) == "+":
                    end = node.end_mark
                    out.add(end.line if end.column == 0 else end.line + 1)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
        else:
            stack.extend(node.value)
    return out


def _block(items: list[Trivium], indent: int, *, collapse: bool, strip_start: bool, strip_end: bool = False) -> list[str]:
    out: list[str] = []
    for t in items:
        if not t.text:
            if (strip_start and not out) or (collapse and out and out[-1] == ""):
                continue
            out.append("")
        else:
            out.append(" " * indent + t.text)
    if strip_end:
        while out and out[-1] == "":
            out.pop()
    return out


def insert(text: str, places: list[Place], trivia: Trivia, keep_ends: set[int], text_lines: set[int], *,
            canonical: bool, path: str) -> str:
    """``text`` (comment-free) with ``trivia`` put back at ``places``; trailing spaces are
    dropped except on lines that continue a multi-line scalar."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    before: dict[int, list[str]] = {}
    after: dict[int, Trivium] = {}
    for p in places:
        lead = trivia.leading.get(p.handle)
        if lead:
            block = _block(lead, p.indent, collapse=canonical, strip_start=p.first or p.line in keep_ends)
            before.setdefault(p.line, []).extend(block)
        eol = trivia.eol.get(p.handle)
        if eol:
            if len(eol) > 1 or p.eol_line in after:
                raise refuse(path, "two end-of-line comments would share one line; "
                             "move one onto its own line", eol[-1].line + 1, eol[-1].column + 1)
            after[p.eol_line] = eol[0]
    out = _block(trivia.header, 0, collapse=canonical, strip_start=True)
    for i, line in enumerate(lines):
        out.extend(before.get(i, ()))
        if i not in text_lines:
            line = line.rstrip(" ")
        c = after.get(i)
        if c is not None:
            if canonical:
                line = f"{line}  {c.text}"
            else:  # --fix: keep the author's alignment when the line still fits before it
                line = line.ljust(c.column) + c.text if len(line) < c.column - c.gap + 1 \
                    else line + " " * c.gap + c.text
        out.append(line)
    out.extend(_block(trivia.trailer, 0, collapse=canonical, strip_start=canonical or len(lines) in keep_ends,
                      strip_end=True))
    return "\n".join(out) + "\n"
