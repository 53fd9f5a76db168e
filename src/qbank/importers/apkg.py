"""Anki packages of qbank's note type: what `qbank export --anki` writes (genanki's
`collection.anki2`), and the same notes exported again by Anki itself (`collection.anki21`
when "support older Anki versions" is ticked, else the zstd-compressed `collection.anki21b`
with a protobuf media list; both also hold a stub `collection.anki2` that is not read).

The qbank fields come back from the note fields qbank writes (see ``export.anki.note_fields``):
ID -> id; Question -> stem; Options (`ol.qb-options`, `data-qb-order="kept"` -> shuffle false)
-> the options; Answer (`div.qb-key`) -> the key; Explanation; Rationales (`ul.qb-rationales`,
by letter); Source (bank and file, then references joined with "; ", then "Source: ... ·
Licence: ...") -> references, source and license. The deck (`Bank::Topic`) gives the topic and
the folder; the tags `difficulty::x` the difficulty, the others the tags (Anki's tags hold no
spaces: qbank wrote them with `_`). Images come from the package's `media` map.

Notes of any other note type are one QB012 per note type (with how many were skipped); a
package without a readable collection is one QB013.
"""

from __future__ import annotations

import html
import io
import json
import sqlite3
from pathlib import Path
from urllib.parse import unquote

from lxml import etree
from lxml import html as lhtml

from ..diagnostics import diagnostic
from .archive import Archive, Malformed, Refused, add_media, guarded
from .base import ImportedItem, ImportOptions, ReadResult
from .itemdata import question_data
from .markup import html_to_markdown

FIELDS = ["ID", "Question", "Options", "Answer", "Explanation", "Rationales", "Source"]  # export.anki.FIELDS
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")  # newest first: the others are stubs
MAX_STEPS = 200_000  # thousands of SQLite steps a package may take to read (10,000 notes take a few hundred)


def read(path: Path, options: ImportOptions) -> ReadResult:
    path = Path(path)

    def work(result: ReadResult) -> None:
        with Archive(path, options.max_bytes) as archive:
            _read_package(archive, str(path), options.max_bytes, result)

    return guarded(path, work)


def _unzstd(data: bytes, limit: int, what: str) -> bytes:
    import zstandard

    out = bytearray()
    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as src:
            while chunk := src.read(1024 * 1024):
                out += chunk
                if len(out) > limit:
                    raise Refused(f"{what} expands past the {limit:,} bytes an import reads")
    except zstandard.ZstdError as exc:
        raise Malformed(f"{what} cannot be decompressed ({exc})") from exc
    return bytes(out)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise Malformed("the media list is damaged")
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def _protobuf(data: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, value) pairs of one protobuf message: varints and length-delimited only,
    which is all Anki's MediaEntries uses."""
    out, at = [], 0
    while at < len(data):
        key, at = _varint(data, at)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
        elif wire == 2:
            size, at = _varint(data, at)
            value, at = data[at:at + size], at + size
        else:
            raise Malformed("the media list is damaged")
        out.append((field, value))
    return out


def _media_map(archive: Archive, newest: bool, limit: int) -> dict[str, str]:
    """File name -> zip member. Anki's newer packages list MediaEntries (name = 1,
    legacy_zip_filename = 255), zstd-compressed; older ones a JSON object member -> name."""
    if not archive.has("media"):
        return {}
    raw = archive.read("media")
    if newest:
        entries = [m for f, m in _protobuf(_unzstd(raw, limit, "the media list")) if f == 1 and isinstance(m, bytes)]
        out = {}
        for i, entry in enumerate(entries):
            fields = dict(_protobuf(entry))
            name = fields.get(1)
            if isinstance(name, bytes):
                out[name.decode("utf-8", "replace")] = str(fields.get(255, i))
        return out
    try:
        listed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed(f"the media list is not JSON ({exc})") from exc
    return {str(name): str(member) for member, name in listed.items()} if isinstance(listed, dict) else {}


