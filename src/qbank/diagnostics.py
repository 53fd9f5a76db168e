"""The one diagnostic type every stage (load, validate, lint, export) reports with."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem at a 1-based line and column of a file.

    ``related`` holds other places that belong to the same problem (the first
    file using a duplicated id, say) as ``(path, line, column)`` triples.
    """

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str
    fixable: bool = False
    related: tuple[tuple[str, int, int], ...] = field(default=())

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def with_severity(self, severity: Severity) -> "Diagnostic":
        return Diagnostic(self.path, self.line, self.column, self.code, self.name,
                          severity, self.message, self.fixable, self.related)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "fixable": self.fixable,
            "related": [{"path": p, "line": ln, "column": c} for p, ln, c in self.related],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Diagnostic":
        return cls(d["path"], d["line"], d["column"], d["code"], d["name"],
                   Severity(d["severity"]), d["message"], d.get("fixable", False),
                   tuple((r["path"], r["line"], r["column"]) for r in d.get("related", ())))


# Codes of the file and schema checks that `validate` runs (see lint-rules.md).
FILE_RULES: dict[str, str] = {
    "QB001": "yaml-syntax",
    "QB002": "encoding",
    "QB003": "schema",
    "QB004": "duplicate-key",
    "QB005": "duplicate-id",
    "QB006": "missing-media",
    "QB101": "key-count",
    "QB105": "missing-rationale",
}


def error(path: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    """An error from one of the always-on file and schema checks."""
    return Diagnostic(path, line, column, code, FILE_RULES[code], Severity.ERROR, message)
