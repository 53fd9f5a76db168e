"""QB301-QB312: cues to the testwise and option formats, and the numeric sort fix."""

from __future__ import annotations

import pytest

from lintkit import fix_text, lint, make

STEM = "A client who lost her job says she feels hopeless. What should the social worker do FIRST?"


@pytest.mark.parametrize("text", ["All of the above", "All of these", "all of the above.", "All of the options"])
def test_all_of_the_above_is_an_error_at_the_option(text):
    (d,) = lint(make(STEM, ["Assess suicide risk", "Refer her to job training", text]), ["QB301"])
    assert d.severity.value == "error" and d.line == 10 and "option 3" in d.message


@pytest.mark.parametrize("text", ["None of the above", "None of these", "Neither of the above"])
def test_none_of_the_above_warns(text):
    (d,) = lint(make(STEM, ["Assess suicide risk", "Refer her to job training", text]), ["QB302"])
    assert d.severity.value == "warning" and "option 3" in d.message


def test_options_that_merely_contain_all_or_none_are_not_above_options():
    text = make(STEM, ["Assess suicide risk", "Review all of the above-mentioned records", "Call no one yet"])
    assert lint(text, ["QB301", "QB302"]) == []


@pytest.mark.parametrize("text", ["Both A and C", "A and B only", "I, II and III", "II only", "All but B",
                                  "Both of the above", "A, B, and D", "Options A and C"])
def test_combination_options_are_errors(text):
    (d,) = lint(make(STEM, ["Assess suicide risk", "Refer her to job training", text]), ["QB303"])
    assert "combines other options" in d.message


@pytest.mark.parametrize("text", ["Vitamin A and C supplements", "Type A personality", "A and B blood types"
                                  " are unrelated here", "Plan B"])
def test_ordinary_options_with_capital_letters_are_not_combinations(text):
    assert lint(make(STEM, ["Assess suicide risk", "Refer her to job training", text]), ["QB303"]) == []


def test_conspicuously_longest_key_warns_with_the_ratio():
    key = "Assess suicide risk directly, including plan, means, intent and protective factors"
    (d,) = lint(make(STEM, [key, "Refer her to job training", "Call her family", "Schedule a follow-up"]),
                ["QB304"])
    assert "3.3x longer than any distractor" in d.message and "(82 vs 25 characters)" in d.message
    assert d.line == 5


def test_slightly_longer_key_and_short_options_pass():
    opts = ["Assess suicide risk with her now", "Refer her to job training", "Call her family", "Schedule a follow-up"]
    assert lint(make(STEM, opts), ["QB304"]) == []
    diagnoses = ["Schizoaffective disorder", "Schizophrenia", "Bipolar I disorder"]
    assert lint(make("Which diagnosis fits BEST?", diagnoses), ["QB304", "QB305"]) == []


def test_uneven_option_lengths_are_info():
    opts = ["Assess risk now", "Refer her to a vocational rehabilitation program that offers retraining and "
            "placement services", "Call her family", "Schedule a follow-up"]
    (d,) = lint(make(STEM, opts), ["QB305"])
    assert d.severity.value == "info" and "3 words (option 1) to 13 words (option 2)" in d.message


def test_absolute_term_only_in_a_distractor_warns_at_that_distractor():
    opts = ["Assess suicide risk", "Always refer to a psychiatrist", "Call her family", "Never leave her alone"]
    found = lint(make(STEM, opts), ["QB306"])
    assert [(d.line, d.message.split("\"")[1]) for d in found] == [(8, "Always"), (12, "Never")]  # as written


def test_python_none_as_an_option_is_a_value_not_an_absolute():
    stem = "What does a Python function return when it ends without a `return` statement?"
    assert lint(make(stem, ["`None`", "None", "`0`", "An empty string"], key=1), ["QB306"]) == []
    assert lint(make(stem, ["None", "It never returns", "`0`"]), ["QB306"])


