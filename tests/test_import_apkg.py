"""Reading Anki packages: qbank's own --anki export back to data-equal questions, the same
notes after the official Anki library imported them and exported them again (legacy and
current package formats), notes of other note types, and broken or hostile packages."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from import_helpers import codes, cut_short, PIXEL, bank_data, bomb_zip, comparable, export, write_bank, zip_with
from qbank.export import anki as anki_export
from qbank.importers import apkg, reader
from qbank.importers.base import ImportOptions
from test_export_common import collection, import_apkg

read = reader("apkg")
# What an Anki note holds of a question (points, status and author have no field).
FIELDS = ("id", "stem", "options", "shuffle", "explanation", "topic", "tags", "difficulty", "references", "source",
          "license")



def expected(root: Path, questions) -> list[dict]:
    out = []
    for q in questions:
        data = bank_data(q, root, FIELDS)
        if "tags" in data:
            data["tags"] = sorted(data["tags"])  # Anki keeps tags sorted
        out.append(data)
    return out


def got(result) -> list[dict]:
    return [comparable(i) for i in sorted(result.items, key=lambda i: i.data["id"])]


@pytest.fixture
def exported(tmp_path):
    root = write_bank(tmp_path / "bank")
    package, questions = export(root, "anki", tmp_path / "out")
    return root, package, questions


def test_the_reader_knows_the_fields_qbank_writes():
    assert apkg.FIELDS == anki_export.FIELDS


def test_qbanks_own_export_reads_back_data_equal(exported):
    root, package, questions = exported
    result = read(package, ImportOptions())
    assert result.diagnostics == []
    assert got(result) == expected(root, questions)
    chart = min(result.items, key=lambda i: i.data["id"])
    assert list(chart.media.values()) == [PIXEL] and chart.folder == ("Charts",)


@pytest.mark.parametrize("legacy", [True, False], ids=["anki21", "anki21b"])
def test_the_same_notes_exported_again_by_anki_read_back_the_same(exported, tmp_path, legacy):
    from anki.collection import ExportAnkiPackageOptions

    root, package, questions = exported
    again = tmp_path / "from-anki.apkg"
    with collection(tmp_path / "anki") as col:
        assert import_apkg(col, package)["new"] == len(questions)
        options = ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False, with_media=True,
                                           legacy=legacy)
        assert col.export_anki_package(out_path=str(again), options=options, limit=None) == len(questions)
    with zipfile.ZipFile(again) as zf:
        assert ("collection.anki21" if legacy else "collection.anki21b") in zf.namelist()
    result = read(again, ImportOptions())
    assert result.diagnostics == []
    assert got(result) == expected(root, questions)


def test_notes_of_another_note_type_are_one_diagnostic_per_type(tmp_path):
    from anki.collection import ExportAnkiPackageOptions

    package = tmp_path / "basic.apkg"
    with collection(tmp_path / "anki") as col:
        basic = col.models.by_name("Basic")
        for front in ("2 + 2?", "Capital of France?"):
            note = col.new_note(basic)
            note["Front"], note["Back"] = front, "?"
            col.add_note(note, col.decks.id("Default"))
        options = ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False, with_media=False,
                                           legacy=True)
        col.export_anki_package(out_path=str(package), options=options, limit=None)
    result = read(package, ImportOptions())
    assert result.items == [] and codes(result) == ["QB012"]
    assert "2 note(s) of note type 'Basic' skipped" in result.diagnostics[0].message


def rewrite_notes(package: Path, out: Path, change) -> Path:
    """A copy of ``package`` whose collection had ``change(connection)`` applied."""
    with zipfile.ZipFile(package) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    conn = sqlite3.connect(":memory:")
    conn.deserialize(members["collection.anki2"])
    change(conn)
    conn.commit()
    members["collection.anki2"] = conn.serialize()
    conn.close()
    return zip_with(out, members)


def test_a_note_whose_answer_names_no_option_is_skipped_with_a_reason(exported, tmp_path):
    _, package, questions = exported

    def break_first(conn):
        nid, flds = conn.execute("SELECT id, flds FROM notes ORDER BY id LIMIT 1").fetchone()
        fields = flds.split("\x1f")
        fields[3] = fields[3].replace('qb-letter">B<', 'qb-letter">Z<').replace('qb-letter">A<', 'qb-letter">Z<')
        conn.execute("UPDATE notes SET flds = ? WHERE id = ?", ("\x1f".join(fields), nid))

    result = read(rewrite_notes(package, tmp_path / "broken.apkg", break_first), ImportOptions())
    assert len(result.items) == len(questions) - 1
    assert codes(result) == ["QB013"] and "names no option (Z)" in result.diagnostics[0].message


def test_a_damaged_collection_is_one_diagnostic(exported, tmp_path):
    _, package, _ = exported
    with zipfile.ZipFile(package) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["collection.anki2"] = members["collection.anki2"][:4096]
    result = read(zip_with(tmp_path / "cut.apkg", members), ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"]
    assert "collection cannot be read" in result.diagnostics[0].message


def test_a_zip_without_a_collection_says_it_is_no_anki_package(tmp_path):
    result = read(zip_with(tmp_path / "x.apkg", {"media": b"{}"}), ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"] and "no collection" in result.diagnostics[0].message


def test_a_file_that_is_no_zip_is_unreadable(tmp_path):
    path = tmp_path / "x.apkg"
    path.write_bytes(b"SQLite format 3\0 not a package")
    result = read(path, ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"]


def test_hostile_packages_are_refused(tmp_path, exported):
    assert codes(read(bomb_zip(tmp_path / "bomb.apkg"), ImportOptions())) == ["QB015"]
    _, package, _ = exported
    assert codes(read(package, ImportOptions(max_bytes=10_000))) == ["QB015"]


def test_a_damaged_package_is_diagnostics_never_an_exception(tmp_path, exported):
    reported = 0
    for copy in cut_short(exported[1], tmp_path):
        result = read(copy, ImportOptions())
        assert all(d.code in ("QB012", "QB013", "QB015") and d.line >= 1 for d in result.diagnostics), copy.name
        reported += bool(result.diagnostics)
    assert reported  # the damage is said, not passed over


def test_a_collection_whose_notes_are_an_endless_view_is_refused_not_run(exported, tmp_path):
    _, package, _ = exported

    def endless(conn):
        conn.execute("ALTER TABLE notes RENAME TO old_notes")
        conn.execute("CREATE VIEW notes AS WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n) "
                     "SELECT id, '' AS guid, 0 AS mid, '' AS tags, '' AS flds FROM n")

    result = read(rewrite_notes(package, tmp_path / "endless.apkg", endless), ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"]
