"""`qbank stats`: how a bank covers a blueprint, and what its items are like.

:func:`compute` is pure: the same questions, blueprint and form size give the same dict, which
is the JSON `qbank stats --format json` prints and what the site's dashboard reads. Its schema
(``version`` 1; keys are never renamed, new keys may be added):

```
{
  "version": 1,
  "questions": 32,                      # the questions counted (every valid one, any status)
  "blueprint": null | {"name", "title", "version", "source", "form_size"},
  "form_items": 122,                    # the form the targets are for (--items, else form-size, else the bank size)
  "areas": [                            # in the blueprint's order ([] without a blueprint)
    {"name": "Values and Ethics", "weight": [35.0, 35.0], "match": "domain = 'values-ethics'",
     "items": 14,                       # questions in the area, any status but retired
     "approved": 12,                    # of those, `status: approved` (what `qbank assemble` takes)
     "target": 43,                      # its share of a form of form_items, by largest remainder
     "gap": -31}                        # approved - target: below 0, how many approved items it lacks
  ],
  "areas_without_items": ["..."],       # area names with no question at all
  "unassigned": ["id", ...],            # questions (not retired) in no area of the blueprint
  "overlaps": [{"id": "...", "areas": ["...", "..."]}],   # in two or more areas: an error (QB020)
  "key_positions": {"4": {"A": 8, "B": 9, "C": 7, "D": 8}},   # by option count, as written
  "difficulty": {"easy": 9, "medium": 15, "hard": 8, "unset": 0},
  "status": {"draft": 0, "review": 0, "approved": 30, "retired": 2, "unset": 0},
  "option_counts": {"3": 4, "4": 28},
  "fields": {"cognitive-level": {"application": 17, "reasoning": 9, "recall": 6}}
                                        # bank-declared fields: how many items carry each value
                                        # (text, number or true/false; a list field: each of its values)
}
```
Retired questions count in ``questions`` and ``status`` only: they are out of every form.
"""

from __future__ import annotations

from typing import Any, Iterable

from .blueprint import Blueprint, membership, targets
from .model import LETTERS, Question

VERSION = 1
DIFFICULTIES = ("easy", "medium", "hard")
STATUSES = ("draft", "review", "approved", "retired")


def compute(bank: Any, blueprint: Blueprint | None = None, items: int | None = None) -> dict[str, Any]:
    """The statistics of ``bank`` (a Bank, or its questions) against ``blueprint`` for a form of
    ``items`` questions (default: the blueprint's form-size, else the number of questions)."""
    questions: list[Question] = sorted(getattr(bank, "questions", bank), key=lambda q: (q.path, q.id))
    live = [q for q in questions if not q.retired]
    n = items if items is not None else (blueprint.form_size if blueprint and blueprint.form_size else len(live))
    out: dict[str, Any] = {"version": VERSION, "questions": len(questions), "blueprint": None, "form_items": n,
                           "areas": [], "areas_without_items": [], "unassigned": [], "overlaps": []}
    if blueprint is not None:
        out["blueprint"] = {"name": blueprint.name, "title": blueprint.title, "version": blueprint.version,
                            "source": blueprint.source, "form_size": blueprint.form_size}
        member = membership(blueprint, live)
        for area, found, target in zip(blueprint.areas, member.by_area, targets(blueprint, n)):
            approved = sum(q.status == "approved" for q in found)
            out["areas"].append({"name": area.name, "weight": [area.low, area.high], "match": area.match.describe(),
                                 "items": len(found), "approved": approved, "target": target,
                                 "gap": approved - target})
        out["areas_without_items"] = [a["name"] for a in out["areas"] if a["items"] == 0]
        out["unassigned"] = [q.id for q in member.unassigned]
        out["overlaps"] = [{"id": q.id, "areas": [blueprint.areas[i].name for i in idx]} for q, idx in member.overlaps]
    out["key_positions"] = key_positions(live)
    out["difficulty"] = _count((q.difficulty for q in live), DIFFICULTIES)
    out["status"] = _count((q.status for q in questions), STATUSES)
    options: dict[str, int] = {}
    for q in live:
        options[str(len(q.options))] = options.get(str(len(q.options)), 0) + 1
    out["option_counts"] = dict(sorted(options.items(), key=lambda kv: int(kv[0])))
    out["fields"] = field_counts(live)
    return out


