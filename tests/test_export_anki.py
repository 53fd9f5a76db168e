"""The .apkg export, checked by importing it with the official anki library."""

from __future__ import annotations

import html
import io
import itertools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
import zipfile
from collections import Counter
from pathlib import Path

import genanki
import pytest
from lxml import html as lhtml

from conftest import GOOD, write
from qbank.engine import load_bank
from qbank.export import Selection, anki
from qbank.export.anki import FIELDS, MODEL_ID, deck_name, note_guid
from qbank.export.common import Renderer
from test_export_common import (BANKS, BUNDLED, TRICKY, collection, copy_bank, export_one, import_apkg, import_csv,
                                load, notes_by_id)

FIXTURES = Path(__file__).parent / "fixtures" / "anki"


def package_notes(path: Path) -> dict[str, tuple]:
    """GUID -> (note id, card ids, deck ids, fields, mod) read straight from the .apkg."""
    with zipfile.ZipFile(path) as zf:
        blob = zf.read("collection.anki2")
    conn = sqlite3.connect(":memory:")
    conn.deserialize(blob)
    out = {}
    for nid, guid, flds, mod in conn.execute("SELECT id, guid, flds, mod FROM notes"):
        cards = conn.execute("SELECT id, did FROM cards WHERE nid = ? ORDER BY id", (nid,)).fetchall()
        out[guid] = (nid, tuple(c for c, _ in cards), tuple(d for _, d in cards), flds, mod)
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    conn.close()
    return out | {"__models__": tuple(sorted(models))}


def test_the_note_type_id_never_changes():
    # Anki matches note types by id: changing this constant would orphan every learner's notes.
    assert MODEL_ID == 1_572_643_019
    assert FIELDS[:7] == ["ID", "Question", "Options", "Answer", "Explanation", "Rationales", "Source"]


@BANKS
def test_a_fresh_import_gives_one_note_per_question_in_its_deck(bank_dir, tmp_path):
    bank = load(bank_dir)
    apkg = export_one(bank, "anki", tmp_path / "out")
    with collection(tmp_path / "anki") as col:
        counts = import_apkg(col, apkg)
        print(f"\n{bank_dir.name}: fresh import {counts}")
        assert counts["new"] == len(bank.questions) and counts["updated"] == counts["conflicting"] == 0
        assert col.note_count() == col.card_count() == len(bank.questions)
        notes = notes_by_id(col)
        assert set(notes) == {q.id for q in bank.questions}
        renderer = Renderer(bank.root)
        for q in bank.questions:
            note = notes[q.id]
            rq = renderer.render(q).localized("")
            assert note.guid == genanki.guid_for(bank.name, q.id)
            assert note.note_type()["id"] == MODEL_ID
            card = note.cards()[0]
            assert col.decks.name(card.did) == deck_name(bank.name, q.topic)
            assert note["Question"] == rq.stem
            assert note["Explanation"] == rq.explanation
            assert f'<span class="qb-letter">{q.key_letter}</span>' in note["Answer"]
            assert rq.options[q.key_index] in note["Answer"]
            for i, option in enumerate(rq.options):
                assert option in note["Options"]
                if rq.rationales[i]:
                    assert rq.rationales[i] in note["Rationales"]
            expected_tags = {t.replace(" ", "_") for t in q.tags}
            expected_tags |= {f"difficulty::{q.difficulty}"} if q.difficulty else set()
            expected_tags |= {f"topic::{q.topic.replace(' ', '_')}"} if q.topic else set()
            assert set(note.tags) == expected_tags
            front, back = card.question(), card.answer()
            for side in (front, back):
                assert "template has a problem" not in side and "templates/errors" not in side
            assert rq.stem in front and "qb-letter" in front
            assert rq.explanation in back and note["Answer"] in back


def test_questions_without_a_topic_go_to_the_bank_deck(tmp_path):
    bank = load(TRICKY)
    with collection(tmp_path / "anki") as col:
        import_apkg(col, export_one(bank, "anki", tmp_path / "out"))
        notes = notes_by_id(col)
        assert col.decks.name(notes["tricky-rtl-001"].cards()[0].did) == "Tricky Bank"
        assert col.decks.name(notes["tricky-chart-a"].cards()[0].did) == "Tricky Bank::Charts"


