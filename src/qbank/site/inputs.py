"""What the site reads besides the questions: form files (contracts: `forms/A.yaml`) and the
item statistics store (`qbank-stats.json` beside qbank.toml). Anything unusable is a QB030
warning at its place and is left out; the rest of the site is built."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, diagnostic
from ..fsutil import read_bounded
from ..model import Question

MAX_INPUT_BYTES = 64 * 1024 * 1024   # a stats store for 100,000 items is ~30 MB
STATS_FILE = "qbank-stats.json"


def _warn(path: str, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    return diagnostic("QB030", path, line, column, message)


def _read(path: Path, found: list[Diagnostic]) -> str | None:
    try:
        return read_bounded(path, MAX_INPUT_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        found.append(_warn(str(path), "not UTF-8 text; left out of the site"))
    except OSError as exc:
        found.append(_warn(str(path), f"cannot be read ({getattr(exc, 'strerror', None) or exc}); left out of the site"))
    return None


@dataclass(frozen=True)
class FormItem:
    id: str
    area: str | None
    order: tuple[int, ...] | None   # display order: indices into the options as written


@dataclass(frozen=True)
class Form:
    name: str
    blueprint: str | None
    items: tuple[FormItem, ...]
    path: str


def read_form(path: Path, questions: dict[str, Question], found: list[Diagnostic]) -> Form | None:
    """The form in ``path``, or None (with a QB030 warning) when it cannot be used."""
    from ruamel.yaml import YAML, YAMLError

    text = _read(path, found)
    if text is None:
        return None
    where = str(path)
    try:
        data = YAML(typ="rt", pure=True).load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        found.append(_warn(where, f"not valid YAML ({getattr(exc, 'problem', None) or 'syntax error'}); form left out",
                           mark.line + 1 if mark else 1, mark.column + 1 if mark else 1))
        return None
    except Exception as exc:  # ruamel raises a few non-YAMLError types (recursion, bad tags)
        found.append(_warn(where, f"cannot be read as a form ({type(exc).__name__}); form left out"))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list) or not data["items"]:
        found.append(_warn(where, "a form file is a mapping with `form:` and a non-empty `items:` list; form left out"))
        return None
    items: list[FormItem] = []
    for i, entry in enumerate(data["items"]):
        line, col = (data["items"].lc.item(i) if hasattr(data["items"], "lc") else (0, 0))
        line, col = line + 1, col + 1
        qid = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(qid, str) or qid not in questions:
            found.append(_warn(where, f"item {i + 1}: {'no question with id ' + repr(qid) if isinstance(qid, str) else 'no `id:`'}"
                                      " in the bank; form left out", line, col))
            return None
        order = entry.get("order")
        n = len(questions[qid].options)
        if order is not None and (not isinstance(order, list) or sorted(order) != list(range(n))
                                  or any(isinstance(k, bool) or not isinstance(k, int) for k in order)):
            found.append(_warn(where, f"item {qid}: `order` must list each of 0..{n - 1} once; form left out", line, col))
            return None
        area = entry.get("area")
        items.append(FormItem(qid, str(area) if area is not None else None,
                              tuple(int(k) for k in order) if order is not None else None))
    name = data.get("form")
    blueprint = data.get("blueprint")
    return Form(str(name) if name is not None else path.stem, str(blueprint) if blueprint is not None else None,
                tuple(items), where)


@dataclass
class Stats:
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _item_ok(entry: Any, n_options: int | None) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("n"), int) or not _number(entry.get("p")):
        return False
    if any(k in entry and not _number(entry[k]) for k in ("rpb", "upper_lower")):
        return False
    options = entry.get("options", [])
    return (isinstance(options, list) and all(isinstance(o, dict) and all(_number(o.get(k, 0)) for k in ("rate", "rpb"))
                                              for o in options)
            and (n_options is None or not options or len(options) == n_options))


def read_stats(root: Path, questions: dict[str, Question], found: list[Diagnostic]) -> Stats | None:
    """The item statistics store of the bank at ``root`` when there is one (None when not);
    entries of the wrong shape, or for an item whose option count differs, are left out."""
    path = root / STATS_FILE
    if not os.path.isfile(path):
        return None
    text = _read(path, found)
    if text is None:
        return None
    where = str(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        found.append(_warn(where, f"not JSON ({exc.msg}); item statistics left out", exc.lineno, exc.colno))
        return None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("items", {}), dict):
        found.append(_warn(where, "not a version 1 statistics store; item statistics left out"))
        return None
    stats = Stats()
    for qid, entry in sorted(data.get("items", {}).items()):
        q = questions.get(qid)
        if _item_ok(entry, len(q.options) if q is not None else None):
            stats.items[qid] = entry
        else:
            found.append(_warn(where, f"item {qid}: entry of the wrong shape (or another number of options than "
                                      "the question has); left out"))
    forms = data.get("forms", {})
    if isinstance(forms, dict):
        stats.forms = {k: v for k, v in sorted(forms.items())
                       if isinstance(v, dict) and isinstance(v.get("n"), int) and _number(v.get("kr20"))}
    return stats
