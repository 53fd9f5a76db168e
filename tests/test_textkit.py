"""qbank.textkit: the text analysis the rules share."""

from __future__ import annotations

import dataclasses

import pytest

from lintkit import context, make
from qbank.rules.examples import BASE_ITEM
from qbank.textkit.facts import facts
from qbank.textkit.lead_in import lead_in_words
from qbank.textkit.words import content_roots, find_root, word_root


@pytest.mark.parametrize("family", [
    ["supervise", "supervisor", "supervision", "supervising"],
    ["family", "families"],
    ["assess", "assesses"],
    ["client's", "clients"],
])
def test_word_forms_share_one_root(family):
    assert len({word_root(w) for w in family}) == 1


def test_status_and_basis_keep_their_final_s():
    assert word_root("status") == "status" and word_root("basis") == "basis"


def test_content_roots_leave_out_stopwords_domain_words_and_short_words():
    assert content_roots(["the", "client", "worker", "job", "sleeping", "routines"]) == {"sleep", "routin"}


def test_find_root_returns_the_word_of_the_text_with_that_root():
    assert find_root("she kept a sleep diary for the supervisor", word_root("supervision")) == "supervisor"
    assert find_root("she kept a sleep diary", word_root("supervision")) is None


def test_lead_in_words_know_their_place_and_emphasis():
    stem = "The client was seen twice. Which step should the worker take **first**?"
    words = lead_in_words(stem)
    assert [w.text for w in words][:2] == ["Which", "step"]
    first = words[-1]
    assert stem[first.start:first.end] == "first" and first.emphasized and not first.shouted


def test_facts_are_made_once_per_question_and_never_stored_on_the_context():
    ctx = context(BASE_ITEM)
    fields = {f.name for f in dataclasses.fields(ctx)}
    shared = facts(ctx)
    assert facts(ctx) is shared and facts(dataclasses.replace(ctx)) is shared  # the same question
    assert set(vars(ctx)) == fields
    other = context(make("Which step should the worker take FIRST?", ["Listen", "Refer", "Wait"]))
    assert facts(other) is not shared and facts(other).q is other.question
