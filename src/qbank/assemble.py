"""`qbank assemble`: forms of N items in a blueprint's proportions, reproducible from a seed.

How a set of forms (A, B, ...) is built, area by area in the blueprint's order:

1. The area's share of N: the weights by largest remainder (blueprint.targets). Of the form's
   N items, ``overlap`` percent (rounded) are common to every form, split over the areas the
   same way; the rest of each area's share is drawn for each form separately. An area that has
   fewer usable items than it needs (its common items plus each form's own) is infeasible:
   QB021 at the area in qbank.toml, saying how many items it lacks. Usable: `status: approved`
   (``statuses`` adds others), in exactly one area (an item in two is QB020).
2. The area's items, sorted by id, are shuffled by ``random.Random(seed)`` and dealt by
   difficulty: the common part and each form's own part get the area's difficulty mix (its
   counts by largest remainder: the same for every form, so parallel forms get parallel mixes),
   the forms taking turns item by item; a difficulty that runs out is made up from the others.
3. An item whose stem is identical or a near-duplicate (QB902's 3-word shingles, Jaccard at or
   above its `stem-similarity`) of one already in the form is passed over for that form.
4. Each form's items are shuffled into their delivery order; then, item by item, the key goes
   to the position used least so far among items with as many options (ties: not the previous
   item's position, then the seed), and the other options are shuffled around it. Options that
   must keep their place (``shuffle: false``, "Both A and C", ordered numbers, "None of the
   above" kept last: qbank.order) keep it.

Everything comes from one ``random.Random(seed)`` consumed in a fixed order over sorted inputs,
so the same bank, blueprint, options and seed give byte-identical form files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .blueprint import Blueprint, largest_remainder, membership, overlap_diagnostics, targets
from .diagnostics import Diagnostic, diagnostic, plural
from .errors import QbankError
from .forms import NAME, Form, FormItem, dump
from .model import Question

DIFFICULTY_ORDER = ("easy", "medium", "hard", None)


class AssembleError(QbankError):
    """The forms cannot be assembled; ``diagnostics`` say why (QB020, QB021)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics[0].message)
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Request:
    items: int                          # N: items per form
    forms: tuple[str, ...] = ("A",)
    seed: int = 0
    overlap: float = 0.0                # percent of each form's items common to all forms
    statuses: frozenset[str] = frozenset({"approved"})


class _Stems:
    """Near-duplicate tests between stems, computed only for the items a form considers (a
    100,000-item bank needs a few hundred signatures, not 100,000)."""

    def __init__(self, similarity: float, alone: int) -> None:
        self.similarity, self.alone = similarity, alone
        self._sig: dict[str, tuple[str, frozenset[int]] | None] = {}

    def signature(self, q: Question) -> tuple[str, frozenset[int]] | None:
        if q.id not in self._sig:
            from .rules.bank.duplicate_stem import stem_signature
            from .rules.bank.stem_index import shingles_of

            summary = stem_signature(q.stem, [o.text for o in q.options], self.alone)
            shingles = shingles_of(summary)
            self._sig[q.id] = None if summary is None else (summary["h"], frozenset(shingles or ()))
        return self._sig[q.id]

    def near(self, a: Question, b: Question) -> bool:
        sa, sb = self.signature(a), self.signature(b)
        if sa is None or sb is None:
            return False
        if sa[0] == sb[0]:
            return True
        small, large = sorted((len(sa[1]), len(sb[1])))
        if not large or small < self.similarity * large:   # Jaccard <= |smaller| / |larger|
            return False
        inter = len(sa[1] & sb[1])
        return inter / (len(sa[1]) + len(sb[1]) - inter) >= self.similarity


def _area_where(blueprint: Blueprint, index: int, config_path: str) -> tuple[str, int, int]:
    area = blueprint.areas[index]
    if area.where is not None:
        return area.where
    return blueprint.where or (config_path, 1, 1)


def assemble(questions: Iterable[Question], blueprint: Blueprint, request: Request, options: Any = None,
             config_path: str = "qbank.toml") -> list[Form]:
    """The forms ``request`` asks for, from ``questions`` (valid ones, any order) by ``blueprint``.
    ``options``: the bank's rule options (QB902's stem-similarity and stem-alone-words). Raises
    AssembleError (QB020/QB021) when it cannot be done; nothing is written here."""
    from .rules.bank import duplicate_stem  # noqa: F401 - declares the QB902 options read below
    from .rules.base import RuleOptions

    options = options or RuleOptions()
    stems = _Stems(options.stem_similarity, options.stem_alone_words)
    rng = random.Random(request.seed)
    usable = sorted((q for q in questions if q.status in request.statuses and not q.retired), key=lambda q: q.id)
    member = membership(blueprint, usable)
    if member.overlaps:
        raise AssembleError(overlap_diagnostics(blueprint, member.overlaps))
    n, forms = request.items, request.forms
    shares = targets(blueprint, n)
    common_total = min(n, int(n * request.overlap / 100 + 0.5)) if len(forms) > 1 else n   # half up
    commons = largest_remainder([float(s) for s in shares], common_total) if common_total < n else list(shares)
    chosen: dict[str, list[tuple[Question, str]]] = {f: [] for f in forms}
    short: list[Diagnostic] = []
    for index, (area, share, common) in enumerate(zip(blueprint.areas, shares, commons)):
        own = share - common
        need = common + own * len(forms)
        pool = list(member.by_area[index])
        rng.shuffle(pool)
        got = _deal(pool, common, own, forms, chosen, stems)
        if got is not None:
            for f in forms:
                chosen[f] += [(q, area.name) for q in got[f]]
            continue
        what = "its share" if len(forms) == 1 else (
            f"{common} common + {own} for each of {len(forms)} forms" if common else f"{own} for each of {len(forms)} forms")
        passed = " (after keeping near-duplicate stems apart)" if len(pool) >= need else ""
        path, line, col = _area_where(blueprint, index, config_path)
        short.append(diagnostic("QB021", path, line, col,
                                f"area {area.name!r} has {plural(len(pool), 'usable item')}; a {n}-item form needs "
                                f"{share} from it ({what}: {need} in all){passed}: it lacks "
                                f"{max(need - len(pool), 1)}"))
    if short:
        raise AssembleError(short)
    return [_finish(f, blueprint, request.seed, chosen[f], rng) for f in forms]


