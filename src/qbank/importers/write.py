"""Place imported questions into a bank: plan first (what each item would do to the bank), then
apply the plan. Nothing here imports click; nothing is written outside the bank folder.

The plan, per item (matched by id against the questions already in the bank):
    added        no question in the bank has the id: a new file `<folder>/<id>.yaml`
    updated      the bank's question with the id lives at that path and holds other data
    unchanged    ... and holds the same data
    conflicting  the bank itself has the id in two or more files (QB005): which one to update
                 would be a guess, so it is reported (QB014) and nothing is overwritten
A question the bank keeps in another folder than the source's category is updated where it is:
the bank's layout wins, so exporting a bank and importing the export back updates it in place.
Ids: the source's own id slugged to the schema pattern, else the slug of the stem's first
words, else `q-<n>`. Two items of one import with the same id get `-2`, `-3`... in the order
read, so a re-import of the same source gives each item the same id again; an id made up by
the importer also steps past ids the bank uses in other files (a made-up id names nothing the
bank knows, so it must not clash).

An update keeps what the source has no place for: top-level keys the import does not set
(difficulty, references, status, meta, lint...) and a rationale the source lacks on an option
whose text is unchanged; it is fmt's checked rewrite of the bank's file, so comments stay where
what they belong to is still there. A question whose data is the same is unchanged, its file left
as it is. New files are written in the canonical `qbank fmt` layout; every file atomically.
Media (``ImportedItem.media``: name -> bytes, referred to in the Markdown as `](name)`) go to
`<folder>/media/<name>`: the same bytes reuse a file, other bytes take a new name
(`name-2.png`), and the references are rewritten to match.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

from ..diagnostics import Diagnostic, diagnostic
# the direct writer's names: imported once here, not on each of its 150,000 calls in a large import
from ..fmt import LONG, OPTION_BLOCK_FIELDS, OPTION_ORDER, TOP_BLOCK_FIELDS, TOP_ORDER, _not_text_to_yaml11
from ..schema import Fields
from .archive import media_filename, numbered
from .base import ImportedItem, ImportOptions, ReadResult
from .itemdata import ascii_lower, slug_id

STEM_WORDS = 6        # an id made from the stem takes its first words
MEDIA_FOLDER = "media"
SUFFIX = ".yaml"


# --- names -----------------------------------------------------------------------------------

def slug_folder(name: str) -> str:
    """A category name as a folder name: `Chapter 1: Ethics` -> `chapter-1-ethics`."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_lower(name)).strip("-")[:80]


def stem_id(stem: str) -> str:
    """An id from the first words of the stem (Markdown and punctuation dropped)."""
    words = re.findall(r"[a-z0-9]+", ascii_lower(re.sub(r"!?\[[^\]]*\]\([^)]*\)", " ", stem)))
    return slug_id("-".join(words[:STEM_WORDS]))


# --- the canonical text ----------------------------------------------------------------------

def canonical_text(data: dict) -> str:
    """``data`` as a question file in the `qbank fmt` layout: written directly when every value
    is of the shapes an import makes (see :func:`_fast_text`), else through fmt's own machinery."""
    fast = _fast_text(data)
    return fast if fast is not None else _fmt_text(data)


