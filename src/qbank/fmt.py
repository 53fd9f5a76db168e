"""`qbank fmt`: rewrite question files in one canonical layout, keeping every comment and value.

The layout is applied to a ruamel.yaml round-trip tree and written through the checked
rewrite of :mod:`qbank.rewrite` (comments re-inserted by owner, the output re-read and
compared before anything is written; a file that fails is refused with QB009):

- top-level keys in the order of the schema's properties (id, stem, options, shuffle,
  explanation, topic, tags, difficulty, points, references, status, author, source, license,
  meta, lint), then any other keys in their original order; option keys in the
  order text, correct, rationale, then others;
- two-space mapping indentation; list items indented two spaces under their key, with
  their content four spaces in (``options:\\n  - text: ...\\n    correct: true``);
- every list and mapping in block style (``tags: [a, b]`` becomes a block list; a comment
  on its own line inside a multi-line flow list goes with the entry after the list);
- stem, explanation and option text and rationale that span lines or are longer than 80
  characters as literal block scalars (``|``), unless the text cannot be written that way
  exactly (trailing spaces on a line, a first line starting with a space or blank,
  tabs or control characters, two or more trailing newlines): then the existing style
  is kept. Folded scalars (``>``) stay folded, since their line breaks are the author's;
- every other single-line string plain, or single-quoted (double-quoted when it needs
  escapes) if plain would change its meaning, to qbank or to a YAML 1.1 reader such as
  PyYAML (``'Yes'``, ``'off'``, ``'1:30'``, ``'1_000'``, ``'2024-01-31'``, ``'~'`` stay quoted);
- comments indented like the key or list item they belong to, end-of-line comments two
  spaces after the value; runs of blank lines collapsed to one, none at the start of a
  block or the end of the file; no ``---`` marker;
- UTF-8 without a byte-order mark, LF line endings (a BOM, CRLF and the NEL line break,
  U+0085, are read fine).

The reports: ``text`` (and ``github``, with diagnostics as annotations) print each file's
problems and, for a dry run, what would change, then a summary line; ``json`` and ``sarif``
are one document each that also says, file by file, what fmt did or would do.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath
from typing import Any, Callable, Collection, Iterator

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString,
                                      SingleQuotedScalarString)

from . import pool
from .diagnostics import Diagnostic, plural
from .fmt_cache import content_digest
from .rewrite import RewriteRefused, internal_error, read_source, rewrite, write_back
from .schema import schema

# The canonical key order is the order the schema lists its properties in (a new field needs
# no edit here); keys the schema does not know keep their place after these.
TOP_ORDER = tuple(schema()["properties"])
OPTION_ORDER = tuple(schema()["$defs"]["option"]["properties"])
TOP_BLOCK_FIELDS = frozenset({"stem", "explanation"})
OPTION_BLOCK_FIELDS = frozenset({"text", "rationale"})
LONG = 80  # a string longer than this goes in a block scalar


# --- the canonical layout --------------------------------------------------------------------

def _literal_ok(s: str) -> bool:
    """Can ``s`` be written as a literal block scalar that reads back exactly?"""
    if not s or s[0] in " \n" or s.endswith("\n\n"):
        return False
    for ch in s:
        if ch == "\n" or " " <= ch <= "~":
            continue
        if ch in "\x85\u2028\u2029\ufeff" or not ("\xa0" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd"
                                                  or "\U00010000" <= ch <= "\U0010ffff"):
            return False
    return not any(ln.endswith(" ") for ln in s.split("\n"))


# A YAML 1.1 reader (PyYAML, many CI scripts) resolves these plain scalars to booleans,
# numbers, null or dates, where qbank and other YAML 1.2 readers see text: `Yes`, `off`,
# `1:30` (90), `1_000`, `017`, `2024-01-31`, `~`, `=`... PyYAML's own resolver decides, plus
# the one-letter booleans of the YAML 1.1 spec, which PyYAML leaves as text but others do not.
_YAML11 = yaml.resolver.Resolver()
_YAML11_BOOLS = frozenset({"y", "Y", "n", "N"})
_STR_TAG = "tag:yaml.org,2002:str"
_ESCAPE_ONLY = frozenset("\x85\u2028\u2029")  # read as line breaks unless escaped


def _not_text_to_yaml11(s: str) -> bool:
    return s in _YAML11_BOOLS or _YAML11.resolve(yaml.ScalarNode, s, (True, False)) != _STR_TAG


def _one_line(s: str) -> str:
    """A one-line string as ruamel.yaml should write it: left to choose (plain where the
    text reads back as itself, else quoted), but single-quoted where a YAML 1.1 reader
    would not read plain text as a string, and double-quoted where only an escape keeps
    a character."""
    if not _ESCAPE_ONLY.isdisjoint(s):
        return DoubleQuotedScalarString(s)
    if _not_text_to_yaml11(s):
        return SingleQuotedScalarString(s)
    return s


def _restyle(value: Any, block_field: bool) -> Any:
    if not isinstance(value, str):
        return value
    if block_field and ("\n" in value or len(value) > LONG):
        if isinstance(value, FoldedScalarString) or not _literal_ok(value):
            return _one_line(value) if type(value) is str and "\n" not in value else value
        return value if isinstance(value, LiteralScalarString) else LiteralScalarString(str(value))
    if "\n" in value:
        return value
    return _one_line(str(value))


def _reorder(mapping: CommentedMap, order: tuple[str, ...]) -> None:
    keys = list(mapping)
    wanted = [k for k in order if k in mapping] + [k for k in keys if k not in order]
    if wanted != keys:
        for k in wanted:
            mapping.move_to_end(k)


def _set(container: Any, key: Any, value: Any) -> None:
    """``container[key] = value`` without ruamel.yaml carrying the old string style over."""
    if isinstance(container, CommentedMap):
        ordereddict.__setitem__(container, key, value)
    elif isinstance(container, list):
        list.__setitem__(container, key, value)
    else:
        container[key] = value


def _canonical_strings(node: Any, block_fields: frozenset[str] = frozenset()) -> None:
    """Restyle every string under ``node``; keys in ``block_fields`` hold Markdown text."""
    if isinstance(node, dict):
        for k in list(node):
            _set(node, k, _restyle(node[k], k in block_fields))
            _canonical_strings(node[k])
    elif isinstance(node, list):
        for i in range(len(node)):
            _set(node, i, _restyle(node[i], False))
            _canonical_strings(node[i])
    if isinstance(node, (CommentedMap, CommentedSeq)):
        node.fa.set_block_style()


def canonicalize(tree: Any) -> None:
    """Put a question's round-trip tree into the canonical layout (module docstring)."""
    if not isinstance(tree, CommentedMap):
        return
    _reorder(tree, TOP_ORDER)
    for k in list(tree):
        _set(tree, k, _restyle(tree[k], k in TOP_BLOCK_FIELDS))
        if k == "options" and isinstance(tree[k], list):
            options = tree[k]
            options.fa.set_block_style()
            for i, opt in enumerate(options):
                if isinstance(opt, CommentedMap):
                    _reorder(opt, OPTION_ORDER)
                    _canonical_strings(opt, OPTION_BLOCK_FIELDS)
                else:
                    _set(options, i, _restyle(opt, False))
                    _canonical_strings(opt)
        else:
            _canonical_strings(tree[k])
    tree.fa.set_block_style()