def test_source_and_license_show_in_the_source_field_and_the_note_type_stays(tmp_path):
    from conftest import GOOD, write

    write(tmp_path / "bank", "a.yaml", GOOD.format(id="a") + "source: Board review <2024>\nlicense: CC-BY-4.0\n")
    with collection(tmp_path / "anki") as col:
        import_apkg(col, export_one(load(tmp_path / "bank"), "anki", tmp_path / "out"))
        note = notes_by_id(col)["a"]
        assert "Source: Board review &lt;2024&gt; · Licence: CC-BY-4.0" in note["Source"]
        assert note.note_type()["id"] == anki.MODEL_ID and len(note.fields) == len(anki.FIELDS)


def test_script_tags_in_a_question_show_as_text(tmp_path):
    bank = load(TRICKY)
    with collection(tmp_path / "anki") as col:
        import_apkg(col, export_one(bank, "anki", tmp_path / "out"))
        note = notes_by_id(col)["tricky-code-001"]
        assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in note["Question"]
        assert "<script" not in "".join(note.fields)
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", note.cards()[0].question(), re.S)
        assert [s.strip() for s in scripts] == [anki.SHUFFLE_JS.strip()]  # the card template's own shuffle, nothing from the question


@BANKS
def test_importing_the_same_export_again_adds_nothing(bank_dir, tmp_path):
    bank = load(bank_dir)
    apkg = export_one(bank, "anki", tmp_path / "out")
    with collection(tmp_path / "anki") as col:
        first = import_apkg(col, apkg)
        again = import_apkg(col, apkg)
        print(f"\n{bank_dir.name}: first {first}, same file again {again}")
        assert again["new"] == again["updated"] == again["conflicting"] == 0
        assert again["duplicate"] == len(bank.questions)
        assert col.note_count() == len(bank.questions)


def _edit_and_reexport(bank_dir: Path, tmp_path: Path, now: float | None) -> None:
    work = copy_bank(bank_dir, tmp_path)
    bank = load(work)
    target = bank.questions[0]
    out = tmp_path / "out"
    with collection(tmp_path / "anki") as col:
        first = import_apkg(col, export_one(bank, "anki", out, now=now))
        path = Path(target.path)
        text = path.read_text("utf-8")
        assert "explanation: |" in text or "explanation:" in text
        path.write_text(text.replace("explanation: |\n", "explanation: |\n  EDITED in place.\n", 1)
                        if "explanation: |\n" in text else
                        text.replace("explanation: ", "explanation: EDITED in place. ", 1), "utf-8")
        edited = load(work)
        second = import_apkg(col, export_one(edited, "anki", out, now=now))
        print(f"\n{bank_dir.name} (now={now}): first {first}, after editing {target.id} {second}")
        assert second["new"] == 0 and second["updated"] == 1 and second["conflicting"] == 0
        assert second["duplicate"] == len(bank.questions) - 1
        assert col.note_count() == len(bank.questions)
        assert "EDITED in place." in notes_by_id(col)[target.id]["Explanation"]


@BANKS
def test_an_edit_exported_in_the_same_second_updates_the_note_and_adds_none(bank_dir, tmp_path):
    _edit_and_reexport(bank_dir, tmp_path, now=1_800_000_000.0)  # both exports stamped the same second


def test_an_edit_exported_right_after_with_the_real_clock_updates_the_note(tmp_path):
    start = int(time.time())
    _edit_and_reexport(TRICKY, tmp_path, now=None)
    assert int(time.time()) - start < 60


def test_guid_comes_from_bank_name_and_id_only(tmp_path):
    work = copy_bank(TRICKY, tmp_path)
    before = package_notes(export_one(load(work), "anki", tmp_path / "a"))
    for path in work.rglob("*.yaml"):
        path.write_text(path.read_text("utf-8").replace("stem: |\n", "stem: |\n  Changed.\n"), "utf-8")
    after = package_notes(export_one(load(work), "anki", tmp_path / "b"))
    assert set(before) == set(after)
    assert {g for g in before if g != "__models__"} == {note_guid("Tricky Bank", q.id) for q in load(work).questions}


def test_a_deck_exported_under_another_name_keeps_the_note_guids_and_ids(tmp_path):
    bank = load(TRICKY)
    own = package_notes(export_one(bank, "anki", tmp_path / "a"))
    renamed = package_notes(export_one(bank, "anki", tmp_path / "b", name="Other Name"))
    assert {g: v[0] for g, v in renamed.items() if g != "__models__"} == {
        g: v[0] for g, v in own.items() if g != "__models__"}


