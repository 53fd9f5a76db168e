"""`qbank stats import`: LMS results in, per-item statistics in qbank-stats.json out, every
guess and every problem said."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qbank import api
from qbank.analysis.core import analyse
from qbank.analysis.store import STORE_NAME
from qbank.cli import main

STEMS = {
    "sleep-001": "A client reports trouble sleeping since starting a new job. What should the social worker explore FIRST?",
    "ethics-002": "A client offers the social worker a gift after termination. What should the social worker do FIRST?",
    "assess-003": "A client reports hearing voices at night. Which information is MOST important to gather?",
}
OPTIONS = {  # the key first in the file for sleep-001, second for the others
    "sleep-001": ["Recent changes in the daily routine", "Family history of hospitalization",
                  "Early childhood attachment", "Eligibility for medication"],
    "ethics-002": ["Accept the gift to avoid offending", "Explore the meaning of the gift with the client",
                   "Refuse the gift without discussion", "Report the offer to the licensing board"],
    "assess-003": ["The client's favourite music", "Whether the voices command self-harm",
                   "The client's childhood memories"],
}
KEYS = {"sleep-001": 0, "ethics-002": 1, "assess-003": 1}


def write_bank(root: Path) -> Path:
    root.mkdir()
    (root / "qbank.toml").write_text('name = "t"\n')
    for qid, stem in STEMS.items():
        opts = "".join(f"  - text: {t}\n" + ("    correct: true\n" if i == KEYS[qid] else
                                            f"    rationale: Option {i} is wrong for a stated reason here.\n")
                       for i, t in enumerate(OPTIONS[qid]))
        (root / f"{qid}.yaml").write_text(f"id: {qid}\nstem: |\n  {stem}\noptions:\n{opts}"
                                          "explanation: |\n  The key addresses what matters first.\n")
    return root


def run(*args):
    return CliRunner().invoke(main, ["stats", "import", *(str(a) for a in args)], catch_exceptions=False)


def store(root: Path) -> dict:
    return json.loads((root / STORE_NAME).read_text())


def csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# 60 candidates whose ability orders their answers: deterministic, with one omission.
RNG = np.random.default_rng(3)
CHOICES = {qid: np.where(RNG.random(60) < np.linspace(0.2, 0.95, 60), KEYS[qid],
                         (KEYS[qid] + RNG.integers(1, len(OPTIONS[qid]), 60)) % len(OPTIONS[qid]))
           for qid in STEMS}
CHOICES["assess-003"][5] = -1


def responses_csv() -> str:
    rows = [["candidate", "item", "choice"]]
    for c in range(60):
        for qid in STEMS:
            choice = int(CHOICES[qid][c])
            rows.append([f"cand{c:02d}", qid, "" if choice < 0 else "ABCD"[choice]])
    return csv_text(rows)


def test_responses_csv_stores_each_items_statistics_and_the_forms_kr20(tmp_path):
    root = write_bank(tmp_path / "bank")
    results = tmp_path / "spring.csv"
    results.write_text(responses_csv())
    r = run(results, root, "--format", "responses-csv")
    assert r.exit_code == 0, r.output
    assert "stored statistics of 3 items from spring.csv" in r.output
    got = store(root)
    ids = sorted(STEMS)
    expected = analyse(np.stack([CHOICES[q] for q in ids], axis=1), [KEYS[q] for q in ids],
                       [len(OPTIONS[q]) for q in ids])
    for qid, stats in zip(ids, expected.items):
        entry = got["items"][qid]
        assert entry["n"] == stats.n and entry["p"] == pytest.approx(stats.p, abs=1e-6)
        assert entry["rpb"] == pytest.approx(stats.rpb, abs=1e-6)
        assert [o["rate"] for o in entry["options"]] == pytest.approx([o.rate for o in stats.options], abs=1e-6)
        assert entry["source"] == "spring.csv" and len(entry["imported"]) == 10
    assert got["items"]["assess-003"]["n"] == 59
    assert got["forms"]["spring"] == {"n": 60, "kr20": pytest.approx(expected.kr20, abs=1e-6)}


def test_an_import_merges_per_item_and_is_deterministic(tmp_path):
    root = write_bank(tmp_path / "bank")
    first = tmp_path / "a.csv"
    first.write_text(responses_csv())
    assert run(first, root, "--format", "responses-csv").exit_code == 0
    one = csv_text([["candidate", "item", "choice"]] + [[f"c{i}", "sleep-001", "AB"[i % 2]] for i in range(40)])
    second = tmp_path / "b.csv"
    second.write_text(one)
    assert run(second, root, "--format", "responses-csv", "--form", "B").exit_code == 0
    got = store(root)
    assert got["items"]["sleep-001"]["source"] == "b.csv" and got["items"]["sleep-001"]["p"] == 0.5
    assert got["items"]["ethics-002"]["source"] == "a.csv"
    assert set(got["forms"]) == {"a", "B"}
    before = (root / STORE_NAME).read_bytes()
    assert run(second, root, "--format", "responses-csv", "--form", "B").exit_code == 0
    assert (root / STORE_NAME).read_bytes() == before


CANVAS_HEADER = ["Question Id", "Question Title", "Answered Student Count", "Top Student Count",
                 "Middle Student Count", "Bottom Student Count", "Quiz Question Count", "Correct Student Count",
                 "Wrong Student Count", "Correct Student Ratio", "Wrong Student Ratio", "Correct Top Student Count",
                 "Correct Middle Student Count", "Correct Bottom Student Count", "Variance", "Standard Deviation",
                 "Difficulty Index", "Alpha", "Point Biserial of Correct", "Point Biserial of Distractor 2",
                 "Point Biserial of Distractor 3", "Point Biserial of Distractor 4"]


def canvas_row(qid_or_text, pb, dists):
    return ["81", qid_or_text, "100", "27", "46", "27", "3", "60", "40", "0.6", "0.4", "24", "28", "8", "0.24",
            "0.49", "0.6", "0.71", pb, *dists]


def test_canvas_item_analysis_maps_by_the_qti_title_and_reports_a_match_by_text(tmp_path):
    root = write_bank(tmp_path / "bank")
    report = tmp_path / "item-analysis.csv"
    report.write_text(csv_text([CANVAS_HEADER, canvas_row("ethics-002", "0.41", ["-0.2", "0.45", "-0.1"]),
                                canvas_row(STEMS["sleep-001"], "0.3", ["-0.1", "-0.2", "-0.3"]),
                                canvas_row("A question from another bank", "0.3", ["0.1", "0.1", "0.1"])]))
    r = run(report, root, "--format", "canvas-item-analysis")
    assert r.exit_code == 0, r.output
    assert "QB026" in r.output and "sleep-001" in r.output and "QB027" in r.output
    assert "item-analysis.csv:3:1: QB026" in r.output and "item-analysis.csv:4:1: QB027" in r.output
    ethics = store(root)["items"]["ethics-002"]
    assert (ethics["n"], ethics["p"], ethics["rpb"]) == (100, 0.6, 0.41)
    assert ethics["upper_lower"] == pytest.approx(24 / 27 - 8 / 27, abs=1e-6)
    # the key is option B; Canvas's distractors 2, 3, 4 are options A, C, D
    assert ethics["options"] == [{"rate": None, "rpb": -0.2}, {"rate": 0.6, "rpb": 0.41},
                                 {"rate": None, "rpb": 0.45}, {"rate": None, "rpb": -0.1}]
    assert store(root)["forms"]["item-analysis"]["kr20"] == 0.71


def test_the_qti_identifier_maps_as_the_id_does(tmp_path):
    root = write_bank(tmp_path / "bank")
    report = tmp_path / "ia.csv"
    report.write_text(csv_text([CANVAS_HEADER, canvas_row("q-assess-003", "0.4", ["-0.2", "-0.1", ""])]))
    r = run(report, root, "--format", "canvas-item-analysis")
    assert r.exit_code == 0 and "QB026" not in r.output and "assess-003" in store(root)["items"]


def test_a_question_text_reported_as_html_matches_the_stem(tmp_path):
    root = write_bank(tmp_path / "bank")
    report = tmp_path / "ia.csv"
    html = "<p>A client offers the social worker a <strong>gift</strong> after termination.</p>" \
           "<p>What should the social worker do FIRST?</p>"
    report.write_text(csv_text([CANVAS_HEADER, canvas_row(html, "0.4", ["-0.2", "-0.1", "-0.1"])]))
    r = run(report, root, "--format", "canvas-item-analysis")
    assert r.exit_code == 0 and "matched item 'ethics-002' by its text" in r.output


def test_canvas_item_analysis_then_lint_suspects_the_miskey_at_the_option(tmp_path):
    root = write_bank(tmp_path / "bank")
    report = tmp_path / "ia.csv"
    report.write_text(csv_text([CANVAS_HEADER, canvas_row("ethics-002", "0.21", ["-0.2", "0.45", "-0.1"])]))
    assert run(report, root, "--format", "canvas-item-analysis").exit_code == 0
    (d,) = [d for d in api.lint([root]).diagnostics if d.code == "QB923"]
    lines = (root / "ethics-002.yaml").read_text().splitlines()
    assert d.path.endswith("ethics-002.yaml") and lines[d.line - 1].endswith("Refuse the gift without discussion")


def test_canvas_student_analysis_matches_by_text_and_maps_answers_by_their_text(tmp_path):
    root = write_bank(tmp_path / "bank")
    header = ["name", "id", "sis_id", "section", "section_id", "section_sis_id", "submitted", "attempt",
              f"301: {STEMS['ethics-002']}", "1.0", f"302: {STEMS['assess-003']}", "1.0",
              "n correct", "n incorrect", "score"]
    rows = [header]
    for i in range(40):
        ethics = OPTIONS["ethics-002"][1 if i % 4 else 3]
        assess = OPTIONS["assess-003"][1] if i % 5 else ("I am not sure" if i == 0 else "")
        rows.append([f"Student {i}", str(1000 + i), "", "S1", "7", "", "2026-11-30 10:00:00 UTC", "1",
                     ethics, "1" if i % 4 else "0", assess, "1" if i % 5 else "0", "2", "0", "2"])
    report = tmp_path / "students.csv"
    report.write_text(csv_text(rows))
    r = run(report, root, "--format", "canvas-student-analysis")
    assert r.exit_code == 0, r.output
    assert r.output.count("QB026") == 2 and "QB028" in r.output and "I am not sure" in r.output
    assert "(2 matched by text)" in r.output
    got = store(root)["items"]
    assert got["ethics-002"]["n"] == 40 and got["ethics-002"]["p"] == 0.75
    assert [o["rate"] for o in got["ethics-002"]["options"]] == [0.0, 0.75, 0.0, 0.25]
    assert got["assess-003"]["n"] == 32 and got["assess-003"]["p"] == 1.0


def moodle_rows(with_questions: bool = True) -> list[list]:
    head = ["Surname", "First name", "Email address", "State", "Started on", "Completed", "Time taken", "Grade/2.00"]
    slots = [("Question 1", "Response 1", "Right answer 1"), ("Question 2", "Response 2", "Right answer 2")]
    header = head + [c for s in slots for c in (s if with_questions else s[1:])]
    rows = [header]
    for i in range(30):
        # slot 2 is a random question: sleep-001 for even attempts, assess-003 for odd ones
        q2 = "sleep-001" if i % 2 == 0 else "assess-003"
        r2 = OPTIONS[q2][KEYS[q2]] if i % 3 else OPTIONS[q2][2]
        # Moodle's question summary: the text, ": ", the options in the order this attempt showed them
        shown = OPTIONS["ethics-002"][i % 4:] + OPTIONS["ethics-002"][:i % 4]
        cells = [(f"{STEMS['ethics-002']}: {'; '.join(shown)}", OPTIONS["ethics-002"][1] if i % 2 else "-",
                  OPTIONS["ethics-002"][1]),
                 (f"{STEMS[q2]}: {'; '.join(OPTIONS[q2])}", r2, OPTIONS[q2][KEYS[q2]])]
        rows.append([f"S{i}", "A", f"s{i}@example.org", "Finished", "1 December 2026  10:00 AM",
                     "1 December 2026  10:20 AM", "20 mins", "1.00"]
                    + [c for cell in cells for c in (cell if with_questions else cell[1:])])
    rows.append(["Overall average", "", "", "", "", "", "", "1.00"] + [""] * (6 if with_questions else 4))
    return rows


def test_moodle_responses_report_maps_each_slots_question_by_its_text(tmp_path):
    root = write_bank(tmp_path / "bank")
    report = tmp_path / "responses.csv"
    report.write_text(csv_text(moodle_rows()))
    r = run(report, root, "--format", "moodle")
    assert r.exit_code == 0, r.output
    got = store(root)["items"]
    assert set(got) == set(STEMS) and r.output.count("QB026") == 3
    assert got["ethics-002"]["n"] == 15 and got["ethics-002"]["p"] == 1.0
    assert got["sleep-001"]["n"] == 15 and got["assess-003"]["n"] == 15
    assert store(root)["forms"]["responses"]["n"] == 30


def test_a_moodle_report_without_question_text_is_refused_with_a_way_out(tmp_path):
    root = write_bank(tmp_path / "bank")
    report = tmp_path / "responses.csv"
    report.write_text(csv_text(moodle_rows(with_questions=False)))
    r = run(report, root, "--format", "moodle")
    assert r.exit_code == 1 and "QB025" in r.output and "Question text" in r.output
    assert not (root / STORE_NAME).exists()


@pytest.mark.parametrize("content, fmt, line, words", [
    (b"Question Id,Question Title\n1,x\n", "canvas-item-analysis", 1, "no 'Answered Student Count' column"),
    (b"\xff\xfe\x00garbage", "responses-csv", 1, "not UTF-8"),
    (b"candidate,item,choice\nc1,sleep-001,A\nc2,sleep-001,maybe\n", "responses-csv", 3, "not an option letter"),
    (b'candidate,item,choice\nc1,"sleep-001\n', "responses-csv", 2, "not CSV"),
    (b"", "moodle", 1, "no rows"),
    (("Question Id,Question Title," + ",".join(CANVAS_HEADER[2:]) + "\n"
      + ",".join(canvas_row("sleep-001", "high", ["0", "0", "0"])) + "\n").encode(), "canvas-item-analysis", 2,
     "'Point Biserial of Correct' is 'high', not a number"),
])
def test_a_file_that_is_not_its_format_is_qb025_at_its_line_and_nothing_is_stored(tmp_path, content, fmt, line, words):
    root = write_bank(tmp_path / "bank")
    report = tmp_path / "results.csv"
    report.write_bytes(content)
    r = run(report, root, "--format", fmt)
    assert r.exit_code == 1 and f"results.csv:{line}:1: QB025" in r.output and words in r.output
    assert not (root / STORE_NAME).exists()


def test_an_unreadable_store_is_left_as_it_is(tmp_path):
    root = write_bank(tmp_path / "bank")
    (root / STORE_NAME).write_text('{"version": 1, "items": {"x": {"n": "lots"}}}')
    results = tmp_path / "r.csv"
    results.write_text(responses_csv())
    r = run(results, root, "--format", "responses-csv")
    assert r.exit_code == 1 and "QB029" in r.output and "'x'" in r.output
    assert (root / STORE_NAME).read_text() == '{"version": 1, "items": {"x": {"n": "lots"}}}'


def test_dry_run_writes_nothing_and_an_unknown_format_is_a_usage_error(tmp_path):
    root = write_bank(tmp_path / "bank")
    results = tmp_path / "r.csv"
    results.write_text(responses_csv())
    r = run(results, root, "--format", "responses-csv", "--dry-run")
    assert r.exit_code == 0 and "would store statistics of 3 items" in r.output
    assert not (root / STORE_NAME).exists()
    assert run(results, root, "--format", "blackboard").exit_code == 2
    with pytest.raises(api.UsageError):
        api.import_stats(results, "blackboard", [root])


def test_unknown_items_and_letters_beyond_the_options_are_reported(tmp_path):
    root = write_bank(tmp_path / "bank")
    results = tmp_path / "r.csv"
    rows = [["candidate", "item", "choice"]] + [[f"c{i}", "assess-003", "AD"[i % 2]] for i in range(10)]
    results.write_text(csv_text(rows + [["c1", "not-in-bank", "A"]]))
    r = run(results, root, "--format", "responses-csv")
    assert r.exit_code == 0
    assert "QB027" in r.output and "not-in-bank" in r.output
    assert "QB028" in r.output and "option letter D" in r.output
    assert store(root)["items"]["assess-003"]["n"] == 5


def test_results_too_large_to_compute_at_once_are_refused_not_run_out_of_memory(tmp_path, monkeypatch):
    import qbank.analysis.importer as importer

    monkeypatch.setattr(importer, "MAX_CELLS", 100)
    root = write_bank(tmp_path / "bank")
    results = tmp_path / "r.csv"
    results.write_text(responses_csv())  # 60 candidates x 3 items
    outcome = api.import_stats(results, "responses-csv", [root])
    (d,) = outcome.diagnostics
    assert d.code == "QB025" and "60 candidates x 3 items" in d.message and not outcome.written


def test_with_the_form_file_letters_are_the_forms_and_stored_in_written_order(tmp_path):
    root = write_bank(tmp_path / "bank")
    form = tmp_path / "A.yaml"
    form.write_text("form: A\nblueprint: b\nseed: 1\nitems:\n  - id: assess-003\n    area: X\n    order: [2, 1, 0]\n")
    # on paper form A, assess-003's options read C, B, A: letter A is the written option 2
    rows = [["candidate", "item", "choice"]] + [[f"c{i}", "assess-003", "A" if i < 8 else "B"] for i in range(10)]
    results = tmp_path / "sheet.csv"
    results.write_text(csv_text(rows))
    r = run(results, root, "--format", "responses-csv", "--form", form)
    assert r.exit_code == 0, r.output
    entry = store(root)["items"]["assess-003"]
    assert [o["rate"] for o in entry["options"]] == [0.0, 0.2, 0.8] and entry["p"] == 0.2
    assert set(store(root)["forms"]) == {"A"}


def test_canvas_distractor_columns_follow_the_forms_answer_order(tmp_path):
    root = write_bank(tmp_path / "bank")
    form = tmp_path / "A.yaml"
    form.write_text("form: A\nblueprint: b\nseed: 1\nitems:\n  - id: ethics-002\n    area: X\n    order: [3, 1, 0, 2]\n")
    report = tmp_path / "ia.csv"
    report.write_text(csv_text([CANVAS_HEADER, canvas_row("ethics-002", "0.41", ["-0.3", "0.2", "-0.1"])]))
    assert run(report, root, "--format", "canvas-item-analysis", "--form", form).exit_code == 0
    # the quiz showed options 3, 1 (key), 0, 2: distractors 2, 3, 4 are written options 3, 0, 2
    assert [o["rpb"] for o in store(root)["items"]["ethics-002"]["options"]] == [0.2, 0.41, -0.1, -0.3]


def test_a_form_file_that_is_not_one_stores_nothing(tmp_path):
    root = write_bank(tmp_path / "bank")
    form = tmp_path / "A.yaml"
    form.write_text("form: A\nitems: nothing\n")
    results = tmp_path / "r.csv"
    results.write_text(responses_csv())
    r = run(results, root, "--format", "responses-csv", "--form", form)
    assert r.exit_code == 1 and "A.yaml" in r.output and "nothing stored" in r.output
    assert not (root / STORE_NAME).exists()


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from qbank.analysis.importer import FORMATS, import_stats  # noqa: E402
from qbank.model import Option, Question  # noqa: E402

QUESTIONS = [Question(qid, STEMS[qid], tuple(Option(t, i == KEYS[qid], None if i == KEYS[qid] else "r")
                                             for i, t in enumerate(OPTIONS[qid])), "e", path=f"{qid}.yaml")
             for qid in STEMS]
CELLS = st.sampled_from(["", "A", "b", "Z", "sleep-001", "ethics-002", "Question 1", "Response 1", "1: x",
                         "Question Id", "Question Title", "Answered Student Count", "0.5", "N/A", "-", '"',
                         "\r\n", "\n", ",", "é", "\x00", *OPTIONS["ethics-002"], STEMS["sleep-001"],
                         "Point Biserial of Distractor 2", "candidate", "item", "choice"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(sorted(FORMATS)), cells=st.lists(st.lists(CELLS, max_size=8), max_size=8),
       noise=st.binary(max_size=40))
def test_any_file_gives_diagnostics_never_a_traceback(tmp_path, fmt, cells, noise):
    results = tmp_path / "any.csv"
    results.write_bytes(csv_text(cells).encode("utf-8", "surrogatepass") + noise)
    out = import_stats(results, fmt, QUESTIONS, tmp_path, write=False)
    assert all(d.code in ("QB025", "QB026", "QB027", "QB028") and d.line >= 1 for d in out.diagnostics)