def format_text(text: str, path: str = "<text>") -> str:
    """``text`` in the canonical layout, checked to read back as the same question with every
    comment kept. Raises :class:`RewriteRefused` (with diagnostics) instead of guessing."""
    done = rewrite(text, canonicalize, canonical=True, path=path, expect_same_data=True)
    return text if done is None else done.text


# --- files -----------------------------------------------------------------------------------

@dataclass
class FmtResult:
    """What `fmt` did (or would do) to one file."""

    path: str
    changed: bool = False        # the canonical text differs from the file
    written: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    before: str | None = None    # the file's text (for --diff)
    after: str | None = None     # the canonical text
    key: bytes | None = None     # the content's digest, when it was found in the layout already

    @property
    def state(self) -> str:
        """``refused``, ``reformatted``, ``would-reformat`` (a dry run) or ``unchanged``."""
        if self.diagnostics:
            return "refused"
        if self.written:
            return "reformatted"
        return "would-reformat" if self.changed else "unchanged"


def format_file(path: str | Path, check: bool, root: str | None = None) -> FmtResult:
    """Rewrite ``path`` in the canonical layout (atomically), or with ``check`` only say
    whether that would change it; never reads or writes through a link out of the bank
    ``root``, when given. Problems come back as diagnostics; nothing raises."""
    name = str(path)
    result = FmtResult(name)
    source = read_source(name, root)
    if isinstance(source, Diagnostic):
        result.diagnostics.append(source)
        return result
    raw, text, read_stat = source
    result.before = text
    try:
        new = format_text(text, name)
    except RewriteRefused as exc:
        result.diagnostics.extend(exc.diagnostics)
        return result
    except Exception as exc:  # a bug must not cost the author a file or stop the other files
        result.diagnostics.append(internal_error(name, f"fmt failed on this file ({type(exc).__name__})"))
        return result
    data = new.encode("utf-8")
    result.after = new
    result.changed = data != raw
    if not result.changed:
        result.key = content_digest(raw)
    elif not check:
        problem = write_back(name, data, read_stat, root)
        if problem is not None:
            result.diagnostics.append(problem)
            return result
        result.written = True
    return result