def test_a_subset_exported_under_another_name_adds_no_note(tmp_path):
    bank = load(BUNDLED)
    topic = Counter(q.topic for q in bank.questions).most_common(1)[0][0]
    subset = [q for q in bank.questions if q.topic == topic]
    assert 0 < len(subset) < len(bank.questions)
    with collection(tmp_path / "anki") as col:
        first = import_apkg(col, export_one(bank, "anki", tmp_path / "out"))
        again = import_apkg(col, export_one(bank, "anki", tmp_path / "out", selection=Selection(topics=(topic,)), name="Other"))
        text = import_csv(col, export_one(bank, "anki-csv", tmp_path / "out", selection=Selection(topics=(topic,)),
                                           name="Other"))
        print(f"\nbundled: full {first}, --topic {topic!r} --name Other {again}, its text file {text}")
        assert first["new"] == len(bank.questions)
        for counts in (again, text):
            assert counts["new"] == counts["conflicting"] == 0
            assert counts["duplicate"] + counts["updated"] == len(subset)
        assert col.note_count() == col.card_count() == len(bank.questions)
        assert {n.guid for n in notes_by_id(col).values()} == {note_guid(bank.name, q.id) for q in bank.questions}


def test_guids_of_different_banks_and_ids_never_collide():
    assert genanki.guid_for("Bank", "x__y") == genanki.guid_for("Bank__x", "y")  # the ambiguity avoided
    assert note_guid("Bank", "x__y") != note_guid("Bank__x", "y")
    assert note_guid("x_", "y") != note_guid("x", "_y")
    # Every (bank, id) pair over a small alphabet rich in separators gets its own GUID.
    words = [""] + ["".join(w) for n in range(1, 5) for w in itertools.product("a_", repeat=n)]
    guids = {note_guid(bank, qid) for bank in words for qid in words}
    assert len(guids) == len(words) ** 2


def test_guids_exported_before_stay_the_same(tmp_path):
    """Learners' collections hold these GUIDs: a change would duplicate every note."""
    recorded = json.loads((FIXTURES / "bundled-guids.json").read_text("utf-8"))
    bank = load(BUNDLED)
    assert bank.name == recorded["bank"]
    notes = package_notes(export_one(bank, "anki", tmp_path / "out"))
    exported = {v[3].split("\x1f", 1)[0]: g for g, v in notes.items() if g != "__models__"}
    kept = {qid: guid for qid, guid in recorded["guids"].items() if qid in exported}
    assert len(kept) >= 30 and all(exported[qid] == guid for qid, guid in kept.items())
    for q in load(TRICKY).questions:  # ids and names without `__`: genanki's plain guid_for
        assert note_guid("Tricky Bank", q.id) == genanki.guid_for("Tricky Bank", q.id)


ANKI_MARKUP = {
    "sound": "[sound:alarm.mp3]",
    "latex": "[latex]x^2[/latex]",
    "LaTeX": "[LaTeX]y^2[/LaTeX]",
    "inline math": "[$]z_1[/$]",
    "display math": "[$$]\\sum k[/$$]",
    "speech": "[anki:tts lang=en_US]hello[/anki:tts]",
}


def test_anki_sound_and_latex_markup_written_in_a_question_shows_as_written(tmp_path):
    work = copy_bank(TRICKY, tmp_path)
    markup = " ".join(ANKI_MARKUP.values())
    (work / "languages" / "markup.yaml").write_text(f"""\
id: anki-markup
stem: |
  Which of these plays? {markup}

  `{ANKI_MARKUP["sound"]}` in code
options:
  - text: "None: {ANKI_MARKUP["sound"]} is text"
    correct: true
  - text: "Only {ANKI_MARKUP["latex"]}"
    rationale: "It is text too."
explanation: "Shown as written: {ANKI_MARKUP["inline math"]} {ANKI_MARKUP["speech"]}"
topic: Markup
""", "utf-8")
    bank = load(work)
    with collection(tmp_path / "anki") as col:
        assert import_apkg(col, export_one(bank, "anki", tmp_path / "out"))["new"] == len(bank.questions)
        note = notes_by_id(col)["anki-markup"]
        card = note.cards()[0]
        assert card.question_av_tags() == [] and card.answer_av_tags() == []
        front, back = card.question(), card.answer()
        assert "latex-" not in front + back and "[anki:play" not in front + back
        for text in ANKI_MARKUP.values():
            assert text not in "".join(note.fields)
            assert text in html.unescape(note["Question"])
        assert ANKI_MARKUP["sound"] in html.unescape(note["Options"])
        assert ANKI_MARKUP["speech"] in html.unescape(note["Explanation"])


