"""Blueprints: the content outline a bank is written against, declared in ``qbank.toml``.

```toml
[blueprints.aswb-clinical-2026]
title = "ASWB Clinical exam, content outline effective August 2026"
version = "2026-08"
source = "citation or URL"
form-size = 122            # optional: the form size the bank must be able to fill (QB910)
[[blueprints.aswb-clinical-2026.areas]]
name = "Values and Ethics"
weight = 35                # percent; or a range [33, 37]
match = { field = "domain", value = "values-ethics" }   # or { topic = "..." } or { tag = "..." }
```

Problems in a blueprint are QB008 (qbank.toml is invalid) at the line of the key, like every
other setting: a blueprint is part of the bank's configuration, and a bad one stops lint and
export as a bad option does. The weights of a blueprint must add up to 100 (within 0.5), or
with ranges admit 100 (the lows add up to at most 100, the highs to at least 100).

A question is in an area when the area's match holds: its `topic` (compared case-insensitively),
one of its `tags`, or a bank-declared field (a list field: one of its values). An item may be in
no area (``qbank stats`` lists it); in two areas of one blueprint it is an error (QB020).

Blueprints, areas and matches are named tuples: plain, picklable, comparable and written by
JSON as lists, so the rule options that carry them to QB910 stay part of the cache key.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Iterable, NamedTuple

from .errors import UsageError

SETTINGS = ("title", "version", "source", "form-size", "areas")
AREA_SETTINGS = ("name", "weight", "match")
MATCH_KINDS = ("field", "topic", "tag")
WEIGHT_TOLERANCE = 0.5   # percent: published outlines round their weights
MAX_FORM_SIZE = 100_000

Where = tuple[str, int, int]            # (file as shown, line, column)
Report = Callable[..., None]            # report(key, message, at=None): a QB008 finding


class Match(NamedTuple):
    kind: str                # "field" | "topic" | "tag"
    value: Any               # the topic, tag or field value an item must have
    field: str = ""          # the field's name (kind "field")

    def describe(self) -> str:
        return f"{self.field} = {self.value!r}" if self.kind == "field" else f"{self.kind} {self.value!r}"


class Area(NamedTuple):
    name: str
    low: float               # weight in percent: low == high for a single figure
    high: float
    match: Match
    where: Where | None = None   # its `[[...areas]]` header in qbank.toml

    @property
    def weight(self) -> float:
        """The nominal weight: the figure, or the middle of the range."""
        return (self.low + self.high) / 2


class Blueprint(NamedTuple):
    name: str
    areas: tuple[Area, ...]
    title: str = ""
    version: str = ""
    source: str = ""
    form_size: int | None = None
    where: Where | None = None


# --- reading qbank.toml -------------------------------------------------------------------

def parse_blueprints(table: Any, report: Report, text: str = "", shown: str = "") -> dict[str, Blueprint]:
    """The valid blueprints of ``[blueprints.NAME]`` tables; each problem goes to ``report``
    (config.py's QB008 reporter) at its key. A blueprint with a problem is left out."""
    if not isinstance(table, dict):
        report(("blueprints",), "`blueprints` must hold one table per blueprint: [blueprints.NAME]")
        return {}
    found: dict[str, Blueprint] = {}
    for name, spec in table.items():
        blueprint = _blueprint(name, spec, report, text, shown)
        if blueprint is not None:
            found[name] = blueprint
    return found


def _did_you_mean(word: Any, known: Iterable[str]) -> str:
    """"; did you mean `x`?" for a near miss among ``known``, else the list (as config.py says it)."""
    import difflib

    hint = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6) if isinstance(word, str) else []
    return f"; did you mean `{hint[0]}`?" if hint else f"; known: {', '.join(sorted(known))}"