def _tree(value: Any) -> Any:
    """Plain data as a ruamel.yaml round-trip tree (what fmt's layout works on)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        return CommentedMap((k, _tree(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return CommentedSeq(_tree(v) for v in value)
    return value


def _fmt_text(data: dict) -> str:
    from ..fmt import canonicalize
    from ..rewrite import dump_rt

    root = _tree(data)
    canonicalize(root)
    return dump_rt(root)


# What ruamel.yaml (as fmt drives it) writes plain, conservatively: a letter or digit first, no
# character that is a YAML indicator or needs quotes anywhere, no trailing space. Anything else
# goes the slow way, which is the reference (tests compare the two).
_INNER = "A-Za-z0-9 ,.;!?()/%+=_$'\"`*&<>\\[\\]|@~^\u00a1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd-"
_PLAIN = re.compile(f"[A-Za-z0-9\u00c0-\u024f][{_INNER}]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


# The characters a literal block cannot carry (fmt's _literal_ok: all but the line break, printable
# ASCII, \xa0-\ud7ff, \ue000-\ufffd and beyond \uffff, less \x85, \u2028, \u2029 and \ufeff), as one
# class: a loop over characters, or one pattern of alternatives, costs more than the rest of the writer.
_NOT_LITERAL_CHAR = re.compile("[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\u2028\\u2029\\ufeff\\ufffe\\uffff]")


def _literal_ok(value: str) -> bool:
    """fmt's _literal_ok: no text that starts with a space or line break, ends in two line breaks,
    has a line ending in a space, or holds a character a literal block cannot carry."""
    return (bool(value) and value[0] not in " \n" and not value.endswith(("\n\n", " ")) and " \n" not in value
            and not _NOT_LITERAL_CHAR.search(value))


class _Slow(Exception):
    """A value the direct writer does not handle."""


def _scalar(value: Any, block: bool, indent: str) -> str:
    """`` value`` as written after `key:` (with the leading space), or raise _Slow."""
    if value is True or value is False:
        return " true" if value else " false"
    if isinstance(value, int) and not isinstance(value, bool):
        return f" {value}"
    if isinstance(value, float) and _NUMBER.fullmatch(repr(value)):
        return f" {value!r}"
    if not isinstance(value, str):
        raise _Slow
    if block and ("\n" in value or len(value) > LONG):
        if not _literal_ok(value):
            raise _Slow
        body = value[:-1] if value.endswith("\n") else value
        lines = "\n".join(indent + line if line else "" for line in body.split("\n"))
        return (" |\n" if value.endswith("\n") else " |-\n") + lines
    if value == "":
        return " ''"
    if value.endswith(" ") or not _PLAIN.fullmatch(value) or _not_text_to_yaml11(value):
        raise _Slow
    return " " + value


def _fast_text(data: dict) -> str | None:
    keys = [k for k in TOP_ORDER if k in data] + [k for k in data if k not in TOP_ORDER]
    out: list[str] = []
    try:
        for key in keys:
            value = data[key]
            if key == "options" and isinstance(value, list) and value:
                out.append("options:")
                for option in value:
                    if not isinstance(option, dict) or not option:
                        raise _Slow
                    names = [k for k in OPTION_ORDER if k in option] + [k for k in option if k not in OPTION_ORDER]
                    for i, name in enumerate(names):
                        lead = "  - " if i == 0 else "    "
                        out.append(f"{lead}{name}:{_scalar(option[name], name in OPTION_BLOCK_FIELDS, '      ')}")
            elif isinstance(value, list) and value:
                out.append(f"{key}:")
                out += [f"  -{_scalar(v, False, '')}" for v in value]
            else:
                if isinstance(value, (list, dict)):
                    raise _Slow
                out.append(f"{key}:{_scalar(value, key in TOP_BLOCK_FIELDS, '  ')}")
    except _Slow:
        return None
    return "\n".join(out) + "\n"


def updated_text(existing: "Existing", data: dict) -> str:
    """The bank's file rewritten to hold ``data``, its comments kept where what they belong to
    is still there (fmt's checked rewrite); the plain canonical text when they cannot be."""
    from ..rewrite import rewrite
    from ..trivia import RewriteRefused

    if existing.data == data:
        return existing.text   # the same question: the file stays as it is, layout and all

    def transform(tree: Any) -> None:
        from ..fmt import canonicalize

        for key in [k for k in tree if k not in data]:
            del tree[key]
        for key, value in data.items():
            if tree.get(key) != value:
                tree[key] = _tree(value)
        canonicalize(tree)

    try:
        done = rewrite(existing.text, transform, canonical=True, path=existing.path, expect_same_data=False)
    except RewriteRefused:
        done = None
    return done.text if done is not None else canonical_text(data)




def _valid_but_for_rationales(data: dict, fields: Fields = ()) -> bool:
    """Does ``data`` pass the schema once the rationales and explanation an import may lack are
    filled in? (The compiled check: most questions need no YAML read-back to be judged.)"""
    from ..schema import fast_is_valid

    filled = dict(data)
    if filled.get("explanation") == "":
        filled["explanation"] = "x"
    if isinstance(filled.get("options"), list):
        filled["options"] = [{**o, "rationale": "x"} if isinstance(o, dict) and not o.get("rationale") else o
                             for o in filled["options"]]
    return fast_is_valid(fields)(filled)


def schema_problems(text: str, path: str, data: dict | None = None, fields: Fields = ()) -> list[Diagnostic]:
    """What `qbank validate` would call an error in ``text`` other than a missing rationale or
    explanation (QB105, expected of an import) and media (written with the question). ``fields``:
    the bank's declared fields (a required one is checked as optional: like a rationale, a value
    the source does not have is imported as missing and lint reports it). With
    ``data`` (what ``text`` was written from, by a writer whose text reads back as its data), a
    question the compiled schema check passes needs no read-back."""
    from ..loader import load
    from ..validate import check_document

    # a character no export carries reaches YAML only through a double-quoted escape: with no
    # backslash in the text, the compiled check says all there is to say
    fields = tuple(replace(f, required=False) for f in fields)
    if data is not None and "\\" not in text and _valid_but_for_rationales(data, fields):
        return []
    doc, diags = load(path, text.encode("utf-8"))
    if doc is not None:
        diags += check_document(doc, fields)
    return [d for d in diags if d.code not in ("QB105", "QB006")]


# --- the bank as it is -----------------------------------------------------------------------

@dataclass
class Existing:
    path: str   # relative to the bank root, POSIX
    text: str
    data: dict
    twins: list[str] = field(default_factory=list)   # other files with the same id (QB005)


def bank_questions(root: Path, excluded: Callable[[str], bool] = lambda path: False) -> dict[str, Existing]:
    """The questions already in the bank, by id (files that are no question, and those qbank.toml
    excludes, as every command does, are skipped)."""
    from ..discover import discover
    from ..fsutil import read_file
    from ..loader import load

    found: dict[str, Existing] = {}
    if not root.is_dir():
        return found
    for path in discover([root]):
        if excluded(str(path)):
            continue
        raw, problem = read_file(str(path), root)
        if raw is None or problem is not None:
            continue
        doc, _ = load(str(path), raw)
        data = doc.data if doc is not None else None
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            rel = path.relative_to(root).as_posix()
            if data["id"] in found:
                found[data["id"]].twins.append(rel)
            else:
                found[data["id"]] = Existing(rel, raw.decode("utf-8", "replace"), data)
    return found


def outside(root: Path, rel: str, folders: dict[str, bool] | None = None) -> bool:
    """Would writing ``rel`` under ``root`` go through a symbolic link, or out of the bank?
    ``folders`` remembers each folder's answer for one pass over many files (10,000 questions
    live in a few folders; resolving each file's folder again costs a stat per path part)."""
    target = root / rel
    if target.is_symlink():
        return True
    parent = str(target.parent)
    known = folders.get(parent) if folders is not None else None
    if known is None:
        real_root = os.path.realpath(root)
        real = os.path.realpath(parent)
        known = not (real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep))
        if folders is not None:
            folders[parent] = known
    return known


