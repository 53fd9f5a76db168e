"""Formatters: diagnostics in, text out. Kept apart from the checks (as in yamllint)."""

from __future__ import annotations

import json
import re
from pathlib import PurePath
from typing import Callable, Iterable

from . import __version__
from .codes import PROJECT_URL, doc_url
from .diagnostics import Diagnostic, Severity, plural

def summary(diags: list[Diagnostic], files: int) -> str:
    """"All checks passed (6 files checked)." or "Found 2 errors in 1 file (6 files checked).",
    counting the files with findings apart from the files checked."""
    checked = f"{plural(files, 'file')} checked"
    if not diags:
        return f"All checks passed ({checked})."
    counts = {s: sum(1 for d in diags if d.severity is s) for s in Severity}
    parts = [plural(n, s.value) if s is not Severity.INFO else f"{n} info" for s, n in counts.items() if n]
    fixable = sum(1 for d in diags if d.fixable)
    tail = f"; {fixable} fixable with `qbank lint --fix`" if fixable else ""
    found_in = len({d.path for d in diags})
    return f"Found {', '.join(parts)} in {plural(found_in, 'file')} ({checked}{tail})."


# ANSI styles for `--color`: bold paths and summary, codes in their severity's colour.
_STYLE = {"bold": "\x1b[1m", Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_RESET = "\x1b[0m"


def _styled(text: str, style, color: bool) -> str:
    return f"{_STYLE[style]}{text}{_RESET}" if color else text


def text(diags: list[Diagnostic], files: int = 0, *, color: bool = False) -> str:
    """`bank/x.yaml:14:5: QB101 key-count: message` per line, then a summary line.
    Warnings and infos say so at the end of their line; errors are the default. With
    ``color``, ANSI colours (paths bold, codes coloured by severity)."""
    lines = []
    for d in diags:
        level = "" if d.severity is Severity.ERROR else f" [{d.severity.value}]"
        if color:
            where = _styled(printable(f"{d.path}:{d.line}:{d.column}:"), "bold", True)
            what = _styled(f"{d.code} {d.name}:", d.severity, True)
            lines.append(f"{where} {what} {printable(d.message)}{level}")
        else:
            lines.append(printable(f"{d.path}:{d.line}:{d.column}: {d.code} {d.name}: {d.message}{level}"))
    lines.append(_styled(summary(diags, files), "bold", color))
    return "\n".join(lines) + "\n"


def as_json(diags: list[Diagnostic], files: int = 0) -> str:
    """A JSON list, one object per diagnostic, sorted by path, line, column:
    {path, line, column, code, name, severity, message, fixable, related: [{path, line, column}]}."""
    return json.dumps([d.to_dict() for d in diags], indent=2, ensure_ascii=False) + "\n"


_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # tab is harmless


def printable(line: str) -> str:
    """``line`` with control characters written as escapes (``\\n``, ``\\x1b``), so a
    file name holding a newline or an escape sequence stays on its line: it cannot start
    a CI workflow command (``::error::``) or drive the terminal."""
    return _CONTROL.sub(lambda m: {"\n": "\\n", "\r": "\\r"}.get(m.group(), f"\\x{ord(m.group()):02x}"), line)


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github(diags: list[Diagnostic], files: int = 0) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's files."""
    kind = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    out = []
    for d in diags:
        props = (f"file={_gh_escape(PurePath(d.path).as_posix(), True)},line={d.line},col={d.column},"
                 f"title={_gh_escape(d.code, True)}")
        out.append(f"::{kind[d.severity]} {props}::{_gh_escape(f'{d.name}: {d.message}')}")
    out.append(summary(diags, files))
    return "\n".join(out) + "\n"


_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _sarif_rules() -> list[dict]:
    """A SARIF reportingDescriptor per registered code: name, summary, what it flags, default
    level, and the rule's page (the text of `qbank rules CODE`, its Markdown and its URL)."""
    from .rules.docs import entries, page, section

    return [{
        "id": e.code.code,
        "name": e.code.name,
        "shortDescription": {"text": e.code.summary},
        "fullDescription": {"text": section(e.doc, "What it flags") or e.code.summary},
        "help": {"text": page(e, "text"), "markdown": page(e, "markdown")},
        "helpUri": doc_url(e.code.code),
        "defaultConfiguration": {"level": _LEVEL[e.code.severity]},
    } for e in entries()]


def sarif(diags: list[Diagnostic], files: int = 0) -> str:
    """SARIF 2.1.0, as GitHub code scanning accepts it: every code in the registry is a rule
    of ``tool.driver.rules`` (with its summary, default level, doc page and full text)."""
    rules = _sarif_rules()
    known = {r["id"] for r in rules}
    for d in diags:  # a code outside the registry (a test's rule) still gets an entry
        if d.code not in known:
            known.add(d.code)
            rules.append({"id": d.code, "name": d.name, "shortDescription": {"text": d.name},
                          "defaultConfiguration": {"level": _LEVEL[d.severity.value]}})
    rules.sort(key=lambda r: r["id"])
    index = {r["id"]: i for i, r in enumerate(rules)}
    driver = {
        "name": "qbank",
        "version": __version__,
        "informationUri": PROJECT_URL,
        "rules": rules,
    }
    results = []
    for d in diags:
        uri = PurePath(d.path).as_posix()
        result = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _LEVEL[d.severity.value],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri, **({} if PurePath(d.path).is_absolute() else {"uriBaseId": "%SRCROOT%"})},
                "region": {"startLine": d.line, "startColumn": d.column},
            }}],
        }
        if d.related:
            result["relatedLocations"] = [{"id": i, "physicalLocation": {
                "artifactLocation": {"uri": PurePath(p).as_posix()},
                "region": {"startLine": ln, "startColumn": c}}} for i, (p, ln, c) in enumerate(d.related)]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints"}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[list[Diagnostic], int], str]] = {
    "text": text, "json": as_json, "github": github, "sarif": sarif,
}
FORMATS = tuple(RENDERERS)  # the --format choices of every command that reports