def _blueprint(name: str, spec: Any, report: Report, text: str, shown: str) -> Blueprint | None:
    key = ("blueprints", name)
    if not isinstance(spec, dict):
        report(key, f"`blueprints.{name}` must be a table: [blueprints.{name}] with title and areas")
        return None
    ok = True
    for k in spec:
        if k not in SETTINGS:
            report(key + (k,), f"unknown setting `blueprints.{name}.{k}`{_did_you_mean(k, SETTINGS)}")
            ok = False
    texts = {}
    for k in ("title", "version", "source"):
        value = spec.get(k, "")
        if not isinstance(value, str):
            report(key + (k,), f"`blueprints.{name}.{k}` must be text")
            ok = False
        texts[k] = value if isinstance(value, str) else ""
    size = spec.get("form-size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_FORM_SIZE):
        report(key + ("form-size",), f"`blueprints.{name}.form-size` must be a whole number from 1 to "
                                     f"{MAX_FORM_SIZE:,}, not {size!r}")
        ok = False
    raw_areas = spec.get("areas")
    if not isinstance(raw_areas, list) or not raw_areas:
        report(key + ("areas",) if "areas" in spec else key,
               f"blueprint `{name}` needs its areas: one [[blueprints.{name}.areas]] table per area, "
               "with name, weight and match")
        return None
    headers = _headers(text, ["blueprints", name, "areas"], shown)
    areas: list[Area] = []
    for i, raw in enumerate(raw_areas):
        at = headers[i] if i < len(headers) else None
        area = _area(name, i, raw, report, at)
        if area is None:
            ok = False
        else:
            areas.append(area)
    names = [a.name for a in areas]
    for i, a in enumerate(areas):
        if a.name in names[:i]:
            report(key + ("areas",), f"blueprint `{name}` has two areas named {a.name!r}; give each its own name",
                   at=a.where[1:] if a.where else None)
            ok = False
    if not ok:
        return None
    low, high = sum(a.low for a in areas), sum(a.high for a in areas)
    if low == high and abs(low - 100) > WEIGHT_TOLERANCE:
        report(key + ("areas",), f"the weights of blueprint `{name}` add up to {_pct(low)}, not 100")
        return None
    if low != high and not (low - WEIGHT_TOLERANCE <= 100 <= high + WEIGHT_TOLERANCE):
        report(key + ("areas",), f"the weights of blueprint `{name}` cannot add up to 100: the ranges give "
                                 f"{_pct(low)} to {_pct(high)}")
        return None
    own = _headers(text, ["blueprints", name], shown)
    return Blueprint(name, tuple(areas), texts["title"], texts["version"], texts["source"], size,
                     own[0] if own else None)


def _pct(value: float) -> str:
    return f"{value:g}%"


def _area(name: str, i: int, raw: Any, report: Report, at: Where | None) -> Area | None:
    key = ("blueprints", name, "areas")
    where = at[1:] if at else None

    def bad(message: str) -> None:
        report(key, f"blueprint `{name}`, area {i + 1}: {message}", at=where)

    if not isinstance(raw, dict):
        bad("must be a table with name, weight and match")
        return None
    ok = True
    for k in raw:
        if k not in AREA_SETTINGS:
            bad(f"unknown setting `{k}`{_did_you_mean(k, AREA_SETTINGS)}")
            ok = False
    area_name = raw.get("name")
    if not isinstance(area_name, str) or not area_name.strip():
        bad("`name` must be non-empty text")
        ok = False
    weight = raw.get("weight")
    bounds = _weight(weight)
    if bounds is None:
        bad(f"`weight` must be a percentage (35) or a range of two ([33, 37]) from 0 to 100, not {weight!r}")
        ok = False
    match = _match(raw.get("match"))
    if isinstance(match, str):
        bad(match)
        ok = False
    if not ok:
        return None
    return Area(area_name.strip(), bounds[0], bounds[1], match, at)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _weight(value: Any) -> tuple[float, float] | None:
    if _number(value):
        low = high = float(value)
    elif isinstance(value, list) and len(value) == 2 and all(map(_number, value)):
        low, high = float(value[0]), float(value[1])
    else:
        return None
    return (low, high) if 0 <= low <= high <= 100 else None


def _match(value: Any) -> Match | str:
    """The area's match, or why it cannot be read."""
    example = '{ field = "domain", value = "values-ethics" }, { topic = "..." } or { tag = "..." }'
    if not isinstance(value, dict):
        return f"`match` must be a table: {example}"
    kinds = [k for k in MATCH_KINDS if k in value]
    unknown = [k for k in value if k not in (*MATCH_KINDS, "value")]
    if unknown:
        return f"`match` has an unknown key `{unknown[0]}`{_did_you_mean(unknown[0], (*MATCH_KINDS, 'value'))}"
    if len(kinds) != 1:
        return f"`match` needs exactly one of field, topic or tag, not {len(kinds)}: {example}"
    kind = kinds[0]
    if kind == "field":
        if not isinstance(value["field"], str) or "value" not in value:
            return '`match` on a field names it and the value: { field = "domain", value = "values-ethics" }'
        wanted = value["value"]
        if not isinstance(wanted, (str, int, float, bool)):
            return "`match.value` must be text, a number or true/false"
        return Match("field", wanted, value["field"])
    if "value" in value:
        return f"`match` on a {kind} takes no `value`: {{ {kind} = \"...\" }}"
    if not isinstance(value[kind], str) or not value[kind].strip():
        return f"`match.{kind}` must be non-empty text"
    return Match(kind, value[kind].strip())


_HEADER = re.compile(r"\s*(\[\[?)([^\[\]]+)\]\]?")
_PART = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)""")


def _headers(text: str, parts: list[str], shown: str) -> list[Where]:
    """Where each table header naming ``parts`` (`[blueprints.b]`, `[[blueprints.b.areas]]`) is,
    in order. Areas written as an inline array have none: their findings go to the table."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if not m:
            continue
        names, pos, body = [], 0, m.group(2)
        while pos < len(body):
            part = _PART.match(body, pos)
            if not part or part.end() == pos:
                break
            names.append(next(g for g in part.groups() if g is not None))
            pos = part.end()
        if names == parts:
            found.append((shown, n, len(line) - len(line.lstrip()) + 1))
    return found