def field_counts(questions: Iterable[Question]) -> dict[str, dict[str, int]]:
    """How many questions carry each value of each bank-declared field, values in sorted order."""
    out: dict[str, dict[str, int]] = {}
    for q in questions:
        for name, value in getattr(q, "fields", {}).items():
            row = out.setdefault(name, {})
            for v in value if isinstance(value, (list, tuple)) else [value]:
                key = json_key(v)
                row[key] = row.get(key, 0) + 1
    return {name: dict(sorted(row.items())) for name, row in sorted(out.items())}


def json_key(value: Any) -> str:
    """A field value as a JSON object key: text as it is, true/false and numbers as JSON writes them."""
    import json

    return value if isinstance(value, str) else json.dumps(value)


def key_positions(questions: Iterable[Question]) -> dict[str, dict[str, int]]:
    """How many keys stand at each letter, by number of options (as written in the files)."""
    out: dict[str, dict[str, int]] = {}
    for q in questions:
        row = out.setdefault(str(len(q.options)), {LETTERS[i]: 0 for i in range(len(q.options))})
        row[LETTERS[q.key_index]] += 1
    return dict(sorted(out.items(), key=lambda kv: int(kv[0])))


def _count(values: Iterable[str | None], known: tuple[str, ...]) -> dict[str, int]:
    out = {k: 0 for k in (*known, "unset")}
    for v in values:
        out[v if v in out else "unset"] += 1
    return out


# --- rendering ------------------------------------------------------------------------------

def _weight(w: list[float]) -> str:
    return f"{w[0]:g}%" if w[0] == w[1] else f"{w[0]:g}-{w[1]:g}%"


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        align = ["---"] + ["---:"] * (len(header) - 1)
        return ["| " + " | ".join(r) + " |" for r in (header, align, *rows)]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    return ["  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)).rstrip()
            for r in (header, *rows)]


def render(stats: dict[str, Any], fmt: str = "text") -> str:
    """``stats`` (from :func:`compute`) as "text" (aligned tables), "markdown" or "json"."""
    if fmt == "json":
        import json

        return json.dumps(stats, indent=2, ensure_ascii=False) + "\n"
    md = fmt == "markdown"
    lines: list[str] = []

    def heading(text: str) -> None:
        if lines:
            lines.append("")
        lines.extend([f"## {text}", ""] if md else [text])

    bp = stats["blueprint"]
    if bp is not None:
        title = f" ({bp['title']}{', version ' + bp['version'] if bp['version'] else ''})" if bp["title"] else ""
        heading(f"Blueprint {bp['name']}{title}: a form of {stats['form_items']} items")
        rows = [[a["name"], _weight(a["weight"]), str(a["items"]), str(a["approved"]), str(a["target"]),
                 f"{a['gap']:+d}" if a["gap"] else "0"] for a in stats["areas"]]
        lines += _table(["area", "weight", "items", "approved", "target", "gap"], rows, md)
        notes = []
        if stats["areas_without_items"]:
            notes.append(f"areas with no items: {', '.join(stats['areas_without_items'])}")
        if stats["unassigned"]:
            notes.append(f"in no area ({len(stats['unassigned'])}): {', '.join(stats['unassigned'])}")
        for o in stats["overlaps"]:
            notes.append(f"in several areas: {o['id']} ({', '.join(o['areas'])})")
        if notes:
            lines.append("")
            lines += [("- " if md else "") + n for n in notes]
    heading(f"{stats['questions']} questions")
    facts = [(f"key positions, {k} options", "  ".join(f"{letter} {c}" for letter, c in row.items()))
             for k, row in stats["key_positions"].items()]
    facts += [(name, "  ".join(f"{k} {v}" for k, v in stats[name].items() if v)) for name in ("difficulty", "status")]
    facts.append(("option counts", "  ".join(f"{k} options: {v}" for k, v in stats["option_counts"].items())))
    facts += [(name, "  ".join(f"{k} {v}" for k, v in row.items())) for name, row in stats.get("fields", {}).items()]
    lines += [f"{'- ' if md else ''}{name}: {value}" for name, value in facts]
    return "\n".join(lines) + "\n"
