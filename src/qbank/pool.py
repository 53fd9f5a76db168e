"""The one worker pool: lint, fmt and export all fan work out through ``ordered_map``.

Results come back in input order whatever the number of workers, so no output ever
depends on parallelism; with one worker, few items, or no processes to be had, the work
runs in this process.
"""

from __future__ import annotations

import os
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, starting worker processes costs more than it saves.
PARALLEL_MIN_ITEMS = 200
MAX_WORKERS = 61  # the most Windows' process pool allows


def workers_for(jobs: int | None) -> int:
    """How many worker processes ``--jobs`` asks for (default: every core)."""
    return min(jobs or os.cpu_count() or 1, MAX_WORKERS)


def side_by_side(jobs: int | None) -> bool:
    """Whether a forked child can work beside this process: there is fork, a second core, and
    ``--jobs`` does not ask for one process (Helper's callers and the standby checker ask)."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and jobs != 1


def ordered_map(func: Callable[[list[T]], list[R]], items: Sequence[T], *, jobs: int | None = None,
                min_items: int = PARALLEL_MIN_ITEMS, chunk: tuple[int, int] = (1, 500)) -> Iterator[R]:
    """``func`` over contiguous chunks of ``items``, flattened, in input order.

    ``func`` takes a list of items and returns one result per item; it must be a module-level
    function (it is sent to worker processes). ``chunk`` bounds the chunk size (low, high):
    several chunks per worker balance the load. Results are yielded as chunks finish, in order
    (in this process, chunk by chunk of the low size).
    """
    workers = workers_for(jobs)
    low, high = chunk
    if workers <= 1 or len(items) < min_items:
        for i in range(0, len(items), low):  # chunks of the smallest size: results still stream
            yield from func(list(items[i:i + low]))
        return
    import multiprocessing

    chunks = [list(items[i:j]) for i, j in _chunk_bounds(len(items), workers, low, high)]
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    try:
        pool = _pool_class()(workers, context=ctx)
    except (OSError, RuntimeError):  # no processes to be had: do it here
        for part in chunks:
            yield from func(part)
        return
    try:
        for part in pool.imap(func, chunks):
            yield from part
    except GeneratorExit:  # the consumer stopped early (`fmt --check` at its first finding, or Ctrl-C there)
        _terminate(pool)
        raise
    except BaseException:  # Ctrl-C
        _kill(pool)
        raise
    pool.close()
    pool.join()


def _pool_class():
    """``multiprocessing.pool.Pool`` whose worker handler does not wake on every result.

    The stock pool's worker handler thread waits on the result pipe too, so while a result
    arrives (a chunk of rendered items is megabytes, read in 64 kB pieces) it spins: wakes,
    polls every worker's exit status, waits again, holding the GIL the result handler needs.
    It only has work when a worker exits or the pool's state changes, and it waits on those
    (the workers' sentinels, its change notifier) without the result pipe. Measured at 10,000
    items on 2 cores: `qbank site` 0.25 s of CPU less, ~0.2 s sooner; `export --anki` ~0.08 s."""
    from multiprocessing import pool as mp

    class QuietPool(mp.Pool):
        def _get_sentinels(self) -> list:   # mp.Pool's: [the result pipe, the change notifier]
            return [self._change_notifier._reader]

    return QuietPool


def _chunk_bounds(n: int, workers: int, low: int, high: int) -> list[tuple[int, int]]:
    """Contiguous chunks of ``n`` items: each a quarter of a worker's share of what is left,
    within (low, high), and at least a tenth of the first chunk: the chunks shrink towards
    the end, so that the workers run out of work together (after a last chunk of the first
    size, the others would wait idle while it runs)."""
    first = max(low, min(n // (workers * 4), high))
    floor = max(low, first // 10)
    bounds, start = [], 0
    while start < n:
        size = max(floor, min((n - start) // (workers * 4), first))
        bounds.append((start, min(start + size, n)))
        start += size
    return bounds


def _terminate(pool, wait: float = 5.0) -> None:
    """``Pool.terminate()``, unless it hangs: a consumer that stopped because of Ctrl-C (which
    the workers got too) can leave a worker killed in the middle of sending a result, and
    terminate() then waits forever for the pool's result handler. After ``wait`` seconds the
    workers are killed instead (``_kill``)."""
    import threading

    stopping = threading.Thread(target=pool.terminate, daemon=True)
    stopping.start()
    stopping.join(wait)
    if stopping.is_alive():
        _kill(pool)


def _kill(pool) -> None:
    """Stop the workers at once on Ctrl-C. ``Pool.terminate()`` joins the pool's handler threads,
    and the result handler can wait forever on a worker stopped in the middle of sending a result
    (Ctrl-C during a loaded export hung there). First the pool is told to stop replacing workers
    (its worker handler would start new ones for those killed, and they would outlive a CLI that
    leaves through os._exit); the handlers are daemon threads, safe to leave once it is done."""
    from multiprocessing import pool as mp

    pool._state = mp.TERMINATE
    handler = getattr(pool, "_worker_handler", None)
    if handler is not None:
        handler._state = mp.TERMINATE
        handler.join(timeout=2)   # it checks its state every 0.1 s
    for worker in getattr(pool, "_pool", ()):
        worker.kill()
        worker.join(timeout=2)
    finalizer = getattr(pool, "_terminate", None)   # the terminate() multiprocessing runs at exit
    if finalizer is not None:
        finalizer.cancel()


class Helper:
    """A forked child started now that runs ``func`` once, on arguments sent later: for work
    whose start-up (``warm``, e.g. importing a big library) can overlap with what this process
    does meanwhile. Arguments and result are pickled (keep them small). Where there is no fork,
    or the child fails, ``result`` computes here (so errors are this process's own)."""

    def __init__(self, func: Callable[..., R], warm: Callable[[], object] | None = None) -> None:
        self.func = func
        self._args: tuple | None = None
        self._child = None
        if not hasattr(os, "fork"):
            return
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self._to_child, child_in = ctx.Pipe(duplex=False)[::-1]
        self._from_child, child_out = ctx.Pipe(duplex=False)
        try:
            self._child = ctx.Process(target=_help, args=(child_in, child_out, (self._to_child, self._from_child),
                                                          func, warm), daemon=True)
            self._child.start()
        except OSError:
            self._child = None
        finally:
            child_in.close()
            child_out.close()

    def submit(self, *args) -> None:
        self._args = args
        if self._child is not None:
            try:
                self._to_child.send(args)
            except OSError:   # the child is gone: result() computes here
                self._stop()

    def result(self) -> R:
        """``func`` of the submitted arguments."""
        assert self._args is not None, "submit() first"
        ok, value = False, None
        if self._child is not None:
            try:
                ok, value = self._from_child.recv()
            except (EOFError, OSError):
                pass
            self._stop()
        return value if ok else self.func(*self._args)

    def _stop(self, kill: bool = False) -> None:
        if self._child is not None:
            self._to_child.close()
            self._from_child.close()
            if kill:
                self._child.kill()
            self._child.join()
            self._child = None

    def close(self) -> None:
        """Stop the child if its result is not wanted."""
        self._stop(kill=True)

    def __enter__(self) -> "Helper":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _help(receive, send, parents: tuple, func: Callable[..., R], warm: Callable[[], object] | None) -> None:
    for end in parents:   # the parent's ends, inherited: closed, so that its closing reads as the end
        end.close()
    try:
        if warm is not None:
            warm()
        args = receive.recv()
    except (EOFError, OSError):   # not wanted after all
        return
    except BaseException:
        args = None
    try:
        value = (True, func(*args)) if args is not None else (False, None)
    except BaseException:   # the parent computes it again and gets the error itself
        value = (False, None)
    try:
        send.send(value)
    except OSError:   # the parent is gone or stopped waiting
        pass
