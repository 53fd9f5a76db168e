"""QB102-QB104: how many options, duplicates and overlapping options."""

from __future__ import annotations

from lintkit import lint, make
from qbank.rules.base import RuleOptions

STEM = "A client reports feeling hopeless since losing her job. What should the social worker do FIRST?"


def test_two_options_are_a_true_false_item_and_fine_unless_the_bank_says_otherwise():
    two = make("Is a rise in heart rate during exercise a sympathetic response?", ["True", "False"])
    assert lint(two, ["QB102"]) == []
    d = lint(make(STEM, ["Assess suicide risk", "Refer to job training"]), ["QB102"],
             RuleOptions(two_option_items=False))
    assert [x.code for x in d] == ["QB102"]
    assert d[0].line == 4  # the `options:` line
    assert "2 options" in d[0].message and "at least 3" in d[0].message


def test_three_to_five_options_are_fine_and_six_are_too_many():
    opts = ["Assess suicide risk", "Refer to job training", "Schedule a follow-up", "Call her family",
            "Suggest a support group", "Recommend exercise"]
    for n in (3, 4, 5):
        assert lint(make(STEM, opts[:n]), ["QB102"]) == []
    (d,) = lint(make(STEM, opts), ["QB102"])
    assert "6 options" in d.message and "at most 5" in d.message


def test_option_range_comes_from_the_config():
    opts = ["Assess suicide risk", "Refer to job training", "Schedule a follow-up"]
    (d,) = lint(make(STEM, opts), ["QB102"], RuleOptions(min_options=4, max_options=4))
    assert "3 options" in d.message and "at least 4" in d.message


def test_duplicate_option_after_case_space_and_punctuation_folding_is_an_error_at_the_later():
    text = make(STEM, ["Assess suicide risk", "Refer her to a psychiatrist.", "refer her to a  psychiatrist",
                       "Call her family"])
    (d,) = lint(text, ["QB103"])
    assert d.severity.value == "error"
    assert d.line == 10 and "option 3 repeats option 2" in d.message


def test_duplicate_detection_folds_markdown_and_unicode_but_keeps_code():
    assert lint(make(STEM, ["**Assess** risk", "Assess risk", "Call her family"]), ["QB103"])
    assert lint(make(STEM, ["Ａｓｓｅｓｓ risk", "Assess risk", "Call her family"]), ["QB103"])
    code = make("Which expression returns the length of the list `x`?", ["`len(x)`", "`x.size()`", "`x.length`"])
    assert lint(code, ["QB103", "QB104"]) == []


def test_an_option_contained_in_another_overlaps():
    text = make("Which defense mechanism is the client using?", ["Denial", "Denial and projection", "Sublimation",
                                                              "Rationalization"], key=2)
    (d,) = lint(text, ["QB104"])
    assert "option 1" in d.message and "part of option 2" in d.message
    assert d.line == 7  # the second option's text, where the overlap shows


def test_near_identical_options_overlap_when_the_similarity_test_is_on_but_one_shared_word_does_not():
    near = make(STEM, ["Assess the client for suicide risk today", "Assess the client for suicide risk now",
                       "Refer her to a job program", "Call her family"])
    assert lint(near, ["QB104"]) == []  # off by default
    (d,) = lint(near, ["QB104"], RuleOptions(option_similarity=0.7))
    assert "75% of their content words" in d.message
    fine = make(STEM, ["Refer her to a psychiatrist", "Refer her to a job program", "Call her family",
                       "Assess suicide risk"])
    assert lint(fine, ["QB104"]) == []


def test_numeric_ranges_that_share_a_boundary_overlap():
    text = make("At what age does peer conformity typically peak?",
                ["8-11 years", "11-14 years", "14-17 years", "17-21 years"], key=2)
    found = lint(text, ["QB104"])
    assert [x.line for x in found] == [7, 9, 12]  # options 2, 3 and 4
    assert "overlaps option 1" in found[0].message


def test_open_ended_bounds_and_disjoint_ranges_do_not_overlap():
    text = make("How many adults with depression receive treatment?",
                ["Less than 20%", "20-39%", "40-59%", "60% or more"], key=2)
    assert lint(text, ["QB104"]) == []


