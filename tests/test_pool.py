"""The worker pool and its helper child: results in input order; a result computed in a forked
child is the one the caller would have computed, and a failure is the caller's own error, not
a hang."""

import os

import pytest

from qbank.pool import Helper, ordered_map


def _square_all(xs: list[int]) -> list[int]:
    return [x * x for x in xs]


def _fails(n: int) -> int:
    raise ValueError(f"bad input {n}")


def _warm_fails() -> None:
    raise ImportError("no such library")


def test_a_helper_computes_what_the_call_returns():
    with Helper(sorted) as helper:
        helper.submit([3, 1, 2])
        assert helper.result() == [1, 2, 3]


def test_a_helper_failure_raises_the_callers_own_error():
    helper = Helper(_fails)
    helper.submit(7)
    with pytest.raises(ValueError, match="bad input 7"):
        helper.result()


def test_a_helper_whose_warm_up_fails_still_gives_the_result_here():
    helper = Helper(sum, warm=_warm_fails)
    helper.submit([1, 2, 3])
    assert helper.result() == 6


def test_a_helper_not_needed_is_stopped():
    helper = Helper(sum)
    child = helper._child
    helper.close()
    assert child is not None and not child.is_alive()


def test_without_fork_the_work_is_done_when_asked_for(monkeypatch):
    monkeypatch.delattr(os, "fork", raising=False)
    helper = Helper(sum)
    helper.submit([1, 2, 3])
    assert helper.result() == 6


def test_ordered_map_keeps_input_order_with_workers():
    items = list(range(1000))
    assert list(ordered_map(_square_all, items, jobs=2, min_items=10, chunk=(7, 50))) == [x * x for x in items]
