"""The progress bar of long runs (`lint`, `fmt`, `export`), on standard error.

Drawn only for a person watching: when standard error is a terminal, the ``CI``
environment variable is not set (CI logs keep every carriage return) and the terminal is
not ``TERM=dumb``. It appears only once a run has taken DELAY seconds, so quick runs
never flash one, and it erases itself when the run ends or a report line is printed
(:meth:`Bar.clear`), so it never ends up in what the command prints.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Iterator, Mapping, TextIO

DELAY = 0.5     # seconds before the bar first appears
REDRAW = 0.1    # seconds between redraws (a 100,000-file run updates it 100,000 times)


def wanted(stream: TextIO | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Whether a bar belongs on ``stream`` (standard error): a terminal, not in CI."""
    stream = sys.stderr if stream is None else stream
    environ = os.environ if environ is None else environ
    if environ.get("CI") or environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


class Bar:
    """``label [#####-----] done/total``, redrawn in place on ``stream``; with ``enabled``
    False every method does nothing, so callers never need to ask."""

    def __init__(self, label: str, stream: TextIO, *, enabled: bool = True, total: int = 0,
                 delay: float | None = None) -> None:
        self.label, self.stream, self.enabled = label, stream, enabled
        self.done, self.total = 0, total
        self._show_at = time.monotonic() + (DELAY if delay is None else delay)
        self._drawn_at = 0.0
        self._width = 0  # characters on screen now (0: nothing drawn)

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` of ``total`` items (the total can be given, or change, along the way)."""
        self.done = done
        if total is not None:
            self.total = total
        if self.enabled:
            now = time.monotonic()
            if now >= self._show_at and now - self._drawn_at >= REDRAW:
                self._draw(now)

    def advance(self, n: int = 1) -> None:
        """``n`` more items done."""
        self.update(self.done + n)

    def clear(self) -> None:
        """Erase the bar (before printing a line; the next update draws it again)."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
            self._drawn_at = 0.0

    def _draw(self, now: float) -> None:
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns or 80  # 0: size unknown
        except (AttributeError, ValueError, OSError):
            columns = 80
        count = f" {self.done:,}/{self.total:,}" if self.total else f" {self.done:,}"
        room = columns - 1 - len(self.label) - len(count) - 3
        if room >= 10 and self.total:
            filled = room * min(self.done, self.total) // self.total
            line = f"{self.label} [{'#' * filled}{'-' * (room - filled)}]{count}"
        else:
            line = (self.label + count)[:columns - 1]
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)
        self._drawn_at = now


@contextmanager
def progress_bar(label: str, total: int = 0) -> Iterator[Bar]:
    """A bar on standard error for the length of the block, if one is :func:`wanted`."""
    bar = Bar(label, sys.stderr, enabled=wanted(sys.stderr), total=total)
    try:
        yield bar
    finally:
        bar.clear()
