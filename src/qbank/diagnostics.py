"""The one diagnostic type every stage (load, validate, lint, export) reports with, and the
functions that build one for a registered code (names and default severities: codes.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .codes import CODES


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

    def not_fixable(self) -> "Diagnostic":
        return self if not self.fixable else Diagnostic(self.path, self.line, self.column, self.code, self.name,
                                                        self.severity, self.message, False, self.related)

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


# The file and schema checks that `validate` runs, code -> name (see codes.py).
FILE_RULES: dict[str, str] = {c.code: c.name for c in CODES.values() if c.kind == "file"}


def diagnostic(code: str, path: str, line: int, column: int, message: str, *,
               severity: Severity | None = None, fixable: bool = False,
               related: tuple[tuple[str, int, int], ...] = ()) -> Diagnostic:
    """A finding of registered ``code``: its name and (unless given) default severity from codes.py."""
    entry = CODES[code]
    return Diagnostic(path, line, column, code, entry.name, severity or Severity(entry.severity), message,
                      fixable, related)


def error(path: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    """An error from one of the always-on file and schema checks."""
    return Diagnostic(path, line, column, code, CODES[code].name, Severity.ERROR, message)


def internal_error(path: str, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    """QB000: qbank itself failed on this file (the message says how; the run goes on)."""
    return diagnostic("QB000", path, line, column, message)


def refused(path: str, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    """QB009: `fmt` or `--fix` left this file as it was, for the reason in ``message``."""
    return diagnostic("QB009", path, line, column, message)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1 (every count in a message or a
    summary goes through here): ``plural(1, "word")`` is "1 word", ``plural(3, "file")`` "3 files"."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
