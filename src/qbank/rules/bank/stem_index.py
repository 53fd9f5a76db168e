"""QB902's index of stems: the near-duplicate pairs of a bank, kept between runs so that the
next run, after a few edits, looks again only at the stems that changed.

Each distinct stem (the first of each group of identical stems, in path order) has a pool:
its 16 smallest shingle hashes. A pool hash held by more than ``cap`` pools (0.5% of the
stems, at least 20 and at most 64, by default: see :class:`Settings`) is boilerplate ("what
should the"); a stem's sketch is the first 8 pool hashes that are not. Two stems are
candidates when their sketches share two hashes (one, if a sketch has only one), and a
near-duplicate pair when, on top, the Jaccard overlap of all their shingles is at least the
similarity (0.7). Whether a pair is reported depends on the two stems
and on whether their pool hashes are boilerplate, nothing else, so an edit changes only
the pairs of the stems it touches (and, when it tips a hash over or under ``cap``, of the
stems holding that hash); everything else is kept. A run with the index and a run
without it report exactly the same pairs.
"""

from __future__ import annotations

import base64
import os
import sys
from array import array
from bisect import bisect_left, insort
from collections import Counter
from itertools import chain
from typing import Any, Callable, NamedTuple

POOL = 16
SKETCH = 8
BOILERPLATE_MIN = 20       # a hash in this many pools is never boilerplate (unless the max is lower)
REBUILD_DEAD_SHARE = 0.25  # rebuild from scratch when this share of slots is dead


class Settings(NamedTuple):
    """QB902's options (stem-similarity, boilerplate-share, boilerplate-max). The index keeps
    the settings it was built with; an update under other settings builds a new one."""

    similarity: float = 0.7
    boilerplate_share: float = 0.005
    boilerplate_max: int = 64  # ...never more stems than this: it bounds the work per stem

    def cap(self, stems: int) -> int:
        """How many pools a hash may be in and still not be boilerplate: 0.5% of the stems,
        at least 20 and at most 64 (so a stem's sketch never leads to more than 8 x 64
        candidates, whatever the size of the bank)."""
        return min(self.boilerplate_max, max(BOILERPLATE_MIN, int(stems * self.boilerplate_share)))


def shingles_of(summary: Any) -> array | None:
    """The sorted shingle hashes of a QB902 summary, or None if it has none."""
    if not isinstance(summary, dict) or not summary.get("h"):
        return None
    try:
        hashes = array("I")
        hashes.frombytes(base64.b64decode(summary["s"], validate=True))
    except (ValueError, TypeError, KeyError):
        return None
    if sys.byteorder != "little":
        hashes.byteswap()
    return hashes if len(hashes) else None


