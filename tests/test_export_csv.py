"""CSV exports: the reviewers' spreadsheet and Anki's text-import flavour."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qbank.export.anki import MODEL_ID, deck_name, note_guid
from qbank.export.csv_export import FORMULA_START, neutralise, unwrapped
from qbank.render import to_html
from test_export_common import (_PIECES, BANKS, TRICKY, collection, copy_bank, export_one, import_apkg, import_csv, load,
                                notes_by_id)


def read_rows(path: Path) -> list[list[str]]:
    """The file as a spreadsheet program reads it: UTF-8 (BOM honoured), RFC 4180 quoting."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def unneutralised(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


@BANKS
def test_one_row_per_question_under_a_header_row(bank_dir, tmp_path):
    bank = load(bank_dir)
    path = export_one(bank, "csv", tmp_path / "out")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    rows = read_rows(path)
    header, body = rows[0], rows[1:]
    width = max(len(q.options) for q in bank.questions)
    letters = "abcdefghijklmnopqrstuvwxyz"[:width]
    assert header == (["id", "topic", "tags", "difficulty", "stem"] + [f"option_{c}" for c in letters]
                      + ["key", "explanation"] + [f"rationale_{c}" for c in letters] + ["references", "shuffle"]
                      + ["points", "status", "author", "source", "license"])
    assert len(body) == len(bank.questions)
    for q, row in zip(bank.questions, body):
        cells = dict(zip(header, (unneutralised(c) for c in row)))
        assert cells["id"] == q.id and cells["topic"] == (q.topic or "")
        assert cells["tags"] == "; ".join(q.tags) and cells["difficulty"] == (q.difficulty or "")
        assert cells["stem"] == unwrapped(q.stem) and cells["explanation"] == unwrapped(q.explanation)
        assert cells["key"] == q.key_letter
        assert cells["references"].split("\n") == list(q.references or [""])
        assert cells["shuffle"] == ("true" if q.shuffle else "false")
        for i, option in enumerate(q.options):
            assert cells[f"option_{letters[i]}"] == unwrapped(option.text)
            assert cells[f"rationale_{letters[i]}"] == unwrapped(option.rationale or "")
        for i in range(len(q.options), width):
            assert cells[f"option_{letters[i]}"] == "" and cells[f"rationale_{letters[i]}"] == ""


def test_newlines_commas_quotes_emoji_and_rtl_survive_a_spreadsheet_read(tmp_path):
    bank = load(TRICKY)
    rows = read_rows(export_one(bank, "csv", tmp_path / "out"))
    header = rows[0]
    by_id = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    code = by_id["tricky-code-001"]
    assert "```python\n" in code["stem"] and '"quotes" & <angles>' in code["stem"]
    assert "<script>alert(\"pwned\")</script>" in code["stem"]  # text in a cell, never markup
    rtl = by_id["tricky-rtl-001"]
    assert rtl["option_a"] == "العربية (Arabic)" and "🙂" in rtl["stem"] and "שלום" in rtl["stem"]
    assert by_id["0-leading-digit"]["option_b"] == "Plain answer, with a comma"


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(tmp_path):
    rows = read_rows(export_one(load(TRICKY), "csv", tmp_path / "out"))
    header = rows[0]
    by_id = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert by_id["tricky-code-001"]["option_a"] == "'=SUM(A1)"
    assert by_id["tricky-code-001"]["option_c"] == "'+SUM(A1:A9) - 1, roughly"
    assert by_id["tricky-code-001"]["option_d"] == "'@SUM(A1)"
    assert by_id["tricky-rtl-001"]["option_d"] == "'-1 (none of them)"
    assert by_id["0-leading-digit"]["option_a"] == "'\tTabbed answer"
    assert by_id["0-leading-digit"]["option_c"] == "'\rCarriage return answer"
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    assert neutralise("plain") == "plain" and neutralise("a=b") == "a=b"


def test_plain_numbers_stay_numbers_and_anything_else_formula_like_is_neutralised():
    for number in ("-2", "-2.5", "+3", "-1,000", "-5%", "-1e-3", "-.5"):
        assert neutralise(number) == number
    for text in ("-2 mg", "-2+3+cmd|' /C calc'!A0", "+", "-", "=2", "@2", "\t2", "-2\n=1+1"):
        assert neutralise(text) == "'" + text


def test_lines_wrapped_in_the_yaml_are_joined_as_every_renderer_joins_them(bank, tmp_path):
    from conftest import GOOD, write

    item = GOOD.format(id="wrapped").replace("explanation: |\n", "explanation: |\n  First paragraph,\n  wrapped.\n\n"
                                             "      code stays\n      as written\n\n  - a list\n  - stays too\n\n")
    write(bank, "q.yaml", item + "references:\n  - NASW Code of Ethics 1.07; see 1.06\n  - DSM-5-TR\n")
    rows = read_rows(export_one(load(bank), "csv", tmp_path / "out"))
    cells = dict(zip(rows[0], rows[1]))
    assert cells["stem"] == ("A 34-year-old client reports trouble sleeping since starting a new job. "
                             "What should the social worker explore FIRST?\n")
    assert cells["explanation"].startswith("First paragraph, wrapped.\n\n    code stays\n    as written\n\n"
                                           "- a list\n- stays too\n\nThe problem began with the new job, so the")
    assert cells["references"] == "NASW Code of Ethics 1.07; see 1.06\nDSM-5-TR"
    assert cells["shuffle"] == "true"