# --- the plan --------------------------------------------------------------------------------

STATES = ("added", "updated", "unchanged", "conflicting")


@dataclass
class Entry:
    """What one imported item does to the bank."""

    state: str               # one of STATES
    id: str
    path: str                # relative to the bank root, POSIX
    source: str              # the file it was read from
    line: int
    before: str | None       # the bank's file now (None: none there)
    after: str               # what would be written


@dataclass
class Plan:
    root: Path
    entries: list[Entry] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)   # new media files: relative path -> bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)    # code -> questions skipped
    folders: dict[str, bool] = field(default_factory=dict, repr=False)   # folder -> leads out of the bank
    fields: Fields = ()   # the bank's declared fields ([fields.NAME] in its qbank.toml)

    def count(self, state: str) -> int:
        return sum(1 for e in self.entries if e.state == state)

    @property
    def writes(self) -> list[Entry]:
        return [e for e in self.entries if e.state in ("added", "updated")]

    @property
    def failed(self) -> bool:
        """Something was skipped or conflicts: `qbank import` exits 1."""
        return bool(self.skipped or self.count("conflicting"))

    def diff(self) -> str:
        """A unified diff of every file the plan would write."""
        out = []
        for e in self.writes:
            out.append("".join(difflib.unified_diff(
                (e.before or "").splitlines(keepends=True), e.after.splitlines(keepends=True),
                fromfile="/dev/null" if e.before is None else f"a/{e.path}", tofile=f"b/{e.path}")))
        out += [f"new media file: {path} ({len(data)} bytes)\n" for path, data in sorted(self.media.items())]
        return "".join(out)


