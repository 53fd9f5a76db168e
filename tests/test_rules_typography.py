"""QB501: typography findings and the safe fix."""

from __future__ import annotations

import pytest

from lintkit import fix_text, lint, make

STEM = "A researcher wants to survey homeless youth. Which sampling method is MOST feasible?"
OPTS = ["Respondent-driven sampling", "Simple random sampling", "Stratified random sampling"]


def typo(stem=STEM, opts=OPTS, **kw):
    return lint(make(stem, opts, **kw), ["QB501"])


@pytest.mark.parametrize("stem, kind, severity", [
    ("A researcher wants to survey  homeless youth. Which method is MOST feasible?", "doubled space", "info"),
    ("A researcher wants to survey\thomeless youth. Which method is MOST feasible?", "tab character", "info"),
    ("A researcher wants to survey\u00a0homeless youth. Which method is MOST feasible?", "non-breaking space", "info"),
    ("A researcher wants to sur\u200bvey homeless youth. Which method is MOST feasible?", "zero-width", "warning"),
    ("A researcher wants to survey homeless youth , Which method is MOST feasible?", "space before punctuation", "info"),
    ("A researcher wants to survey homeless youth.. Which method is MOST feasible?", "doubled punctuation", "info"),
    ("A researcher wants to survey homeless youth. Which method is MOST feasible??", "doubled punctuation", "info"),
    ("A researcher (in a city wants to survey homeless youth. Which method is MOST feasible?", "unbalanced brackets", "warning"),
    ("A researcher wants to survey homeless youth. \nWhich method is MOST feasible?", "trailing whitespace", "info"),
])
def test_each_kind_of_typography_problem(stem, kind, severity):
    (d,) = typo(stem)
    assert kind in d.message and d.severity.value == severity and d.line == 3  # the stem's text line
    assert d.fixable == (kind != "unbalanced brackets")


def test_multi_line_fields_say_which_line():
    (d,) = typo("A researcher wants to survey homeless youth.\nWhich method is  MOST feasible?")
    assert d.message.startswith("line 2 of the stem:")


def test_clean_typography_passes_including_ellipses_abbreviations_and_enumerators():
    stem = ("The worker asks, \"What happened next...\" and waits (e.g., for a reply). The options are a) wait "
            "or b) ask again. Which method, i.e. the one used in O(n log n) studies, is MOST feasible?")
    assert typo(stem) == []


def test_code_spans_and_blocks_and_tables_are_left_alone():
    stem = ("Consider `x  =  1 ,,` and:\n\n```\nif x :\n\ty = 2  \n```\n\n| a  | b |\n|---|:---:|\n\n"
            "Which line assigns the variable?")
    assert typo(stem, ["The first line", "The second line", "Neither line"]) == []


def test_mixed_quote_styles_in_one_item_are_info():
    stem = "The client says \u201cI\u2019m fine\u201d but won't look up. Which response is BEST?"
    (d,) = lint(make(stem, ["Reflect what she isn't saying", "Accept the answer", "Change the topic"]), ["QB501"])
    assert "mixed quote styles" in d.message and "use curly quotes" in d.message


def test_fix_repairs_everything_but_brackets_and_nothing_else():
    text = make("A researcher wants to survey  homeless\u00a0youth ,now.. \nWhich method is MOST feasible?",
                OPTS, extra="topic: Research  # a comment\n")
    fixed, changed = fix_text(text, "QB501")
    assert changed
    assert "A researcher wants to survey homeless youth,now.\n  Which method is MOST feasible?" in fixed
    assert "topic: Research  # a comment" in fixed and "stem: |" in fixed
    assert lint(fixed, ["QB501"]) == []
    assert fix_text(fixed, "QB501") == (fixed, False)


def test_fix_turns_a_markdown_hard_break_into_a_backslash():
    text = 'id: q1\nstem: "First line  \\nWhich method is MOST feasible?"\n' + make(STEM, OPTS).split("\n", 3)[3]
    fixed, _ = fix_text(text, "QB501")
    assert 'stem: "First line\\\\\\nWhich method is MOST feasible?"' in fixed
    assert lint(fixed, ["QB501"]) == []


def test_fix_unifies_quotes_to_the_majority_style():
    stem = "The client says \u201cI\u2019m fine\u201d but won't look up. Which response is BEST?"
    fixed, _ = fix_text(make(stem, ["Reflect what she \u2019s not saying", "Accept the answer", "Change the topic"]),
                        "QB501")
    assert "won\u2019t look up" in fixed and "'" not in fixed.split("stem:")[1].split("options:")[0]


def test_fix_keeps_folded_style_and_where_lines_fold():
    text = ("id: q1\nstem: >\n  A researcher wants to survey  homeless youth who have no fixed address and no\n"
            "  phone. Which sampling method is MOST feasible?\n") + make(STEM, OPTS).split("\n", 3)[3]
    fixed, _ = fix_text(text, "QB501")
    assert ("stem: >\n  A researcher wants to survey homeless youth who have no fixed address and no\n"
            "  phone. Which sampling method is MOST feasible?\n") in fixed


def test_unbalanced_brackets_are_not_fixed():
    text = make("A researcher (in a city wants to survey youth. Which method is MOST feasible?", OPTS)
    assert fix_text(text, "QB501")[1] is False


def test_a_half_open_interval_or_an_emoticon_is_no_unbalanced_bracket():
    assert typo("A value is drawn uniformly from [0, 1). What is its expected value?") == []
    assert typo("The worker says the group went well :) and asks what to do next. What is MOST feasible?") == []
    (d,) = typo("The value is drawn from [0, 1 and then doubled. What is its expected value?")
    assert "unbalanced brackets (at" in d.message



def test_several_findings_of_a_kind_are_counted_in_plain_english():
    (d,) = typo("A researcher (in a city [wants to survey homeless youth. Which method is MOST feasible?")
    assert d.message.startswith("2 unbalanced brackets (at")
    (d,) = typo("A researcher\twants to\tsurvey homeless youth. Which method is MOST feasible?")
    assert d.message.startswith("2 tab characters (at")