def test_ordinals_with_numbers_are_not_contained_in_each_other():
    text = make("In which week did the chart show the peak?", ["Week 1", "Week 2", "Week 3"], key=1)
    assert lint(text, ["QB104"]) == []


# --- issue 11: code and data options are literals ----------------------------------------------

JS = "Which statement stores the value `sloth` under the key `animal` in the browser's local storage?"


def test_code_options_that_differ_only_in_case_are_different_answers():
    text = make(JS, ['`localStorage.setItem("animal", "sloth")`', '`LocalStorage.setItem("animal", "sloth")`',
                     '`localStorage.set("animal", "sloth")`'])
    assert lint(text, ["QB103"]) == []
    copy = make(JS, ['`localStorage.setItem("animal", "sloth")`', '`localStorage.setItem("animal", "sloth")`',
                     '`localStorage.set("animal", "sloth")`'], key=2)
    (d,) = lint(copy, ["QB103"])
    assert "option 2 repeats option 1" in d.message


def test_a_colon_or_a_star_in_code_makes_a_different_option():
    stem = "Which line starts the definition of a class named `Dog` in Python?"
    assert lint(make(stem, ["`class Dog:`", "`class Dog`", "`def Dog():`"]), ["QB103"]) == []
    gen = "Which keyword delegates a JavaScript generator to another iterable?"
    assert lint(make(gen, ["`yield*`", "`yield`", "`await`"]), ["QB103"]) == []
    assert lint(make(gen, ["`yield*`", "`yield*`", "`await`"]), ["QB103"])


def test_printed_output_in_capitals_is_not_a_copy_of_the_title_case_output():
    stem = "What does `print(word.upper())` print when `word` holds the string Ball?"
    assert lint(make(stem, ["BALL", "Ball", "BAL"]), ["QB103"]) == []
    assert lint(make("Which organ filters the blood?", ["The kidney", "the kidney.", "The liver"]), ["QB103"])


def test_a_distractor_that_repeats_the_key_is_the_one_to_replace():
    text = make("Which organ filters the blood?", ["The kidney", "The liver", "The kidney", "The spleen"], key=2)
    (d,) = lint(text, ["QB103"])
    assert d.line == 5  # option 1, the distractor, not option 3, the key
    assert "option 1 repeats option 3 (the key)" in d.message and "replace option 1" in d.message


def test_a_word_inside_a_longer_term_is_not_an_overlap():
    stem = "Which kind of learning uses a small labelled set together with a large unlabelled one?"
    assert lint(make(stem, ["semi-supervised learning", "supervised learning", "reinforcement learning",
                            "transfer learning"]), ["QB104"]) == []
    sample = "How are the units of a simple random sample chosen?"
    assert lint(make(sample, ["random", "non-random", "by quota"]), ["QB104"]) == []


def test_a_distractor_that_is_one_part_of_a_list_key_overlaps():
    stem = "Which minerals does the body need to make red blood cells?"
    (d,) = lint(make(stem, ["iron", "zinc", "folate", "iron, zinc, and folate"], key=3), ["QB104"])
    assert 'option 1 ("iron") is part of option 4' in d.message
    assert lint(make(stem, ["iron", "zinc", "folate", "calcium"]), ["QB104"]) == []


def test_code_options_are_not_searched_for_one_inside_another():
    stem = "Which line defines a Python function `greet` that takes one argument?"
    assert lint(make(stem, ["`def greet(t):`", "`def greet:`", "`greet = def(t)`"]), ["QB104"]) == []


def test_printed_output_that_starts_like_another_is_data_not_an_overlap():
    stem = "What does `print(*range(3, 10, 3), sep=', ')` print?"
    assert lint(make(stem, ["3, 6, 9", "3, 6", "3, 6, 9, 12"]), ["QB104"]) == []


