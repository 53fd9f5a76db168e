"""What the site reads besides the questions, with the readers the other commands use: form
files (qbank.forms: QB022 for one that cannot be used, as in `qbank export --form`) and the
item statistics store (qbank.analysis.store: QB029 for one that cannot be read). An entry of
the store for an item that has since changed its number of options is QB030 and left off
the item's page. What cannot be used is left out; the rest of the site is built."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, diagnostic
from ..forms import Form, FormError, apply, read
from ..model import Question


def read_form(path: Path, questions: list[Question], found: list[Diagnostic]) -> Form | None:
    """The form in ``path`` if the bank can serve it (its items and their option orders), else
    None with the QB022 diagnostics in ``found``."""
    try:
        form = read(path)
        apply(form, questions, include_retired=True)
    except FormError as exc:
        found.extend(exc.diagnostics)
        return None
    return form


@dataclass
class Stats:
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)


def _known(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_stats(root: Path, questions: dict[str, Question], found: list[Diagnostic]) -> Stats | None:
    """The bank's statistics store, or None when there is none or it cannot be read."""
    from ..analysis.store import STORE_NAME, load, store_path

    if not store_path(root).is_file():
        return None
    store, problem = load(root)
    if problem is not None:
        found.append(problem)
        return None
    stats = Stats()
    for qid, entry in sorted(store["items"].items()):
        q = questions.get(qid)
        if q is not None and entry["options"] and len(entry["options"]) != len(q.options):
            found.append(diagnostic("QB030", str(root / STORE_NAME), 1, 1,
                                    f"item {qid}: the statistics are for {len(entry['options'])} options and the "
                                    f"question has {len(q.options)}; left off its page until the next import"))
            continue
        stats.items[qid] = entry
    stats.forms = {k: v for k, v in sorted(store["forms"].items())
                   if isinstance(v, dict) and _known(v.get("n")) and _known(v.get("kr20"))}
    return stats
