"""Rewrite question files without losing anything the author wrote: the machinery
`qbank fmt` and `qbank lint --fix` share.

Values are edited on a ruamel.yaml round-trip tree (quotes and block styles preserved);
comments and blank lines are handled here, not by ruamel.yaml. Before a rewrite each
comment is given an owner: a comment on its own line belongs to the key or list item that
follows it, a comment at the end of a line to the last key or item that starts on or
before that line, and comments above the first key (or below the last) to the document.
Owners are tracked by object identity, so a comment travels with its key when keys are
reordered and with its option when options are sorted. The tree is dumped without comments
and they are put back at their owners.

Every rewrite is checked before anything is written: the output is re-read with the fast
loader (:func:`qbank.loader.parse`) and must give exactly the expected data (types
included), and every comment must be found again, with the same owner. Otherwise the
file is refused (QB009) and left untouched. Files the loader reports errors for
(QB001-QB004) are never rewritten.

With ``canonical`` a rewrite writes the indentation, comment placement and blank lines of
the layout `qbank fmt` produces (:mod:`qbank.fmt` describes it and orders the keys);
without it (`--fix`) it keeps the file's BOM, line endings, indentation, key order, string
styles and blank lines, so a fix's diff shows only the fix.
"""

from __future__ import annotations

import bisect
import io
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import Comment, CommentedBase
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from .diagnostics import Diagnostic, internal_error as _internal, refused
from .fsutil import read_file
from .loader import decode, parse


CANONICAL_INDENT = (2, 4, 2)   # ruamel.yaml (mapping, sequence, offset)
_WIDTH = 1 << 30               # never re-wrap text


class RewriteRefused(Exception):
    """The file is not rewritten; ``diagnostics`` say why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics




def _refuse(path: str, message: str, line: int = 1, column: int = 1) -> RewriteRefused:
    return RewriteRefused([refused(path, message, line, column)])


# --- ruamel.yaml round trip ------------------------------------------------------------------

def _yaml(indent: tuple[int, int, int]) -> YAML:
    """A fresh instance each time: ruamel.yaml keeps state from the last document it read
    (a `%YAML 1.1` directive would otherwise be written into every later file)."""
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = _WIDTH
    y.allow_unicode = True
    mapping, sequence, offset = indent
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    return y


def load_rt(text: str) -> Any:
    """A ruamel.yaml round-trip tree of ``text`` (YAML 1.2, quotes preserved)."""
    return _yaml(CANONICAL_INDENT).load(text)


def dump_rt(tree: Any, indent: tuple[int, int, int] = CANONICAL_INDENT) -> str:
    """``tree`` as YAML text; text is never re-wrapped."""
    out = io.StringIO()
    _yaml(indent).dump(tree, out)
    return out.getvalue()


def plain(value: Any) -> Any:
    """ruamel.yaml round-trip data as plain dict/list/str/int/float/bool/None."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"key {key!r} is not text")
            out[str(key)] = plain(item)
        return out
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (bool, ScalarBoolean)):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def same(a: Any, b: Any) -> bool:
    """Equal data with equal types (``1``, ``1.0`` and ``true`` differ; NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _strip_comments(node: Any) -> None:
    """Drop every comment ruamel.yaml attached to the tree (they are re-inserted by owner)."""
    if isinstance(node, CommentedBase):
        setattr(node, Comment.attrib, Comment())
    elif isinstance(node, (LiteralScalarString, FoldedScalarString)):
        node.comment = None
    if isinstance(node, dict):
        for v in node.values():
            _strip_comments(v)
    elif isinstance(node, list):
        for v in node:
            _strip_comments(v)


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
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")


def _scan(text: str, lines: list[str]) -> tuple[list[yaml.Token], list[Trivium], set[int], set[int]]:
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


def _without_comments(lines: list[str], found: list[Trivium], verbatim: set[int]) -> str:
    """The text with its comments and the spaces and tabs that end a line of layout cut
    off (every line keeps its number; ruamel.yaml cannot read a tab after a value). A
    comment line becomes a bare `#`, not a blank line: after a `|+` block a blank line
    would be text."""
    out = [ln if i in verbatim else ln.rstrip(" \t") for i, ln in enumerate(lines)]
    for t in found:
        if t.text:
            out[t.line] = "#" if t.own_line else out[t.line][:t.column].rstrip(" \t")
    return "\n".join(out)


def _compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=yaml.CSafeLoader)


def _dashes(tokens: list[yaml.Token]) -> list[tuple[int, int]]:
    """(line, column) of every block-list dash, in order."""
    return [(t.start_mark.line, t.start_mark.column) for t in tokens if isinstance(t, yaml.BlockEntryToken)]


def _layout(root: yaml.Node | None, tree: Any, dashes: list[tuple[int, int]], path: str) -> list[Place]:
    """Every key and block-list item of ``tree`` in document order, with its place in the
    text that ``root`` (the composed node tree of that text) was read from; an item
    starts at its dash."""
    places: list[Place] = []

    def mismatch() -> RewriteRefused:
        return _refuse(path, "internal: the YAML reader and the rewriter see a different structure; "
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


def _assign(found: list[Trivium], places: list[Place]) -> Trivia:
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


def _expected(trivia: Trivia, places: list[Place], path: str) -> Trivia:
    """Where ``trivia`` will be found once written at ``places``: comments above the first
    key are document comments, comments above a line where several entries start (a list
    item and its first key) belong to the first of them, and a comment at the end of such
    a line to the last."""
    out = Trivia(list(trivia.header), list(trivia.trailer), {}, {})
    at = {p.handle: p for p in places}
    if any(h not in at for h in (*trivia.leading, *trivia.eol)):
        raise _refuse(path, "a fix removed or replaced a part of the question that has a comment; "
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

def _keep_chomped_ends(root: yaml.Node | None, lines: list[str]) -> set[int]:
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


def _insert(text: str, places: list[Place], trivia: Trivia, keep_ends: set[int], text_lines: set[int], *,
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
                raise _refuse(path, "two end-of-line comments would share one line; "
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


# --- the rewrite pipeline --------------------------------------------------------------------

def _guess_indent(root: yaml.Node | None, lines: list[str]) -> tuple[int, int, int]:
    """The (mapping, sequence, offset) indentation a file already uses, for --fix."""
    mapping = sequence = offset = None
    stack = [root] if root is not None else []
    while stack and (mapping is None or sequence is None):
        node = stack.pop(0)
        if not isinstance(node, yaml.MappingNode) or node.flow_style:
            if isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
            continue
        for kn, vn in node.value:
            kcol = kn.start_mark.column
            if isinstance(vn, yaml.MappingNode) and not vn.flow_style and vn.value and mapping is None:
                mapping = vn.value[0][0].start_mark.column - kcol
            if isinstance(vn, yaml.SequenceNode) and not vn.flow_style and vn.value and sequence is None:
                item = vn.value[0].start_mark
                before = lines[item.line][:item.column].rstrip()
                if before.endswith("-"):
                    offset = len(before) - 1 - kcol
                    sequence = item.column - kcol
            stack.append(vn)
    mapping = mapping if mapping and 1 < mapping <= 8 else 2
    if sequence is None or offset is None or offset < 0 or sequence < offset + 2 or sequence > 10:
        sequence, offset = 4, 2
    return mapping, sequence, offset


def _prepare(text: str) -> str:
    """``text`` without a byte-order mark, with LF line breaks."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SEPARATORS = re.compile("[\u2028\u2029]")
