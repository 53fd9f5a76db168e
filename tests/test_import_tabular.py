"""Reading CSV and XLSX: qbank's own --csv export back to data-equal questions, the
spreadsheets people make (other headers, a column mapping, keys as letters, numbers or text),
bad rows reported at their row, and hostile workbooks."""

from __future__ import annotations

from pathlib import Path


from import_helpers import codes, cut_short, bank_data, bomb_zip, export, write_bank
from qbank.export import csv_export
from qbank.importers import reader
from qbank.importers import tabular
from qbank.importers.base import ImportOptions

read_csv, read_xlsx = reader("csv"), reader("xlsx")



def test_qbanks_own_csv_export_reads_back_data_equal(tmp_path):
    root = write_bank(tmp_path / "bank")
    path, questions = export(root, "csv", tmp_path / "out")
    result = read_csv(path, ImportOptions())
    assert result.diagnostics == []
    fields = ("id", "stem", "options", "shuffle", "explanation", "topic", "tags", "difficulty", "points",
              "references", "status", "author", "source", "license")
    # The CSV holds the Markdown source: image references stay as the bank wrote them.
    expected = [bank_data(q, root, fields) for q in questions]
    for q, data in zip(questions, expected):
        data["stem"] = q.stem.rstrip("\n")
    assert [i.data for i in sorted(result.items, key=lambda i: i.data["id"])] == expected


def test_the_export_and_the_import_agree_on_formula_marks(tmp_path):
    assert tabular.FORMULA_START == csv_export.FORMULA_START
    path = tmp_path / "f.csv"
    path.write_text("stem,option_a,option_b,key\nWhich formula sums?,'=SUM(A1),'-2 mg,A\n", encoding="utf-8")
    (item,) = read_csv(path, ImportOptions()).items
    assert [o["text"] for o in item.data["options"]] == ["=SUM(A1)", "-2 mg"]


# As a teacher's spreadsheet, saved by Excel in a comma-decimal locale: `;`, other headers.
PEOPLE = """\
Question;A;B;C;D;Answer;Feedback;Topic
What is the first step of crisis intervention?;Assess safety;Set goals;Refer out;Close the case;A;Safety comes first.;Crisis
"Which is a
two-line stem?";One;Two;;;2;;Layout
Which has no key?;Yes;No;;;;;Keys
Which key is not an option?;Yes;No;;;E;;Keys
Which key is given as its text?;Left;Right;;;Right;;Keys
Which has one option?;Only;;;;A;;Keys
"""


def test_a_spreadsheet_people_make_reads_with_the_default_headers(tmp_path):
    path = tmp_path / "teacher.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    result = read_csv(path, ImportOptions())
    got = {i.line: i.data for i in result.items}
    assert sorted(got) == [2, 3, 7]
    assert got[2] == {"stem": "What is the first step of crisis intervention?",
                      "options": [{"text": "Assess safety", "correct": True}, {"text": "Set goals"},
                                  {"text": "Refer out"}, {"text": "Close the case"}],
                      "explanation": "Safety comes first.", "topic": "Crisis"}
    assert got[3]["stem"] == "Which is a\ntwo-line stem?" and got[3]["options"][1] == {"text": "Two", "correct": True}
    assert got[7]["options"][1] == {"text": "Right", "correct": True}
    # Each bad row is one QB013 at the line it starts on (the two-line row moves the rest down).
    bad = {d.line: d.message for d in result.diagnostics}
    assert codes(result) == ["QB013"] * 3 and sorted(bad) == [5, 6, 8]
    assert "no key" in bad[5] and "'E' names no option" in bad[6] and "1 option(s)" in bad[8]


def test_a_column_mapping_overrides_the_default(tmp_path):
    path = tmp_path / "lms.csv"
    path.write_text("Question Text,Answer 1,Answer 2,Correct,Why\nPick one?,x,y,2,Because y.\n", encoding="utf-8")
    mapping = {"stem": "question text", "option_a": "Answer 1", "option_b": "Answer 2", "key": "Correct",
               "explanation": "Why"}
    (item,) = read_csv(path, ImportOptions(mapping=mapping)).items
    assert item.data == {"stem": "Pick one?", "options": [{"text": "x"}, {"text": "y", "correct": True}],
                         "explanation": "Because y."}
    unmapped = read_csv(path, ImportOptions())
    assert unmapped.items == [] and codes(unmapped) == ["QB013"]
    assert "no column for" in unmapped.diagnostics[0].message and "'Question Text'" in unmapped.diagnostics[0].message


