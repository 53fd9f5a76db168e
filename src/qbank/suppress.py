"""Suppressions with a reason: `# qbank: disable=QB308 why` comments and `lint: {ignore: ...}`.

A comment on a line with content silences that line; a comment alone on its line
silences the next line; `disable-file=` silences the whole file. A suppression without
a reason, naming an unknown code, or silencing nothing is itself reported (QB007).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Collection, Iterable

from .codes import CODES, always_on
from .diagnostics import Diagnostic, diagnostic

_COMMENT = re.compile(r"(?:^|\s)#\s*qbank:\s*(?P<kind>disable|disable-file)\s*=\s*"
                      r"(?P<codes>[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)(?P<reason>.*)$")


@dataclass(frozen=True)
class Suppression:
    codes: tuple[str, ...]
    reason: str
    scope: str          # "line" | "file" | "item"
    target_line: int    # the line it silences (scope "line")
    line: int           # where the suppression itself is written
    column: int

    def to_list(self) -> list:
        return [list(self.codes), self.reason, self.scope, self.target_line, self.line, self.column]

    @classmethod
    def from_list(cls, v: list) -> "Suppression":
        return cls(tuple(v[0]), v[1], v[2], v[3], v[4], v[5])

    def covers(self, d: Diagnostic) -> bool:
        return d.code in self.codes and (self.scope != "line" or d.line == self.target_line)


def from_comments(text: str) -> list[Suppression]:
    if "qbank:" not in text:  # almost every file: skip the line scan
        return []
    out: list[Suppression] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _COMMENT.search(line)
        if not m:
            continue
        codes = tuple(c.strip().upper() for c in m.group("codes").split(","))
        reason = m.group("reason").strip()
        hash_col = line.index("#", m.start()) + 1
        if m.group("kind") == "disable-file":
            scope, target = "file", 0
        elif line[: hash_col - 1].strip():
            scope, target = "line", i + 1
        else:  # alone on its line: applies to the next line with content
            scope, target = "line", next((j + 1 for j in range(i + 1, len(lines))
                                          if lines[j].strip() and not lines[j].lstrip().startswith("#")), i + 2)
        out.append(Suppression(codes, reason, scope, target, i + 1, hash_col))
    return out


def from_item(data: Any, pos) -> list[Suppression]:
    """`lint: {ignore: {QB308: "reason"}}` entries of a question; ``pos`` is Document.pos."""
    ignore = (data.get("lint") or {}).get("ignore") if isinstance(data, dict) and isinstance(data.get("lint"), dict) else None
    if not isinstance(ignore, dict):
        return []
    out = []
    for code, reason in ignore.items():
        line, col = pos(("lint", "ignore", code))
        out.append(Suppression((str(code),), reason.strip() if isinstance(reason, str) else "", "item", 0, line, col))
    return out


def apply(path: str, diags: Iterable[Diagnostic], sups: list[Suppression], known: Collection[str] | None = None,
          enabled=lambda code: True) -> list[Diagnostic]:
    """``diags`` less the suppressed ones, plus QB007 findings about the suppressions.

    ``known`` holds the codes a suppression may name (default: every code in codes.py);
    ``enabled(code)`` says whether a rule ran, so a suppression of a rule that is switched
    off (or that did not run: the file has errors) is not called unused. Always-on codes
    (codes.py) are never suppressed; saying so is reported even in a file with errors.
    """
    if known is None:
        known = CODES.keys()
    diags = list(diags)
    used: set[int] = set()
    kept: list[Diagnostic] = []
    for d in diags:
        hit = [i for i, s in enumerate(sups) if s.covers(d)]
        if hit and not always_on(d.code):
            used.update(hit)
        else:
            kept.append(d)
    for i, s in enumerate(sups):
        for code in s.codes:
            where = "comment" if s.scope != "item" else "lint.ignore"
            if always_on(code):
                what = "a file or schema error" if CODES[code].kind == "file" else "always on"
                kept.append(_qb007(path, s, f"{code} is {what} and cannot be suppressed; fix it instead"))
            elif code not in known:
                kept.append(_qb007(path, s, f"{where} names unknown rule code {code}; see `qbank rules`"))
            elif not s.reason:
                kept.append(_qb007(path, s, f"suppression of {code} has no reason; write why after the code, "
                                            f"e.g. `# qbank: disable={code} term is required by the blueprint`"))
            elif i not in used and enabled(code):
                kept.append(_qb007(path, s, _unused(s, code, diags)))
    return kept


def _unused(s: Suppression, code: str, diags: list[Diagnostic]) -> str:
    """Why a suppression of ``code`` silenced nothing: where the file's findings of that code
    are (a comment on the wrong line), or that it has none."""
    lines = sorted({d.line for d in diags if d.code == code})
    if s.scope != "line" or not lines:
        return f"suppression of {code} silences nothing: this file has no {code} finding; remove it"
    where = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
    return (f"suppression of {code} silences nothing on line {s.target_line}: {code} is reported at "
            f"line{'s' if len(lines) > 1 else ''} {where}; move the comment to the end of that line or "
            "alone on the line above it")


def _qb007(path: str, s: Suppression, message: str) -> Diagnostic:
    return diagnostic("QB007", path, s.line, s.column, message)
