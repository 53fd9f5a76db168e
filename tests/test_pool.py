"""The worker pool and its helper child: results in input order, from chunks that shrink
towards the end; a result computed in a forked child is the one the caller would have
computed, and a failure is the caller's own error, not a hang."""

import os

import pytest

from qbank.pool import Helper, _chunk_bounds, ordered_map


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


@pytest.mark.parametrize("n", [0, 1, 7, 199, 200, 1_000, 10_000, 123_457])
@pytest.mark.parametrize("workers", [1, 2, 3, 16])
def test_chunks_cover_the_items_in_order_and_shrink_within_bounds(n, workers):
    bounds = _chunk_bounds(n, workers, 1, 500)
    assert [i for start, stop in bounds for i in range(start, stop)] == list(range(n))
    sizes = [stop - start for start, stop in bounds]
    assert all(1 <= s <= 500 for s in sizes)
    assert sizes == sorted(sizes, reverse=True)
    if n >= 10_000:
        assert sizes[-2] <= sizes[0] // 10  # the workers' last chunks are small ones