def _deal(pool: list[Question], common: int, own: int, forms: tuple[str, ...],
          chosen: dict[str, list[tuple[Question, str]]], stems: _Stems) -> dict[str, list[Question]] | None:
    """Take ``common`` items for every form, then ``own`` for each form, from ``pool`` (shuffled),
    each part with the difficulty mix of the pool (its counts by largest remainder, the same for
    every form: parallel forms), the forms taking turns item by item; an item that is a
    near-duplicate of one a form holds (in any area) is passed over for that form. A difficulty
    that runs out is made up from the others. None when the area runs out."""
    levels = [d for d in DIFFICULTY_ORDER if any(_level(q) == d for q in pool)]
    buckets = {d: [q for q in pool if _level(q) == d] for d in levels}
    sizes = [float(len(buckets[d])) for d in levels]
    picked: dict[str, list[Question]] = {f: [] for f in forms}
    held = {f: [q for q, _ in chosen[f]] for f in forms}

    def take(names: tuple[str, ...], wanted: list[str]) -> bool:
        for d in wanted:
            bucket = buckets[d]
            for i, q in enumerate(bucket):
                if all(not stems.near(q, other) for f in names for other in held[f]):
                    del bucket[i]
                    for f in names:
                        picked[f].append(q)
                        held[f].append(q)
                    return True
        return False

    def fill(groups: list[tuple[str, ...]], n: int) -> bool:
        if n and not levels:
            return False
        quotas = largest_remainder(sizes, n)
        for d, quota in zip(levels, quotas):
            for _ in range(quota):
                for names in groups:   # each group its item of this difficulty, or another one
                    others = sorted(levels, key=lambda x: -len(buckets[x]))
                    if not take(names, [d, *others]):
                        return False
        return True

    if not fill([forms], common) or not fill([(f,) for f in forms], own):
        return None
    return picked


def _level(q: Question) -> str | None:
    return q.difficulty if q.difficulty in DIFFICULTY_ORDER else None


def _finish(name: str, blueprint: Blueprint, seed: int, items: list[tuple[Question, str]],
            rng: random.Random) -> Form:
    """The form: its items in a shuffled delivery order, each with a balanced key position."""
    from .order import option_order

    items = sorted(items, key=lambda t: t[0].id)
    rng.shuffle(items)
    used: dict[int, list[int]] = {}
    previous: int | None = None
    out = []
    for q, area in items:
        k = len(q.options)
        counts = used.setdefault(k, [0] * k)
        order = option_order(q)
        if not order.shuffle:
            arrangement = list(range(k))
        else:
            fixed = set(order.fixed)
            movable = [i for i in range(k) if i not in fixed]
            key = q.key_index
            if key in fixed or len(movable) < 2:
                slots = [key]
            else:
                low = min(counts[s] for s in movable)
                slots = [s for s in movable if counts[s] == low]
                if len(slots) > 1 and previous in slots:
                    slots.remove(previous)
            place = rng.choice(slots)
            others = [i for i in movable if i != key]
            rng.shuffle(others)
            arrangement = [0] * k
            for i in fixed:
                arrangement[i] = i
            if key not in fixed:
                arrangement[place] = key
            free = iter(others)
            for s in movable:
                if s != place or key in fixed:
                    arrangement[s] = next(free)
        position = arrangement.index(q.key_index)
        counts[position] += 1
        previous = position
        out.append(FormItem(q.id, area, tuple(arrangement)))
    return Form(name, blueprint.name, seed, tuple(out))


def check_names(forms: Iterable[str]) -> tuple[str, ...]:
    """The form names of `--forms A,B`, checked: each a file name of its own."""
    from .errors import UsageError

    names = tuple(f.strip() for f in forms if f.strip())
    if not names:
        raise UsageError("--forms needs at least one form name, e.g. A or A,B")
    bad = [f for f in names if not NAME.match(f)]
    if bad:
        raise UsageError(f"form name {bad[0]!r}: use letters, digits, '.', '_' or '-' (it names the form's file)")
    if len(set(names)) != len(names):
        raise UsageError("--forms names a form twice")
    return names


def write_forms(forms: list[Form], out_dir: str | Path) -> list[Path]:
    """Each form to ``out_dir/<name>.yaml``, every file atomically and only once all are ready;
    a name can never lead outside ``out_dir`` (names are checked file names)."""
    from .export import prepare_out_dir
    from .fsutil import atomic_write

    out = prepare_out_dir(Path(out_dir))
    paths = []
    for form in forms:
        if not NAME.match(form.name):
            raise ValueError(f"form name {form.name!r} is not a file name")
        target = out / f"{form.name}.yaml"
        atomic_write(target, dump(form), keep_mode=False)
        paths.append(target)
    return paths
