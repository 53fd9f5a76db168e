"""Classical item statistics: hand-computed cases and scipy's point-biserial."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import pointbiserialr

from qbank.analysis.core import MISSING, analyse

# 4 candidates x 3 items, every key is option 0; the last candidate skipped item 3.
SMALL = np.array([[0, 0, 0], [0, 0, 1], [0, 1, 2], [1, 2, MISSING]])


def test_difficulty_is_the_share_of_those_who_answered_that_chose_the_key():
    a = analyse(SMALL, [0, 0, 0], [3, 3, 3])
    assert [it.n for it in a.items] == [4, 4, 3]
    assert [it.p for it in a.items] == [0.75, 0.5, pytest.approx(1 / 3)]


def test_corrected_point_biserial_by_hand():
    a = analyse(SMALL, [0, 0, 0], [3, 3, 3])
    # item 1: scores 1,1,1,0 against rest scores 2,1,0,0 -> r = sqrt(3/11)
    assert a.items[0].rpb == pytest.approx(math.sqrt(3 / 11))
    # item 3, over the 3 who answered: scores 1,0,0 against rest scores 2,2,1 -> r = 1/2
    assert a.items[2].rpb == pytest.approx(0.5)


def test_upper_lower_27_percent_and_kr20_by_hand():
    a = analyse(SMALL, [0, 0, 0], [3, 3, 3])
    # 27% of 4 is one candidate each: the top (3 right) and the bottom (none right)
    assert [it.upper_lower for it in a.items] == [1.0, 1.0, 1.0]
    # p = .75, .5, .25 (omitted = wrong): sum pq = .625; totals 3,2,1,0: variance 1.25
    assert a.kr20 == pytest.approx(1.5 * (1 - 0.625 / 1.25))


def test_each_option_has_its_choice_rate_and_the_key_option_carries_the_item_rpb():
    a = analyse(SMALL, [0, 0, 0], [3, 3, 3])
    third = a.items[2]
    assert [o.rate for o in third.options] == [pytest.approx(1 / 3)] * 3
    assert third.options[0].rpb == pytest.approx(third.rpb)
    first = a.items[0]
    assert [o.rate for o in first.options] == [0.75, 0.25, 0.0]
    assert first.options[2].rpb is None  # nobody chose it: no variance, no correlation


def test_an_item_everyone_gets_right_has_no_point_biserial():
    a = analyse(np.array([[1, 0], [1, 1], [1, 0]]), [1, 0], [2, 2])
    assert a.items[0].p == 1.0 and a.items[0].rpb is None


def test_agrees_with_scipy_pointbiserialr_on_random_responses_with_omissions():
    rng = np.random.default_rng(7)
    ability = rng.normal(size=500)
    keys = rng.integers(0, 4, size=20)
    correct = rng.random((500, 20)) < 1 / (1 + np.exp(-(ability[:, None] - rng.normal(size=20))))
    wrong = (keys + rng.integers(1, 4, size=(500, 20))) % 4
    responses = np.where(correct, keys, wrong)
    responses[rng.random((500, 20)) < 0.05] = MISSING
    a = analyse(responses, keys, [4] * 20)
    scored = (responses == keys).astype(float)
    total = scored.sum(axis=1)
    for j, item in enumerate(a.items):
        answered = responses[:, j] != MISSING
        x, rest = scored[answered, j], (total - scored[:, j])[answered]
        assert item.rpb == pytest.approx(pointbiserialr(x, rest).statistic, abs=1e-9)
        for o, opt in enumerate(item.options):
            chose = (responses[answered, j] == o).astype(float)
            assert opt.rpb == pytest.approx(pointbiserialr(chose, rest).statistic, abs=1e-9)
            assert opt.rate == pytest.approx(chose.mean())


def test_items_may_have_different_option_counts():
    a = analyse(np.array([[0, 4], [1, 3], [0, 2]]), [0, 4], [2, 5])
    assert [len(it.options) for it in a.items] == [2, 5]
    assert a.items[1].p == pytest.approx(1 / 3)


def test_a_response_beyond_the_item_options_counts_as_missing():
    a = analyse(np.array([[0], [7], [1]]), [0], [2])
    assert a.items[0].n == 2 and a.items[0].p == 0.5