_BREAK_NAMES = {"\x85": "next line", "\u2028": "line separator", "\u2029": "paragraph separator"}


def _plain_breaks(text: str, data: Any, path: str) -> str:
    """``text`` with each U+0085 (NEL) written as the LF it reads as, when that is sure to
    read the same. qbank's reader, like every YAML 1.1 reader, takes NEL, U+2028 and
    U+2029 for line breaks, YAML 1.2 readers (ruamel.yaml, the rewriter's) for characters,
    so a file holding one of them cannot be rewritten as it stands. U+2028 and U+2029 are
    refused (as text they can be the value, not a line break): at the character's line
    and column, for the author to replace."""
    m = _ODD_BREAKS.search(text)
    if m is None:
        return text
    separator = _SEPARATORS.search(text)
    if separator is None:
        lf = text.replace("\x85", "\n")
        doc, diags = parse(path, lf)
        if not diags and doc is not None and same(doc.data, data):
            return lf
    else:
        m = separator
    line_start = text.rfind("\n", 0, m.start()) + 1
    line, column = text.count("\n", 0, line_start) + 1, m.start() - line_start + 1
    ch = m.group()
    raise _refuse(path, f"the character U+{ord(ch):04X} ({_BREAK_NAMES[ch]}) is a line break to YAML 1.1 "
                        "readers and qbank but text to YAML 1.2 readers, so this file cannot be rewritten "
                        "safely; replace it with a line break or a space, then run the command again",
                  line, column)


@dataclass
class Rewrite:
    """A checked rewrite: the new text and the data it was checked against."""

    text: str
    data: Any
    result: Any = None