def test_orderings_of_the_same_terms_are_different_answers():
    stem = "In which order do the phases of DOM event propagation run?"
    arrows = ["Capturing > Target > Bubbling", "Target > Capturing > Bubbling", "Bubbling > Target > Capturing"]
    assert lint(make(stem, arrows), ["QB104"], RuleOptions(option_similarity=0.8)) == []
    memory = "In which order does information pass through the stages of the modal model of memory?"
    prose = ["sensory register then short-term store then long-term store",
             "short-term store then sensory register then long-term store", "long-term store only"]
    assert lint(make(memory, prose), ["QB104"], RuleOptions(option_similarity=0.8)) == []


# --- issue 11: options that point at other options, in every form --------------------------------


def _codes(options: list[str], stem: str = "Which organ filters the blood?", key: int = 0) -> list[str]:
    return [d.code for d in lint(make(stem, options, key=key), ["QB301", "QB302", "QB303"])]


def test_lower_case_letter_combinations_are_combination_options():
    assert _codes(["The kidney", "The liver", "The spleen", "Both b and c are correct"]) == ["QB303"]
    assert _codes(["The kidney", "The liver", "The spleen", "both a and b"]) == ["QB303"]
    assert _codes(["a and b", "b and c", "c and a"], stem="Which two variables does `f(a, b)` read?") == []


def test_statement_numbers_combine_options_only_when_the_stem_numbers_statements():
    stem = ("Which statements are true?\n\n1. The kidney filters blood.\n2. The liver stores glycogen.\n"
            "3. The spleen makes bile.")
    (d,) = lint(make(stem, ["1 only", "1 and 2", "2 and 3", "1, 2 and 3"], key=1), ["QB303"])
    assert d.message.startswith("options 1, 2, 3 and 4 (")
    sums = "Which two numbers add up to 5?"
    assert _codes(["2 and 3", "1 and 3", "2 and 2"], stem=sums) == []


def test_both_of_two_other_options_is_a_combination():
    stem = "Which kind of encryption does TLS use during a session?"
    tls = make(stem, ["symmetric", "asymmetric", "both symmetric and asymmetric", "hashing"], key=2)
    assert [d.code for d in lint(tls, ["QB303", "QB104"])] == ["QB303"]  # one finding, not an overlap too
    assert _codes(["symmetric", "asymmetric", "both stream and block ciphers", "hashing"], stem=stem) == []


def test_several_combination_options_are_one_finding_for_the_item():
    (d,) = lint(make("Which organ filters the blood?", ["The kidney", "The liver", "Both A and B", "Neither A nor B"]),
                 ["QB303"])
    assert d.message.startswith('options 3 and 4 ("Both A and B", "Neither A nor B") combine other options')


def test_none_of_the_other_choices_and_i_dont_know_are_non_answers():
    assert _codes(["The kidney", "The liver", "The spleen", "None of the other choices."]) == ["QB302"]
    assert _codes(["The kidney", "The liver", "The spleen", "None of the mentioned"]) == ["QB302"]
    assert _codes(["The kidney", "The liver", "The spleen", "I don’t know"]) == ["QB302"]
    assert _codes(["The kidney", "The liver", "The spleen", "Not sure whether it filters"]) == []
    assert _codes(["The kidney", "The liver", "The spleen", "None of the objects listed here"]) == []


def test_all_of_the_above_in_a_code_span_or_bold_is_still_all_of_the_above():
    assert _codes(["The kidney", "The liver", "The spleen", "`All of the above`"]) == ["QB301"]
    assert _codes(["The kidney", "The liver", "The spleen", "**All of the above.**"]) == ["QB301"]


def test_ranges_overlap_as_bins_but_not_as_claims_about_a_range():
    stem = "The audible range for humans is ________."
    assert lint(make(stem, ["20-20,000 Hz", "380-740 Hz", "10-20 kHz"]), ["QB104"]) == []
    bins = "At what frequency is human hearing most sensitive?"
    assert lint(make(bins, ["2,000-5,000 Hz", "380-740 Hz", "500-2,500 Hz"]), ["QB104"])


def test_a_tie_between_two_values_is_no_combination():
    stem = "Which decision minimises the error probability when both priors are 0.5?"
    assert lint(make(stem, ["$A_0$", "$A_1$", "Either $A_0$ or $A_1$"], key=2), ["QB303"]) == []
