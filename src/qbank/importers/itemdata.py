"""What the package readers (canvas, qti21, csv/xlsx, apkg) share to build a question's data:
ids, points, and the canonical key order (their text goes through :mod:`.markup`)."""

from __future__ import annotations

import re
import unicodedata

ID_MAX = 200    # the schema's limit
SLUG_MAX = 180  # an id made here leaves room for the writer's `-N` suffix


def ascii_lower(text: str) -> str:
    """``text`` folded to lower-case ASCII (`Über` -> `uber`), for ids and folder names."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def slug_id(text: str) -> str:
    """``text`` (a source's identity, a name) as a question id (`^[a-z0-9][a-z0-9._-]*$`), or ""
    when nothing is left: the one way every reader and the writer make an id."""
    out = re.sub(r"[^a-z0-9._-]+", "-", ascii_lower(text))
    out = re.sub(r"-{2,}", "-", out).lstrip("._-")[:SLUG_MAX]
    return out.rstrip("._-")


ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


def is_id(text: str | None) -> bool:
    return bool(text) and len(text) <= ID_MAX and ID.fullmatch(text) is not None


def question_data(**fields) -> dict:
    """A question's data in the canonical `fmt` key order, fields that are None or empty left
    out, except the explanation: a source without one gives "" (as every reader does; the
    writer keeps it and lint reports QB105). A missing rationale stays missing: nothing is invented."""
    from ..schema import schema

    top, option = tuple(schema()["properties"]), tuple(schema()["$defs"]["option"]["properties"])

    def keep(value) -> bool:
        return value is not None and value != "" and value != [] and value != {}

    fields["options"] = [{k: o[k] for k in option if k in o and keep(o[k]) and (k != "correct" or o[k] is True)}
                         for o in fields.get("options") or []]
    fields["explanation"] = fields.get("explanation") or ""
    return {k: fields[k] for k in top if k in fields and (keep(fields[k]) or k == "explanation")}


def number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None and text.strip() else None
    except ValueError:
        return None


def points(value: float | None) -> int | float | None:
    """What a source says a question is worth, as the bank holds it: 1 (every target's default)
    and values the schema refuses are left out, whole numbers are written as such."""
    if value is None or value == 1 or not 0 < value <= 10000:
        return None
    return int(value) if value.is_integer() else value
