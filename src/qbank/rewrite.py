"""Rewrite question files without losing anything the author wrote: the machinery
`qbank fmt` and `qbank lint --fix` share.

Values are edited on a ruamel.yaml round-trip tree (quotes and block styles preserved);
comments and blank lines are handled by :mod:`qbank.trivia`, not by ruamel.yaml. Before a
rewrite each comment is given an owner: a comment on its own line belongs to the key or list item that
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

import io
import math
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import Comment, CommentedBase
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from .diagnostics import Diagnostic, internal_error as _internal, refused
from .fsutil import read_file
from .loader import decode, parse
from . import trivia
from .trivia import RewriteRefused, Trivia


CANONICAL_INDENT = (2, 4, 2)   # ruamel.yaml (mapping, sequence, offset)
_WIDTH = 1 << 30               # never re-wrap text


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
    m = trivia.ODD_BREAKS.search(text)
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
    raise trivia.refuse(path, f"the character U+{ord(ch):04X} ({_BREAK_NAMES[ch]}) is a line break to YAML 1.1 "
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
        raise trivia.refuse(path, "the file is not a question (a mapping of keys such as `id` and `stem`); "
                            "left unchanged")
    lines = text.split("\n")
    tokens, found, _, verbatim = trivia.scan(text, lines)
    for tok in tokens:
        if isinstance(tok, (yaml.AnchorToken, yaml.AliasToken)):
            m = tok.start_mark
            raise trivia.refuse(path, "anchors and aliases (&name, *name) are not rewritten; "
                                "write the values out in full", m.line + 1, m.column + 1)
    try:
        # ruamel.yaml never sees the comments (they are re-inserted by owner): it is faster,
        # and its comment parsing has crashes and losses this way round
        tree = load_rt(trivia.without_comments(lines, found, verbatim))
        before = plain(tree)
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise trivia.refuse(path, f"the rewriter cannot read this file ({first}); left unchanged")
    if not same(before, doc.data):
        raise trivia.refuse(path, "the rewriter reads this file differently from qbank (a YAML directive, "
                            "a date or a number written in an unusual way?); left unchanged")
    root = trivia.compose(text)
    owned = trivia.assign(found, trivia.layout(root, tree, trivia.dashes(tokens), path))
    indent = CANONICAL_INDENT if canonical else _guess_indent(root, lines)
    _strip_comments(tree)
    result = transform(tree)
    try:
        target = doc.data if expect_same_data else plain(tree)
    except TypeError as exc:
        raise trivia.refuse(path, f"internal: the rewritten question has a {exc}; left unchanged")
    # the text itself needs no check: it is what was read, comments and all
    unchecked = text if expect_same_data else None
    try:
        new = _emit(tree, owned, indent, target, canonical=canonical, path=path, unchecked=unchecked)
    except RewriteRefused:
        if indent == CANONICAL_INDENT:
            raise
        # ruamel.yaml misplaces some block scalars under unusual indentation: use the standard one
        new = _emit(tree, owned, CANONICAL_INDENT, target, canonical=canonical, path=path, unchecked=unchecked)
    return Rewrite(new, target, result)


def _emit(tree: Any, owned: Trivia, indent: tuple[int, int, int], target: Any, *, canonical: bool,
          path: str, unchecked: str | None = None) -> str:
    """``tree`` as text with the comments ``owned`` put back, checked to read back as ``target`` unless it
    is ``unchecked`` (the text the tree was read from, which reads as ``target``)."""
    try:
        bare = dump_rt(tree, indent)
    except Exception as exc:  # a transform left something YAML cannot hold
        raise trivia.refuse(path, f"internal: the rewritten question cannot be written as YAML ({exc}); left unchanged")
    bare_lines = bare.split("\n")
    bare_root = trivia.compose(bare)
    bare_tokens, _, text_lines, _ = trivia.scan(bare, bare_lines)
    out_places = trivia.layout(bare_root, tree, trivia.dashes(bare_tokens), path)
    expected = trivia.expected(owned, out_places, path)
    new = trivia.insert(bare, out_places, expected, trivia.keep_chomped_ends(bare_root, bare_lines), text_lines,
                        canonical=canonical, path=path)
    if new != unchecked:
        _verify(new, tree, target, expected, path)
    return new


def _verify(new: str, tree: Any, target: Any, expected: Trivia, path: str) -> None:
    """Refuse unless ``new`` reads back as ``target`` with every comment where it belongs."""
    doc, diags = parse(path, new)
    if diags or doc is None or not same(doc.data, target):
        raise trivia.refuse(path, "internal: the rewritten file would not read back as the same question; "
                            "the file was left unchanged (please report it)")
    lines = new.split("\n")
    tokens, found, _, _ = trivia.scan(new, lines)
    got = trivia.assign(found, trivia.layout(trivia.compose(new), tree, trivia.dashes(tokens), path))
    if got.comments() != expected.comments():
        raise trivia.refuse(path, "comments could not be kept in place; the file was left unchanged "
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