@BANKS
def test_two_exports_have_the_same_guids_ids_and_fields(bank_dir, tmp_path):
    bank = load(bank_dir)
    one = package_notes(export_one(bank, "anki", tmp_path / "a", now=1_700_000_000.0))
    two = package_notes(export_one(bank, "anki", tmp_path / "b", now=1_800_000_000.0))
    strip = lambda notes: {g: v[:4] if g != "__models__" else v for g, v in notes.items()}  # noqa: E731
    assert strip(one) == strip(two)
    ids = [v[0] for g, v in one.items() if g != "__models__"]
    assert len(set(ids)) == len(ids)


def test_unchanged_notes_keep_their_time_and_changed_ones_get_a_newer_one(tmp_path):
    work = copy_bank(TRICKY, tmp_path)
    out = tmp_path / "out"
    first = package_notes(export_one(load(work), "anki", out, now=1_800_000_000.0))
    path = work / "languages" / "rtl-and-emoji.yaml"
    path.write_text(path.read_text("utf-8").replace("Which language", "Which script"), "utf-8")
    second = package_notes(export_one(load(work), "anki", out, now=1_800_000_000.0))
    changed = note_guid("Tricky Bank", "tricky-rtl-001")
    for guid, values in second.items():
        if guid == "__models__":
            continue
        if guid == changed:
            assert values[4] > first[guid][4]
        else:
            assert values[4] == first[guid][4]


def test_every_image_is_packaged_once_under_a_unique_name_and_the_fields_use_it(tmp_path):
    bank = load(TRICKY)
    apkg = export_one(bank, "anki", tmp_path / "out")
    with zipfile.ZipFile(apkg) as zf:
        media = json.loads(zf.read("media"))
        packaged = {name: zf.read(index) for index, name in media.items()}
    assert len(packaged) == 2 and all(name.endswith("-chart.png") for name in packaged)
    assert set(packaged.values()) == {(TRICKY / "algebra/media/chart.png").read_bytes(),
                                      (TRICKY / "statistics/media/chart.png").read_bytes()}
    with collection(tmp_path / "anki") as col:
        import_apkg(col, apkg)
        folder = Path(col.media.dir())
        for name, data in packaged.items():
            assert (folder / name).read_bytes() == data
        check = col.media.check()
        assert list(check.missing) == [] and list(check.unused) == []
        notes = notes_by_id(col)
        both = notes["tricky-chart-b"]["Question"]
        assert all(f'src="{name}"' in both for name in packaged)
        a_only = notes["tricky-chart-a"]["Question"]
        assert sum(f'src="{name}"' in a_only for name in packaged) == 1


def test_the_css_reads_in_night_mode_and_on_phones(tmp_path):
    bank = load(TRICKY)
    with collection(tmp_path / "anki") as col:
        import_apkg(col, export_one(bank, "anki", tmp_path / "out"))
        css = col.models.get(MODEL_ID)["css"]
    assert ".nightMode .card" in css and ".night_mode" in css
    assert "@media (max-width" in css and "max-width: 100%" in css


def test_an_apkg_is_a_zip_with_a_collection_and_a_media_map(tmp_path):
    apkg = export_one(load(TRICKY), "anki", tmp_path / "out")
    with zipfile.ZipFile(io.BytesIO(apkg.read_bytes())) as zf:
        assert {"collection.anki2", "media"} <= set(zf.namelist())


def test_a_foreign_or_corrupt_file_at_the_target_is_simply_replaced(tmp_path):
    bank = load(TRICKY)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "tricky-bank.apkg"
    target.write_bytes(b"PK\x03\x04 not really a zip")
    assert export_one(bank, "anki", out, now=1_800_000_000.0) == target
    notes = package_notes(target)
    assert {v[4] for g, v in notes.items() if g != "__models__"} == {1_800_000_000}
    with collection(tmp_path / "anki") as col:
        assert import_apkg(col, target)["new"] == len(bank.questions)


# --- the card shuffles its options (run with Node.js on a stand-in DOM: tests/anki_card.js) -------

