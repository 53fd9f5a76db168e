"""`qbank validate`: each defect is reported at the node a writer has to change."""

from __future__ import annotations

import json

import pytest

from conftest import GOOD, write


def located(cli, path):
    result = cli("validate", path, "--format", "json")
    return result.exit_code, [(d["code"], d["line"], d["column"], d["message"]) for d in json.loads(result.output)]


def test_a_well_formed_question_passes(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="sleep-001"))
    result = cli("validate", bank)
    assert result.exit_code == 0, result.output
    assert "All checks passed (1 file checked)" in result.output


def test_two_correct_options_are_rejected_at_the_second(cli, bank):
    text = GOOD.format(id="q1").replace(
        "  - text: Early childhood attachment patterns\n",
        "  - text: Early childhood attachment patterns\n    correct: true\n")
    path = write(bank, "q.yaml", text)
    code, diags = located(cli, path)
    assert code == 1
    assert [(c, ln, col) for c, ln, col, _ in diags] == [("QB101", 12, 5)]
    assert "option 3 is marked correct, but option 1 already is" in diags[0][3]


def test_no_key_is_reported_at_the_options_line(cli, bank):
    path = write(bank, "q.yaml", GOOD.format(id="q1").replace("    correct: true\n", ""))
    code, diags = located(cli, path)
    assert code == 1
    assert ("QB101", 5, 1) in [(c, ln, col) for c, ln, col, _ in diags]


def test_distractor_without_rationale_is_reported_at_its_text_line(cli, bank):
    text = GOOD.format(id="q1").replace(
        "    rationale: Too distant from a problem that began with a recent life change.\n", "")
    code, diags = located(cli, write(bank, "q.yaml", text))
    assert code == 1
    assert [(c, ln, col) for c, ln, col, _ in diags] == [("QB105", 11, 5)]
    assert "distractor 3" in diags[0][3] and "rationale" in diags[0][3]


def test_misspelled_keys_get_a_did_you_mean(cli, bank):
    text = GOOD.format(id="q1").replace("explanation:", "explaination:").replace(
        "    rationale: Routine", "    rational: Routine")
    code, diags = located(cli, write(bank, "q.yaml", text))
    messages = {(c, ln): m for c, ln, _, m in diags}
    assert "did you mean 'explanation'?" in messages[("QB003", 15)]
    assert "did you mean 'rationale'?" in messages[("QB003", 8)]


def test_correct_yes_must_be_boolean(cli, bank):
    text = GOOD.format(id="q1").replace("    correct: true", '    correct: "yes"')
    code, diags = located(cli, write(bank, "q.yaml", text))
    msg = next(m for c, ln, _, m in diags if c == "QB003" and ln == 7)
    assert "must be true or false" in msg


def test_yaml_11_booleans_stay_text(cli, bank):
    # `yes` is a boolean in YAML 1.1 but text in YAML 1.2, which qbank reads: still not `true`.
    text = GOOD.format(id="q1").replace("    correct: true", "    correct: yes")
    code, diags = located(cli, write(bank, "q.yaml", text))
    assert any(c == "QB003" and 'the text "yes"' in m for c, _, _, m in diags)


def test_empty_explanation(cli, bank):
    text = GOOD.format(id="q1").split("explanation:")[0] + 'explanation: "  "\n'
    code, diags = located(cli, write(bank, "q.yaml", text))
    assert [(c, ln) for c, ln, _, _ in diags] == [("QB105", 15)]


def test_duplicate_key_at_the_second(cli, bank):
    text = GOOD.format(id="q1").replace("explanation: |", "stem: again\nexplanation: |")
    code, diags = located(cli, write(bank, "q.yaml", text))
    assert [(c, ln, col) for c, ln, col, _ in diags] == [("QB004", 15, 1)]
    assert "first at line 2" in diags[0][3]


def test_duplicate_ids_report_both_files(cli, bank):
    write(bank, "a.yaml", GOOD.format(id="same"))
    write(bank, "b.yaml", GOOD.format(id="same"))
    result = cli("validate", bank, "--format", "json")
    diags = json.loads(result.output)
    assert result.exit_code == 1
    assert sorted((d["path"].rsplit("/", 1)[-1], d["code"], d["line"]) for d in diags) == [
        ("a.yaml", "QB005", 1), ("b.yaml", "QB005", 1)]
    assert diags[0]["related"][0]["path"].endswith("b.yaml")


def test_bad_id_pattern(cli, bank):
    code, diags = located(cli, write(bank, "q.yaml", GOOD.format(id="Sleep One")))
    assert diags[0][0] == "QB003" and diags[0][1] == 1 and "lowercase" in diags[0][3]


@pytest.mark.parametrize("raw, code, line", [
    (b"id: q1\nstem: [oops\n", "QB001", 3),
    (b"id: q1\n\xff\xfe bad\n", "QB002", 2),
    (b"\x00\x01binary", "QB002", 1),
    (b"- just\n- a list\n", "QB003", 1),
    (b"", "QB003", 1),
    (b"id: q1\n---\nid: q2\n", "QB001", 2),
    (b"a: !!python/object/apply:os.system [ls]\n", "QB003", 1),
])
def test_broken_files_are_diagnostics(cli, bank, raw, code, line):
    (bank / "q.yaml").write_bytes(raw)
    exit_code, diags = located(cli, bank / "q.yaml")
    assert exit_code == 1
    assert (diags[0][0], diags[0][1]) == (code, line)