CHUNK = (1, 200)  # files per worker task (low, high)


def _format_chunk(paths: list[str], check: bool, keep_text: bool, root: str | None) -> list[FmtResult]:
    out = []
    for path in paths:
        result = format_file(path, check, root)
        if not keep_text:  # don't ship file contents between processes for nothing
            result.before = result.after = None
        out.append(result)
    return out


def format_files(paths: list[str], check: bool, *, keep_text: bool = False, jobs: int | None = None,
                 root: str | None = None, known: Collection[bytes] = ()) -> Iterator[FmtResult]:
    """:func:`format_file` over ``paths``, in order, in worker processes when there are many.
    ``keep_text`` keeps each result's before/after text (for diffs); ``root`` is the bank.
    A file whose content's digest is among ``known`` (:mod:`qbank.fmt_cache`) is only read
    and hashed: it is unchanged."""
    work = partial(_format_chunk, check=check, keep_text=keep_text, root=root)
    if not known:
        return pool.ordered_map(work, paths, jobs=jobs, min_items=pool.PARALLEL_MIN_ITEMS, chunk=CHUNK)
    return _skipping_known(paths, known, work, jobs, root)


def _skipping_known(paths: list[str], known: Collection[bytes], work: Callable[[list[str]], list[FmtResult]],
                    jobs: int | None, root: str | None) -> Iterator[FmtResult]:
    from .fsutil import read_file

    keys: list[bytes | None] = []
    for path in paths:
        raw, _ = read_file(path, root)  # a file that cannot be read goes the long way, to say why
        key = None if raw is None else content_digest(raw)
        keys.append(key if key in known else None)
    rest = pool.ordered_map(work, [p for p, k in zip(paths, keys) if k is None], jobs=jobs,
                            min_items=pool.PARALLEL_MIN_ITEMS, chunk=CHUNK)
    for path, key in zip(paths, keys):
        yield FmtResult(path, key=key) if key is not None else next(rest)


def files_to_format(roots: list[Path]) -> tuple[list[str], str]:
    """The question files under ``roots`` that the bank's qbank.toml does not exclude, and the
    bank root. Raises :class:`qbank.discover.DiscoveryError` for a path that does not exist
    and when there is no file to format (a run that checks nothing never passes)."""
    from .config import load_config
    from .discover import discover, nothing_to_check

    config = load_config(roots)
    files = [str(f) for f in discover(roots) if not config.excluded(str(f))]
    if not files:
        raise nothing_to_check(roots)
    return files, str(config.root)


# --- reports ---------------------------------------------------------------------------------

