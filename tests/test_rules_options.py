"""QB102-QB104: how many options, duplicates and overlapping options."""

from __future__ import annotations

from lintkit import lint, make
from qbank.rules.base import RuleOptions

STEM = "A client reports feeling hopeless since losing her job. What should the social worker do FIRST?"


def test_two_options_are_a_true_false_item():
    d = lint(make(STEM, ["Assess suicide risk", "Refer to job training"]), ["QB102"])
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
    assert "option 1" in d.message and "contained in option 2" in d.message
    assert d.line == 7  # the second option's text, where the overlap shows


def test_near_identical_options_overlap_but_one_shared_word_does_not():
    near = make(STEM, ["Assess the client for suicide risk today", "Assess the client today for suicide risk",
                       "Refer her to a job program", "Call her family"])
    (d,) = lint(near, ["QB104"])
    assert "100% of their content words" in d.message
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
