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
        lint_ignore=dict((data.get("lint") or {}).get("ignore") or {}),
    )