class StemIndex:
    """Distinct stems in slots (a removed stem leaves a dead slot), their shingles, a sorted
    inverted index of pool hashes (``hash << 32 | slot``) and the near-duplicate pairs."""

    def __init__(self, settings: Settings = Settings()) -> None:
        self.settings = settings
        self.cap = 0
        self.slot_rows = array("i")           # the row (in paths) of each slot's stem; -1: dead slot
        self.offsets = array("I", [0])        # slot k's shingles: [offsets[k], offsets[k+1]) of
        self.shingles: array | memoryview = array("I")  # these (as of the last build), then
        self.added = array("I")               # those of slots added by updates since
        self.token = ""                       # names the shingles of the last build
        self.new_build = False                # the shingles are new: they must be written
        self.keys = array("Q")                # sorted hash << 32 | slot, over every live pool
        self.pairs: dict[tuple[str, str], float] = {}   # (path, path) sorted -> similarity
        # The bank as of the last update, one entry per file: summary digest and exact hash.
        self.paths: list[str] = []
        self.digests: list[str | None] = []
        self.exact: list[str | None] = []
        self._sketches: dict[int, list[int]] = {}
        self._counts: Counter[int] | None = None  # while building: hash -> pools holding it

    # --- building and updating -----------------------------------------------------------

    @classmethod
    def build(cls, paths: list[str], digests: list[str | None], summary: Callable[[int], Any],
              settings: Settings = Settings()) -> "StemIndex":
        """The index of a bank from scratch."""
        index = cls(settings)
        found = {i: summary(i) for i, d in enumerate(digests) if d is not None}
        index.paths, index.digests = list(paths), list(digests)
        index.exact = [_exact(found[i]) if i in found else None for i in range(len(paths))]
        distinct = _distinct(index.exact)
        index.cap = settings.cap(len(distinct))
        for i in distinct:
            index._add_slot(i, shingles_of(found[i]))
        index.shingles, index.added = index.added, array("I")
        index.token, index.new_build = os.urandom(8).hex(), True
        pools = [index._pool(k) for k in range(len(index.slot_rows))]
        index.keys = array("Q", sorted([(h << 32) | k for k, pool in enumerate(pools) for h in pool]))
        counts = index._counts = Counter(chain.from_iterable(pools))
        # Each pair once, from its later slot (slots are in path order here), against the
        # earlier slots whose sketches hold the same hashes (what _sketch and _count would
        # say, inline: this loop runs once per stem of the bank).
        cap, sketches = index.cap, index._sketches
        earlier: dict[int, list[int]] = {}
        for k, pool in enumerate(pools):
            sketch = sketches[k] = [h for h in pool if counts[h] <= cap][:SKETCH]
            shared = [earlier[h] for h in sketch if h in earlier]
            if shared:
                index._pair_up(k, index._candidates(k, Counter(chain.from_iterable(shared))))
            for h in sketch:
                earlier.setdefault(h, []).append(k)
        index._counts = None
        index._sketches = {}
        return index

    def update(self, paths: list[str], digests: list[str | None], summary: Callable[[int], Any],
               settings: Settings = Settings()) -> "StemIndex":
        """This index brought up to date with the bank (a new index when that is cheaper, or
        when it was built with other settings)."""
        if settings != self.settings:
            return StemIndex.build(paths, digests, summary, settings)
        old_paths = self.paths
        plan = self._same_files(digests, summary) if paths == old_paths else self._other_files(paths, digests, summary)
        exact, removed, added, fetched = plan
        dead = self.slot_rows.count(-1)
        alive = len(self.slot_rows) - dead - len(removed) + len(added)
        if (settings.cap(alive) != self.cap
                or dead + len(removed) > REBUILD_DEAD_SHARE * (len(self.slot_rows) + len(added))):
            return StemIndex.build(paths, digests, summary, settings)
        gone = {old_paths[self.slot_rows[k]] for k in removed}
        self.paths, self.digests, self.exact = list(paths), list(digests), exact

        before: dict[int, int] = {}
        for k in removed:
            for h in self._pool(k):
                before.setdefault(h, self._count(h))
            for h in self._pool(k):
                del self.keys[bisect_left(self.keys, (h << 32) | k)]
            self.slot_rows[k] = -1
        new_slots = []
        for i in added:
            found = fetched[i] if i in fetched else summary(i)  # unchanged, newly distinct: rare
            k = self._add_slot(i, shingles_of(found))
            new_slots.append(k)
            for h in self._pool(k):
                before.setdefault(h, self._count(h))
                insort(self.keys, (h << 32) | k)
        # Stems whose sketch may have changed: the new ones, and every holder of a pool
        # hash that crossed the boilerplate line.
        again = set(new_slots)
        for h, was in before.items():
            if (was <= self.cap) != (self._count(h) <= self.cap):
                again.update(self._holders(h))
        gone |= {self.paths[self.slot_rows[k]] for k in again}
        self.pairs = {pair: sim for pair, sim in self.pairs.items() if pair[0] not in gone and pair[1] not in gone}
        self._sketches = {}
        for k in sorted(again):
            mine = self._sketch(k)
            self._pair_up(k, self._candidates(k, Counter(o for h in mine for o in self._holders(h)
                                                         if o != k and h in self._sketch(o))))
        return self

    def _same_files(self, digests: list[str | None], summary: Callable[[int], Any]) -> tuple:
        """What changes when the files are those of the last update (the usual warm run):
        only the groups of identical stems that an edited file left or joined can change
        which of their stems is the distinct one. Whole-column work here is done in C."""
        changed = _changed_rows(self.digests, digests)
        exact = list(self.exact)
        fetched = {i: summary(i) for i in changed if digests[i] is not None}
        for i in changed:
            exact[i] = _exact(fetched[i]) if i in fetched else None
        groups = ({self.exact[i] for i in changed} | {exact[i] for i in changed}) - {None}
        old_first = {r for r in (_first(self.exact, h) for h in groups) if r is not None}
        new_first = {r for r in (_first(exact, h) for h in groups) if r is not None}
        edited = set(changed)
        leaving = (old_first - new_first) | (old_first & edited)
        entering = (new_first - old_first) | (new_first & edited)
        return exact, sorted(self.slot_rows.index(r) for r in leaving), sorted(entering), fetched

    def _other_files(self, paths: list[str], digests: list[str | None], summary: Callable[[int], Any]) -> tuple:
        """What changes when files were added, removed or renamed: matched by path."""
        before = dict(zip(self.paths, zip(self.digests, self.exact)))
        changed, exact = [], []
        for i, (p, d) in enumerate(zip(paths, digests)):
            old = before.get(p)
            if old is not None and old[0] == d:
                exact.append(old[1])
            else:
                exact.append(None)
                changed.append(i)
        fetched = {i: summary(i) for i in changed if digests[i] is not None}
        for i in changed:
            exact[i] = _exact(fetched[i]) if i in fetched else None
        distinct = _distinct(exact)
        row_of = dict(zip(map(paths.__getitem__, distinct), distinct))
        slot_of = {self.paths[r]: k for k, r in enumerate(self.slot_rows) if r >= 0}
        kept = (row_of.keys() & slot_of.keys()) - {paths[i] for i in changed}
        for p in kept:  # the same stem, now at another row
            self.slot_rows[slot_of[p]] = row_of[p]
        removed = sorted(slot_of[p] for p in slot_of.keys() - kept)
        added = sorted(row_of[p] for p in row_of.keys() - kept)
        return exact, removed, added, fetched

    def _add_slot(self, row: int, shingles: array | None) -> int:
        self.slot_rows.append(row)
        if shingles is not None:
            self.added.extend(shingles)
        self.offsets.append(len(self.shingles) + len(self.added))
        return len(self.slot_rows) - 1

    def _words(self, k: int) -> array | memoryview:
        """Slot ``k``'s shingles (sorted hashes)."""
        start, end, built = self.offsets[k], self.offsets[k + 1], len(self.shingles)
        return self.shingles[start:end] if end <= built else self.added[start - built:end - built]

    # --- sketches and pairs --------------------------------------------------------------

    def _pool(self, k: int) -> array | memoryview:
        return self._words(k)[:POOL]

    def _count(self, h: int) -> int:
        if self._counts is not None:
            return self._counts[h]
        return bisect_left(self.keys, (h + 1) << 32) - bisect_left(self.keys, h << 32)

    def _holders(self, h: int) -> list[int]:
        lo, hi = bisect_left(self.keys, h << 32), bisect_left(self.keys, (h + 1) << 32)
        return [key & 0xFFFFFFFF for key in self.keys[lo:hi]]

    def _sketch(self, k: int) -> list[int]:
        sketch = self._sketches.get(k)
        if sketch is None:
            sketch = self._sketches[k] = [h for h in self._pool(k) if self._count(h) <= self.cap][:SKETCH]
        return sketch

    def _candidates(self, k: int, shared: Counter[int]) -> list[int]:
        """The slots of ``shared`` (slot -> how many hashes its sketch shares with slot
        ``k``'s, at least one) that are candidates for ``k``: two shared hashes, or one
        when a sketch has only one. Every slot in ``shared`` has its sketch made by now;
        most share one hash, so this is tested without a call per slot."""
        if len(self._sketch(k)) <= 1:
            return list(shared)
        sketches = self._sketches
        return [o for o, n in shared.items() if n >= 2 or len(sketches[o]) <= 1]

    def _pair_up(self, k: int, candidates: list[int]) -> None:
        """Record the near-duplicate pairs of slot ``k`` and its candidates (exact Jaccard)."""
        size = self.offsets[k + 1] - self.offsets[k]
        path = self.paths[self.slot_rows[k]]
        words: set[int] | None = None
        near = self.settings.similarity
        for other in candidates:
            other_size = self.offsets[other + 1] - self.offsets[other]
            small, large = (size, other_size) if size <= other_size else (other_size, size)
            if small < near * large:  # an exact bound: J <= |smaller| / |larger|
                continue
            if words is None:
                words = set(self._words(k))
            inter = len(words.intersection(self._words(other)))
            sim = inter / (small + large - inter)
            if sim >= near:
                a, b = sorted((path, self.paths[self.slot_rows[other]]))
                self.pairs[(a, b)] = sim


def _exact(summary: Any) -> str | None:
    return summary["h"] if isinstance(summary, dict) and isinstance(summary.get("h"), str) and summary["h"] else None


def _changed_rows(old: list, new: list) -> list[int]:
    """Rows where two equally long columns differ, comparing blocks in C first."""
    rows: list[int] = []
    for start in range(0, len(new), 256):
        stop = start + 256
        if old[start:stop] != new[start:stop]:
            rows.extend(i for i in range(start, min(stop, len(new))) if old[i] != new[i])
    return rows


def _first(column: list, value: Any) -> int | None:
    try:
        return column.index(value)
    except ValueError:
        return None


def _distinct(exact: list[str | None]) -> list[int]:
    """Rows of the first stem of each exact group, in path order."""
    # Built from the end, so each hash keeps its first row (done in C: no Python loop).
    first = dict(zip(reversed(exact), range(len(exact) - 1, -1, -1)))
    first.pop(None, None)
    return sorted(first.values())
