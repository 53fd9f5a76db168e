"""Which questions an export takes: `--tag`, `--exclude-tag`, `--topic`, `--difficulty`, `--id`
and `--sample N --seed S`, or a form (`--form FILE`: its items, in its order, with its option
orders); questions with `status: retired` only with `--include-retired`.

Filters of one kind are alternatives (any of the tags), filters of different kinds all apply;
excluded tags win over everything. A value that matches no question of the bank (a tag, topic
or id nobody uses, most often a typo) refuses the export and says what exists instead.
A sample keeps the N questions whose hash of (seed, id) ranks lowest, in bank order: the same
seed gives the same sample on any machine and Python, and adding a question to the bank
changes a sample by at most that question.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from typing import Any, Iterable

from ..errors import NothingSelected
from ..model import Question

LISTED = 12  # names listed in an error before "and N more"


@dataclass(frozen=True)
class Selection:
    tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()           # case-insensitive
    difficulties: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    sample: int | None = None              # keep this many (a deterministic sample)
    seed: int = 0
    include_retired: bool = False          # False: `status: retired` questions are left out
    form: Any = None                       # a forms.Form: exactly its items, in its order (no other filter)

    @property
    def filtered(self) -> bool:
        """True when the export may take less than the whole bank."""
        return bool(self.tags or self.exclude_tags or self.topics or self.difficulties or self.ids
                    or self.sample is not None or self.form is not None)

    def describe(self) -> str:
        """The selection as the options that make it: `--tag a --difficulty hard`."""
        parts = [f"--{flag} {value}" for flag, values in (
            ("tag", self.tags), ("exclude-tag", self.exclude_tags), ("topic", self.topics),
            ("difficulty", self.difficulties), ("id", self.ids)) for value in values]
        if self.sample is not None:
            parts.append(f"--sample {self.sample} --seed {self.seed}")
        if self.form is not None:
            parts.append(f"--form {self.form.path}")
        return " ".join(parts)


def _fold(topic: str | None) -> str:
    return (topic or "").strip().casefold()


def select(questions: Iterable[Question], selection: Selection = Selection()) -> list[Question]:
    """The questions ``selection`` takes, in bank order (a form's: in its order, each with the
    form's option order, see forms.apply). Raises NothingSelected for a tag, topic or id that
    no question has, or when nothing is left; forms.FormError for a form the bank cannot fill."""
    questions = list(questions)
    if selection.form is not None:
        from ..forms import apply

        return apply(selection.form, questions, selection.include_retired)
    _refuse_unknown(questions, selection)
    retired = 0
    if not selection.include_retired:
        kept = [q for q in questions if not q.retired]
        retired, questions = len(questions) - len(kept), kept
    tags, excluded = set(selection.tags), set(selection.exclude_tags)
    topics = {_fold(t) for t in selection.topics}
    difficulties, ids = set(selection.difficulties), set(selection.ids)
    chosen = [q for q in questions
              if not excluded.intersection(q.tags)
              and (not tags or tags.intersection(q.tags))
              and (not topics or _fold(q.topic) in topics)
              and (not difficulties or q.difficulty in difficulties)
              and (not ids or q.id in ids)]
    if selection.sample is not None and selection.sample < len(chosen):
        kept = set(sorted(range(len(chosen)), key=lambda i: _rank(selection.seed, chosen[i].id))[:selection.sample])
        chosen = [q for i, q in enumerate(chosen) if i in kept]
    if not chosen:
        what = (f"no question matches {selection.describe()}" if selection.filtered
                else "every question of the bank is retired" if retired else "the bank has no questions")
        if retired:
            what += f" ({retired} retired question{'s' if retired != 1 else ''} left out; --include-retired takes them)"
        raise NothingSelected(what)
    return chosen


def _rank(seed: int, question_id: str) -> bytes:
    return hashlib.sha256(f"{seed}\0{question_id}".encode()).digest()


def _refuse_unknown(questions: list[Question], selection: Selection) -> None:
    for kind, wanted, existing in (
            ("tag", selection.tags, {t for q in questions for t in q.tags}),
            ("topic", selection.topics, {q.topic.strip() for q in questions if q.topic and q.topic.strip()}),
            ("id", selection.ids, {q.id for q in questions})):
        known = {_fold(e) for e in existing} if kind == "topic" else existing
        missing = [w for w in wanted if (_fold(w) if kind == "topic" else w) not in known]
        if missing:
            raise NothingSelected(unknown(kind, missing[0], existing))


def unknown(kind: str, value: str, existing: set[str]) -> str:
    """`no question has tag 'x'; did you mean 'y'? (tags in this bank: ...)`; ids are not listed."""
    message = f"no question has {kind} '{value}'"
    close = difflib.get_close_matches(value, sorted(existing), n=1)
    if close:
        message += f"; did you mean '{close[0]}'?"
    if kind == "id":
        return message
    if not existing:
        return message + f" (no question in the bank has a {kind})"
    names = sorted(existing, key=str.casefold)
    more = f" and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return message + f" ({kind}s in this bank: {', '.join(names[:LISTED])}{more})"
