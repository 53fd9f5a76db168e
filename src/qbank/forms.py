"""Form files: which items a form holds, in which order, with which option order.

```yaml
form: A
blueprint: aswb-clinical-2026
seed: 7
items:
  - id: lcsw-eth-001
    area: Values and Ethics
    order: [2, 0, 1]       # display order: indices into the item's options as written in the file
```
`qbank assemble` writes them (:func:`dump`, reproducible from the seed); every exporter reads
them (`qbank export --form FILE`: :func:`read`, then :func:`apply`), and delivers the items in
that order with their options in that order, the key following its option. A problem in a form
file is QB022 at its line and column, never a traceback. Form files are read by qbank's own YAML
reader, with its bounds (1 MB, 20,000 values: a form of about 1,500 items).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable

from .diagnostics import Diagnostic, diagnostic
from .errors import ExportError
from .model import Question

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")   # a form's name is its file's name
MAX_FORM_BYTES = 1_000_000


@dataclass(frozen=True)
class FormItem:
    id: str
    area: str
    order: tuple[int, ...]
    line: int = 1          # where the entry is in the form file (for QB022)
    column: int = 1


@dataclass(frozen=True)
class Form:
    name: str
    blueprint: str
    seed: int
    items: tuple[FormItem, ...]
    path: str = ""


class FormError(ExportError):
    """A form file cannot be used; ``diagnostics`` are its QB022 findings."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        first = diagnostics[0]
        super().__init__(f"{first.path}: the form cannot be used ({first.message})")
        self.diagnostics = diagnostics


def _scalar(value: Any) -> str:
    """A YAML 1.2 scalar for ``value``: plain where it reads back as the same text, else JSON's
    double-quoted form (which YAML reads the same)."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9 ._()/&,-]*[A-Za-z0-9.)]|[A-Za-z]", value) \
            and value.lower() not in ("true", "false", "null", "yes", "no", "on", "off") and ": " not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def dump(form: Form) -> bytes:
    """The form file's text: the contract's layout, one entry per item, stable byte for byte."""
    lines = ["# Written by qbank assemble: the same bank, blueprint, options and seed give this file again.",
             f"form: {_scalar(form.name)}", f"blueprint: {_scalar(form.blueprint)}", f"seed: {form.seed}", "items:"]
    for item in form.items:
        lines += [f"  - id: {_scalar(item.id)}", f"    area: {_scalar(item.area)}",
                  f"    order: [{', '.join(map(str, item.order))}]"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def read(path: str | Path) -> Form:
    """The form in the file at ``path``. Raises FormError (QB022 at the place) for a file that
    cannot be read or does not have the form's layout."""
    from .fsutil import read_bounded
    from .loader import load

    shown = str(path)

    def fail(message: str, line: int = 1, column: int = 1) -> FormError:
        return FormError([diagnostic("QB022", shown, line, column, message)])

    try:
        raw = read_bounded(path, MAX_FORM_BYTES)
    except OSError as exc:
        raise fail(f"cannot read the form file: {getattr(exc, 'strerror', None) or exc}") from None
    doc, diags = load(shown, raw)
    if doc is None or diags:
        first = diags[0] if diags else None
        raise fail(f"not a readable YAML file: {first.message if first else 'empty'}",
                   *(first.line, first.column) if first else (1, 1)) from None
    data = doc.data
    if not isinstance(data, dict):
        raise fail("a form file is a mapping with form, blueprint, seed and items")
    problems: list[Diagnostic] = []

    def problem(at: tuple, message: str) -> None:
        line, col = doc.pos(at)
        problems.append(diagnostic("QB022", shown, line, col, message))

    for key in data:
        if key not in ("form", "blueprint", "seed", "items"):
            problem((key,), f"unknown key `{key}`; a form has form, blueprint, seed and items")
    name = data.get("form")
    if not isinstance(name, str) or not NAME.match(name):
        problem(("form",), "`form` must be the form's name: letters, digits, '.', '_' or '-' (A, B, practice-1)")
    blueprint = data.get("blueprint", "")
    if not isinstance(blueprint, str):
        problem(("blueprint",), "`blueprint` must be the blueprint's name")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        problem(("seed",), "`seed` must be a whole number")
    raw_items = data.get("items")
    items: list[FormItem] = []
    if not isinstance(raw_items, list) or not raw_items:
        problem(("items",) if "items" in data else (), "`items` must list the form's items (id, area, order)")
        raw_items = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(raw_items):
        line, col = doc.pos(("items", i))
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problem(("items", i), "each item needs its `id` (and `order`, the option order)")
            continue
        unknown = [k for k in entry if k not in ("id", "area", "order")]
        if unknown:
            problem(("items", i, unknown[0]), f"unknown key `{unknown[0]}`; an item has id, area and order")
        order = entry.get("order", [])
        if not isinstance(order, list) or not all(isinstance(o, int) and not isinstance(o, bool) for o in order):
            problem(("items", i, "order"), "`order` must be a list of option indices, e.g. [2, 0, 1]")
            order = []
        qid = entry["id"]
        if qid in seen:
            problem(("items", i, "id"), f"item `{qid}` is in the form twice (also entry {seen[qid] + 1})")
        seen.setdefault(qid, i)
        area = entry.get("area", "")
        items.append(FormItem(qid, area if isinstance(area, str) else "", tuple(order), line, col))
    if problems:
        raise FormError(problems)
    return Form(name, blueprint, seed, tuple(items), shown)


def apply(form: Form, questions: Iterable[Question], include_retired: bool = False) -> list[Question]:
    """The form's questions, in its order, each with its options in the form's `order` (the key
    moves with its option) and shuffling off: the order is the form's. Raises FormError for an
    item the bank does not have (or that is retired), or an order that is not a permutation of
    the item's options."""
    by_id = {q.id: q for q in questions}
    out: list[Question] = []
    problems: list[Diagnostic] = []
    for item in form.items:
        q = by_id.get(item.id)
        problem = None
        if q is None:
            problem = f"the bank has no valid question `{item.id}`; assemble the form again"
        elif q.retired and not include_retired:
            problem = f"question `{item.id}` is retired; assemble the form again (or export with --include-retired)"
        elif sorted(item.order) != list(range(len(q.options))):
            problem = (f"the order {list(item.order)} of `{item.id}` is not each of its {len(q.options)} options' "
                       f"indices once (0 to {len(q.options) - 1}); the question changed since the form was assembled")
        if problem:
            problems.append(diagnostic("QB022", form.path, item.line, item.column, problem))
            continue
        out.append(replace(q, options=tuple(q.options[i] for i in item.order), shuffle=False))
    if problems:
        raise FormError(problems)
    return out