def test_all_as_a_quantity_inside_an_option_is_no_absolute_but_a_universal_claim_is():
    stem = "What is the main purpose of a firewall placed between two networks?"
    assert lint(make(stem, ["To filter traffic by rules", "To block all incoming traffic",
                            "To encrypt stored files"]), ["QB306"]) == []
    stem = "Which statement about the prototype chain in JavaScript is accurate?"
    (d,) = lint(make(stem, ["It ends at Object.prototype's null link", "All objects are functions",
                            "It is copied on assignment"]), ["QB306"])
    assert '"All"' in d.message and d.column == 12  # at the word, after the opening quote


def test_a_trailing_only_states_the_scope_and_a_hyphenated_only_is_a_word():
    stem = "Which layers of the skin does a full-thickness burn destroy?"
    assert lint(make(stem, ["epidermis and dermis", "epidermis only", "dermis only"]), ["QB306"]) == []
    repo = "What is a remote repository in Git?"
    assert lint(make(repo, ["A hosted copy that collaborators push to", "A read-only backup copy",
                            "The local working tree"]), ["QB306"]) == []
    assert lint(make(repo, ["A hosted copy that collaborators push to", "A copy only the owner can read",
                            "The local working tree"]), ["QB306"])


def test_the_modal_must_and_impossible_to_know_are_no_absolutes():
    stem = "What does the interpreter report when an integer is concatenated to a string?"
    assert lint(make(stem, ["A `TypeError`", "Nothing: the integer must be converted first", "Impossible to know"]),
                ["QB306"]) == []


def test_absolutes_in_the_key_too_or_in_idioms_pass():
    opts = ["Always assess suicide risk first", "Never refer to a psychiatrist", "Call her family"]
    assert lint(make(STEM, opts), ["QB306"]) == []
    opts = ["Assess suicide risk", "Ask if she is sleeping at all", "Call her family"]
    assert lint(make(STEM, opts), ["QB306"]) == []


def test_hedge_only_in_the_key_is_info():
    opts = ["Nightmares usually fade within weeks", "Nightmares mean PTSD", "Nightmares require medication"]
    (d,) = lint(make("What should the worker tell the parents?", opts), ["QB307"])
    assert d.severity.value == "info" and '"usually"' in d.message
    opts[1] = "Nightmares often mean PTSD"
    assert lint(make("What should the worker tell the parents?", opts), ["QB307"]) == []


def test_stem_word_echoed_only_in_the_key_is_a_clang_cue():
    stem = "During a custody dispute, a father asks the worker for a letter. What should the worker do?"
    opts = ["Decline, as custody opinions exceed the role", "Write the letter", "Ask the daughter",
            "Agree if the mother consents"]
    (d,) = lint(make(stem, opts), ["QB308"])
    assert '"custody"' in d.message and d.line == 5


def test_word_forms_count_as_the_same_word():
    stem = "A supervisor notices a new worker avoiding supervision meetings. What should the supervisor do FIRST?"
    opts = ["Explore what makes supervising sessions hard", "Document the absences", "Report to the director"]
    (d,) = lint(make(stem, opts), ["QB308"])
    assert '"supervising"' in d.message


def test_clang_passes_when_a_distractor_shares_the_word_or_it_is_a_domain_word():
    stem = "During a custody dispute, a father asks the worker for a letter. What should the worker do?"
    opts = ["Decline, as custody opinions exceed the role", "Write a custody letter", "Ask the daughter"]
    assert lint(make(stem, opts), ["QB308"]) == []
    stem = "A client asks the social worker for help. What should the social worker do FIRST?"
    assert lint(make(stem, ["Ask the client what help means", "Refer out", "Wait"]), ["QB308"]) == []


def test_stem_stoplist_from_config_silences_a_word():
    from qbank.rules.base import RuleOptions

    stem = "During a custody dispute, a father asks the worker for a letter. What should the worker do?"
    opts = ["Decline, as custody opinions exceed the role", "Write the letter", "Ask the daughter"]
    assert lint(make(stem, opts), ["QB308"], RuleOptions(stem_stoplist=frozenset({"custody"}))) == []