def _read_package(archive: Archive, at: str, limit: int, result: ReadResult) -> None:
    member = next((c for c in COLLECTIONS if archive.has(c)), None)
    if member is None:
        result.diagnostics.append(diagnostic("QB013", at, 1, 1, "not an Anki package: it holds no collection "
                                             f"({', '.join(COLLECTIONS)})"))
        return
    newest = member.endswith("anki21b")
    blob = archive.read(member)
    if newest:
        blob = _unzstd(blob, limit, member)
    if blob[18:20] == b"\x02\x02":  # a WAL-mode database (Anki's own) opens in memory only as a rollback one
        blob = blob[:18] + b"\x01\x01" + blob[20:]
    conn = sqlite3.connect(":memory:")
    steps = [0]

    def budget() -> int:  # a crafted database (a recursive view named `notes`) must not run forever
        steps[0] += 1
        return steps[0] > MAX_STEPS

    conn.set_progress_handler(budget, 1000)
    try:
        conn.deserialize(blob)
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"col", "notes", "cards"} <= tables:
            raise ValueError("it lacks Anki's col, notes and cards tables")
        types, decks = _types_and_decks(conn)
        deck_of: dict[int, int] = {}
        for nid, did in conn.execute("SELECT nid, did FROM cards ORDER BY ord DESC"):
            deck_of[nid] = did  # the first card's deck
        notes = conn.execute("SELECT id, mid, tags, flds FROM notes ORDER BY id").fetchall()
    except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError) as exc:
        why = "it takes too long to read" if steps[0] > MAX_STEPS else str(exc)
        result.diagnostics.append(diagnostic("QB013", f"{at}!{member}", 1, 1, f"the collection cannot be read ({why})"))
        return
    finally:
        conn.close()
    media = _media_map(archive, newest, limit)

    def load(name: str) -> bytes | None:
        """A media file's bytes (Anki's newer packages compress each one), None if not packaged."""
        stored = media.get(name)
        if stored is None or not archive.has(stored):
            return None
        data = archive.read(stored)
        return _unzstd(data, limit, f"media file {name!r}") if newest else data

    skipped: dict[str, int] = {}
    for number, (nid, mid, tags, flds) in enumerate(notes, 1):
        name, fields = types.get(mid, (f"id {mid}", []))
        if fields != FIELDS:
            skipped[name] = skipped.get(name, 0) + 1
            continue
        values = flds.split("\x1f")
        if len(values) != len(FIELDS):
            result.diagnostics.append(diagnostic("QB013", f"{at}!{member}", number, 1, f"note {number} has "
                                                 f"{len(values)} fields, not qbank's {len(FIELDS)}; skipped"))
            continue
        item, problem = _note(values, tags, decks.get(deck_of.get(nid), ""), load)
        if problem:
            result.diagnostics.append(diagnostic("QB013", f"{at}!{member}", number, 1,
                                                 f"note {number} ({html.unescape(values[0])[:60]}): {problem}; skipped"))
        else:
            item.line = number
            result.items.append(item)
    for name, count in sorted(skipped.items()):
        result.diagnostics.append(diagnostic(
            "QB012", at, 1, 1, f"{count} note(s) of note type {name!r} skipped: only notes of qbank's note type "
            f"(fields {', '.join(FIELDS)}) hold qbank questions"))


def _types_and_decks(conn: sqlite3.Connection) -> tuple[dict[int, tuple[str, list[str]]], dict[int, str]]:
    """Note type id -> (name, field names) and deck id -> name ("A::B"), from the legacy
    JSON columns (schema 11) or from the tables of schema 18."""
    models, decks = conn.execute("SELECT models, decks FROM col").fetchone()
    models = json.loads(models or "{}")
    if models:
        types = {int(k): (m.get("name", ""), [f.get("name") for f in sorted(m.get("flds", []), key=lambda f: f.get("ord", 0))])
                 for k, m in models.items()}
        return types, {int(k): d.get("name", "") for k, d in json.loads(decks or "{}").items()}
    types = {ntid: (name, []) for ntid, name in conn.execute("SELECT id, name FROM notetypes")}
    for ntid, name in conn.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        if ntid in types:
            types[ntid][1].append(name)
    return types, {did: name.replace("\x1f", "::") for did, name in conn.execute("SELECT id, name FROM decks")}


