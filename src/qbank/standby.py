"""A checker on standby for warm runs.

A warm `qbank lint` spends most of its time on two independent things: reading the cache
and stat-ing every file (the parent), and importing the YAML loader, the schema validator
and the rules for the few files that changed (~30 ms of imports). So a warm run forks a
child as it starts. The child walks the bank while the parent reads the cache, sends the
file list, imports the checker while the parent works out which files changed, then
checks those and sends the results back. With two cores or more the walk and the imports
leave the critical path. Messages are plain values through marshal (our own two
processes, over private pipes). Anything unexpected (no fork, a child that died, a garbled
reply) makes the parent do the work itself: the standby can only save time.

Why it is kept (issue 9 asked to keep it only if the warm target fails without it), measured
on 2 cores at 10,000 generated questions, warm run after one comment was appended, 11 runs
each, interleaved with a build of the same commit with this module removed (2026-12-02):
median 0.237 s with the standby, 0.280 s without it. Against the benchmark's cold lint of
that commit (5.43 s, `benchmarks/run.py --count 10000 --reps 3`) that is 0.044 x cold with
it and 0.052 x cold without it: the 0.05 target fails without it.
"""

from __future__ import annotations

import marshal
import os
import signal
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .checker import FileResult, Job

MAX_FILES = 64  # more changed files than this go to the worker pool instead


class Standby:
    """A forked child (see the module docstring): ``discovered()``, then ``check(paths)``."""

    def __init__(self, job: Job, discover: Callable[[], list[str]]) -> None:
        self.pid = 0
        requests, self._requests = os.pipe()
        self._replies, replies = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (requests, self._requests, self._replies, replies):
                os.close(fd)
            raise
        if pid == 0:  # the child: never returns
            code = 1
            try:
                os.close(self._requests)
                os.close(self._replies)
                _serve(job, discover, requests, replies)
                code = 0
            except BaseException:  # nothing from here may reach the user's terminal
                pass
            finally:
                os._exit(code)
        self.pid = pid
        os.close(requests)
        os.close(replies)

    @staticmethod
    def available(jobs: int | None) -> bool:
        return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and jobs != 1

    def discovered(self) -> list[str] | None:
        """The question files the child found (None: it could not say; walk here)."""
        try:
            found = _receive(self._replies)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        return found if isinstance(found, list) and all(isinstance(p, str) for p in found) else None

    def check(self, paths: list[str]) -> list[FileResult] | None:
        """The child's results for ``paths``, in order; None if it could not give them."""
        try:
            from .checker import FileResult

            _send(self._requests, paths)
            results = [FileResult.from_wire(v) for v in _receive(self._replies)]
            return results if [r.path for r in results] == paths else None
        except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child (if it is still waiting) and reap it."""
        for fd in (self._requests, self._replies):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._requests = self._replies = -1
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0


def _serve(job: Job, discover: Callable[[], list[str]], requests: int, replies: int) -> None:
    try:
        found: list[str] | None = discover()
    except Exception:  # the parent walks again and reports the problem itself
        found = None
    _send(replies, found)

    import importlib

    from . import rules, schema
    from .checker import check_file

    # What checking a file needs, loaded before the parent knows which files changed.
    for name in ("loader", "model", "validate"):
        importlib.import_module(f"qbank.{name}")
    rules.item_rules()
    schema.fast_is_valid()
    paths = _receive(requests)
    _send(replies, [check_file(p, None, job).to_wire() for p in paths])


def _send(fd: int, value: Any) -> None:
    data = marshal.dumps(value)
    view = memoryview(len(data).to_bytes(8, "little") + data)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int) -> Any:
    return marshal.loads(_read_exact(fd, int.from_bytes(_read_exact(fd, 8), "little")))


def _read_exact(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the standby closed its pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
