"""QB401-QB403: explanation and rationales."""

from __future__ import annotations

from lintkit import lint, make

STEM = "A client who drinks heavily says alcohol is hurting his marriage. Which response fits motivational interviewing BEST?"
OPTS = ["Reflect both sides of his ambivalence", "Warn him about liver damage", "Recommend detox this week",
        "Ask why he has not stopped"]


def test_an_explanation_that_only_gives_the_verdict_warns():
    (d,) = lint(make(STEM, OPTS, explanation="Correct!"), ["QB401"])
    assert d.line == 14 and '("Correct!") has 0 words besides verdicts' in d.message
    assert d.message.endswith("in at least 1 such word")


def test_a_short_explanation_that_states_the_reason_passes():
    assert lint(make(STEM, OPTS, explanation="Reflecting ambivalence lets him hear his own reasons."), ["QB401"]) == []


def test_an_explanation_that_only_restates_the_key_warns():
    expl = "The correct answer is: Reflect both sides of his ambivalence."
    (d,) = lint(make(STEM, OPTS, explanation=expl), ["QB401"])
    assert "has 0 words besides verdicts, links and the key's own words" in d.message


def test_an_explanation_of_reference_links_only_warns():
    expl = "1. [Reference](https://example.org/mi-basics)\n2. <https://example.org/ambivalence>"
    (d,) = lint(make(STEM, OPTS, explanation=expl), ["QB401"])
    assert "besides verdicts, links and the key's own words" in d.message


def test_a_literal_key_explained_without_repeating_it_passes():
    stem = "What does `print(2 ** 2 + 3)` print?"
    text = make(stem, ["`7`", "`5`", "`10`"], explanation="First square 2, then add 3.")
    assert lint(text, ["QB401"]) == []


def test_code_in_an_explanation_counts_as_its_words():
    stem = "Which call removes and returns the last item of the Python list `stack`?"
    text = make(stem, ["`stack.pop()`", "`stack.remove()`", "`del stack[0]`"], explanation="Correct: `list.pop()`.")
    assert lint(text, ["QB401"]) == []


def test_a_rationale_that_only_says_incorrect_warns_at_the_rationale():
    opts = [OPTS[0], ("Warn him about liver damage", "Incorrect. Try again."), OPTS[2], OPTS[3]]
    (d,) = lint(make(STEM, opts), ["QB402"])
    assert d.line == 9 and '("Incorrect. Try again.") has 0 words' in d.message and "wrong" in d.message


def test_a_precise_short_rationale_passes():
    stem = "At which index of `values = [3, 7, 1, 9, 4, 2, False]` is the value `False`?"
    opts = ["6", ("7", "Indexes start at 0."), ("5", "That is the index of 2.")]
    assert lint(make(stem, opts), ["QB402"]) == []


def test_one_misconception_explaining_two_distractors_is_not_a_copy():
    same = "Warnings and pressure raise his defenses, so ambivalence turns into resistance."
    opts = [OPTS[0], (OPTS[1], same), (OPTS[2], same), OPTS[3]]
    assert lint(make(STEM, opts), ["QB402"]) == []
    made_up = "Incorrect. This is a made-up name."
    names = make("Which tool typesets mathematics in Jupyter notebooks?",
                 ["LaTeX", ("SiliCoN", made_up), ("AcrYliC", made_up)])
    assert lint(names, ["QB402"]) == []


def test_a_copied_generic_rationale_warns_at_the_copy():
    same = "That is not the point here, sorry."
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


# --- issue 11: letter and position references anywhere ---------------------------------------

def test_options_that_carry_their_own_letters_are_one_finding():
    stem = "Which loop logs the numbers 1 to 4 once each?"
    opts = [f"{c}\n\n```js\nfor (const n of [1, 2, 3, 4]) log{c}(n);\n```" for c in "ABC"]
    (d,) = lint(make(stem, opts), ["QB403"])
    assert d.message.startswith("options 1, 2 and 3 carry their own letters (A, B, C)") and d.line == 5
    langs = make("Which language is usually run by an interpreter?", ["C", "Python", "A JVM language"], key=1)
    assert lint(langs, ["QB403"]) == []


def test_lettered_options_warn_only_when_the_letters_are_their_positions():
    (d,) = lint(make(STEM, ["A. Reflect both sides of his ambivalence", "B) Warn him about liver damage",
                            *OPTS[2:]]), ["QB403"])
    assert d.message.startswith("options 1 and 2 carry their own letters (A, B)") and d.column == 12
    assert lint(make(STEM, ["A. Reflect both sides of his ambivalence", *OPTS[1:]]), ["QB403"]) == []
    code = "What are `a` and `b` after `a = list(range(3)); b = a[1:]`?"
    assert lint(make(code, ["`a`: 0 to 2; `b`: 1 to 2", "`a`: 0 to 3; `b`: 1 to 3", "`a`: 1 to 3; `b`: 2 to 3"]),
                ["QB403"]) == []


def test_a_stem_or_option_that_names_options_by_letter_warns():
    stem = "Other than option B, which response fits motivational interviewing BEST?"
    (d,) = lint(make(stem, OPTS), ["QB403"])
    assert d.message.startswith('the stem refers to an option by letter or position ("option B")')
    (d,) = lint(make(STEM, [*OPTS[:3], "Options A-C"]), ["QB403"])
    assert d.message.startswith('option 4 refers to an option by letter or position ("Options A-C")')
    math = "For events $A$ and $B$, which answer $P(A)$ gives the probability of A alone?"
    assert lint(make(math, ["$P(A)$", "$P(B)$", "$P(A|B)$"]), ["QB403"]) == []


def test_a_worked_calculation_or_a_diagram_is_an_explanation():
    stem = "What is `z` after `x = 2; y = x * 2; z = y + 1`?"
    text = make(stem, ["`5`", "`4`", "`3`"], explanation="**Explanation:** x=2, y=2*2=4, z=4+1=5")
    assert lint(text, ["QB401"]) == []
    diagram = make(STEM, OPTS, explanation="![the two sides of his ambivalence](ambivalence.png)")
    assert lint(diagram, ["QB401"]) == []
