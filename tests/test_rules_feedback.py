"""QB401-QB403: explanation and rationales."""

from __future__ import annotations

from lintkit import lint, make

STEM = "A client who drinks heavily says alcohol is hurting his marriage. Which response fits motivational interviewing BEST?"
OPTS = ["Reflect both sides of his ambivalence", "Warn him about liver damage", "Recommend detox this week",
        "Ask why he has not stopped"]


def test_short_explanation_warns_with_its_word_count():
    (d,) = lint(make(STEM, OPTS, explanation="Reflecting ambivalence is the MI answer."), ["QB401"])
    assert d.line == 14 and "has 6 words" in d.message and "at least 20" in d.message


def test_explanation_that_never_mentions_the_key_warns():
    expl = ("Motivational interviewing is a collaborative conversation style for strengthening a person's own "
            "motivation and commitment to change, developed by Miller and Rollnick.")
    (d,) = lint(make(STEM, OPTS, explanation=expl), ["QB401"])
    assert "never mentions the key" in d.message and "Reflect both sides" in d.message


def test_explanation_mentioning_the_key_in_another_word_form_passes():
    expl = ("A reflection of both sides names his ambivalent feelings, the harm to the marriage and the relief "
            "drinking brings, so he hears his own reasons for change without being pushed.")
    assert lint(make(STEM, OPTS, explanation=expl), ["QB401"]) == []


def test_numeric_key_is_mentioned_by_its_number():
    stem = "Within how many days must the agency act on a records request?"
    expl = ("Under the HIPAA Privacy Rule an agency must act on a request for access within 30 days, "
            "extendable once with written notice.")
    assert lint(make(stem, ["10 days", "30 days", "60 days"], key=1, explanation=expl), ["QB401"]) == []


def test_short_rationales_warn_at_the_rationale():
    opts = [OPTS[0], ("Warn him about liver damage", "Too confrontational."), OPTS[2], OPTS[3]]
    (d,) = lint(make(STEM, opts), ["QB402"])
    assert d.line == 9 and "option 2 has 2 words" in d.message and "wrong" in d.message


def test_a_copied_rationale_warns_at_the_copy():
    same = "Pushing for change now will raise his defenses and strengthen the drinking side."
    opts = [OPTS[0], (OPTS[1], same), (OPTS[2], same.upper()), OPTS[3]]
    (d,) = lint(make(STEM, opts), ["QB402"])
    assert d.line == 11 and "repeats that of option 2" in d.message


def test_letter_references_in_feedback_warn():
    cases = {
        "B and D are wrong because they push him.": "the explanation",
        "The correct answer is A, since it reflects his ambivalence.": "the explanation",
        "Option C skips the work of building motivation.": "the explanation",
        "Unlike the second option, this one reflects both sides.": "the explanation",
    }
    for sentence, where in cases.items():
        expl = sentence + " Reflecting both sides of his ambivalence lets him hear his own reasons for change."
        (d,) = lint(make(STEM, OPTS, explanation=expl), ["QB403"])
        assert d.message.startswith(where) and "exports let the LMS or the Anki card shuffle the options" in d.message
    opts = [OPTS[0], (OPTS[1], "Like option A, warning him raises defenses instead of exploring."), OPTS[2], OPTS[3]]
    (d,) = lint(make(STEM, opts), ["QB403"])
    assert "rationale of option 2" in d.message and d.line == 9


def test_a_letter_reference_in_an_item_that_keeps_its_order_says_what_still_moves_it():
    expl = "B and D are wrong because they push him. Reflecting both sides lets him hear his own reasons."
    (d,) = lint(make(STEM, OPTS, explanation=expl, extra="shuffle: false\n"), ["QB403"])
    assert ("exports keep this item's order, but an LMS set to shuffle answers still moves the options, so name "
            "the option by its content") in d.message


def test_capital_letters_that_are_not_option_references_pass():
    expl = ("A reflection of both sides helps. Vitamin A and C levels are not the point; Plan B is not either, "
            "and a Type A client still benefits from hearing his ambivalence reflected.")
    assert lint(make(STEM, OPTS, explanation=expl), ["QB403"]) == []