# --- using a blueprint --------------------------------------------------------------------

def choose(blueprints: dict[str, Blueprint], name: str | None) -> Blueprint:
    """The blueprint ``name``; without a name, the bank's only one. Raises UsageError (with a
    "did you mean") for an unknown name, no blueprint, or several and no name."""
    import difflib

    if name is None:
        if len(blueprints) == 1:
            return next(iter(blueprints.values()))
        if not blueprints:
            raise UsageError("the bank has no blueprint: declare one in qbank.toml as [blueprints.NAME] "
                             "(README: Blueprints)")
        raise UsageError(f"the bank has {len(blueprints)} blueprints; choose one with --blueprint "
                         f"({', '.join(sorted(blueprints))})")
    if name in blueprints:
        return blueprints[name]
    close = difflib.get_close_matches(name, sorted(blueprints), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    known = f" (blueprints: {', '.join(sorted(blueprints))})" if blueprints else " (the bank declares none)"
    raise UsageError(f"no blueprint named '{name}'{hint}{known}")


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()


def matches(match: Match, question: Any) -> bool:
    """Does ``question`` (a model.Question) satisfy ``match``?"""
    if match.kind == "topic":
        return _fold(question.topic) == _fold(match.value)
    if match.kind == "tag":
        return match.value in question.tags
    value = getattr(question, "fields", {}).get(match.field)
    if isinstance(value, (list, tuple)):
        return match.value in value
    if isinstance(value, bool) or isinstance(match.value, bool):  # True == 1 in Python, not here
        return value is match.value
    return value is not None and value == match.value


def areas_of(blueprint: Blueprint, question: Any) -> list[int]:
    """The indices of the areas ``question`` is in (none, one, or, in error, several)."""
    return [i for i, area in enumerate(blueprint.areas) if matches(area.match, question)]


class Membership(NamedTuple):
    """Questions by area (in the order given), those in no area, and those in several."""

    by_area: tuple[tuple[Any, ...], ...]
    unassigned: tuple[Any, ...]
    overlaps: tuple[tuple[Any, tuple[int, ...]], ...]


def membership(blueprint: Blueprint, questions: Iterable[Any]) -> Membership:
    by_area: list[list[Any]] = [[] for _ in blueprint.areas]
    unassigned, overlaps = [], []
    for q in questions:
        found = areas_of(blueprint, q)
        if len(found) == 1:
            by_area[found[0]].append(q)
        elif not found:
            unassigned.append(q)
        else:
            overlaps.append((q, tuple(found)))
    return Membership(tuple(map(tuple, by_area)), tuple(unassigned), tuple(overlaps))


def overlap_diagnostics(blueprint: Blueprint, overlaps: Iterable[tuple[Any, tuple[int, ...]]]) -> list[Any]:
    """QB020 at the `id` of each question in several areas (its file is read again for the
    place: only these few questions need it)."""
    from .diagnostics import diagnostic
    from .export.common import locate

    out = []
    for q, indices in overlaps:
        names = [blueprint.areas[i].name for i in indices]
        kinds = sorted({blueprint.areas[i].match.kind for i in indices})
        line, col = locate(q.path, ("id",))
        out.append(diagnostic("QB020", q.path, line, col,
                              f"the question is in {len(names)} areas of blueprint `{blueprint.name}` "
                              f"({', '.join(map(repr, names))}); an item belongs to one area: change its "
                              f"{' or '.join(kinds)}, or make the blueprint's matches exclusive"))
    return out


def largest_remainder(weights: list[float], n: int) -> list[int]:
    """``n`` split in proportion to ``weights`` by the largest remainder (Hamilton) method:
    each gets the whole part of its quota, and the seats left go to the largest remainders
    (ties: the earlier one). The counts add up to ``n``."""
    total = sum(weights)
    if n <= 0 or total <= 0:
        return [0] * len(weights)
    quotas = [w * n / total for w in weights]
    counts = [math.floor(q + 1e-9) for q in quotas]
    left = n - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[:max(left, 0)]:
        counts[i] += 1
    return counts


def targets(blueprint: Blueprint, n: int) -> list[int]:
    """How many of a form of ``n`` items each area gets: its nominal weight (a range's middle),
    the weights taken as shares of their sum, by largest remainder."""
    return largest_remainder([a.weight for a in blueprint.areas], n)


class Pool(NamedTuple):
    """One area as an LMS question pool: draw ``pick`` of ``questions`` (`qbank export --pools`)."""

    area: str
    pick: int
    questions: tuple[Any, ...]


def pools(blueprint: Blueprint, questions: Iterable[Any], items: int) -> list[Pool]:
    """The areas of ``blueprint`` as pools of ``questions`` (in their order), each drawing its
    share of a form of ``items``. Questions in no area are left out. Raises ExportError for a
    question in two areas, or an area with fewer questions than it draws."""
    from .errors import ExportError

    questions = list(questions)
    member = membership(blueprint, questions)
    if member.overlaps:
        q, idx = member.overlaps[0]
        raise ExportError(f"{q.path}: {q.id} is in {len(idx)} areas of blueprint `{blueprint.name}` (QB020; "
                          "`qbank stats` lists every such question)")
    out = []
    for area, found, pick in zip(blueprint.areas, member.by_area, targets(blueprint, items)):
        if len(found) < pick:
            raise ExportError(f"area {area.name!r} of blueprint `{blueprint.name}` has {len(found)} of the questions "
                              f"to export; a pool for a {items}-item form draws {pick} from it: it lacks "
                              f"{pick - len(found)}")
        out.append(Pool(area.name, pick, found))
    return out