def test_convergence_key_is_info():
    opts = ["Weekly structured sessions on insulin with peer discussion", "Weekly unstructured sessions on conflict",
            "Monthly structured lectures on insulin", "Daily peer discussion on any topic"]
    (d,) = lint(make("Which group plan fits BEST?", opts), ["QB309"])
    assert d.severity.value == "info" and "shares 5 content words" in d.message


def test_article_that_only_the_key_agrees_with_is_a_cue():
    stem = "A client intellectualizes his diagnosis. This defense is BEST described as an:"
    opts = ["Intellectualization", "Displacement", "Projection", "Reaction formation"]
    (d,) = lint(make(stem, opts), ["QB310"])
    assert '"an"' in d.message
    opts = ["Intellectualization", "Displacement", "Isolation of affect", "Reaction formation"]
    assert lint(make(stem, opts), ["QB310"]) == []


def test_article_agreement_knows_sounds_not_letters():
    stem = "The first document a new client signs is usually a:"
    opts = ["Universal release form", "Intake questionnaire", "Informed consent form"]
    (d,) = lint(make(stem, opts), ["QB310"])  # "a universal" agrees; only the key does
    assert d.code == "QB310"


def test_unordered_numeric_options_warn_and_sorted_pass():
    stem = "Within how many days must the agency act on a records request?"
    (d,) = lint(make(stem, ["60 days", "30 days", "10 days", "90 days"], key=1), ["QB311"])
    assert "options 3, 2, 1 and 4" in d.message
    assert lint(make(stem, ["10 days", "30 days", "60 days", "90 days"], key=1), ["QB311"]) == []


def test_numeric_options_in_different_units_or_with_words_are_left_alone():
    stem = "How long do acute stress symptoms last at most?"
    assert lint(make(stem, ["3 days", "1 month", "2 weeks"]), ["QB311"]) == []
    assert lint(make(stem, ["Stage 3", "Stage 1", "Stage 2"]), ["QB311"]) == []


def test_ranges_and_bounds_sort_by_value():
    stem = "What share of adults with depression receive treatment?"
    (d,) = lint(make(stem, ["40-59%", "Less than 20%", "60% or more", "20-39%"]), ["QB311"])
    assert "options 2, 4, 1 and 3" in d.message


NUMERIC = """\
id: q-hipaa
stem: Within how many days must the agency act on a records request?
options:
  # the options are durations
  - text: "60 days"   # sixty
    rationale: Sixty days was the limit for off-site records before 2013.
  - text: 30 days
    correct: true
    rationale: |
      The rule requires action within 30 days,
      with one possible extension.
  # ten is too short
  - text: 10 days
    rationale: Ten days is shorter than the federal rule requires of agencies.
  - text: 90 days
    rationale: >-
      Ninety days exceeds the time the rule allows.
  # before the explanation
explanation: |
  Under the HIPAA Privacy Rule an agency must act on a request within 30 days.
"""


def test_numeric_sort_fix_moves_whole_options_with_their_comments_and_styles():
    fixed, changed = fix_text(NUMERIC, "QB311")
    assert changed
    assert lint(fixed, ["QB311"]) == []
    order = [line.split("text: ")[1].split("#")[0].strip() for line in fixed.splitlines() if "- text:" in line]
    assert order == ["10 days", "30 days", '"60 days"', "90 days"]
    # each option keeps its key flag, rationale (and block style) and end-of-line comment
    assert 'text: "60 days"   # sixty\n    rationale: Sixty days' in fixed
    assert "text: 30 days\n    correct: true\n    rationale: |\n      The rule requires" in fixed
    assert "rationale: >-\n      Ninety days" in fixed
    # a comment on its own line belongs to what follows it: above an option it moves with the
    # option, above the next key it stays there; none is lost
    assert '  # ten is too short\n  - text: 10 days' in fixed
    assert '  # the options are durations\n  - text: "60 days"' in fixed
    assert "# before the explanation\nexplanation:" in fixed
    for comment in ("# the options are durations", "# ten is too short", "# before the explanation"):
        assert fixed.count(comment) == 1
    assert fix_text(fixed, "QB311") == (fixed, False)


