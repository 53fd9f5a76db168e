"""Typography of every Markdown field (QB501): whitespace, invisible characters,
punctuation, brackets and quote styles. Everything but brackets has a safe fix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, MutableMapping

from ..diagnostics import Diagnostic, Severity
from ..textkit.edits import apply_edits
from ..textkit.facts import facts
from ..textkit.markup import mask
from .base import ItemContext, Rule, RuleOptions

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_NBSP = "\u00a0\u202f\u2007"
_WS = f" \\t{_NBSP}{_ZERO_WIDTH}"
# Only whitespace runs that can be a problem: with a tab, non-breaking or zero-width
# character; two or more spaces; one space at a line end or before punctuation.
_SUSPECT = re.compile(f"[{_WS}]*[\\t{_NBSP}{_ZERO_WIDTH}][{_WS}]*| {{2,}}| (?=\\n|\\Z)| (?=[,;]|[:.!?](?:\\s|\\Z))")
_DOUBLED_PUNCT = re.compile(r"([,;:!?])\1+|(?<!\.)\.\.(?!\.)|[,;]\.(?!\.)")
_PUNCT_AFTER = frozenset(",;:.!?")
_MAYBE_DOUBLED = re.compile(r"[,;:!?.][,;:!?.]")
_ENUMERATOR = re.compile(r"(?:^|(?<=\s))(?:[a-zA-Z]|\d{1,2}|[ivxIVX]{1,4})\)(?=\s|$)")
_STRAIGHT = "\"'"
_CURLY = "“”‘’"
_QUOTES = re.compile("[\"'“”‘’]")
_OPENERS = frozenset(" \t\n([{—–/\x01")

# kind -> (severity, short description, what to do)
KINDS: dict[str, tuple[Severity, str, str]] = {
    "trailing": (Severity.INFO, "trailing whitespace", "remove it (write `\\` at the end of a line for a line break)"),
    "double": (Severity.INFO, "doubled space", "use single spaces"),
    "tab": (Severity.INFO, "tab character", "use spaces"),
    "nbsp": (Severity.INFO, "non-breaking space", "use an ordinary space"),
    "zero-width": (Severity.WARNING, "invisible zero-width character", "delete it (it breaks search and duplicate checks)"),
    "punct-space": (Severity.INFO, "space before punctuation", "remove the space"),
    "double-punct": (Severity.INFO, "doubled punctuation", "keep one mark"),
    "brackets": (Severity.WARNING, "unbalanced brackets", "close or remove the unmatched bracket"),
    "quotes": (Severity.INFO, "mixed quote styles", "use one style throughout the item"),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    replacement: str | None  # None: not fixable (brackets)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def _is_table_line(text: str, pos: int) -> bool:
    s, _ = _line_bounds(text, pos)
    return text[s:s + 40].lstrip(" ").startswith("|")


def field_findings(text: str, hard: str | None = None) -> list[Finding]:
    """Every typography problem of one field, with the edit that fixes it. ``hard`` is
    ``mask(text, opaque=True)`` if the caller has it already."""
    hard = mask(text, opaque=True) if hard is None else hard
    out: list[Finding] = []
    n = len(hard)
    for m in _SUSPECT.finditer(hard):
        run = m.group(0)
        s, e = m.span()
        at_start = s == 0 or hard[s - 1] == "\n"
        at_end = e == n or hard[e] == "\n"
        if at_start and at_end:  # a line of nothing but whitespace
            kind = "zero-width" if any(c in _ZERO_WIDTH for c in run) else "trailing"
            out.append(Finding(kind, s, e, ""))
            continue
        if at_start:
            if run.strip(" "):
                fixed = "".join("    " if c == "\t" else " " if c in _NBSP else "" if c in _ZERO_WIDTH else c
                                for c in run)
                out.append(Finding(_kind(run), s, e, fixed))
            continue
        if at_end:
            nxt_start = e + 1
            nxt_end = hard.find("\n", nxt_start)
            next_line = hard[nxt_start: n if nxt_end < 0 else nxt_end]
            hard_break = run.startswith("  ") and set(run) == {" "} and e < n and next_line.strip()
            out.append(Finding("trailing", s, e, "\\" if hard_break else ""))
            continue
        if _is_table_line(hard, s):
            continue
        if hard[e] in _PUNCT_AFTER and hard[s - 1] != "_" and (
                hard[e] in ",;" or (e + 1 == n or hard[e + 1] in " \t\n")
                and not (hard[e] == "." and hard[e + 1: e + 2] == ".")):
            out.append(Finding("punct-space", s, e, ""))
            continue
        if not run.strip(_ZERO_WIDTH):
            out.append(Finding("zero-width", s, e, ""))  # inside a word: "wo\u200brd"
            continue
        out.append(Finding(_kind(run), s, e, " "))
    for m in _DOUBLED_PUNCT.finditer(hard) if _MAYBE_DOUBLED.search(hard) else ():
        if _is_table_line(hard, m.start()):
            continue
        g = m.group(0)
        out.append(Finding("double-punct", m.start(), m.end(), g[-1] if g[0] in ",;" and g[-1] == "." else g[0]))
    out.extend(_bracket_findings(hard))
    return out


def _kind(run: str) -> str:
    if any(c in _ZERO_WIDTH for c in run):
        return "zero-width"
    if "\t" in run:
        return "tab"
    if any(c in _NBSP for c in run):
        return "nbsp"
    return "double"


# Anything QB501 could report starts here: a tab, non-breaking or zero-width character, a
# space before a space/line end/punctuation, or two punctuation marks in a row.
_RARE = re.compile(f"[\\t{_NBSP}{_ZERO_WIDTH}]")
_SPACE_HINT = re.compile(r" [ \n,.;:?!]")       # starts with a literal: a fast scan
_PUNCT_HINT = re.compile(r"[,;:!?.][,;:!?.]")


def _typo_hint(text: str) -> bool:
    """Could ``text`` have any whitespace or punctuation finding? (Three fast scans.)"""
    if "\t" in text or not text.isascii() and _RARE.search(text):
        return True
    return bool(text.endswith(" ") or _SPACE_HINT.search(text) or _PUNCT_HINT.search(text))


def _balanced_counts(text: str) -> bool:
    """Equal numbers of openers and closers: balanced in practice (a misordered ")(" is
    not worth a character-by-character scan)."""
    return text.count("(") == text.count(")") and text.count("[") == text.count("]") \
        and text.count("{") == text.count("}")


def _mixed_quotes_possible(text: str) -> bool:
    return not text.isascii() and ('"' in text or "'" in text) and \
        ("’" in text or "‘" in text or "“" in text or "”" in text)


def _bracket_findings(hard: str) -> list[Finding]:
    if _balanced_counts(hard):
        return []
    # Closers of list enumerators ("a) ... b) ...", "1)") have no opener by design.
    enumerators = {m.end() - 1 for m in _ENUMERATOR.finditer(hard)} if ")" in hard else set()
    out = []
    for o, c in ("()", "[]", "{}"):
        if o not in hard and c not in hard:
            continue
        first_unmatched_close = None
        opens: list[int] = []
        for i, ch in enumerate(hard):
            if ch == o:
                opens.append(i)
            elif ch == c:
                if opens:
                    opens.pop()
                elif first_unmatched_close is None and i not in enumerators:
                    first_unmatched_close = i
        pos = first_unmatched_close if first_unmatched_close is not None else (opens[0] if opens else None)
        if pos is not None:
            out.append(Finding("brackets", pos, pos + 1, None))
    return out


def _quote_counts(texts: list[str], masked: bool = False) -> tuple[int, int]:
    straight = curly = 0
    for t in texts:
        if not _QUOTES.search(t):
            continue
        hard = t if masked else mask(t, opaque=True)
        for ch in _QUOTES.findall(hard):
            if ch in _STRAIGHT:
                straight += 1
            else:
                curly += 1
    return straight, curly


def _quote_edits(text: str, to_curly: bool) -> list[tuple[int, int, str]]:
    hard = mask(text, opaque=True)
    edits = []
    for m in _QUOTES.finditer(hard):
        ch, i = m.group(0), m.start()
        if to_curly and ch in _STRAIGHT:
            before = hard[i - 1] if i else " "
            after = hard[i + 1] if i + 1 < len(hard) else " "
            if ch == '"':
                new = "“" if before in _OPENERS else "”"
            elif before.isalnum():
                new = "’"
            else:
                new = "‘" if before in _OPENERS and after.isalnum() else "’"
            edits.append((i, i + 1, new))
        elif not to_curly and ch in _CURLY:
            edits.append((i, i + 1, '"' if ch in "“”" else "'"))
    return edits


def _fields(data: Any) -> list[tuple[tuple, str]]:
    out = []
    for key in ("stem",):
        if isinstance(data.get(key), str):
            out.append(((key,), data[key]))
    for i, opt in enumerate(data.get("options") or ()):
        if isinstance(opt, dict):
            for key in ("text", "rationale"):
                if isinstance(opt.get(key), str):
                    out.append((("options", i, key), opt[key]))
    if isinstance(data.get("explanation"), str):
        out.append((("explanation",), data["explanation"]))
    return out


def _field_label(path: tuple) -> str:
    if path[0] != "options":
        return f"the {path[0]}"
    return f"the {'text' if path[2] == 'text' else 'rationale'} of option {path[1] + 1}"


class Typography(Rule):
    """Whitespace, invisible characters, punctuation, brackets and quote styles.

    What it flags:
        In the stem, options, rationales and explanation (code spans and blocks excluded):
        trailing whitespace, doubled spaces, tabs, non-breaking spaces (info); zero-width
        characters such as U+200B and soft hyphens (warning); doubled punctuation (",,",
        "??", ".." but not "..."); a space before , ; : . ! ? (info); unbalanced (), [] or {}
        (warning); straight and curly quotes mixed within one item (info). Markdown tables
        are left alone.
    Why:
        Careless typography distracts and signals careless content; invisible characters
        also break search and duplicate detection (Haladyna et al. 2002, H#11-12).
    Fails:
        ```yaml
        id: research-sampling-023
        stem: |
          A researcher wants to survey  homeless youth, a population without a sampling
          frame. Which sampling method is MOST feasible?
        options:
          - text: Respondent-driven sampling
            correct: true
            rationale: Peers recruit peers, reaching a hidden population without a frame.
          - text: Simple random sampling
            rationale: Random sampling needs a complete list that does not exist here.
          - text: Stratified random sampling
            rationale: Stratifying still requires a sampling frame for each stratum.
          - text: Systematic sampling
            rationale: Selecting every nth person also presumes a list to select from.
        explanation: |
          Hidden populations have no list to sample from, so methods that recruit through
          social networks, such as respondent-driven sampling, are the feasible choice.
        ```
    Passes:
        ```yaml
        id: research-sampling-023
        stem: |
          A researcher wants to survey homeless youth, a population without a sampling
          frame. Which sampling method is MOST feasible?
        options:
          - text: Respondent-driven sampling
            correct: true
            rationale: Peers recruit peers, reaching a hidden population without a frame.
          - text: Simple random sampling
            rationale: Random sampling needs a complete list that does not exist here.
          - text: Stratified random sampling
            rationale: Stratifying still requires a sampling frame for each stratum.
          - text: Systematic sampling
            rationale: Selecting every nth person also presumes a list to select from.
        explanation: |
          Hidden populations have no list to sample from, so methods that recruit through
          social networks, such as respondent-driven sampling, are the feasible choice.
        ```
    Fix:
        `qbank lint --fix` fixes everything but brackets: trims trailing whitespace (a
        two-space Markdown line break becomes `\\`), collapses doubled spaces, replaces tabs
        and non-breaking spaces, deletes zero-width characters, removes doubled punctuation
        and spaces before punctuation, and converts quotes to the style the item uses most.
        Unbalanced brackets need a person to decide what was meant.
    """

    code = "QB501"
    name = "typography"
    severity = Severity.INFO
    fix_safety = "safe"

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        facts_ = facts(ctx)
        fields = facts_.fields
        # One cheap pass over the whole item first: almost every item is clean.
        joined = "\n".join(t for _, t in fields)
        if not _typo_hint(joined) and _balanced_counts(joined) and not _mixed_quotes_possible(joined):
            return
        for path, text in fields:
            by_kind: dict[str, list[Finding]] = {}
            for f in field_findings(text, facts_.opaque_of(path, text)):
                by_kind.setdefault(f.kind, []).append(f)
            for kind, found in by_kind.items():
                yield self._report(ctx, path, text, kind, found)
        straight, curly = _quote_counts([facts_.opaque_of(p, t) for p, t in fields], masked=True)
        if straight and curly:
            minority_curly = curly < straight
            for path, text in fields:
                hard = facts_.opaque_of(path, text)
                hit = next((m for m in _QUOTES.finditer(hard)
                            if (m.group(0) in _CURLY) == minority_curly), None)
                if hit:
                    target = "straight" if minority_curly else "curly"
                    yield self.diagnostic(ctx, path,
                                          f"{_where(path, text, hit.start())}mixed quote styles: the item has "
                                          f"{straight} straight and {curly} curly quotes (first odd one: "
                                          f"{hit.group(0)!r}); use {target} quotes throughout",
                                          Severity.INFO)
                    break

    def _report(self, ctx: ItemContext, path: tuple, text: str, kind: str, found: list[Finding]) -> Diagnostic:
        severity, what, todo = KINDS[kind]
        first = found[0]
        a, b = max(0, first.start - 12), min(len(text), first.end + 12)
        excerpt = text[a:b].replace("\n", "⏎").replace("\t", "→").replace("\u00a0", "⍽")
        excerpt = "".join("·" if c in _ZERO_WIDTH else c for c in excerpt)
        count = f"{len(found)} {what}s" if len(found) > 1 else f"{what}"
        d = self.diagnostic(ctx, path, f"{_where(path, text, first.start)}{count} (at \"{excerpt.strip()}\"); {todo}",
                            severity, offset=first.start)
        if kind == "brackets":
            from dataclasses import replace
            d = replace(d, fixable=False)
        return d

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        changed = False
        fields = _fields(data)
        straight, curly = _quote_counts([t for _, t in fields])
        quote_target = None if not (straight and curly) else (straight < curly)  # True: to curly
        for path, text in fields:
            edits = [(f.start, f.end, f.replacement) for f in field_findings(text) if f.replacement is not None]
            if quote_target is not None:
                edits += _quote_edits(text, quote_target)
            if not edits:
                continue
            parent = data
            for p in path[:-1]:
                parent = parent[p]
            parent[path[-1]] = apply_edits(text, edits)
            changed = True
        return changed


def _where(path: tuple, text: str, pos: int) -> str:
    """"line 3 of the stem: " for multi-line fields, "" otherwise (the diagnostic's line
    already points at the field)."""
    body = text.rstrip("\n")
    if "\n" not in body:
        return ""
    return f"line {text.count(chr(10), 0, pos) + 1} of {_field_label(path)}: "
