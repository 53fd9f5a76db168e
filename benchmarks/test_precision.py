"""precision.py scores lint findings against hand labels, per rule and in total.

Most tests run it against a stand-in `qbank` (a tiny script written into tmp_path) so that
the arithmetic is checked on known findings whatever the real rules do today; one test runs
the real qbank end to end.
"""

from __future__ import annotations

import json
import stat
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import precision  # noqa: E402

# A stand-in linter: QB301 (error) on each line saying "All of the above", QB902 (error)
# on line 1 of every file, QB003 (error) when a file has no `explanation:`, QB402
# (warning) on each `rationale:` line, QB201 (warning) on the stem line of a stem without '?'.
FAKE_QBANK = textwrap.dedent("""\
    #!{python}
    import json, sys
    from pathlib import Path
    out = []
    for path in sorted(Path(".").rglob("*.yaml")):
        lines = path.read_text().splitlines()
        def add(line, code, severity, message):
            out.append(dict(path=path.as_posix(), line=line, column=1, code=code,
                            name=code.lower(), severity=severity, message=message))
        for n, text in enumerate(lines, 1):
            if "All of the above" in text:
                add(n, "QB301", "error", "all of the above")
            if "rationale:" in text:
                add(n, "QB402", "warning", "short rationale")
            if text.startswith("stem:") and "?" not in text:
                add(n, "QB201", "warning", "no question")
        add(1, "QB902", "error", "duplicate stem")
        if not any(t.startswith("explanation:") for t in lines):
            add(1, "QB003", "error", "missing required key `explanation`")
    print(json.dumps(out))
    sys.exit(1 if out else 0)
    """)

COMPLETE = """\
id: q-complete
stem: Which colour has the team chosen?
options:
  - text: green
    correct: true
  - text: All of the above
    rationale: The team chose one colour.
explanation: The team voted for green.
"""

INCOMPLETE = """\
id: q-incomplete
stem: The team's colour is
options:
  - text: green
    correct: true
  - text: All of the above
"""