def rewrite(text: str, transform: Callable[[Any], Any], *, canonical: bool, path: str = "<text>",
            expect_same_data: bool) -> Rewrite | None:
    """Apply ``transform`` to the round-trip tree of ``text`` and return the checked new text,
    or None for a document with nothing to rewrite (empty). ``canonical`` selects the fmt
    layout; otherwise the file's own indentation and blank lines are kept. Raises
    :class:`RewriteRefused` rather than return text that reads differently."""
    text = _prepare(text)
    doc, diags = parse(path, text)
    if diags or doc is None:
        raise RewriteRefused(diags or [refused(path, "the file could not be read")])
    if doc.data is None:
        return None
    text = _plain_breaks(text, doc.data, path)
    if not isinstance(doc.data, dict):
        raise _refuse(path, "the file is not a question (a mapping of keys such as `id` and `stem`); "
                            "left unchanged")
    lines = text.split("\n")
    tokens, found, _, verbatim = _scan(text, lines)
    for tok in tokens:
        if isinstance(tok, (yaml.AnchorToken, yaml.AliasToken)):
            m = tok.start_mark
            raise _refuse(path, "anchors and aliases (&name, *name) are not rewritten; "
                                "write the values out in full", m.line + 1, m.column + 1)
    try:
        # ruamel.yaml never sees the comments (they are re-inserted by owner): it is faster,
        # and its comment parsing has crashes and losses this way round
        tree = load_rt(_without_comments(lines, found, verbatim))
        before = plain(tree)
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _refuse(path, f"the rewriter cannot read this file ({first}); left unchanged")
    if not same(before, doc.data):
        raise _refuse(path, "the rewriter reads this file differently from qbank (a YAML directive, "
                            "a date or a number written in an unusual way?); left unchanged")
    root = _compose(text)
    trivia = _assign(found, _layout(root, tree, _dashes(tokens), path))
    indent = CANONICAL_INDENT if canonical else _guess_indent(root, lines)
    _strip_comments(tree)
    result = transform(tree)
    try:
        target = doc.data if expect_same_data else plain(tree)
    except TypeError as exc:
        raise _refuse(path, f"internal: the rewritten question has a {exc}; left unchanged")
    # the text itself needs no check: it is what was read, comments and all
    unchecked = text if expect_same_data else None
    try:
        new = _emit(tree, trivia, indent, target, canonical=canonical, path=path, unchecked=unchecked)
    except RewriteRefused:
        if indent == CANONICAL_INDENT:
            raise
        # ruamel.yaml misplaces some block scalars under unusual indentation: use the standard one
        new = _emit(tree, trivia, CANONICAL_INDENT, target, canonical=canonical, path=path, unchecked=unchecked)
    return Rewrite(new, target, result)


def _emit(tree: Any, trivia: Trivia, indent: tuple[int, int, int], target: Any, *, canonical: bool,
          path: str, unchecked: str | None = None) -> str:
    """``tree`` as text with ``trivia`` put back, checked to read back as ``target`` unless it
    is ``unchecked`` (the text the tree was read from, which reads as ``target``)."""
    try:
        bare = dump_rt(tree, indent)
    except Exception as exc:  # a transform left something YAML cannot hold
        raise _refuse(path, f"internal: the rewritten question cannot be written as YAML ({exc}); left unchanged")
    bare_lines = bare.split("\n")
    bare_root = _compose(bare)
    bare_tokens, _, text_lines, _ = _scan(bare, bare_lines)
    out_places = _layout(bare_root, tree, _dashes(bare_tokens), path)
    expected = _expected(trivia, out_places, path)
    new = _insert(bare, out_places, expected, _keep_chomped_ends(bare_root, bare_lines), text_lines,
                  canonical=canonical, path=path)
    if new != unchecked:
        _verify(new, tree, target, expected, path)
    return new


def _verify(new: str, tree: Any, target: Any, expected: Trivia, path: str) -> None:
    """Refuse unless ``new`` reads back as ``target`` with every comment where it belongs."""
    doc, diags = parse(path, new)
    if diags or doc is None or not same(doc.data, target):
        raise _refuse(path, "internal: the rewritten file would not read back as the same question; "
                            "the file was left unchanged (please report it)")
    lines = new.split("\n")
    tokens, found, _, _ = _scan(new, lines)
    got = _assign(found, _layout(_compose(new), tree, _dashes(tokens), path))
    if got.comments() != expected.comments():
        raise _refuse(path, "comments could not be kept in place; the file was left unchanged "
                            "(please report it)")


# --- reading and writing files (shared by fmt and --fix) ---------------------------------

def read_source(name: str, root: str | None = None) -> tuple[bytes, str, os.stat_result | None] | Diagnostic:
    """A file's bytes, its text and its stat before reading, or a QB002 diagnostic
    (also for a link out of the bank ``root``, when given)."""
    try:
        st: os.stat_result | None = os.stat(name)
    except OSError:
        st = None  # read_file says why
    raw, diag = read_file(name, root)
    if diag is None:
        text, diag = decode(name, raw)
    return diag if diag is not None else (raw, text, st)


def write_back(name: str, data: bytes, read_stat: os.stat_result | None, root: str | None = None) -> Diagnostic | None:
    """Atomically replace the file ``name`` (the file a symlink points to, keeping the link,
    never one out of the bank ``root``) with ``data``, unless it changed since it was read;
    a diagnostic if not written."""
    from .fsutil import atomic_write, confined

    try:
        target = confined(name, root)
        now = os.stat(target)
        if read_stat is None or (now.st_mtime_ns, now.st_size) != (read_stat.st_mtime_ns, read_stat.st_size):
            return refused(name, "the file changed while it was being rewritten; it was not overwritten, "
                                 "run the command again")
        atomic_write(target, data)
    except OSError as exc:
        return refused(name, f"cannot write the file: {exc.strerror or exc}")
    return None


def internal_error(path: str, what: str) -> Diagnostic:
    """QB000 for a file fmt or --fix failed on: the file is always left as it was."""
    return _internal(path, f"{what}; it was left unchanged; please report it with the file")