@pytest.mark.parametrize("plain, tagged, tag", [
    ("options:", "!foo options:", "!foo"),
    ("  - text: Family history", "  - !!binary text: Family history", "tag:yaml.org,2002:binary"),
])
def test_a_tag_on_a_key_is_refused_like_a_tag_on_a_value(cli, bank, plain, tagged, tag):
    """Found by the fuzz test: qbank read `!!binary text:` as a `text` key and passed the file,
    which every other YAML reader reads as a different question (or not at all)."""
    code, diags = located(cli, write(bank, "q.yaml", GOOD.format(id="q1").replace(plain, tagged)))
    assert code == 1 and [(c, m.split(";")[0]) for c, _, _, m in diags] == [("QB003", f"YAML tag '{tag}' is not allowed")]


@pytest.mark.parametrize("plain, tagged", [
    ("tags: [sleep, work]", "tags: !!str [sleep, work]"),
    ("difficulty: medium", "difficulty: !!int medium"),
    ("difficulty: medium", "difficulty: !!seq medium"),
    ("    correct: true", "    correct: !!bool yes"),
])
def test_a_tag_that_does_not_fit_its_value_is_refused(cli, bank, plain, tagged):
    """Found by the fuzz test: `!!str [a, b]` passed validate as a list, a document other YAML
    readers reject."""
    text = GOOD.format(id="q1").rstrip("\n") + "\ntags: [sleep, work]\ndifficulty: medium\n"
    code, diags = located(cli, write(bank, "q.yaml", text.replace(plain, tagged)))
    assert code == 1 and [(c, m.split(" (")[0]) for c, _, _, m in diags] == [
        ("QB003", f"the YAML tag '{next(t for t in tagged.split() if t.startswith('!!'))}' does not fit this value")]


def test_bom_and_crlf_are_fine(cli, bank):
    raw = ("\ufeff" + GOOD.format(id="q1")).replace("\n", "\r\n").encode("utf-8")
    (bank / "q.yaml").write_bytes(raw)
    assert cli("validate", bank).exit_code == 0


def test_alias_bomb_is_refused_quickly(cli, bank):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]"
              for i in range(1, 9)]
    (bank / "q.yaml").write_text("\n".join(lines) + "\n")
    exit_code, diags = located(cli, bank / "q.yaml")
    assert exit_code == 1 and diags[0][0] == "QB001" and "expands" in diags[0][3]


def test_deep_nesting_is_refused(cli, bank):
    (bank / "q.yaml").write_text("a: " + "[" * 200 + "]" * 200 + "\n")
    exit_code, diags = located(cli, bank / "q.yaml")
    assert exit_code == 1 and diags[0][0] == "QB001"


def test_too_many_options_and_huge_file(cli, bank):
    opts = "".join(f"  - text: option {i}\n    rationale: r\n" for i in range(30))
    write(bank, "many.yaml", f"id: q1\nstem: Which?\noptions:\n  - text: key\n    correct: true\n{opts}explanation: e\n")
    (bank / "huge.yaml").write_bytes(b"id: q2\nstem: " + b"x" * 1_100_000 + b"\n")
    result = cli("validate", bank, "--format", "json")
    diags = {(d["path"].rsplit("/", 1)[-1], d["code"]) for d in json.loads(result.output)}
    assert ("many.yaml", "QB003") in diags and ("huge.yaml", "QB002") in diags


def test_missing_image_and_escape_are_reported_and_never_read(cli, bank, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for export")
    (bank / "img").mkdir()
    (bank / "img" / "ok.png").write_bytes(b"\x89PNG")
    (bank / "img" / "link.png").symlink_to(secret)
    text = GOOD.format(id="q1").replace(
        "  What should", "  ![ok](img/ok.png) ![gone](img/gone.png) ![up](../secret.png) ![ln](img/link.png)\n  What should")
    path = write(bank, "q.yaml", text)
    code, diags = located(cli, path)
    messages = [m for c, _, _, m in diags if c == "QB006"]
    assert len(messages) == 3
    assert any("does not exist" in m for m in messages)
    assert sum("outside the bank" in m for m in messages) == 2


def test_unreadable_path_is_exit_2(cli, tmp_path):
    result = cli("validate", tmp_path / "nope")
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_all_problems_in_all_files_in_one_run(cli, bank):
    write(bank, "a.yaml", GOOD.format(id="a").replace("    correct: true\n", ""))
    write(bank, "b.yaml", GOOD.format(id="b").replace("explanation:", "explaination:"))
    (bank / "c.yaml").write_bytes(b"id: [\n")
    result = cli("validate", bank, "--format", "json")
    assert {d["path"].rsplit("/", 1)[-1] for d in json.loads(result.output)} == {"a.yaml", "b.yaml", "c.yaml"}


STANDARD_FIELDS = ("points: 2\nstatus: approved\nauthor: Dana Reyes\nsource: Board review 2024, item 12\n"
                   "license: CC-BY-4.0\nmeta:\n  blueprint: II.B.3\n  reviewed-by: [kim, lee]\n")


def test_a_real_banks_metadata_keys_are_standard_fields(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q1") + STANDARD_FIELDS)
    result = cli("validate", bank)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("line, said", [
    ("points: 0\n", "points"), ("points: -1\n", "points"), ("points: two\n", "points"), ("points: .inf\n", "points"),
    ("points: true\n", "points"), ("status: done\n", "status"), ("author: ''\n", "author"),
    ("meta: [a, b]\n", "meta"), ("licence: MIT\n", "license"),
])
def test_a_standard_field_with_a_wrong_value_is_reported_at_it(cli, bank, line, said):
    path = write(bank, "q.yaml", GOOD.format(id="q1") + line)
    code, diags = located(cli, path)
    assert code == 1 and [(c, ln) for c, ln, _, _ in diags] == [("QB003", 18)], diags
    assert said in diags[0][3]
