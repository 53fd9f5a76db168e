"""The worker pool's background helper: a result computed in a forked child is the one the
caller would have computed, and a failure is the caller's own error, not a hang."""

import os

import pytest

from qbank.pool import in_background, ordered_map


def _square_all(xs: list[int]) -> list[int]:
    return [x * x for x in xs]


def _fails(n: int) -> int:
    raise ValueError(f"bad input {n}")


def test_a_background_result_is_what_the_call_returns():
    wait = in_background(sorted, [3, 1, 2])
    assert wait() == [1, 2, 3]


def test_a_background_failure_raises_the_callers_own_error():
    wait = in_background(_fails, 7)
    with pytest.raises(ValueError, match="bad input 7"):
        wait()


def test_without_fork_the_work_is_done_when_asked_for(monkeypatch):
    monkeypatch.delattr(os, "fork", raising=False)
    assert in_background(sum, [1, 2, 3])() == 6


def test_ordered_map_keeps_input_order_with_workers():
    items = list(range(1000))
    assert list(ordered_map(_square_all, items, jobs=2, min_items=10, chunk=(7, 50))) == [x * x for x in items]