def test_nonparallel_period_and_capital_are_info():
    opts = ["Remain silent for now", "Ask what she is feeling.", "Change the topic", "Reassure her"]
    (d,) = lint(make(STEM, opts), ["QB312"])
    assert d.severity.value == "info" and "option 2 ends with a period" in d.message
    opts = ["Remain silent for now", "ask what she is feeling", "Change the topic", "Reassure her"]
    (d,) = lint(make(STEM, opts), ["QB312"])
    assert "option 2 starts with a lowercase letter" in d.message


def test_parallel_options_and_proper_nouns_pass():
    opts = ["Remain silent for now", "Ask what she is feeling", "Change the topic", "Reassure her"]
    assert lint(make(STEM, opts), ["QB312"]) == []
    opts = ["denial", "projection", "Freudian slip", "sublimation"]
    assert lint(make("Which defense is this?", opts), ["QB312"]) == []


def test_stem_word_in_a_distractor_as_another_form_is_no_clang():
    """"assess" in the stem and key, "assessment" in a distractor: the same word, so no cue."""
    stem = "A new client reports panic attacks at work. How should the social worker assess her FIRST?"
    opts = ["Assess the frequency and triggers of the episodes", "Refer her for a psychiatric assessment",
            "Teach breathing exercises right away", "Ask her employer about her workload"]
    assert lint(make(stem, opts), ["QB308"]) == []


# --- issue 11: QB308 on real banks ---------------------------------------------------------------

def test_the_subject_the_stem_names_is_no_clang_cue():
    stem = "Which statement about bile is accurate?"
    opts = ["Bile salts are recycled by the liver", "It digests proteins", "It is made in the pancreas"]
    assert lint(make(stem, opts), ["QB308"]) == []
    stem = "Which of these bones forms by intramembranous ossification?"
    assert lint(make(stem, ["the flat bones of the skull", "the femur", "the vertebrae"]), ["QB308"]) == []
    sleep = "A chronic shortage of sleep builds up into what?"
    (d,) = lint(make(sleep, ["sleep debt", "insomnia", "narcolepsy"]), ["QB308"])
    assert '"sleep"' in d.message


def test_the_noun_after_a_code_span_names_the_subject():
    stem = "What does the built-in `map()` function return in Python 3?"
    opts = ["An iterator that applies a function to each item", "A list of keys", "The input unchanged"]
    assert lint(make(stem, opts), ["QB308"]) == []


def test_general_words_are_no_clang_cue():
    stem = "You have created a fix on a branch. What should you do next to get it reviewed?"
    opts = ["Create a pull request", "Delete the branch", "Rebase the main branch onto it"]
    assert lint(make(stem, opts), ["QB308"]) == []


def test_a_code_key_and_the_stems_quoted_material_are_no_clang_cue():
    stem = "Which call prints the pairs of the lists `names` and `ages` as a list?"
    opts = ["print(list(zip(names, ages)))", "print(zip(names, ages))", "print(dict(names))"]
    assert lint(make(stem, opts), ["QB308"]) == []
    stem = 'In the sentence "The hungry beagle chased the ball", which word is the subject?'
    assert lint(make(stem, ["beagle", "chased", "hungry"]), ["QB308"]) == []


def test_a_term_the_stem_quotes_to_define_still_counts_and_prose_quoting_code_is_prose():
    stem = 'What does the term "two-factor authentication" mean?'
    opts = ["Using two different authentication methods", "Using two browsers", "Logging in twice"]
    (d,) = lint(make(stem, opts), ["QB308"])
    assert '"authentication"' in d.message
    stem = "What is the purpose of `self` when calling methods on an instance of a class?"
    opts = ["`self` refers to the instance whose method runs", "`self` names the class", "It frees memory"]
    (d,) = lint(make(stem, opts), ["QB308"])
    assert '"instance"' in d.message