@BANKS
def test_the_same_bank_gives_byte_identical_csv(bank_dir, tmp_path):
    bank = load(bank_dir)
    for fmt in ("csv", "anki-csv"):
        one = export_one(bank, fmt, tmp_path / "a").read_bytes()
        two = export_one(load(bank_dir), fmt, tmp_path / "b").read_bytes()
        assert one == two


def test_anki_flavour_has_the_header_lines_anki_reads(tmp_path):
    bank = load(TRICKY)
    text = export_one(bank, "anki-csv", tmp_path / "out").read_text("utf-8")
    head = [line for line in text.splitlines() if line.startswith("#")]
    assert head[:6] == ["#separator:Tab", "#html:true", "#notetype:qbank multiple choice",
                        "#deck column:8", "#tags column:9", "#guid column:10"]
    assert head[6].startswith("#columns:ID\tQuestion\t")
    rows = list(csv.reader(io.StringIO(text[text.index("\n", text.index("#columns")) + 1:]), delimiter="\t"))
    assert len(rows) == len(bank.questions)
    assert {row[9] for row in rows} == {note_guid("Tricky Bank", q.id) for q in bank.questions}
    assert {row[0]: row[7] for row in rows} == {q.id: deck_name("Tricky Bank", q.topic) for q in bank.questions}


@BANKS
def test_anki_csv_import_matches_the_apkg_notes(bank_dir, tmp_path):
    """Imported after the .apkg (which brings the note type), the CSV finds every note by
    GUID and changes nothing."""
    bank = load(bank_dir)
    with collection(tmp_path / "anki") as col:
        import_apkg(col, export_one(bank, "anki", tmp_path / "out"))
        before = {qid: (n.guid, list(n.fields), sorted(n.tags)) for qid, n in notes_by_id(col).items()}
        counts = import_csv(col, export_one(bank, "anki-csv", tmp_path / "out"))
        print(f"\n{bank_dir.name}: CSV after .apkg {counts}")
        assert counts["new"] == counts["updated"] == counts["conflicting"] == counts["missing_notetype"] == 0
        assert counts["duplicate"] == len(bank.questions)
        after = {qid: (n.guid, list(n.fields), sorted(n.tags)) for qid, n in notes_by_id(col).items()}
        assert after == before


def test_anki_csv_updates_edited_notes_and_creates_new_ones(tmp_path):
    work = copy_bank(TRICKY, tmp_path)
    with collection(tmp_path / "anki") as col:
        import_apkg(col, export_one(load(work), "anki", tmp_path / "out"))
        edited = work / "algebra" / "chart-a.yaml"
        edited.write_text(edited.read_text("utf-8").replace("Which week", "Which WEEK"), "utf-8")
        (work / "languages" / "new.yaml").write_text(
            (work / "languages" / "whitespace.yaml").read_text("utf-8").replace("id: 0-leading-digit", "id: brand-new"),
            "utf-8")
        bank = load(work)
        counts = import_csv(col, export_one(bank, "anki-csv", tmp_path / "out"))
        print(f"\ntricky: CSV after an edit and a new question {counts}")
        assert counts["new"] == 1 and counts["updated"] == 1 and counts["conflicting"] == 0
        assert col.note_count() == len(bank.questions)
        notes = notes_by_id(col)
        assert "Which WEEK" in notes["tricky-chart-a"]["Question"]
        fresh = notes["brand-new"]
        assert fresh.note_type()["id"] == MODEL_ID
        assert fresh.guid == note_guid("Tricky Bank", "brand-new")
        assert col.decks.name(fresh.cards()[0].did) == "Tricky Bank::Spreadsheets & code"
        assert "Plain answer, with a comma" in fresh["Answer"]
        card = fresh.cards()[0]
        assert "template has a problem" not in card.question() + card.answer()


@settings(max_examples=800, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_an_unwrapped_text_renders_as_the_text_itself(text):
    """Joining the wrapped lines changes nothing a reader sees: the same HTML, but for the
    whitespace a soft line break leaves."""
    assert " ".join(to_html(unwrapped(text)).split()) == " ".join(to_html(text).split()), repr(text)


def test_points_status_author_source_and_license_have_their_columns(tmp_path):
    from conftest import GOOD, write

    write(tmp_path / "bank", "a.yaml", GOOD.format(id="a") + "points: 2.5\nstatus: review\nauthor: Dana\n"
          "source: Board review 2024, item 12\nlicense: CC-BY-4.0\n")
    write(tmp_path / "bank", "b.yaml", GOOD.format(id="b"))
    rows = list(csv.reader(io.StringIO(export_one(load(tmp_path / "bank"), "csv", tmp_path / "out")
                                       .read_text("utf-8-sig"), newline="")))
    cells = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    fields = ("points", "status", "author", "source", "license")
    assert [cells["a"][f] for f in fields] == ["2.5", "review", "Dana", "Board review 2024, item 12", "CC-BY-4.0"]
    assert [cells["b"][f] for f in fields] == [""] * 5
