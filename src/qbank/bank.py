"""A loaded bank: its root, its name, its valid questions and every diagnostic found."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic

if TYPE_CHECKING:  # not imported at run time: a warm lint never builds a Question
    from .model import Question


@dataclass
class Bank:
    root: Path
    name: str
    questions: list[Question] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0  # question files read, valid or not
    id_lines: dict[str, int] = field(default_factory=dict)  # path -> line of its `id:` (1 without one)
    made: list[Any] = field(default_factory=list)  # the run's Job.then values, one per question (None: not made)

    @property
    def has_errors(self) -> bool:
        return any(d.severity.value == "error" for d in self.diagnostics)