# The codes of a reader's or the writer's diagnostics that kept a question (or a part of a file) out.
SKIPPING = ("QB000", "QB012", "QB013", "QB015")


class _Media:
    """Media names under each folder: same bytes, same file; other bytes, a new name."""

    def __init__(self, root: Path, folders: dict[str, bool]) -> None:
        self.root = root
        self.folders = folders
        self.new: dict[str, bytes] = {}

    def place(self, folder: str, name: str, data: bytes) -> str | None:
        """The bank-relative path ``data`` is (or will be) at, or None if the media folder
        would lead out of the bank."""
        base = media_filename(name)
        for n in range(1, 10_000):
            candidate = base if n == 1 else numbered(base, n)
            rel = f"{folder}/{MEDIA_FOLDER}/{candidate}".lstrip("/")
            if rel in self.new:
                if self.new[rel] == data:
                    return rel
                continue
            path = self.root / rel
            if path.is_symlink() or outside(self.root, rel, self.folders):
                return None
            if path.exists():
                try:
                    same = path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
                except OSError:
                    same = False
                if same:
                    return rel
                continue
            self.new[rel] = data
            return rel
        return None


def _relink(data: dict, links: dict[str, str]) -> dict:
    """``data`` with every Markdown link target `](name)` / `](<name>)` in ``links`` replaced."""
    if not links:
        return data
    pattern = re.compile(r"\]\(<?(" + "|".join(re.escape(n) for n in sorted(links, key=len, reverse=True))
                         + r")>?([ )])")

    def fix(text: Any) -> Any:
        if not isinstance(text, str):
            return text
        return pattern.sub(lambda m: f"]({links[m.group(1)]}{m.group(2)}", text)

    out = dict(data)
    for key in ("stem", "explanation"):
        if key in out:
            out[key] = fix(out[key])
    if isinstance(out.get("options"), list):
        out["options"] = [{k: fix(v) if k in ("text", "rationale") else v for k, v in o.items()}
                          if isinstance(o, dict) else o for o in out["options"]]
    return out


def _merged(new: dict, old: dict) -> dict:
    """``new`` with what ``old`` holds that the source has no place for (module docstring)."""
    from ..schema import schema

    out = {key: _same_text(value, old.get(key)) for key, value in new.items()}
    for key, value in old.items():
        if key not in out:
            out[key] = value
    old_options = old.get("options") if isinstance(old.get("options"), list) else []
    options = []
    for i, option in enumerate(out.get("options") or []):
        was = old_options[i] if i < len(old_options) and isinstance(old_options[i], dict) else {}
        if isinstance(option, dict):
            option = {key: _same_text(value, was.get(key)) for key, value in option.items()}
        if isinstance(option, dict) and "rationale" not in option and was.get("text") == option.get("text") \
                and isinstance(was.get("rationale"), str):
            option = {**option, "rationale": was["rationale"]}
        options.append(option)
    if "options" in out:
        out["options"] = options
    order = list(schema()["properties"])
    return {k: out[k] for k in sorted(out, key=lambda k: order.index(k) if k in order else len(order))}


