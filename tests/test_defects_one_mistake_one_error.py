"""One mistake, one error (issue 10 point 15): when a question's `correct`, `text`, `rationale`,
`explanation` or `options` is itself wrong (not a boolean, misspelt, written twice, not a list,
not a mapping), that is reported once, at its root; the structural checks that would judge the
broken field (QB101 "no key", QB105 "no rationale", "missing required key") stay silent about it.
Independent mistakes in the same question are still each reported."""

from __future__ import annotations

import json

import pytest

from conftest import GOOD, write

KEY = ("  - text: Recent changes in the client's daily routine\n    correct: true\n"
       "    rationale: Routine changes are a common, modifiable cause of new sleep problems.\n")
DISTRACTOR = ("  - text: Family history of psychiatric hospitalization\n"
              "    rationale: Useful later, but it does not address the recent onset tied to the job.\n")
HEAD = GOOD.split("options:")[0]


def findings(cli, bank, text: str) -> list[tuple[str, int, str]]:
    """(code, line, message) of everything lint reports on one question file."""
    result = cli("lint", "--no-cache", "--format", "json", write(bank, "q.yaml", text.format(id="q1")))
    assert result.exit_code == 1, result.output
    return [(d["code"], d["line"], d["message"]) for d in json.loads(result.output)]


@pytest.mark.parametrize("value", ["yes", '"true"', "1", "", "[true]"])
def test_a_key_whose_correct_is_not_a_boolean_is_one_schema_error(cli, bank, value):
    text = GOOD.replace(KEY, f"  - text: Recent changes in the client's daily routine\n    correct: {value}\n")
    [(code, line, message)] = findings(cli, bank, text)
    assert (code, line) == ("QB003", 7) and "`options[1].correct` must be true or false" in message


def test_a_misspelt_correct_is_one_unknown_key_error(cli, bank):
    text = GOOD.replace(KEY, "  - text: Recent changes in the client's daily routine\n    corect: true\n")
    assert findings(cli, bank, text) == [
        ("QB003", 7, "unknown key 'corect' in options[1]; did you mean 'correct'?")]


def test_correct_written_twice_is_one_duplicate_key_error(cli, bank):
    text = GOOD.replace("    correct: true\n", "    correct: false\n    correct: true\n")
    [(code, line, message)] = findings(cli, bank, text)
    assert (code, line) == ("QB004", 8) and "key 'correct' appears twice" in message


def test_a_key_written_as_plain_text_is_one_error_not_also_no_key(cli, bank):
    text = GOOD.replace(KEY, "  - Recent changes in the client's daily routine\n")
    [(code, line, message)] = findings(cli, bank, text)
    assert (code, line) == ("QB003", 6) and "option 1 must be a mapping with `text:`" in message


def test_missing_options_is_one_error(cli, bank):
    text = HEAD + GOOD[GOOD.index("explanation:"):]
    assert findings(cli, bank, text) == [("QB003", 1, "missing required key `options`")]


@pytest.mark.parametrize("value, shown", [("a, b, c", 'the text "a, b, c"'), ("\n  text: a\n  correct: true", "a mapping"),
                                          ("", "empty")])
def test_options_that_are_not_a_list_are_one_error(cli, bank, value, shown):
    text = HEAD + f"options: {value}\n" + GOOD[GOOD.index("explanation:"):]
    assert findings(cli, bank, text) == [("QB003", 5, f"`options` must be a list, not {shown}")]


def test_a_misspelt_text_is_one_unknown_key_error_not_also_missing_text(cli, bank):
    text = GOOD.replace("  - text: Family history", "  - txt: Family history")
    assert findings(cli, bank, text) == [("QB003", 9, "unknown key 'txt' in options[2]; did you mean 'text'?")]


def test_a_misspelt_explanation_is_one_unknown_key_error_not_also_missing_explanation(cli, bank):
    text = GOOD.replace("explanation:", "explaination:")
    assert findings(cli, bank, text) == [("QB003", 15, "unknown key 'explaination'; did you mean 'explanation'?")]


def test_a_key_without_text_is_one_error(cli, bank):
    text = GOOD.replace("  - text: Recent changes in the client's daily routine\n    correct: true\n", "  - correct: true\n")
    assert findings(cli, bank, text) == [
        ("QB003", 6, "option 1 has no `text`; every option needs the text shown to the candidate")]


def test_a_rationale_written_empty_with_no_value_is_one_error(cli, bank):
    text = GOOD.replace(DISTRACTOR, "  - text: Family history of psychiatric hospitalization\n    rationale:\n")
    assert findings(cli, bank, text) == [("QB003", 10, "`options[2].rationale` must be text, not empty")]


def test_a_misspelt_rationale_is_one_unknown_key_error_not_also_no_rationale(cli, bank):
    text = GOOD.replace(DISTRACTOR, "  - text: Family history of psychiatric hospitalization\n    rationle: Useful later.\n")
    assert findings(cli, bank, text) == [
        ("QB003", 10, "unknown key 'rationle' in options[2]; did you mean 'rationale'?")]


def test_an_explanation_with_no_value_is_one_error(cli, bank):
    text = GOOD[:GOOD.index("explanation:")] + "explanation:\n"
    assert findings(cli, bank, text) == [("QB003", 15, "`explanation` must be text, not empty")]


def test_independent_mistakes_in_the_same_question_are_each_reported(cli, bank):
    """`correct: yes` on option 1 is one error; option 3, a distractor with no rationale, is another."""
    text = GOOD.replace("    correct: true\n", "    correct: yes\n").replace(
        "    rationale: Too distant from a problem that began with a recent life change.\n", "")
    found = findings(cli, bank, text)
    assert [(code, line) for code, line, _ in found] == [("QB003", 7), ("QB105", 11)]
    assert 'distractor 3 ("Early childhood attachment patterns")' in found[1][2]