@dataclass
class FmtRun:
    """What `fmt` did to a set of files, or with ``dry`` would do, in the order checked."""

    dry: bool
    results: list[FmtResult] = field(default_factory=list)

    def _with(self, state: str) -> list[str]:
        return [r.path for r in self.results if r.state == state]

    @property
    def changed(self) -> list[str]:
        """Files reformatted, or with ``dry`` that would be."""
        return self._with("would-reformat" if self.dry else "reformatted")

    @property
    def refused(self) -> list[str]:
        return self._with("refused")

    @property
    def unchanged(self) -> list[str]:
        return self._with("unchanged")

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    @property
    def failed(self) -> bool:
        """Files were refused, or (a dry run) would change: `qbank fmt` exits 1."""
        return bool(self.refused or (self.dry and self.changed))

    def summary(self) -> str:
        changed, refused = len(self.changed), len(self.refused)
        unchanged = len(self.results) - changed - refused
        if self.dry:
            parts = [f"{plural(changed, 'file')} would be reformatted", f"{unchanged} already formatted"]
        else:
            parts = [f"{plural(changed, 'file')} reformatted", f"{unchanged} left unchanged"]
        if refused:
            parts.append(f"{refused} refused (see above)")
        return ", ".join(parts) + "."


def diagnostic_line(d: Diagnostic) -> str:
    from .report import printable

    return printable(f"{d.path}:{d.line}:{d.column}: {d.code} {d.name}: {d.message}")


def unified_diff(result: FmtResult) -> str:
    return "".join(difflib.unified_diff((result.before or "").splitlines(keepends=True),
                                        (result.after or "").splitlines(keepends=True),
                                        fromfile=f"a/{result.path}", tofile=f"b/{result.path}"))


def _annotations(diags: list[Diagnostic]) -> str:
    """GitHub annotations for ``diags``, without the lint summary line that follows them."""
    from .report import render, summary

    return render(diags, "github").removesuffix(summary(diags, 0) + "\n")


def file_report(result: FmtResult, *, diff: bool, fmt: str = "text") -> str:
    """What `qbank fmt` prints for one file in the ``text`` or ``github`` format: its problems,
    and for a file a dry run would change, the diff (``diff``) or a "Would reformat" line."""
    if fmt == "github":
        out = _annotations(result.diagnostics) if result.diagnostics else ""
    else:
        out = "".join(diagnostic_line(d) + "\n" for d in result.diagnostics)
    if result.state == "would-reformat":
        if diff:
            out += unified_diff(result)
        else:
            from .report import printable

            out += printable(f"Would reformat: {result.path}") + "\n"
    return out


def _files(run: FmtRun, diff: bool) -> list[dict[str, Any]]:
    files = []
    for r in run.results:
        entry: dict[str, Any] = {"path": r.path, "state": r.state}
        if diff and r.state == "would-reformat":
            entry["diff"] = unified_diff(r)
        files.append(entry)
    return files


def document(run: FmtRun, fmt: str, *, diff: bool = False) -> str:
    """The whole report of ``run`` as one ``json`` or ``sarif`` document.

    json: ``{"files": [{path, state[, diff]}], "summary": {state: count}, "diagnostics": [...]}``
    with the diagnostics as `qbank lint --format json` writes them. sarif: the refused files'
    diagnostics as results, and every file as an artifact whose ``properties`` carry its
    state (and diff). ``diff`` adds the unified diff of each file a dry run would change."""
    from .report import render

    files = _files(run, diff)
    if fmt == "json":
        states = ["would-reformat" if run.dry else "reformatted", "unchanged", "refused"]
        summary = {s: sum(1 for f in files if f["state"] == s) for s in states}
        doc: Any = {"files": files, "summary": summary, "diagnostics": [d.to_dict() for d in run.diagnostics]}
    elif fmt == "sarif":
        doc = json.loads(render(run.diagnostics, "sarif", len(files)))
        doc["runs"][0]["artifacts"] = [{
            "location": {"uri": PurePath(f["path"]).as_posix(),
                         **({} if PurePath(f["path"]).is_absolute() else {"uriBaseId": "%SRCROOT%"})},
            "properties": {k: v for k, v in f.items() if k != "path"},
        } for f in files]
    else:
        raise ValueError(f"not a document format: {fmt}")
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