def _same_text(new: Any, old: Any) -> Any:
    """The bank's text where the source's differs only in trailing whitespace: exports drop the final
    line break of a block (`stem: |`), and a re-import must not rewrite every file for it."""
    if isinstance(new, str) and isinstance(old, str) and new != old and new.rstrip() == old.rstrip():
        return old
    return new


def plan_import(results: Iterable[tuple[str, ReadResult]], root: str | os.PathLike) -> Plan:
    """What importing ``results`` (source file, what its reader returned) into the bank at
    ``root`` would do. Reads the bank; writes nothing."""
    root = Path(root)
    from ..config import load_config

    config = load_config([root])
    plan = Plan(root, fields=config.fields)
    bank = bank_questions(root, config.excluded)
    by_path = {e.path: e for e in bank.values()}
    used: set[str] = set()
    media = _Media(root, plan.folders)
    for source, result in results:
        plan.diagnostics.extend(result.diagnostics)
        for d in result.diagnostics:
            if d.code in SKIPPING:
                plan.skipped[d.code] = plan.skipped.get(d.code, 0) + 1
        for number, item in enumerate(result.items, 1):
            _plan_item(plan, source, number, item, bank, by_path, used, media)
    plan.media = media.new
    return plan


def _asked_id(data: dict) -> tuple[str, bool]:
    """The id ``data`` asks for before any `-2`, `-3`: its own slugged, else one made from its
    stem ("" when neither gives one); and whether it is made up (the source has none)."""
    own = slug_id(data["id"]) if isinstance(data.get("id"), str) else ""
    return own or stem_id(data.get("stem") if isinstance(data.get("stem"), str) else ""), not own


def new_text(data: dict) -> str | None:
    """The text of ``data`` as a new question under the id it asks for (:func:`_asked_id`), which
    is what the plan writes when the bank has no such question and no media is relinked; None
    when it asks for none or cannot be written. Readers write it ahead in their worker processes
    (:attr:`ImportedItem.text`): it is most of a plan's time."""
    qid = _asked_id(data)[0]
    if not qid:
        return None
    try:
        return canonical_text({**data, "id": qid})
    except Exception:  # the plan writes it again, and says why it cannot
        return None


def _skip(plan: Plan, code: str, source: str, line: int, message: str) -> None:
    plan.diagnostics.append(diagnostic(code, source, line, 1, message))
    plan.skipped[code] = plan.skipped.get(code, 0) + 1