def fake_qbank(tmp_path: Path) -> str:
    script = tmp_path / "fake-qbank"
    script.write_text(FAKE_QBANK.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def bank(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def labels(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "labels.tsv"
    path.write_text("# team labels\n\n" + "\n".join("\t".join(cols) for cols in
                                                     (line.split("|") for line in lines)) + "\n")
    return path


def report_json(corpus: Path, label_file: Path, qbank: str, *extra: str, capsys) -> dict:
    assert precision.main([str(corpus), str(label_file), "--qbank", qbank, "--format", "json",
                           *extra]) == 0
    return json.loads(capsys.readouterr().out)


def rule(report: dict, code: str, severity: str) -> dict:
    return next(r for r in report["rules"] if r["code"] == code and r["severity"] == severity)


def test_counts_per_rule_precision_and_unlabelled_findings(tmp_path, capsys):
    corpus = bank(tmp_path, {"a.yaml": COMPLETE, "b.yaml": COMPLETE.replace("q-complete", "q-b")})
    lab = labels(tmp_path, ["q-complete|QB301|TP|real all-of-the-above",
                            "q-b|QB301|TP|real all-of-the-above",
                            "q-complete|QB902|FP|different items",
                            "q-complete|QB402|FP|precise rationale"])
    report = report_json(corpus, lab, fake_qbank(tmp_path), capsys=capsys)
    assert report["items"] == 2
    aota = rule(report, "QB301", "error")
    assert (aota["findings"], aota["tp"], aota["fp"], aota["precision"], aota["per_100_items"]) \
        == (2, 2, 0, 1.0, 100.0)
    dup = rule(report, "QB902", "error")
    assert (dup["findings"], dup["tp"], dup["fp"], dup["precision"]) == (2, 0, 1, 0.0)
    assert [(f["item"], f["code"]) for f in report["unlabelled"]] == [("q-b", "QB402"),
                                                                       ("q-b", "QB902")]
    # errors: QB301 2 TP, QB902 1 FP of 2 findings -> 2/3 labelled; weighted (2*1 + 2*0)/4
    errors = report["totals"]["error"]
    assert errors["precision_labelled"] == pytest.approx(2 / 3)
    assert errors["precision_weighted"] == pytest.approx(0.5)
    both = report["totals"]["warning+error"]
    assert (both["labelled"], both["tp"]) == (4, 2)


def test_a_label_with_a_line_wins_over_one_without(tmp_path, capsys):
    text = COMPLETE.replace("explanation:", "  - text: All of the above\n"
                            "    rationale: Also one colour.\nexplanation:")
    corpus = bank(tmp_path, {"a.yaml": text})
    lab = labels(tmp_path, ["q-complete|QB301|TP|all-of-the-above",
                            "q-complete|QB301|FP|second one is fine|8"])
    report = report_json(corpus, lab, fake_qbank(tmp_path), capsys=capsys)
    assert (rule(report, "QB301", "error")["tp"], rule(report, "QB301", "error")["fp"]) == (1, 1)


def test_wildcard_labels_the_rest_of_a_code_and_stale_labels_are_listed(tmp_path, capsys):
    corpus = bank(tmp_path, {"a.yaml": INCOMPLETE, "b.yaml": COMPLETE})
    lab = labels(tmp_path, ["*|QB003|TP|the source has none",
                            "q-gone|QB301|TP|an item no longer in the corpus"])
    report = report_json(corpus, lab, fake_qbank(tmp_path), capsys=capsys)
    assert rule(report, "QB003", "error")["tp"] == 1
    assert [(s["item"], s["code"]) for s in report["stale_labels"]] == [("q-gone", "QB301")]


def test_exclude_leaves_codes_out_of_the_totals_only(tmp_path, capsys):
    corpus = bank(tmp_path, {"a.yaml": INCOMPLETE})
    lab = labels(tmp_path, ["*|QB003|TP|none in source", "q-incomplete|QB301|FP|judged fine"])
    report = report_json(corpus, lab, fake_qbank(tmp_path), "--exclude", "QB003", capsys=capsys)
    assert rule(report, "QB003", "error")["tp"] == 1
    assert report["totals"]["error"]["precision_labelled"] == 0.0  # only QB301's FP counts


def test_several_source_folders_are_linted_one_by_one(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    for source in ("first", "second"):
        (corpus / source).mkdir(parents=True)
        (corpus / source / "q.yaml").write_text(COMPLETE.replace("q-complete", f"q-{source}"))
    report = report_json(corpus, labels(tmp_path, []), fake_qbank(tmp_path), capsys=capsys)
    assert report["folders"] == ["first", "second"]
    assert {f["item"] for f in report["unlabelled"]} == {"q-first", "q-second"}


def test_fill_missing_runs_style_rules_and_maps_lines_back(tmp_path, capsys):
    corpus = bank(tmp_path, {"a.yaml": INCOMPLETE})
    report = report_json(corpus, labels(tmp_path, []), fake_qbank(tmp_path), "--fill-missing",
                         capsys=capsys)
    found = {(f["code"], f["line"], f["source"]) for f in report["unlabelled"]}
    # plain run: QB003, QB301 and QB902 at their own lines
    assert {("QB003", 1, "lint"), ("QB301", 6, "lint"), ("QB902", 1, "lint"),
            ("QB201", 2, "lint")} <= found
    # the filled copy adds nothing already found, no QB003, and no QB402 on a placeholder
    assert not any(source == "filled" for _, _, source in found)
    assert (corpus / "a.yaml").read_text() == INCOMPLETE  # the corpus itself is untouched


def test_fill_text_inserts_lines_only_and_line_map_points_back():
    filled, explanation, rationale = precision.fill_text(INCOMPLETE)
    assert explanation and rationale
    assert precision.PLACEHOLDER in filled
    mapping = precision.line_map(INCOMPLETE, filled)
    new = filled.splitlines()
    original = INCOMPLETE.splitlines()
    text_line = next(i for i, t in enumerate(new) if t.strip() == "text: All of the above")
    assert original[mapping[text_line] - 1] == "  - text: All of the above"
    assert mapping[new.index("explanation: " + precision.PLACEHOLDER)] == len(original)
    assert precision.fill_text(COMPLETE) == (COMPLETE, False, False)


def test_bad_label_lines_are_reported_with_their_line_number(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text("q-a\tQB301\tmaybe\twhy\n")
    with pytest.raises(SystemExit, match=r"labels.tsv:1: verdict must be TP or FP"):
        precision.read_labels(path)
    path.write_text("q-a QB301 TP reason\n")
    with pytest.raises(SystemExit, match=r"tab-separated"):
        precision.read_labels(path)


def test_text_report_lists_rules_totals_and_unlabelled(tmp_path, capsys):
    corpus = bank(tmp_path, {"a.yaml": COMPLETE})
    lab = labels(tmp_path, ["q-complete|QB301|TP|real"])
    assert precision.main([str(corpus), str(lab), "--qbank", fake_qbank(tmp_path),
                           "--max-list", "1"]) == 0
    out = capsys.readouterr().out
    assert "QB301" in out and "100.0%" in out
    assert "precision over error: 100.0% of 1 labelled" in out
    assert "findings not yet labelled: 2" in out and "... and 1 more" in out


def test_real_qbank_end_to_end(tmp_path, capsys):
    corpus = bank(tmp_path, {"a.yaml": COMPLETE})
    report = report_json(corpus, labels(tmp_path, ["q-complete|QB301|TP|real"]),
                         precision.default_qbank(), capsys=capsys)
    assert rule(report, "QB301", "error")["tp"] == 1
