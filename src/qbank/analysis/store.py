"""The item statistics store: ``qbank-stats.json`` in the bank root, next to qbank.toml.

Format (the shared contract; version 1)::

    {"version": 1,
     "items": {"<id>": {"n": int, "p": float, "rpb": float, "upper_lower": float,
                        "options": [{"rate": float, "rpb": float}, ...],
                        "source": "file name", "imported": "YYYY-MM-DD"}},
     "forms": {"<name>": {"n": int, "kr20": float}}}

Options are in the item's written order. A figure the source does not give, or that is
undefined (no variance), is null: Canvas's Item Analysis report has no per-distractor choice
rates, and an item everyone answered has no point-biserial. An import replaces the entries of
the items (and forms) it carries and keeps every other. Written atomically, keys sorted, so
the same statistics give the same bytes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, diagnostic
from ..fsutil import atomic_write, read_bounded

STORE_NAME = "qbank-stats.json"
MAX_STORE_BYTES = 64_000_000   # ~300 bytes an item: far beyond any bank


def empty() -> dict[str, Any]:
    return {"version": 1, "items": {}, "forms": {}}


def store_path(root: str | Path) -> Path:
    return Path(root) / STORE_NAME


def _number(v: Any) -> bool:
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))


def valid_item(entry: Any) -> bool:
    """Whether a store entry has the contract's shape (rules skip any that has not)."""
    return (isinstance(entry, dict) and isinstance(entry.get("n"), int) and not isinstance(entry.get("n"), bool)
            and all(_number(entry.get(k)) for k in ("p", "rpb", "upper_lower"))
            and isinstance(entry.get("options"), list)
            and all(isinstance(o, dict) and _number(o.get("rate")) and _number(o.get("rpb"))
                    for o in entry["options"]))


def parse(raw: bytes, shown: str) -> tuple[dict[str, Any], Diagnostic | None]:
    """The store in ``raw``, or an empty one and QB029 saying why it cannot be read."""
    def bad(message: str, line: int = 1, column: int = 1) -> tuple[dict[str, Any], Diagnostic]:
        return empty(), diagnostic("QB029", shown, line, column, message)

    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return bad("the statistics store is not UTF-8 text")
    except json.JSONDecodeError as exc:
        return bad(f"the statistics store is not JSON: {exc.msg}", exc.lineno, exc.colno)
    except RecursionError:
        return bad("the statistics store nests too deeply")
    if not isinstance(data, dict) or data.get("version") != 1:
        return bad('the statistics store must be an object with "version": 1')
    items, forms = data.get("items", {}), data.get("forms", {})
    if not isinstance(items, dict) or not isinstance(forms, dict):
        return bad('"items" and "forms" must be objects keyed by item id and form name')
    wrong = sorted(k for k, v in items.items() if not valid_item(v))
    if wrong:
        return bad(f"item '{wrong[0]}' does not have the store's fields (n, p, rpb, upper_lower, options)")
    return {"version": 1, "items": items, "forms": forms}, None


def load(root: str | Path) -> tuple[dict[str, Any], Diagnostic | None]:
    """The bank's store (empty when there is none), and QB029 if it cannot be read."""
    path = store_path(root)
    try:
        raw = read_bounded(path, MAX_STORE_BYTES, root=root)
    except FileNotFoundError:
        return empty(), None
    except OSError as exc:
        return empty(), diagnostic("QB029", STORE_NAME, 1, 1, f"the statistics store cannot be read: {exc}")
    return parse(raw, STORE_NAME)


def merge(store: dict[str, Any], items: dict[str, dict], forms: dict[str, dict]) -> dict[str, Any]:
    """``store`` with the entries of ``items`` and ``forms`` in place of its own."""
    return {"version": 1, "items": {**store["items"], **items}, "forms": {**store["forms"], **forms}}


def dumps(store: dict[str, Any]) -> bytes:
    return (json.dumps(store, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode()


def save(root: str | Path, store: dict[str, Any]) -> None:
    atomic_write(store_path(root), dumps(store), keep_mode=True)
