"""Anki export: one .apkg (genanki) whose notes update in place when re-imported.

Update rules that shape this module (checked with the official anki library):
- Anki finds an existing note by GUID only, so the GUID comes from the bank name and the
  question id, never from the content: editing a question updates its note.
- The note type is matched by id: ``MODEL_ID`` must never change, nor its field list.
- An incoming note replaces the stored one only if its modification time is newer, and
  Anki keeps whole seconds. genanki stamps every note with the write time, so an edit
  exported within the same second as the previous export would be skipped. Here a note
  keeps the modification time it had in the previous export at the same path while its
  content is unchanged, and a changed note gets a time strictly newer than anything in
  that previous file (see ``Stamps``).
- Anki plays ``[sound:...]`` (and TTS) and renders ``[latex]``, ``[$]``, ``[$$]`` wherever they
  appear in a field, even inside ``<code>``: author text is made inert (``inert``).

genanki writes the collection's skeleton (schema, note type, decks) and this module writes
the note and card rows itself: genanki's notes number rows from the clock and carry one
time for the whole package, and its per-field HTML check is quadratic in a line's length.
The one genanki call beyond its documented API is ``Package.write_to_db`` (documented is
``write_to_file``, which leaves its temporary database behind in the system temp folder);
its signature changed between genanki releases, so pyproject.toml pins the tested minor
version.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import sqlite3
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import genanki

from .common import MAX_PACKAGE_BYTES, ExportJob, MediaFile, RenderedQuestion, media_used, stable_int, write_zip

MODEL_ID = 1_572_643_019          # fixed forever: Anki matches note types by id
MODEL_NAME = "qbank multiple choice"
FIELDS = ["ID", "Question", "Options", "Answer", "Explanation", "Rationales", "Source"]
DECK_ID_LOW, ID_SPAN = 1_000_000_000_000, 2 ** 39   # ids look like Anki's millisecond ids

# Shuffles the options where the card is shown, in the order of a PRNG seeded with the
# question id and the local day: the front and the back of one review agree, and each day's
# review shows a new order. Every letter on the card (options, answer, rationales) follows its
# option; options marked `data-qb-fixed` keep their place, a list marked `data-qb-order="kept"`
# is left alone. Without JavaScript the card shows the order written, letters matching.
# (No double braces in here: Anki would read them as a field.)
SHUFFLE_JS = """\
(function () {
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) { h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0; }
    return h;
  }
  function generator(seed) {
    return function () {
      seed = (seed + 0x6D2B79F5) >>> 0;
      var t = Math.imul(seed ^ (seed >>> 15), seed | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function label(el) { var l = el.querySelector(".qb-letter"); return l ? l.textContent : ""; }
  function shuffle() {
    var list = document.querySelector(".qb-options");
    if (!list || list.getAttribute("data-qb-order") === "kept" || list.getAttribute("data-qb-shuffled")) return;
    list.setAttribute("data-qb-shuffled", "1");
    var day = Math.floor((Date.now() - new Date().getTimezoneOffset() * 60000) / 86400000);
    var card = document.querySelector(".qb");
    var next = generator(hash((card && card.getAttribute("data-qb-card")) + "/" + day));
    var items = Array.prototype.slice.call(list.children), order = [], free = [], i;
    for (i = 0; i < items.length; i++) {
      order.push(i);
      if (!items[i].hasAttribute("data-qb-fixed")) free.push(i);
    }
    for (i = free.length - 1; i > 0; i--) {
      var j = Math.floor(next() * (i + 1)), swap = order[free[i]];
      order[free[i]] = order[free[j]];
      order[free[j]] = swap;
    }
    var moved = {};
    for (i = 0; i < order.length; i++) {
      moved[label(items[order[i]])] = LETTERS.charAt(i);
      list.appendChild(items[order[i]]);
    }
    var letters = document.querySelectorAll(".qb-letter");
    for (i = 0; i < letters.length; i++) {
      if (moved[letters[i].textContent]) letters[i].textContent = moved[letters[i].textContent];
    }
    var why = document.querySelector(".qb-rationales");
    if (why) {
      var rows = Array.prototype.slice.call(why.children);
      rows.sort(function (a, b) { return label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0; });
      for (i = 0; i < rows.length; i++) why.appendChild(rows[i]);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", shuffle);
  else shuffle();
})();
"""

FRONT = """\
<div class="qb" data-qb-card="{{text:ID}}">
<div class="qb-stem" dir="auto">{{Question}}</div>
{{Options}}
</div>
<script>
""" + SHUFFLE_JS + "</script>"

BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="qb qb-back">
<div class="qb-label">Answer</div>
{{Answer}}
{{#Explanation}}<div class="qb-label">Explanation</div>
<div class="qb-explanation" dir="auto">{{Explanation}}</div>{{/Explanation}}
{{#Rationales}}<div class="qb-label">Why each option</div>
{{Rationales}}{{/Rationales}}
{{#Source}}<div class="qb-source" dir="auto">{{Source}}</div>{{/Source}}
</div>"""

CSS = """\
.card {
  --qb-fg: #1f2328; --qb-bg: #ffffff; --qb-muted: #59636e; --qb-line: #d1d9e0;
  --qb-soft: #f6f8fa; --qb-key-bg: #dafbe1; --qb-key-line: #1a7f37; --qb-link: #0969da;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue",
    Arial, "Noto Sans Arabic", "Noto Sans Hebrew", sans-serif;
  font-size: 18px; line-height: 1.5; text-align: start; color: var(--qb-fg); background: var(--qb-bg);
}
.nightMode .card, .card.nightMode, .night_mode .card, .card.night_mode {
  --qb-fg: #e6edf3; --qb-bg: #1e1e1e; --qb-muted: #9198a1; --qb-line: #3d444d;
  --qb-soft: #2a2d31; --qb-key-bg: #12361f; --qb-key-line: #3fb950; --qb-link: #4493f8;
}
.qb { max-width: 40em; margin: 0 auto; padding: 0 .75em; }
.qb p { margin: .35em 0; }
.qb a { color: var(--qb-link); }
.qb img { max-width: 100%; height: auto; }
.qb pre { white-space: pre-wrap; overflow-x: auto; background: var(--qb-soft); padding: .6em .8em;
  border-radius: 6px; font-size: .85em; direction: ltr; text-align: left; }
.qb code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.qb blockquote { margin: .5em 0; padding: .1em .9em; border-inline-start: 3px solid var(--qb-line);
  color: var(--qb-muted); }
.qb table { border-collapse: collapse; margin: .5em 0; }
.qb th, .qb td { border: 1px solid var(--qb-line); padding: .2em .5em; }
.qb-options, .qb-rationales { list-style: none; padding: 0; margin: .8em 0; }
.qb-options li, .qb-key, .qb-rationales li { display: flex; gap: .6em; align-items: baseline;
  padding: .45em .7em; margin: .4em 0; border: 1px solid var(--qb-line); border-radius: 8px; }
.qb-letter { font-weight: 700; min-width: 1.3em; flex: none; }
.qb-text { flex: 1; min-width: 0; }
.qb-key { background: var(--qb-key-bg); border-color: var(--qb-key-line); }
.qb-rationales li.qb-correct { border-color: var(--qb-key-line); }
.qb-label { margin: 1.1em 0 .2em; font-size: .75em; font-weight: 600; letter-spacing: .06em;
  text-transform: uppercase; color: var(--qb-muted); }
.qb-source { margin-top: 1.4em; font-size: .75em; color: var(--qb-muted); }
@media (max-width: 480px) { .card { font-size: 16px; } .qb { padding: 0 .25em; } }
"""

TEMPLATES = [{"name": "Question", "qfmt": FRONT, "afmt": BACK}]
MODEL = genanki.Model(MODEL_ID, MODEL_NAME, fields=[{"name": name} for name in FIELDS],
                      templates=TEMPLATES, css=CSS, sort_field_index=0)


# --- names --------------------------------------------------------------------------------

def note_guid(bank_name: str, question_id: str) -> str:
    """The note's identity for Anki: the bank's own name and the question id, never the
    content, and never ``--name`` (see ``ExportJob.identity``).

    ``genanki.guid_for`` hashes its values joined with ``__``, which is ambiguous:
    ("Bank", "x__y") and ("Bank__x", "y") join alike. A pair whose join splits back one way
    only keeps that GUID, so every GUID exported before stays the same; that join holds
    ``__`` exactly once. Any other pair also hashes the bank name's length, a text that
    holds ``__`` at least three times, so the two forms never meet.
    """
    if _joins_unambiguously(bank_name, question_id):
        return genanki.guid_for(bank_name, question_id)
    return genanki.guid_for("qbank", len(bank_name), bank_name, question_id)


def _joins_unambiguously(bank_name: str, question_id: str) -> bool:
    """True when ``bank_name + "__" + question_id`` holds ``__`` only as the separator."""
    return ("__" not in bank_name and "__" not in question_id
            and not bank_name.endswith("_") and not question_id.startswith("_"))


def deck_name(bank_name: str, topic: str | None) -> str:
    """`Bank name::Topic`; questions without a topic go to the bank deck."""
    topic = (topic or "").strip()
    return f"{bank_name}::{topic}" if topic else bank_name


def deck_id(name: str) -> int:
    return stable_int("deck", name, low=DECK_ID_LOW, span=ID_SPAN)


def safe_tag(text: str) -> str:
    """A tag Anki keeps as one: no spaces (they separate tags) and no double quotes."""
    return re.sub(r'[\s"\u3000]+', "_", text.strip()).strip("_")


def note_tags(rq: RenderedQuestion) -> list[str]:
    q = rq.question
    tags = [safe_tag(t) for t in q.tags]
    if q.difficulty:
        tags.append(f"difficulty::{safe_tag(q.difficulty)}")
    if q.topic and q.topic.strip():
        tags.append(f"topic::{safe_tag(q.topic)}")
    return sorted({t for t in tags if t})


# --- fields -------------------------------------------------------------------------------

# Anki turns these into a sound, a TTS voice, a play button or a LaTeX image anywhere in a
# field; an entity for the bracket shows the text as written. (`[sound:` is case-sensitive
# in Anki and LaTeX is not: matching all case-insensitively costs nothing.)
_ANKI_MARKUP = re.compile(r"\[(?=sound:|anki:|latex\]|\$\$?\])", re.IGNORECASE)


def inert(field_html: str) -> str:
    """``field_html`` with Anki's media and LaTeX markup shown as text, not run."""
    return _ANKI_MARKUP.sub("&#91;", field_html) if "[" in field_html else field_html


def _choice(letter: str, body: str) -> str:
    return f'<span class="qb-letter">{letter}</span><div class="qb-text" dir="auto">{body}</div>'


FIXED = ' data-qb-fixed=""'       # an option the card's script leaves in place
KEPT = ' data-qb-order="kept"'    # a list of options the card's script leaves alone


def note_fields(rq: RenderedQuestion, bank_name: str) -> list[str]:
    """The seven field values, HTML. Images already point at the packaged names.
    ``bank_name`` is the bank the question comes from (its identity), shown in Source with the
    file, the references and the question's `source` and `license`."""
    q = rq.question
    order = rq.order
    fixed = order.fixed if order.shuffle else ()
    options = "".join(f"<li{FIXED if i in fixed else ''}>{_choice(rq.letter(i), text)}</li>"
                      for i, text in enumerate(rq.options))
    key = rq.key_index
    answer = f'<div class="qb-key">{_choice(rq.key_letter, rq.options[key])}</div>'
    rationales = "".join(
        f'<li class="{"qb-correct" if i == key else "qb-distractor"}">{_choice(rq.letter(i), r)}</li>'
        for i, r in enumerate(rq.rationales) if r)
    source = html.escape(bank_name + (f" · {rq.relative_path}" if rq.relative_path else ""), quote=False)
    if q.references:
        source += "<br>" + "; ".join(html.escape(r, quote=False) for r in q.references)
    # The question's own source and licence go in this field too: a new field would change the
    # note type, whose id and field list must never change (see the module docstring).
    origin = [f"{label}: {html.escape(value, quote=False)}"
              for label, value in (("Source", q.source), ("Licence", q.license)) if value]
    if origin:
        source += "<br>" + " · ".join(origin)
    return [inert(field) for field in (
        html.escape(q.id, quote=False),
        rq.stem,
        f'<ol class="qb-options"{"" if order.shuffle else KEPT}>{options}</ol>',
        answer,
        rq.explanation,
        f'<ul class="qb-rationales">{rationales}</ul>' if rationales else "",
        source,
    )]


# --- modification times -------------------------------------------------------------------

@dataclass
class Stamps:
    """Modification times that make every re-import behave.

    ``previous`` maps GUID -> (mod, fields, tags) from the last export written to the same
    path. An unchanged note keeps its old time (re-importing changes nothing, and edits a
    learner made in Anki since are not overwritten); a changed or new note gets ``now``,
    which is strictly newer than every time in the previous file even when both exports
    fall within the same second.
    """

    previous: dict[str, tuple[int, str, str]]
    previous_model: tuple[int, str] | None
    now: int

    @classmethod
    def for_target(cls, target: Path, clock: float | None = None) -> "Stamps":
        notes, model = read_previous(target)
        newest = max([m for m, _, _ in notes.values()] + ([model[0]] if model else []), default=0)
        now = int(time.time() if clock is None else clock)
        return cls(notes, model, max(now, newest + 1))

    def note(self, guid: str, fields: str, tags: str) -> int:
        old = self.previous.get(guid)
        if old is not None and old[1] == fields and old[2] == tags:
            return old[0]
        return self.now

    def model(self, signature: str) -> int:
        if self.previous_model is not None and self.previous_model[1] == signature:
            return self.previous_model[0]
        return self.now


def model_signature(model_json: dict) -> str:
    """What of a note type Anki would update: name, fields, templates, CSS."""
    return json.dumps([model_json.get("name"), [f.get("name") for f in model_json.get("flds", [])],
                       [(t.get("name"), t.get("qfmt"), t.get("afmt")) for t in model_json.get("tmpls", [])],
                       model_json.get("css")], ensure_ascii=False)


def read_previous(target: Path) -> tuple[dict[str, tuple[int, str, str]], tuple[int, str] | None]:
    """GUID -> (mod, fields, tags) and our note type's (mod, signature) from an earlier
    export at ``target``; nothing if there is none or it cannot be read."""
    try:
        with zipfile.ZipFile(target) as zf:
            if zf.getinfo("collection.anki2").file_size > MAX_PACKAGE_BYTES:  # not ours: never read whole
                return {}, None
            blob = zf.read("collection.anki2")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return {}, None
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(blob)
        notes = {guid: (int(mod), flds, tags) for guid, mod, flds, tags
                 in conn.execute("SELECT guid, mod, flds, tags FROM notes WHERE mid = ?", (MODEL_ID,))}
        (models_json,) = conn.execute("SELECT models FROM col").fetchone()
        ours = json.loads(models_json).get(str(MODEL_ID))
        model = (int(ours["mod"]), model_signature(ours)) if isinstance(ours, dict) else None
        return notes, model
    except (sqlite3.Error, ValueError, TypeError, KeyError):
        return {}, None
    finally:
        conn.close()


# --- notes and package --------------------------------------------------------------------

MODEL_SIGNATURE = model_signature({"name": MODEL_NAME, "flds": [{"name": n} for n in FIELDS],
                                   "tmpls": TEMPLATES, "css": CSS})


@dataclass(frozen=True)
class NoteRow:
    """One note and its single card, with ids and time chosen by us, not by the clock:
    the same bank gives the same note and card ids in every export."""

    note_id: int
    card_id: int
    guid: str
    deck_id: int
    mod: int
    fields: str      # Anki's stored form: joined with U+001F
    tags: str        # Anki's stored form: " a b "
    sort_field: str  # the ID field (MODEL's sort_field_index)


class _Ids:
    """Stable ids from a GUID, bumped past any already taken in this export."""

    def __init__(self) -> None:
        self.taken: set[int] = set()

    def pick(self, *parts: str, width: int = 1) -> int:
        value = stable_int(*parts, low=DECK_ID_LOW, span=ID_SPAN)
        while any(value + k in self.taken for k in range(width)):
            value += width
        self.taken.update(value + k for k in range(width))
        return value


def build_notes(job: ExportJob, stamps: Stamps) -> tuple[list[genanki.Deck], list[NoteRow]]:
    """The decks (sorted by name, each carrying the note type) and the note rows."""
    decks: dict[str, genanki.Deck] = {}
    rows: list[NoteRow] = []
    ids = _Ids()
    for rq in job.questions:
        name = deck_name(job.bank_name, rq.question.topic)
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(deck_id(name), name)
        guid = note_guid(job.identity, rq.id)
        fields = note_fields(rq.localized(""), job.identity)
        flds, tags = "\x1f".join(fields), " " + " ".join(note_tags(rq)) + " "
        rows.append(NoteRow(ids.pick("note", guid), ids.pick("card", guid), guid, deck.deck_id,
                            stamps.note(guid, flds, tags), flds, tags, fields[0]))
        job.tick(1)
    if not decks:  # an empty selection still gives a valid, importable package
        decks[job.bank_name] = genanki.Deck(deck_id(job.bank_name), job.bank_name)
    ordered = [decks[n] for n in sorted(decks)]
    for deck in ordered:
        deck.add_model(MODEL)
    return ordered, rows


def write_notes(cursor: sqlite3.Cursor, rows: list[NoteRow]) -> None:
    """Insert the rows into Anki's ``notes`` and ``cards`` tables (new, unsuspended cards,
    as genanki writes them)."""
    cursor.executemany(
        "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)"
        " VALUES (?, ?, ?, ?, -1, ?, ?, ?, 0, 0, '')",
        [(r.note_id, r.guid, MODEL_ID, r.mod, r.tags, r.fields, r.sort_field) for r in rows])
    cursor.executemany(
        "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses,"
        " left, odue, odid, flags, data) VALUES (?, ?, ?, 0, ?, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
        [(r.card_id, r.note_id, r.deck_id, r.mod) for r in rows])


def export(job: ExportJob, out: BinaryIO) -> None:
    """Write the .apkg to ``out``."""
    stamps = Stamps.for_target(job.target, job.now)
    decks, rows = build_notes(job, stamps)
    conn = sqlite3.connect(":memory:")
    try:
        cursor = conn.cursor()
        # Not documented by genanki (see the module docstring); the decks hold no notes, so
        # the id generator is never drawn from.
        genanki.Package(decks).write_to_db(cursor, stamps.model(MODEL_SIGNATURE), itertools.count(DECK_ID_LOW))
        write_notes(cursor, rows)
        conn.commit()
        collection = conn.serialize()
    finally:
        conn.close()
    media = media_used(job.questions, job.media)
    entries: dict[str, bytes | MediaFile] = {
        "collection.anki2": collection, "media": json.dumps({str(i): m.name for i, m in enumerate(media)}).encode()}
    entries.update({str(i): m for i, m in enumerate(media)})
    write_zip(out, entries, level=1)  # the fastest deflate: the collection is most of the time
