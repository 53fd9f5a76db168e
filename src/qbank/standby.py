"""A checker on standby for warm runs.

A warm `qbank lint` spends most of its time on two independent things: reading the cache
and stat-ing every file (the parent), and importing the YAML loader, the schema validator
and the rules for the few files that changed (~60 ms of imports and first use). So a warm
run has a child fork that imports the checker and checks a built-in question (what the
rules compile or load on first use), then checks the files the parent found changed and
sends the results back; and a second child walks the bank while the parent reads the cache,
and sends it the file list. With two cores or more the walk and the imports leave the
critical path. The console script forks the checker before it even imports click
(``start_early``; the run then tells it its job), so that it is ready when the parent asks.
Messages are plain values through marshal (our own processes, over private pipes; the job
is pickled). Anything unexpected (no fork, a child that died, a garbled reply) makes the
parent do the work itself: the standby can only save time.

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

from .pool import side_by_side

if TYPE_CHECKING:
    from .checker import FileResult, Job

MAX_FILES = 64  # more changed files than this go to the worker pool instead


class Standby:
    """A forked child (see the module docstring): ``discovered()``, then ``check(paths)``.
    ``Standby(job, discover)`` starts both children now; ``Standby()`` only the checker, which
    learns the run's job from ``begin`` (see ``start_early``)."""

    def __init__(self, job: Job | None = None, discover: Callable[[], list[str]] | None = None) -> None:
        self.pid = self._walker = 0
        self._found = -1
        requests, self._requests = os.pipe()
        self._replies, replies = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (requests, self._requests, self._replies, replies):
                os.close(fd)
            raise
        if pid == 0:  # the child: never returns
            _child(lambda: _serve(job, requests, replies), self._requests, self._replies)
        self.pid = pid
        os.close(requests)
        os.close(replies)
        if job is not None and discover is not None:
            self._walk(discover)

    available = staticmethod(side_by_side)

    def begin(self, job: Job, discover: Callable[[], list[str]]) -> None:
        """Give a checker started without a job the run's, and start the walk."""
        import pickle

        try:
            _send(self._requests, pickle.dumps(job))
        except (OSError, pickle.PicklingError, AttributeError, TypeError):
            self.close()   # check() then answers None: the run checks the files itself
        self._walk(discover)

    def _walk(self, discover: Callable[[], list[str]]) -> None:
        # The walk and the checker's imports are each ~1/3 of the way to its answer: a second
        # child walks meanwhile (its list reaches the parent on a pipe of its own).
        found, out = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(found)
            os.close(out)
            return
        if pid == 0:
            _child(lambda: _send(out, _discovered(discover)), found, self._requests, self._replies)
        self._walker, self._found = pid, found
        os.close(out)

    def discovered(self) -> list[str] | None:
        """The question files the walker found (None: it could not say; walk here)."""
        if self._found < 0:
            return None
        try:
            found = _receive(self._found)
        except (OSError, EOFError, ValueError, TypeError):
            found = None
        finally:
            self._stop_walker()
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
        """Stop the children (if they are still waiting) and reap them."""
        for fd in (self._requests, self._replies):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._requests = self._replies = -1
        self.pid = _reap(self.pid)
        self._stop_walker()

    def _stop_walker(self) -> None:
        if self._found >= 0:
            try:
                os.close(self._found)
            except OSError:
                pass
            self._found = -1
        self._walker = _reap(self._walker)


def _reap(pid: int) -> int:
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
    return 0


def _child(work: Callable[[], object], *inherited: int) -> None:
    """A forked child's life: close the parent's ends it inherited, do ``work``, exit (never
    returns; nothing from here may reach the user's terminal)."""
    code = 1
    try:
        for fd in inherited:
            if fd >= 0:
                os.close(fd)
        work()
        code = 0
    except BaseException:
        pass
    finally:
        os._exit(code)


def _discovered(discover: Callable[[], list[str]]) -> list[str] | None:
    try:
        return discover()
    except Exception:  # the parent walks again and reports the problem itself
        return None


# The standby `start_early` forked, until a run takes it (claim) or does without it (discard).
_early: Standby | None = None


def start_early() -> None:
    """For a `qbank lint` command line, before the command line's own imports (click and the
    rest, ~40 ms): the checker forked now is ready when a warm run asks it, ~30 ms sooner than
    one forked where the run starts. It warms up with the default rule options and is told the
    run's job when the run starts (``claim``); a run that does not use it stops it (``discard``)."""
    global _early
    if _early is None and Standby.available(None):
        try:
            _early = Standby()
        except OSError:
            pass


def claim(job: Job, discover: Callable[[], list[str]]) -> Standby:
    """This run's standby: the one started early (given the job), else one forked now."""
    global _early
    early, _early = _early, None
    if early is None:
        return Standby(job, discover)
    early.begin(job, discover)
    return early


def discard() -> None:
    """This run uses no standby: stop the one started early, if any."""
    global _early
    early, _early = _early, None
    if early is not None:
        early.close()


def _serve(job: Job | None, requests: int, replies: int) -> None:
    import importlib

    from . import rules, schema
    from .checker import Job, check_file
    from .rules.base import RuleOptions

    # What checking a file needs, loaded before the parent knows which files changed.
    for name in ("loader", "model", "validate"):
        importlib.import_module(f"qbank.{name}")
    rules.item_rules()
    schema.fast_is_valid()
    # what the rules compile or load on first use (~30 ms), with the run's options if known
    check_file("warm-up.yaml", _WARM_UP, job or Job("", True, RuleOptions(), False))
    if job is None:
        import pickle

        job = pickle.loads(_receive(requests))
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
