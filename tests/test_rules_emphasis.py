"""QB203/QB204 on real banks (issue 11): words that only look like negatives or qualifiers."""

from __future__ import annotations

from lintkit import lint, make


def test_python_except_in_a_lead_in_is_no_negative():
    stem = "When would you use a try/except block in Python code?"
    assert lint(make(stem, ["To handle an error", "To loop", "To import"]), ["QB203"]) == []
    stem = "Which keyword starts the clause that runs after an error: `try`, `finally` or except statement?"
    assert lint(make(stem, ["except", "finally", "else"]), ["QB203"]) == []
    neg = "All of the following are bones of the wrist except which one?"
    (d,) = lint(make(neg, ["the femur", "the scaphoid", "the lunate"]), ["QB203"])
    assert '"except"' in d.message


def _qb204(stem: str) -> list[str]:
    return [d.message.split('"')[1] for d in lint(make(stem, ["Alpha option", "Beta option", "Gamma option"]),
                                                  ["QB204"])]


def test_a_hyphenated_qualifier_is_part_of_a_name():
    assert _qb204("Which practice does Test-First development describe?") == []
    assert _qb204("What should the developer write first?") == ["first"]


def test_temporal_first_and_next_are_no_priority_qualifiers():
    assert _qb204("Where do sperm cells first reach the oocyte?") == []
    assert _qb204("Which hormone rises next in the ovarian cycle?") == []
    assert _qb204("What should the nurse do next?") == ["next"]


def test_decorative_best_is_no_priority_qualifier():
    assert _qb204("Which of the following best describes the function of veins?") == []
    assert _qb204("What is the best answer about the function of veins?") == []
    assert _qb204("Which is the best intervention for a client in acute withdrawal?") == ["best"]


def test_a_content_superlative_is_no_priority_qualifier():
    assert _qb204("Confidence intervals can most readily be estimated from which histogram?") == []
    assert _qb204("Which trade was most lucrative for colonial merchants?") == []
    assert _qb204("Which diagnosis is most likely for this patient?") == ["most"]


def test_a_lowercase_qualifier_is_reported_as_information_by_default():
    (d,) = lint(make("What should the nurse do first?", ["Alpha option", "Beta option", "Gamma option"]), ["QB204"])
    assert d.severity.value == "info"


def test_a_negative_in_an_opening_clause_or_least_squares_is_no_negative_lead_in():
    opts = ["It returns None", "It raises an error", "It returns 0"]
    assert lint(make("If you do not return a value from a function, what does it return?", opts), ["QB203"]) == []
    assert lint(make("When ventilation is not sufficient, which change occurs first?", opts), ["QB203"]) == []
    assert lint(make("Which problem does least squares regression solve?", opts), ["QB203"]) == []
    (d,) = lint(make("Which of the following is not a function of the hypodermis?", opts), ["QB203"])
    assert '"not"' in d.message
