"""A checker on standby for warm runs.

A warm `qbank lint` spends most of its time on two independent things: reading the cache
and stat-ing every file (the parent), and importing the YAML loader, the schema validator
and the rules for the few files that changed (~30 ms of imports). So a warm run forks a
child as it starts. The child forks a walker, which walks the bank while the parent reads
the cache and sends it the file list; the child meanwhile imports the checker and checks a
built-in question (what the rules compile or load on first use), then checks the files the
parent found changed and sends the results back. With two cores or more the walk and the imports
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
    # The walk and the imports are each ~1/3 of the child's way to its answer: a second child
    # walks while this one imports (the file list reaches the parent before it asks anything,
    # so the two never write to the pipe at once).
    try:
        walker = os.fork()
    except OSError:
        walker = -1
    if walker <= 0:
        try:
            found: list[str] | None = discover()
        except Exception:  # the parent walks again and reports the problem itself
            found = None
        _send(replies, found)
        if walker == 0:
            os._exit(0)

    import importlib

    from . import rules, schema
    from .checker import check_file

    # What checking a file needs, loaded before the parent knows which files changed.
    for name in ("loader", "model", "validate"):
        importlib.import_module(f"qbank.{name}")
    rules.item_rules()
    schema.fast_is_valid()
    check_file("warm-up.yaml", _WARM_UP, job)   # what the rules compile or load on first use (~30 ms)
    paths = _receive(requests)
    _send(replies, [check_file(p, None, job).to_wire() for p in paths])
    if walker > 0:
        os.waitpid(walker, 0)


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


# A question the standby checks before it is asked anything (never reported).
_WARM_UP = b"""id: warm-up
stem: A client reports trouble sleeping since starting a new job. What should the social worker explore FIRST?
options:
  - text: Recent changes in the client's daily routine
    correct: true
    rationale: Routine changes are a common, modifiable cause of new sleep problems.
  - text: Family history of psychiatric hospitalization
    rationale: Useful later, but it does not address the recent onset.
  - text: Early childhood attachment patterns
    rationale: They do not explain a problem that began with the job.
explanation: The problem began with the new job, so its routine is explored first.
"""