def test_a_mapping_to_a_field_qbank_lacks_is_refused_with_the_fields(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("stem,a,b,key\nQ?,x,y,a\n", encoding="utf-8")
    result = read_csv(path, ImportOptions(mapping={"question": "stem"}))
    assert result.items == [] and codes(result) == ["QB013"] and "option_a" in result.diagnostics[0].message


def test_values_a_field_cannot_take_are_reported_at_their_row(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("stem,a,b,key,difficulty,points,shuffle\n"
                    "One?,x,y,a,easy,2,no\nTwo?,x,y,a,trivial,,\nThree?,x,y,a,,-1,\nFour?,x,y,a,,,maybe\n",
                    encoding="utf-8")
    result = read_csv(path, ImportOptions())
    (ok,) = result.items
    assert ok.data["difficulty"] == "easy" and ok.data["points"] == 2 and ok.data["shuffle"] is False
    assert [(d.line, d.message.split(":")[1].split()[0]) for d in result.diagnostics] == [
        (3, "difficulty"), (4, "points"), (5, "shuffle")]


def test_a_file_that_is_not_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("stem,a,b,key\nCaf\u00e9?,x,y,a\n".encode("latin-1"))
    result = read_csv(path, ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"]
    assert "UTF-8" in result.diagnostics[0].message and result.diagnostics[0].line == 2


def write_xlsx(path: Path, rows: list[list]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_workbook_reads_with_numbers_and_row_numbers(tmp_path):
    path = write_xlsx(tmp_path / "bank.xlsx", [
        [None],
        ["ID", "Stem", "Option A", "Option B", "Option C", "Key", "Points", "Tags"],
        ["w-001", "Which dose is safe?", 5, 10, 15, "a", 2.0, "dosage; safety"],
        ["w-002", None, "x", "y", None, "a", None, None],
    ])
    result = read_xlsx(path, ImportOptions())
    (item,) = result.items
    assert item.line == 3
    assert item.data == {"id": "w-001", "stem": "Which dose is safe?",
                         "options": [{"text": "5", "correct": True}, {"text": "10"}, {"text": "15"}],
                         "explanation": "", "tags": ["dosage", "safety"], "points": 2}
    assert [(d.code, d.line) for d in result.diagnostics] == [("QB013", 4)]


def test_a_zip_bomb_named_xlsx_is_refused_before_openpyxl_opens_it(tmp_path):
    result = read_xlsx(bomb_zip(tmp_path / "bomb.xlsx"), ImportOptions())
    assert result.items == [] and codes(result) == ["QB015"]


def test_a_damaged_workbook_is_one_diagnostic(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = read_xlsx(path, ImportOptions())
    assert result.items == [] and codes(result) == ["QB013"]
    assert "not a readable zip" in result.diagnostics[0].message


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("stem,a,b,key\n" + "Q?,x,y,a\n" * 200, encoding="utf-8")
    result = read_csv(path, ImportOptions(max_bytes=100))
    assert result.items == [] and codes(result) == ["QB015"]


def test_a_damaged_workbook_or_csv_is_diagnostics_never_an_exception(tmp_path):
    book = write_xlsx(tmp_path / "book.xlsx", [["stem", "a", "b", "key"], ["Q?", "x", "y", "a"]])
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "x").mkdir()
    (tmp_path / "c").mkdir()
    reported = 0
    for copy in cut_short(book, tmp_path / "x") + cut_short(path, tmp_path / "c"):
        result = (read_xlsx if copy.suffix == ".xlsx" else read_csv)(copy, ImportOptions())
        assert all(d.code in ("QB012", "QB013", "QB015") and d.line >= 1 for d in result.diagnostics), copy.name
        reported += bool(result.diagnostics)
    assert reported  # the damage is said, not passed over


def test_a_key_that_is_one_options_number_and_anothers_text_is_not_guessed(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("stem,a,b,c,key\nHow many?,2,4,6,2\nHow many now?,1,2,3,2\n", encoding="utf-8")
    result = read_csv(path, ImportOptions())
    (item,) = result.items  # options 1, 2, 3: the 2nd option is also the text "2"
    assert item.data["options"][1] == {"text": "2", "correct": True}
    assert [(d.line, "give the key as a letter" in d.message) for d in result.diagnostics] == [(2, True)]
