"""The question schema (shipped inside the package) and validators built from it once."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).parent / "data" / "question.schema.json"


@lru_cache(maxsize=1)
def schema_text() -> str:
    # A plain path, not importlib.resources: that import alone costs a warm lint ~10 ms.
    return SCHEMA_FILE.read_text("utf-8")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(schema_text())


# What a bank-declared field (`[fields.NAME]` in qbank.toml) may hold, as JSON Schema.
FIELD_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string", "minLength": 1},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "list": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True},
}


@dataclass(frozen=True)
class FieldSpec:
    """A top-level key a bank declares for its items (a blueprint code, `reviewed-by`): validated
    like the built-in keys, so a missing, misspelt or out-of-list value is a QB003 at its line."""

    name: str
    type: str = "string"                    # a key of FIELD_TYPES
    enum: tuple[Any, ...] = ()              # allowed values (of each item, for a list)
    required: bool = False
    description: str = ""

    def json_schema(self) -> dict[str, Any]:
        out = copy.deepcopy(FIELD_TYPES[self.type])
        if self.enum:
            (out["items"] if self.type == "list" else out)["enum"] = list(self.enum)
        if self.description:
            out["description"] = self.description
        return out


Fields = tuple[FieldSpec, ...]


@lru_cache(maxsize=8)
def bank_schema(fields: Fields = ()) -> dict[str, Any]:
    """The question schema with a bank's declared fields added as optional or required keys."""
    if not fields:
        return schema()
    out = copy.deepcopy(schema())
    for spec in fields:
        out["properties"][spec.name] = spec.json_schema()
        if spec.required:
            out["required"].append(spec.name)
    return out


@lru_cache(maxsize=8)
def detailed_validator(fields: Fields = ()):
    """python-jsonschema: slow (and slow to import), but its errors carry paths we turn
    into messages; only documents that fail the fast check get here."""
    import jsonschema

    return jsonschema.Draft202012Validator(bank_schema(fields))


@lru_cache(maxsize=8)
def fast_is_valid(fields: Fields = ()):
    """A compiled yes/no check (jsonschema-rs, ~100x faster) run first on every file;
    only documents that fail it go through :func:`detailed_validator`."""
    try:
        import jsonschema_rs

        return jsonschema_rs.Draft202012Validator(bank_schema(fields)).is_valid
    except Exception:  # pragma: no cover - fall back to the pure-Python validator
        return detailed_validator(fields).is_valid


def known_keys(path: tuple, fields: Fields = ()) -> list[str]:
    """The keys the schema allows at a data path (for "did you mean" suggestions)."""
    s = schema()
    if len(path) >= 2 and path[0] == "options":
        return list(s["$defs"]["option"]["properties"])
    if path and path[0] == "lint":
        return ["ignore"]
    return list(s["properties"]) + [spec.name for spec in fields]


def sync(repo_schema: Path) -> bool:
    """Copy the repository's schema/question.schema.json (the source of truth) into the package;
    True if the copy changed. `python -m qbank.schema --sync` from the repository root."""
    data = repo_schema.read_bytes()
    if SCHEMA_FILE.read_bytes() == data:
        return False
    SCHEMA_FILE.write_bytes(data)
    return True


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys

    if sys.argv[1:] != ["--sync"]:
        sys.exit("usage: python -m qbank.schema --sync  (run from the repository root)")
    changed = sync(Path("schema") / "question.schema.json")
    print(f"{SCHEMA_FILE}: {'updated' if changed else 'already the same'}")