def test_a_word_of_a_name_in_the_stem_is_no_clang_cue():
    stem = "What is the role of a Security Operations Center in a company?"
    opts = ["To monitor and respond to security incidents", "To write software", "To manage passwords"]
    assert lint(make(stem, opts), ["QB308"]) == []
    stem = "What is the role of the security operations team in a company?"
    assert lint(make(stem, opts), ["QB308"])


def test_slashed_shorthand_in_the_stem_is_no_clang_cue():
    stem = "When would you use a try/except block?"
    opts = ["To run other code if an exception is raised", "To make tests pass", "To skip a function"]
    assert lint(make(stem, opts), ["QB308"]) == []


def test_no_absolute_cue_when_the_key_is_as_absolute_or_the_lead_in_is_negative():
    stem = "When does the `if __name__ == '__main__':` block of a Python script run?"
    opts = ["Only when the script is run directly", "Always, in every script", "When it is imported"]
    assert lint(make(stem, opts), ["QB306"]) == []
    neg = "Which statement does NOT describe encapsulation?"
    opts = ["A parent class hides its data from the child class", "It only allows changes through methods",
            "It keeps data and methods together"]
    assert lint(make(neg, opts), ["QB306"]) == []
    pos = "Which statement describes encapsulation?"
    assert lint(make(pos, [opts[2], opts[1], opts[0]]), ["QB306"])


def test_only_a_few_and_only_one_are_quantities():
    stem = "How were the colonists divided between Patriots and Loyalists?"
    opts = ["Divided into Patriots, Loyalists and neutrals", "Most were Patriots, with only a few Loyalists",
            "Only one colony stayed loyal"]
    assert lint(make(stem, opts), ["QB306"]) == []


def test_a_quoted_name_the_stem_asks_about_is_still_a_clang_cue():
    stem = 'What does the term "Two-Factor Authentication" mean?'
    opts = ["Using two different authentication methods", "Using two browsers", "Logging in twice"]
    (d,) = lint(make(stem, opts), ["QB308"])
    assert '"authentication"' in d.message


def test_python_except_in_the_lead_in_does_not_make_it_negative():
    stem = "When would you use a try/except block in code?"
    opts = ["To run other code when an error is raised", "So that the unit tests always pass", "To loop"]
    (d,) = lint(make(stem, opts), ["QB306"])
    assert '"always"' in d.message


def test_a_key_a_little_longer_among_long_parallel_sentences_is_no_length_cue():
    stem = "What is the difference between a soft and a hard reset in Git?"
    opts = ["A soft reset moves HEAD only, while a hard reset also resets the index and tree",
            "A soft reset deletes the old HEAD, while a hard reset keeps it cached",
            "A hard reset moves HEAD only, while a soft reset resets the index"]
    assert lint(make(stem, opts), ["QB304"]) == []  # 1.2 times, 13 characters: parallel sentences
    opts[0] = ("A soft reset only moves the commit HEAD points to, while a hard reset also makes the index and the "
               "working tree match that commit, discarding changes")
    assert lint(make(stem, opts), ["QB304"])


def test_numeric_options_from_largest_to_smallest_are_in_order():
    stem = "Which membrane potential is reached at the peak of an action potential?"
    assert lint(make(stem, ["+30 mV", "0 mV", "-55 mV", "-70 mV"]), ["QB311"]) == []
    assert lint(make(stem, ["0 mV", "+30 mV", "-55 mV", "-70 mV"]), ["QB311"])


def test_a_clang_cue_is_quoted_as_written_at_its_column():
    stem = "A chronic shortage of sleep builds up into what?"
    (d,) = lint(make(stem, ["narcolepsy", "Accumulated sleep debt", "insomnia"], key=1), ["QB308"])
    assert 'repeats "sleep" from the stem' in d.message and (d.line, d.column) == (7, 24)
    (d,) = lint(make(stem, ["narcolepsy", "Sleep debt", "insomnia"], key=1), ["QB308"])
    assert 'repeats "Sleep"' in d.message
