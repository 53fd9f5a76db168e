"""QB201-QB204: the stem and its lead-in, and the capitalisation fixes."""

from __future__ import annotations

import pytest

from lintkit import fix_text, lint, make

OPTS = ["Explore the client's goals for the sessions", "Review the consequences of dropping out",
        "Reschedule the appointment for next week", "Refer the client to a different program"]
VIGNETTE = "A client who was court-ordered to attend counseling arrives late and says it is a waste of time."


def stem_diags(lead_in: str, codes, vignette: str = VIGNETTE):
    return lint(make(f"{vignette}\n{lead_in}", OPTS), codes)


# --- QB201 -------------------------------------------------------------------------------

@pytest.mark.parametrize("lead_in, expected", [
    ("The worker should ___ the client.", "blank inside the sentence"),
    ("The worker's FIRST step should be ( ) the client.", "blank inside the sentence"),
    ("________ is the worker's FIRST step.", "blank inside the sentence"),
    ("`____` is the worker's FIRST step.", "blank inside the sentence"),
    ("What should the social worker do FIRST", "does not end in '?'"),
    ("Which response is better: exploring or confronting.", "does not end in '?'"),
    ("Mandated clients are always resistant.", "is a statement"),
])
def test_open_stems_are_flagged_at_the_text(lead_in, expected):
    (d,) = stem_diags(lead_in, ["QB201"])
    assert d.line == 4 and expected in d.message  # the lead-in line, not `stem:`


def test_a_blank_is_pointed_at_where_it_is():
    (d,) = lint(make("A client arrives late.\nThe worker should ___ the client.", OPTS), ["QB201"])
    assert (d.line, d.column) == (4, 21)


def test_the_quoted_lead_in_keeps_its_code():
    (d,) = lint(make("How can we call `greet()` from `main()`", OPTS), ["QB201"])
    assert '"How can we call `greet()` from `main()`"' in d.message


@pytest.mark.parametrize("lead_in", [
    "What should the social worker do FIRST?",
    "The social worker's MOST appropriate response is to:",
    "What should the worker say **FIRST**?",
    'The client asks, "Why do I have to be here?" How should the worker respond?',
    "The worker's FIRST step is a(n) ________.",          # completion: the blank is where the answer goes
    "The worker's FIRST step is to ________ .",
    "The social worker should respond by",                 # completion with an open end
    "The worker's FIRST step is to...",
    "All of the following are appropriate EXCEPT",
    "Choose the BEST response.",                           # an imperative task
    "True or False: mandated clients may refuse services.",
    "What should the worker ask?.",                        # a stray period after the question
])
def test_closed_questions_and_completion_stems_pass(lead_in):
    assert stem_diags(lead_in, ["QB201"]) == []


def test_a_question_followed_by_an_exhibit_is_closed():
    stem = "What does the following code print?\n\nx = 3\nprint(x * 2)\n"
    assert lint(make(stem, ["6", "33", "An error"]), ["QB201"]) == []
    stem = "Read the statements below. Which of them are correct?\n\nI. Veins carry blood.\nII. Arteries pump."
    assert lint(make(stem, ["I only", "II only", "Neither"]), ["QB201"]) == []
    stem = "Evaluate the expression:\n\n$$p(x) = x^2 + 1$$ at x = 2"
    assert lint(make(stem, ["5", "4", "3"]), ["QB201"]) == []


def test_a_code_span_in_a_question_is_a_word_not_a_blank():
    stem = "What does `x` hold after `x = 2 ** 3` runs?"
    assert lint(make(stem, ["8", "6", "9"]), ["QB201"]) == []


def test_an_unfocused_question_before_an_exhibit_is_flagged():
    stem = "Which of the following is true?\n\n```python\nx = [1, 2]\n```\n"
    (d,) = lint(make(stem, ["x is a list", "x is a tuple", "x is a set"]), ["QB202"])
    assert '"Which of the following is true?"' in d.message


def test_code_and_images_at_the_end_of_the_stem_do_not_hide_the_question():
    stem = "What does this snippet print?\n\n```python\nprint(1 + 1)\n```\n"
    assert lint(make(stem, ["2", "11", "An error"]), ["QB201"]) == []
    stem = "Which structure does the genogram show?\n\n![genogram](img/genogram.png)"
    assert lint(make(stem, ["A blended family", "A nuclear family", "An extended family"]), ["QB201"]) == []


def test_underscores_inside_code_or_emphasis_are_not_blanks():
    stem = "What does `__init__` do in a Python class?"
    assert lint(make(stem, ["Initializes a new object", "Deletes the object", "Copies the object"]), ["QB201"]) == []


# --- QB202 -------------------------------------------------------------------------------

@pytest.mark.parametrize("lead_in", [
    "Which of the following is true?",
    "Which of the following statements is correct?",
    "Which statement is accurate?",
    "Which of the following statements about court-ordered clients is true?",
    "Which of the following is MOST accurate?",
    "Which of the following is true regarding mandated treatment?",
])
def test_unfocused_lead_ins_are_flagged(lead_in):
    (d,) = stem_diags(lead_in, ["QB202"])
    assert "reading every option" in d.message


