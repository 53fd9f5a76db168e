"""Read one question file into plain data plus a map from data paths to file positions.

Reading is the hot path of every command, so this uses the libyaml C parser to
*compose* a node tree (never to construct objects: no YAML tag can build a Python
object here) and converts nodes to plain values itself. Plain scalars are resolved
by YAML 1.2 core rules, like ruamel.yaml (which `fmt` and `--fix` use to rewrite
files), so `No`, `yes` or `1:30` stay text in every command.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.resolver import BaseResolver

try:  # the C parser is ~10x faster; the pure-Python one gives the same nodes
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml.parser import Parser as _BaseParser
    from yaml.composer import Composer
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _BaseParser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _BaseParser.__init__(self)
            Composer.__init__(self)

from .diagnostics import Diagnostic, error
from .fsutil import MAX_FILE_BYTES

MAX_DEPTH = 32               # the format nests 4 deep; bound recursion on hostile input
MAX_NODES = 20_000           # bounds alias ("billion laughs") expansion and huge lists

Path_ = tuple  # a path into the data: ("options", 1, "text")


_CORE = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _CORE + "str", _CORE + "seq", _CORE + "map"
# YAML 1.2 core schema: the only plain scalars that are not text (what ruamel.yaml reads too).
_IMPLICIT = (
    (_CORE + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")),
    (_CORE + "int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")),
    (_CORE + "float", re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                                 r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")),
    (_CORE + "null", re.compile(r"^(?:~|null|Null|NULL|)$")),
)
_MAYBE_NOT_TEXT = frozenset("-+0123456789.~nNtTfF")


class _Resolver12(BaseResolver):
    """YAML 1.2 core-schema resolution of plain scalars. The C parser calls ``resolve`` for
    every node, so this is a lean replacement for PyYAML's table-driven version."""

    def resolve(self, kind, value, implicit):  # noqa: D401 - PyYAML's signature
        if kind is yaml.ScalarNode:
            if implicit[0] and (not value or value[0] in _MAYBE_NOT_TEXT):
                for tag, regexp in _IMPLICIT:
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


class _Composer(_Parser, _Resolver12):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Resolver12.__init__(self)


_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}