NODE = shutil.which("node")
CARD_JS = Path(__file__).parent / "anki_card.js"
DAY_MS = 86_400_000
OPTIONS = ["Recent changes in the client's daily routine", "Family history of psychiatric hospitalization",
           "Early childhood attachment patterns", "Eligibility for a medication referral"]


def _tree(el) -> list:
    """An lxml element as the nested lists anki_card.js builds its DOM from."""
    out: list = [el.tag, dict(el.attrib)] + ([el.text] if el.text else [])
    for child in el:
        if isinstance(child.tag, str):
            out.append(_tree(child))
        if child.tail:
            out.append(child.tail)
    return out


def shown(card_html: str, days: range) -> list[dict]:
    """What the card shows on each of ``days`` (days since 1970, UTC) once its script has run."""
    if NODE is None:
        pytest.skip("the card's shuffle script runs under Node.js in these tests; node is not on PATH")
    tree = _tree(lhtml.fragment_fromstring(card_html, create_parent="div"))
    times = [day * DAY_MS + DAY_MS // 2 for day in days]
    done = subprocess.run([NODE, str(CARD_JS)], input=json.dumps({"tree": tree, "now": times}),
                          capture_output=True, text=True, env={**os.environ, "TZ": "UTC"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


DAYS = range(20_000, 20_012)


@pytest.fixture
def cards(tmp_path):
    """Cards of three items imported into Anki: one that shuffles, one with `shuffle: false`,
    one whose last option is "None of the above"."""
    bank = tmp_path / "bank"
    write(bank, "plain.yaml", GOOD.format(id="plain-1"))
    write(bank, "kept.yaml", GOOD.format(id="kept-1") + "shuffle: false\n")
    write(bank, "none.yaml", GOOD.format(id="none-1").replace("Eligibility for a medication referral", "None of the above"))
    with collection(tmp_path / "anki") as col:
        import_apkg(col, export_one(load(bank), "anki", tmp_path / "out"))
        yield {qid: note.cards()[0] for qid, note in notes_by_id(col).items()}


def test_the_card_shuffles_the_options_by_day_and_every_letter_follows_its_option(cards):
    card, orders = cards["plain-1"], set()
    fronts, backs = shown(card.question(), DAYS), shown(card.answer(), DAYS)
    assert shown(card.question(), DAYS) == fronts, "the same card on the same day: the same order"
    for front, back in zip(fronts, backs):
        assert front["scripts"] == back["scripts"] == 1
        letters = [letter for letter, _ in front["options"]]
        texts = [text for _, text in front["options"]]
        assert letters == ["A", "B", "C", "D"] and sorted(texts) == sorted(OPTIONS)
        assert back["options"] == front["options"], "the back of a review shows the front's order"
        shown_as = {text: letter for letter, text in back["options"]}
        assert back["key"] == [shown_as[OPTIONS[0]], OPTIONS[0]]
        rationale_of = dict(zip(["Routine changes", "Useful later", "Too distant", "Premature"], OPTIONS))
        for letter, text in back["rationales"]:
            assert letter == shown_as[next(o for start, o in rationale_of.items() if text.startswith(start))]
        assert [letter for letter, _ in back["rationales"]] == sorted(letter for letter, _ in back["rationales"])
        orders.add(tuple(texts))
    assert len(orders) >= 4, "a new day shows a new order"


def test_a_card_keeps_the_order_of_an_item_that_sets_shuffle_false(cards):
    for shows in shown(cards["kept-1"].answer(), DAYS):
        assert shows["options"] == [[letter, text] for letter, text in zip("ABCD", OPTIONS)]
        assert shows["key"] == ["A", OPTIONS[0]]


def test_none_of_the_above_keeps_its_place_while_the_other_options_move(cards):
    orders = set()
    for shows in shown(cards["none-1"].question(), DAYS):
        assert shows["options"][-1] == ["D", "None of the above"]
        orders.add(tuple(text for _, text in shows["options"]))
    assert len(orders) >= 3


def test_without_javascript_the_card_shows_the_order_written(cards):
    html_ = cards["plain-1"].answer()
    root = lhtml.fragment_fromstring(html_, create_parent="div")
    shown_letters = [el.text for el in root.find_class("qb-options")[0].find_class("qb-letter")]
    key = root.find_class("qb-key")[0]
    assert shown_letters == ["A", "B", "C", "D"] and key.find_class("qb-letter")[0].text == "A"