def render(diags: list[Diagnostic], fmt: str = "text", files: int = 0, *, color: bool = False) -> str:
    """The report of ``diags`` from ``files`` files in ``fmt``; ``color`` styles the text format."""
    if fmt == "text":
        return text(diags, files, color=color)
    return RENDERERS[fmt](diags, files)


# --- `--statistics` and `--show-fixes` ----------------------------------------------------------

def statistics(diags: list[Diagnostic], fmt: str = "text") -> str:
    """How many findings each code has, most first (`--statistics`): text lines
    ``  12  QB304  longest-option-is-key  [warning]`` (``[*]``: `--fix` fixes them), or json
    ``[{code, name, severity, count, fixable}]``."""
    rows: dict[str, dict] = {}
    for d in diags:
        row = rows.setdefault(d.code, {"code": d.code, "name": d.name, "severity": d.severity.value,
                                       "count": 0, "fixable": 0})
        row["count"] += 1
        row["fixable"] += d.fixable
    ordered = sorted(rows.values(), key=lambda r: (-r["count"], r["code"]))
    if fmt == "json":
        return json.dumps(ordered, indent=2) + "\n"
    if not ordered:
        return ""
    width = max(len(str(r["count"])) for r in ordered)
    name_width = max(len(r["name"]) for r in ordered)
    return "".join(f"{r['count']:>{width}}  {r['code']}  {r['name']:<{name_width}}  [{r['severity']}]"
                   f"{' [*]' if r['fixable'] else ''}".rstrip() + "\n" for r in ordered)


def tally(diags: Iterable[Diagnostic]) -> dict[tuple[str, str], int]:
    """How many of ``diags`` each (path, code) has."""
    counts: dict[tuple[str, str], int] = {}
    for d in diags:
        counts[d.path, d.code] = counts.get((d.path, d.code), 0) + 1
    return counts


def fix_list(fixes: dict[tuple[str, str], int], names: dict[str, str]) -> str:
    """`--show-fixes`: fixes by file and code, as ruff lists them: ``- bank/x.yaml:`` then
    ``    2 × QB501 (typography)`` lines."""
    lines = []
    path = None
    for (where, code), n in sorted(fixes.items()):
        if where != path:
            path = where
            lines.append(printable(f"- {path}:"))
        lines.append(f"    {n} \u00d7 {code} ({names.get(code, code)})")
    return "".join(line + "\n" for line in lines)
