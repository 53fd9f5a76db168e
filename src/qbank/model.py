"""Plain, typed questions: what every stage after validation works with."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

LETTERS = string.ascii_uppercase


@dataclass(frozen=True, slots=True)
class Option:
    text: str
    correct: bool = False
    rationale: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    stem: str
    options: tuple[Option, ...]
    explanation: str
    path: str = ""
    topic: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: str | None = None
    references: tuple[str, ...] = ()
    shuffle: bool = True    # False: every export keeps the options in the order written
    points: float | None = None    # None: the target's default (1)
    status: str | None = None      # draft | review | approved | retired
    author: str | None = None
    source: str | None = None
    license: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, hash=False)
    fields: dict[str, Any] = field(default_factory=dict, hash=False)   # the bank-declared keys it carries
    lint_ignore: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key_index(self) -> int:
        return next(i for i, o in enumerate(self.options) if o.correct)

    @property
    def key(self) -> Option:
        return self.options[self.key_index]

    @property
    def key_letter(self) -> str:
        return LETTERS[self.key_index]

    @property
    def retired(self) -> bool:
        return self.status == "retired"

    @property
    def distractors(self) -> list[tuple[int, Option]]:
        return [(i, o) for i, o in enumerate(self.options) if not o.correct]


def question_from_data(data: dict[str, Any], path: str = "") -> Question:
    """Build a :class:`Question` from data that passed validation."""
    return Question(
        id=data["id"],
        stem=data["stem"],
        options=tuple(Option(o["text"], o.get("correct") is True, o.get("rationale")) for o in data["options"]),
        explanation=data["explanation"],
        path=path,
        topic=data.get("topic"),
        tags=tuple(data.get("tags") or ()),
        difficulty=data.get("difficulty"),
        references=tuple(data.get("references") or ()),
        shuffle=data.get("shuffle") is not False,
        points=data.get("points"),
        status=data.get("status"),
        author=data.get("author"),
        source=data.get("source"),
        license=data.get("license"),
        meta=dict(data.get("meta") or {}),
        fields=declared_values(data),
        lint_ignore=dict((data.get("lint") or {}).get("ignore") or {}),
    )


# The parts of a question that validation can find missing or unreadable while the rest of
# it can still be read; a rule names those it reads in ``Rule.needs``.
KEY = "key"                  # exactly one option marked `correct: true`
EXPLANATION = "explanation"  # a non-empty explanation


def readable_question(data: Any, at_fault: set[tuple], path: str = "") -> tuple[Question, frozenset[str]] | None:
    """The question in ``data`` that has validation errors, as far as it can be read, and the
    parts of it that cannot (KEY, EXPLANATION); None when its structure cannot be read: the
    stem is not text, or the options are not at least two mappings with text. ``at_fault``:
    the data paths validation judged (a misspelt `corect:` leaves an option's status unknown).
    A missing or unreadable rationale reads as none."""
    if not isinstance(data, dict) or not _text(data.get("stem")):
        return None
    raw = data.get("options")
    if not isinstance(raw, list) or len(raw) < 2 or not all(isinstance(o, dict) and _text(o.get("text")) for o in raw):
        return None
    unknown = set()
    marks = [o.get("correct", False) for o in raw]
    if (sum(m is True for m in marks) != 1 or not all(isinstance(m, bool) for m in marks)
            or any(("options", i, "correct") in at_fault for i in range(len(raw)))):
        unknown.add(KEY)
    explanation = data.get("explanation")
    if not _text(explanation) or ("explanation",) in at_fault:
        unknown.add(EXPLANATION)
        explanation = ""
    options = tuple(Option(o["text"], o.get("correct") is True,
                           o.get("rationale") if isinstance(o.get("rationale"), str) else None) for o in raw)
    lint = data.get("lint")
    ignore = lint.get("ignore") if isinstance(lint, dict) else None
    question = Question(
        id=data["id"] if isinstance(data.get("id"), str) else "",
        stem=data["stem"],
        options=options,
        explanation=explanation,
        path=path,
        topic=data.get("topic") if isinstance(data.get("topic"), str) else None,
        tags=_strings(data.get("tags")),
        difficulty=data.get("difficulty") if isinstance(data.get("difficulty"), str) else None,
        references=_strings(data.get("references")),
        shuffle=data.get("shuffle") is not False,
        lint_ignore={k: v for k, v in ignore.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(ignore, dict) else {},
    )
    return question, frozenset(unknown)


def declared_values(data: dict[str, Any]) -> dict[str, Any]:
    """The keys of a valid question that are not the schema's own: those qbank.toml declares."""
    from .schema import schema

    builtin = schema()["properties"]
    return {k: v for k, v in data.items() if k not in builtin}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
