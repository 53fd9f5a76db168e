"""QB503: common misspellings from codespell's dictionary, never in code, URLs or math."""

from __future__ import annotations

from lintkit import lint, make

OPTS = ["It calls itself", "It loops forever", "It returns None"]


def test_a_misspelt_word_in_the_stem_warns_at_the_word_with_the_suggestion():
    (d,) = lint(make("What makes a function recusive?", OPTS), ["QB503"])
    assert d.message.startswith('"recusive" is a common misspelling of "recursive" or "reclusive"')
    assert (d.line, d.column) == (3, 25)


def test_a_misspelling_in_an_option_or_the_explanation_warns_there():
    (d,) = lint(make("What makes a function recursive?", ["It calls itslef", *OPTS[1:]], key=1), ["QB503"])
    assert d.line == 5 and '"itslef"' in d.message
    (d,) = lint(make("What makes a function recursive?", OPTS, explanation="The function calls itslef again."),
                ["QB503"])
    assert d.line == 13


def test_code_urls_and_math_are_not_spell_checked():
    stem = ("Given `recusive = True` and the page https://example.org/recusive, what does this print?\n\n"
            "```python\nprint(recusive)\n```")
    assert lint(make(stem, OPTS), ["QB503"]) == []
    assert lint(make("For $\\recusive{x}$, which identity holds?", OPTS), ["QB503"]) == []


def test_identifiers_acronyms_and_code_options_are_not_spell_checked():
    stem = "Which call on the object `obj` is valid: obj.recusive, recusive_walk or -recusive?"
    assert lint(make(stem, OPTS), ["QB503"]) == []
    assert lint(make("What does RECUSIVE stand for in the log?", OPTS), ["QB503"]) == []
    assert lint(make("Which call is valid?", ["recusive(x)", "walk(x)", "visit(x)"]), ["QB503"]) == []


def test_a_name_and_a_contraction_are_not_misspellings():
    assert lint(make("How did General Thomas Gage deal with the uprising?", OPTS), ["QB503"]) == []
    assert lint(make("Why wasn’t the currency worth as much as local currencies?", OPTS), ["QB503"]) == []
    (d,) = lint(make("What does Extended Detection and Responde do?", OPTS), ["QB503"])
    assert '"Responde"' in d.message