def _plan_item(plan: Plan, source: str, number: int, item: ImportedItem, bank: dict[str, Existing],
               by_path: dict[str, Existing], used: set[str], media: _Media) -> None:
    data = dict(item.data)
    folder = "/".join(s for s in (slug_folder(f) for f in item.folder) if s)
    asked, made_up = _asked_id(data)
    base = asked or f"q-{number}"
    for n in range(1, 100_000):
        qid = base if n == 1 else f"{base}-{n}"
        if qid in used:
            continue
        rel = f"{folder}/{qid}{SUFFIX}".lstrip("/")
        there = by_path.get(rel)
        if there is not None and there.data.get("id") != qid:
            continue  # the file name is taken by another question
        existing = bank.get(qid)
        if existing is not None and made_up and existing.path != rel:
            continue
        if existing is not None and existing.twins:
            used.add(qid)
            files = ", ".join([existing.path, *existing.twins])
            plan.entries.append(Entry("conflicting", qid, existing.path, source, item.line, existing.text, ""))
            plan.diagnostics.append(diagnostic(
                "QB014", source, item.line, 1,
                f"id '{qid}' is used by more than one file of the bank ({files}); which one to update is "
                "unclear, so it was not imported: give each file its own id (QB005) and import again",
                related=tuple((str(plan.root / p), 1, 1) for p in [existing.path, *existing.twins])))
            return
        if existing is not None and existing.path != rel:
            rel = existing.path  # the bank keeps this question elsewhere: update it there
            folder = PurePosixPath(rel).parent.as_posix() if "/" in rel else ""
            break
        if (plan.root / rel).exists() and there is None:
            continue  # a file that is no question (or unreadable) has this name
        break
    else:  # pragma: no cover - 100,000 questions with one id
        _skip(plan, "QB013", source, item.line, f"no free id after '{base}'")
        return
    used.add(qid)
    if outside(plan.root, rel, plan.folders):
        _skip(plan, "QB015", source, item.line,
              f"{rel} would be written through a symbolic link or out of the bank; the question was skipped")
        return
    links = {}
    for name, blob in sorted(item.media.items()):
        placed = media.place(folder, name, blob)
        if placed is None:
            _skip(plan, "QB015", source, item.line,
                  f"the media file {name} would be written through a symbolic link or out of the bank; "
                  "the question was skipped")
            return
        links[name] = PurePosixPath(placed).relative_to(folder).as_posix() if folder else placed
    data["id"] = qid
    data = _relink(data, links)
    existing = bank.get(qid)
    if existing is not None:
        data = _merged(data, existing.data)
    try:
        if existing is not None:
            text = updated_text(existing, data)
        elif item.text is not None and qid == asked and not links:
            text = item.text   # the reader wrote it for this very data (new_text)
        else:
            text = canonical_text(data)
    except Exception as exc:  # the reader handed over something YAML cannot hold
        _skip(plan, "QB013", source, item.line, f"the question cannot be written as YAML ({type(exc).__name__})")
        return
    problems = schema_problems(text, rel, data if existing is None else None, plan.fields)
    if problems:
        first = problems[0]
        _skip(plan, "QB013", source, item.line,
              f"the question read does not make a valid qbank question ({first.code}: {first.message}); skipped")
        return
    if existing is None:
        plan.entries.append(Entry("added", qid, rel, source, item.line, None, text))
    else:
        state = "unchanged" if existing.text == text else "updated"
        plan.entries.append(Entry(state, qid, rel, source, item.line, existing.text, text))


def apply_plan(plan: Plan) -> list[Diagnostic]:
    """Write what ``plan`` says (media first, then the questions), each file atomically.
    Returns a diagnostic per file that could not be written. Each file is replaced by a rename
    (never seen half-written). A file the bank had (an update) is fsynced before the rename, so a
    crash leaves the old text or the new one; a new file is not: a crash can lose only what the
    same import writes again, and 10,000 fsyncs (or one system-wide sync) were most of the time
    of a large import."""
    from ..fsutil import atomic_writer

    problems: list[Diagnostic] = []
    writes = [(rel, data, False) for rel, data in sorted(plan.media.items())]
    writes += [(e.path, e.after.encode("utf-8"), e.state == "updated") for e in plan.writes]
    made: set[Path] = set()
    folders: dict[str, bool] = {}   # checked again, once per folder: one may have been swapped for a link
    for rel, data, durable in writes:
        target = plan.root / rel
        try:
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if outside(plan.root, rel, folders):
                raise OSError(f"{rel} leads out of the bank")
            with atomic_writer(target, durable=durable) as fh:
                fh.write(data)
        except OSError as exc:
            problems.append(diagnostic("QB015", str(target), 1, 1,
                                       f"cannot write this file: {exc.strerror or exc}"))
    return problems


def read_all(fmt: str, files: Iterable[str | os.PathLike], options: ImportOptions | None = None
             ) -> list[tuple[str, ReadResult]]:
    """Each file read by the FORMAT's reader; a reader that fails on a file (a bug) gives a
    QB000 diagnostic for it, never a traceback."""
    from . import reader

    read = reader(fmt)
    options = options or ImportOptions()
    out = []
    for path in files:
        name = str(path)
        try:
            result = read(path, options)
        except Exception as exc:  # a reader bug must not lose the other files' questions
            from ..diagnostics import internal_error

            result = ReadResult(diagnostics=[internal_error(name, f"the {fmt} reader failed on this file "
                                                                  f"({type(exc).__name__}: {exc}); please report it")])
        out.append((name, result))
    return out