@dataclass
class Document:
    """A parsed question file: plain ``data`` and where each part of it stands."""

    path: str
    data: Any
    value_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # (style, start line, start column, end line), 0-based, of every text scalar, and the
    # file's lines: enough to point at a character inside a value (see `text_pos`).
    scalars: dict[Path_, tuple[str | None, int, int, int]] = field(default_factory=dict)
    text: str = ""
    # Paths of keys written twice in one mapping (QB004): only the first value is in ``data``.
    duplicate_keys: set[Path_] = field(default_factory=set)

    @property
    def lines(self) -> list[str]:
        """The file's lines, split on first use (most files never need them)."""
        lines = self.__dict__.get("_lines")
        if lines is None:
            lines = self.__dict__["_lines"] = self.text.splitlines()
        return lines

    def pos(self, path: Path_) -> tuple[int, int]:
        """Where to point for ``path``: its key if it is a mapping entry, else its value;
        for a path that does not exist, the nearest existing ancestor."""
        path = tuple(path)
        while True:
            if path in self.key_pos:
                return self.key_pos[path]
            if path in self.value_pos:
                return self.value_pos[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def text_pos(self, path: Path_, offset: int) -> tuple[int, int] | None:
        """The 1-based file position of character ``offset`` of the text at ``path``, for
        literal blocks (`|`) and one-line plain or quoted scalars; None where YAML folding
        or escapes make the mapping uncertain. The answer is checked against the file."""
        info = self.scalars.get(tuple(path))
        value = self._value(path)
        if info is None or not isinstance(value, str) or not 0 <= offset < len(value):
            return None
        style, line, col, end = info
        if style == "|":
            row = line + 1 + value.count("\n", 0, offset)
            if row >= len(self.lines):
                return None
            text = self.lines[row]
            first = next((ln for ln in self.lines[line + 1:end + 1] if ln.strip()), "")
            indent = len(first) - len(first.lstrip(" "))
            column = indent + offset - (value.rfind("\n", 0, offset) + 1)
        elif style in (None, "", "'", '"') and line == end and "\n" not in value:
            row, text = line, self.lines[line] if line < len(self.lines) else ""
            column = col + offset + (style in ("'", '"'))
        else:
            return None
        probe = value[offset:offset + 8].split("\n")[0]
        return (row + 1, column + 1) if text[column:column + len(probe)] == probe else None

    def _value(self, path: Path_) -> Any:
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def value_at(self, path: Path_) -> tuple[int, int]:
        """Where the value of ``path`` starts (falls back like :meth:`pos`)."""
        return self.value_pos.get(tuple(path)) or self.pos(path)


class _Refuse(Exception):
    def __init__(self, diag: Diagnostic) -> None:
        self.diag = diag


def decode(path: str, raw: bytes) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text (a BOM is dropped), or a QB002 diagnostic at the first bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        return None, error(path, 1, 1, "QB002", f"file is over the {MAX_FILE_BYTES:,}-byte limit for one question")
    if b"\x00" in raw:
        wide = utf16_or_32(raw)
        if wide:
            return None, error(path, 1, 1, "QB002", f"file is {wide}, not UTF-8; save it as UTF-8")
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        return None, error(path, line, 1, "QB002", "file contains NUL bytes: it is binary, not a YAML question")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, error(path, line, col, "QB002",
                           f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8")
    return text, None


def utf16_or_32(raw: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when ``raw`` is text in one of them (a byte-order mark, or the
    NUL byte beside every ASCII character that such text without one has), else None."""
    if raw[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    head = raw[:200]
    head = head[:len(head) - len(head) % 4]
    if len(head) < 4:
        return None
    lanes = [head[i::4] for i in range(4)]  # byte i of every 4: all NUL in a lane of wide ASCII
    nul = tuple(lane.count(0) == len(lane) for lane in lanes)
    if nul in ((False, True, True, True), (True, True, True, False)):  # little-, big-endian
        return "UTF-32"
    if nul in ((False, True, False, True), (True, False, True, False)):
        return "UTF-16"
    return None


def parse(path: str, text: str) -> tuple[Document | None, list[Diagnostic]]:
    """Compose ``text`` and convert it to a :class:`Document` (or say why not)."""
    try:
        loader = _Composer(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(path, exc)]
    except (yaml.YAMLError, RecursionError, MemoryError, ValueError) as exc:
        return None, [error(path, 1, 1, "QB001", f"YAML syntax error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")]
    doc = Document(path, None, text=text)
    if root is None:
        return doc, []
    diags: list[Diagnostic] = []
    try:
        doc.data = _Converter(path, doc, diags).convert(root, (), 0)
    except _Refuse as refuse:
        return None, [refuse.diag]
    return doc, diags


# Plain-English hints for the parser errors writers meet most.
_HINTS = (
    ("tab character", "YAML indents with spaces only; replace the tab with spaces"),
    ("mapping values are not allowed", "a `: ` inside unquoted text starts a new key; put the text in quotes "
                                       "or make it a block (`stem: |` and the text indented on the next lines)"),
    ("could not find expected ':'", "a line is indented like a key but has no `key:`; check the indentation "
                                    "of this line and the one before it"),
    ("did not find expected key", "the indentation does not line up with the keys above; indent keys of "
                                  "one mapping by the same number of spaces"),
    ("did not find expected '-' indicator", "list items must line up; start each one with `- ` at the same indentation"),
    ("found character '@'", "`@` and `` ` `` cannot start plain text; put the text in quotes"),
    ("found character '`'", "`@` and `` ` `` cannot start plain text; put the text in quotes"),
    ("found undefined alias", "`*name` refers to an anchor that is not defined; quote text that starts with `*`"),
    ("found undefined tag handle", "text starting with `!` is read as a tag; put it in quotes"),
    ("expected a single document", "one question per file: remove the `---` line and move the second question "
                                    "to its own file"),
)


def _syntax_error(path: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    ctx = exc.context_mark
    if exc.context:
        started = f" started at line {ctx.line + 1}" if ctx and mark and ctx.line != mark.line else ""
        problem = f"{problem} ({exc.context}{started})"
    text = f"{exc.context or ''} {exc.problem or ''}"
    hint = next((h for needle, h in _HINTS if needle in text), None)
    return error(path, line, col, "QB001", f"YAML syntax error: {problem}" + (f"; {hint}" if hint else ""))


def load(path: str, raw: bytes) -> tuple[Document | None, list[Diagnostic]]:
    """Bytes of one file to a :class:`Document` plus diagnostics (QB001/QB002/QB003/QB004)."""
    text, diag = decode(path, raw)
    if diag:
        return None, [diag]
    return parse(path, text)


class _Converter:
    def __init__(self, path: str, doc: Document, diags: list[Diagnostic]) -> None:
        self.path = path
        self.doc = doc
        self.diags = diags
        self.budget = MAX_NODES

    def refuse(self, node: yaml.Node, code: str, message: str) -> _Refuse:
        m = node.start_mark
        return _Refuse(error(self.path, m.line + 1, m.column + 1, code, message))

    def convert(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.refuse(node, "QB001", f"document expands to more than {MAX_NODES:,} values "
                              "(through anchors and aliases, or a huge list); simplify it")
        if depth > MAX_DEPTH:
            raise self.refuse(node, "QB001", f"nesting deeper than {MAX_DEPTH} levels; a question is only a few levels deep")
        m = node.start_mark
        self.doc.value_pos.setdefault(path, (m.line + 1, m.column + 1))
        tag = node.tag
        if tag not in _ALLOWED_TAGS or ((tag != _STR or type(node) is not yaml.ScalarNode) and _misfit(node)):
            raise self.refuse(node, "QB003", _bad_tag(node))
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR:
                self.doc.scalars[path] = (node.style, m.line, m.column, node.end_mark.line)
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        out: dict[str, Any] = {}
        first: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            km = key_node.start_mark
            kpos = (km.line + 1, km.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                self.diags.append(error(self.path, *kpos, "QB003", "a key must be a plain word, not a list or mapping"))
                continue
            # `!!binary text:` is no `text` key elsewhere (a key is a scalar here: a str tag always fits)
            if key_node.tag != _STR and (key_node.tag not in _ALLOWED_TAGS or _misfit(key_node)):
                raise self.refuse(key_node, "QB003", _bad_tag(key_node))
            key = key_node.value
            if key_node.tag == _CORE + "null" and key_node.style is None and key == "":
                self.diags.append(error(self.path, *kpos, "QB003", "empty key; write `name: value`"))
                continue
            if key in first:
                line = first[key][0]
                self.diags.append(error(self.path, *kpos, "QB004",
                                        f"key '{key}' appears twice (first at line {line}); "
                                        "YAML keeps only one of them, so remove or merge the other"))
                self.doc.duplicate_keys.add(path + (key,))
                continue
            first[key] = kpos
            self.doc.key_pos[path + (key,)] = kpos
            out[key] = self.convert(value_node, path + (key,), depth + 1)
        return out


_PATTERNS = dict(_IMPLICIT)


def _misfit(node: yaml.Node) -> bool:
    """An explicit tag that other YAML readers refuse for this node: `!!str [a, b]`, `!!seq x`,
    `!!int abc` (implicit resolution always fits: the tag came from the value's form)."""
    if isinstance(node, yaml.SequenceNode):
        return node.tag != _SEQ
    if isinstance(node, yaml.MappingNode):
        return node.tag != _MAP
    pattern = _PATTERNS.get(node.tag)
    return node.tag in (_SEQ, _MAP) or (pattern is not None and not pattern.match(node.value))


def _bad_tag(node: yaml.Node) -> str:
    if node.tag not in _ALLOWED_TAGS:
        return f"YAML tag '{node.tag}' is not allowed; remove it and write plain values"
    return f"the YAML tag '!!{node.tag[len(_CORE):]}' does not fit this value (other YAML readers reject it); remove it"


def _scalar(node: yaml.ScalarNode) -> Any:
    value, tag = node.value, node.tag[len(_CORE):]
    try:
        if tag == "str":
            return value
        if tag == "null":
            return None
        if tag == "bool":
            return value.lower() == "true"
        if tag == "int":
            if value.startswith("0o"):
                return int(value[2:], 8)
            if value.startswith("0x"):
                return int(value[2:], 16)
            return int(value)
        if tag == "float":
            low = value.lower()
            if low.endswith(".inf"):
                return -math.inf if low.startswith("-") else math.inf
            if low == ".nan":
                return math.nan
            return float(value)
    except ValueError:
        return value
    return value