@pytest.mark.parametrize("lead_in", [
    "Which response is MOST likely to engage the client?",
    "Which of the following should the worker do FIRST?",
    "Which intervention is correct for a client who refuses to engage?",
])
def test_focused_lead_ins_pass(lead_in):
    assert stem_diags(lead_in, ["QB202"]) == []


# --- QB203 -------------------------------------------------------------------------------

@pytest.mark.parametrize("lead_in, word", [
    ("Which action should the worker not take?", "not"),
    ("All of the following are appropriate except:", "except"),
    ("Which response is least likely to help?", "least"),
    ("Which statement about mandated clients is false?", "false"),
])
def test_lowercase_negatives_in_the_lead_in_warn(lead_in, word):
    (d,) = stem_diags(lead_in, ["QB203"])
    assert d.severity.value == "warning" and f'"{word}"' in d.message and word.upper() in d.message


def test_capitalised_or_bold_negatives_are_only_info():
    for lead_in in ("Which action should the worker NOT take?", "Which action should the worker **not** take?"):
        (d,) = stem_diags(lead_in, ["QB203"])
        assert d.severity.value == "info" and not d.fixable


@pytest.mark.parametrize("vignette, lead_in", [
    ("The client does not attend two sessions and does not call.", "What should the social worker do FIRST?"),
    (VIGNETTE, "What should the worker do if the client does not return?"),
    (VIGNETTE, "How should the worker respond to a client who is not ready to change?"),
    (VIGNETTE, "What is the BEST response when at least two sessions were missed?"),
    (VIGNETTE, "Which screening result is a false positive?"),
])
def test_negatives_in_the_vignette_or_a_clause_pass(vignette, lead_in):
    assert stem_diags(lead_in, ["QB203"], vignette) == []


def test_negative_fix_capitalises_only_the_lead_in_word_and_keeps_the_literal_block():
    text = make("She does not want to attend.\nWhich action should the worker not take?", OPTS)
    fixed, changed = fix_text(text, "QB203")
    assert changed
    assert "She does not want to attend.\n  Which action should the worker NOT take?" in fixed
    assert "stem: |" in fixed
    assert lint(fixed, ["QB203"])[0].severity.value == "info"
    assert fixed.replace("NOT take", "not take") == text


# --- QB204 -------------------------------------------------------------------------------

@pytest.mark.parametrize("lead_in, word", [
    ("What should the social worker do first?", "first"),
    ("What should the social worker address first in this session?", "first"),
    ("What is the next step?", "next"),
    ("What is the social worker's best response?", "best"),
    ("Which diagnosis is most likely?", "most"),
    ("What is the most appropriate intervention?", "most"),
    ("What should be the worker's initial focus?", "initial"),
    ("What should the worker do initially?", "initially"),
])
def test_lowercase_qualifiers_warn(lead_in, word):
    (d,) = stem_diags(lead_in, ["QB204"])
    assert f'"{word}"' in d.message and word.upper() in d.message


@pytest.mark.parametrize("vignette, lead_in", [
    (VIGNETTE, "What should the social worker do FIRST?"),
    (VIGNETTE, "What should the social worker do **first**?"),
    (VIGNETTE, "What is in the best interests of the child?"),
    (VIGNETTE, "How should the worker respond over the next several minutes?"),
    (VIGNETTE, "What did the client report in the first session?"),
    (VIGNETTE, "Which approach reflects best practices for mandated clients?"),
    (VIGNETTE, "What do most clients in mandated treatment report?"),
    (VIGNETTE, "What should the worker say when the client arrives at first?"),
    (VIGNETTE, "What is the initial assessment meant to establish?"),
    ("At first the client was angry; the next day he apologized.", "What should the worker do NEXT?"),
])
def test_ordinals_idioms_and_capitals_pass(vignette, lead_in):
    assert stem_diags(lead_in, ["QB204"], vignette) == []


def test_qualifier_fix_capitalises_exactly_the_flagged_words():
    text = make("In the first session the client cried.\nWhat is the most likely reason, and what should the worker do first?",
                OPTS)
    fixed, changed = fix_text(text, "QB204")
    assert changed
    assert "In the first session the client cried." in fixed
    assert "What is the MOST likely reason, and what should the worker do FIRST?" in fixed
    assert lint(fixed, ["QB204"]) == []
    assert fix_text(fixed, "QB204") == (fixed, False)


def test_qualifier_fix_keeps_comments_and_other_fields():
    text = make("What should the worker do first?", OPTS, extra="topic: Engagement  # keep me\n")
    fixed, _ = fix_text(text, "QB204")
    assert "topic: Engagement  # keep me" in fixed
    assert fixed.replace("FIRST?", "first?") == text
