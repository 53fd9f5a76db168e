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

    size = max(low, min(len(items) // (workers * 4), high))
    chunks = [list(items[i:i + size]) for i in range(0, len(items), size)]
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    try:
        pool = ctx.Pool(workers)
    except (OSError, RuntimeError):  # no processes to be had: do it here
        for part in chunks:
            yield from func(part)
        return
    try:
        for part in pool.imap(func, chunks):
            yield from part
    except GeneratorExit:  # the consumer stopped early (`fmt --check` at its first finding)
        pool.terminate()
        raise
    except BaseException:  # Ctrl-C
        _kill(pool)
        raise
    pool.close()
    pool.join()


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


def in_background(func: Callable[..., R], *args) -> Callable[[], R]:
    """Start ``func(*args)`` in a forked process (the arguments are inherited, not pickled)
    and return a function that waits for its result. Meant for work that keeps one core
    busy while this process does something else; where there is no fork, or the child
    fails or cannot be started, the result is computed here when asked for (so errors are
    this process's own, as without the child)."""
    if not hasattr(os, "fork"):
        return lambda: func(*args)
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    try:
        child = ctx.Process(target=_send_result, args=(send, func, args), daemon=True)
        child.start()
    except OSError:
        return lambda: func(*args)
    finally:
        send.close()

    def result() -> R:
        try:
            ok, value = receive.recv()
        except (EOFError, OSError):
            ok, value = False, None
        finally:
            receive.close()
            child.join()
        return value if ok else func(*args)

    return result


def _send_result(send, func: Callable[..., R], args: tuple) -> None:
    try:
        value = (True, func(*args))
    except BaseException:   # the parent computes it again and gets the error itself
        value = (False, None)
    try:
        send.send(value)
    except OSError:   # the parent is gone or stopped waiting
        pass
    send.close()
