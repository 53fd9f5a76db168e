"""A checker on standby for warm runs.

A warm `qbank lint` spends most of its time on two independent things: walking the bank
and reading the cache (the parent), and importing the YAML loader, the schema validator
and the rules for the few files that changed (~30 ms of imports). So a warm run forks a
child as it starts; the child does the imports while the parent works out which files
changed, then checks them and sends the results back. With two cores or more the imports
leave the critical path. Results travel as plain values through marshal (our own two
processes, over a private pipe; no pickle to import). Anything unexpected (no fork, a child that died, a garbled
reply) makes the parent check the files itself: the standby can only save time.
"""

from __future__ import annotations

import marshal
import os
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import FileResult, Job

MAX_FILES = 64  # more changed files than this go to the worker pool instead


class Standby:
    """A forked child waiting for a list of paths to check (see the module docstring)."""

    def __init__(self, job: Job) -> None:
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
                _serve(job, requests, replies)
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

    def check(self, paths: list[str]) -> list[FileResult] | None:
        """The child's results for ``paths``, in order; None if it could not give them."""
        try:
            from .engine import FileResult

            _write_all(self._requests, marshal.dumps(paths))
            os.close(self._requests)
            self._requests = -1
            results = [FileResult.from_wire(v) for v in marshal.loads(_read_all(self._replies))]
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


def _serve(job: Job, requests: int, replies: int) -> None:
    import importlib

    from . import rules, schema
    from .engine import check_file

    # What checking a file needs, loaded before the parent knows which files changed.
    for name in ("loader", "model", "validate"):
        importlib.import_module(f"qbank.{name}")
    rules.item_rules()
    schema.fast_is_valid()
    data = _read_all(requests)
    if not data:  # nothing to check: the parent closed the pipe
        return
    paths = marshal.loads(data)
    _write_all(replies, marshal.dumps([check_file(p, None, job).to_wire() for p in paths]))


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