def _fragment(field: str) -> etree._Element:
    return lhtml.fragment_fromstring(field or "", create_parent="div")


def _inner(el: etree._Element) -> str:
    return html.escape(el.text or "", quote=False) + "".join(
        etree.tostring(c, method="html", encoding="unicode") for c in el)


def _lettered(field: str) -> dict[str, etree._Element]:
    """Letter -> the `div.qb-text` of each `li` in a qbank option or rationale list."""
    out = {}
    for li in _fragment(field).iter("li"):
        letter = li.find(".//span[@class='qb-letter']")
        text = li.find(".//div[@class='qb-text']")
        if letter is not None and text is not None:
            out[(letter.text_content() or "").strip()] = text
    return out


def _note(values: list[str], tags: str, deck: str, load) -> tuple[ImportedItem | None, str | None]:
    files: dict[str, bytes] = {}

    def image(src: str) -> str:
        data = load(unquote(src))
        return src if data is None else add_media(files, unquote(src), data)

    def markdown(fragment: str) -> str:
        return html_to_markdown(fragment, image)

    qid, stem_html, options_html, answer_html, explanation_html, rationales_html, source_html = values
    box = _fragment(options_html).find(".//ol")
    if box is None:
        return None, "its Options field has no list of options"
    options = _lettered(options_html)
    letters = list(options)
    if len(letters) < 2:
        return None, "its Options field has fewer than two options"
    key = _fragment(answer_html).find(".//span[@class='qb-letter']")
    key_letter = key.text_content().strip() if key is not None else ""
    if key_letter not in letters:
        return None, f"its Answer field names no option ({key_letter or 'empty'})"
    rationales = {k: markdown(_inner(v)) for k, v in _lettered(rationales_html).items()}

    # Source: "bank · path" <br> references joined "; " <br> "Source: x · Licence: y" (either may be absent).
    lines = [_fragment(part).text_content() for part in source_html.replace("<br/>", "<br>").split("<br>")]
    bank = lines[0].split(" · ", 1)[0] if lines else ""
    references, origin = [], {}
    for line in lines[1:]:
        pieces = line.split(" · ")
        if all(p.startswith(("Source: ", "Licence: ")) for p in pieces):
            origin.update(p.split(": ", 1) for p in pieces)
        else:
            references += [r for r in line.split("; ") if r]
    topic = deck[len(bank) + 2:] if bank and deck.startswith(bank + "::") else deck.split("::", 1)[1] if "::" in deck else ""
    tag_list = tags.split()
    difficulty = next((t.split("::", 1)[1] for t in tag_list if t.startswith("difficulty::")), None)
    data = question_data(
        id=_fragment(qid).text_content().strip() or None,
        stem=markdown(stem_html),
        options=[{"text": markdown(_inner(options[c])), "correct": c == key_letter, "rationale": rationales.get(c)}
                 for c in letters],
        shuffle=False if box.get("data-qb-order") == "kept" else None,
        explanation=markdown(explanation_html),
        topic=topic or None,
        tags=[t for t in tag_list if not t.startswith(("difficulty::", "topic::"))],
        difficulty=difficulty if difficulty in ("easy", "medium", "hard") else None,
        references=references, source=origin.get("Source"), license=origin.get("Licence"),
    )
    if not data.get("stem"):
        return None, "its Question field is empty"
    if not all(o.get("text") for o in data["options"]):
        return None, "an option has no text"
    return ImportedItem(data, folder=tuple(p for p in topic.split("::") if p), media=files), None
