"""Typography of every Markdown field (QB501): whitespace, invisible characters,
punctuation, brackets and quote styles. Everything but brackets has a safe fix."""

from __future__ import annotations

from typing import Any, Iterator, MutableMapping

from ..diagnostics import Diagnostic, Severity
from ..textkit.edits import apply_edits
from ..textkit.facts import facts
from ..textkit.typography import (CURLY, JOINERS, QUOTES, ZERO_WIDTH, Finding, balanced_counts, field_findings,
                                  mixed_quotes_possible, quote_counts, quote_edits, spacing_hint)
from .base import ItemContext, Rule, RuleOptions

# kind -> (severity, short description, what to do)
KINDS: dict[str, tuple[Severity, str, str]] = {
    "trailing": (Severity.INFO, "trailing whitespace", "remove it (write `\\` at the end of a line for a line break)"),
    "double": (Severity.INFO, "doubled space", "use single spaces"),
    "tab": (Severity.INFO, "tab character", "use spaces"),
    "nbsp": (Severity.INFO, "non-breaking space", "use an ordinary space"),
    "zero-width": (Severity.WARNING, "invisible zero-width character", "delete it (it breaks search and duplicate checks)"),
    "joiner": (Severity.INFO, "zero-width joiner between Latin characters",
               "delete it if it is a stray (joiners belong only inside emoji sequences and some scripts, "
               "so --fix never removes one)"),
    "punct-space": (Severity.INFO, "space before punctuation", "remove the space"),
    "double-punct": (Severity.INFO, "doubled punctuation", "keep one mark"),
    "brackets": (Severity.WARNING, "unbalanced brackets", "close or remove the unmatched bracket"),
    "quotes": (Severity.INFO, "mixed quote styles", "use one style throughout the item"),
}


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
        characters such as U+200B and soft hyphens (warning); a zero-width joiner or
        non-joiner (U+200D, U+200C) between Latin characters (info: elsewhere they join emoji
        sequences and Persian and Indic letters, so they are left alone); doubled punctuation
        (",,", "??", ".." but not "..."); a space before , ; : . ! ? (info); unbalanced (),
        [] or {} (warning); straight and curly quotes mixed within one item (info). Code
        (fenced, indented and inline), URLs, link and image destinations, raw HTML and
        Markdown tables are left alone.
    Why:
        Careless typography distracts and signals careless content; invisible characters
        also break search and duplicate detection (Haladyna et al. 2002, H#11-12).
    Fails:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a  new job.
          What should the social worker explore FIRST?
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          What should the social worker explore FIRST?
        ```
    Fix:
        `qbank lint --fix` fixes everything but brackets and joiners: trims trailing
        whitespace (a two-space Markdown line break becomes `\\`), collapses doubled spaces,
        replaces tabs and non-breaking spaces, deletes zero-width characters, removes doubled
        punctuation and spaces before punctuation, and converts quotes to the style the item
        uses most, in prose only: never inside code, URLs or HTML. Unbalanced brackets and
        joiners need a person to decide what was meant.
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
        if not spacing_hint(joined) and balanced_counts(joined) and not mixed_quotes_possible(joined):
            return
        for path, text in fields:
            by_kind: dict[str, list[Finding]] = {}
            for f in field_findings(text, facts_.opaque_of(path, text)):
                by_kind.setdefault(f.kind, []).append(f)
            for kind, found in by_kind.items():
                yield self._report(ctx, path, text, kind, found)
        straight, curly = quote_counts([facts_.opaque_of(p, t) for p, t in fields], masked=True)
        if straight and curly:
            minority_curly = curly < straight
            for path, text in fields:
                hard = facts_.opaque_of(path, text)
                hit = next((m for m in QUOTES.finditer(hard)
                            if (m.group(0) in CURLY) == minority_curly), None)
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
        excerpt = "".join("·" if c in ZERO_WIDTH or c in JOINERS else c for c in excerpt)
        plural = what if what.endswith("s") else what + "s"  # "unbalanced brackets", "tab characters"
        count = f"{len(found)} {plural}" if len(found) > 1 else what
        d = self.diagnostic(ctx, path, f"{_where(path, text, first.start)}{count} (at \"{excerpt.strip()}\"); {todo}",
                            severity, offset=first.start)
        if first.replacement is None:  # brackets and joiners: a person decides
            from dataclasses import replace
            d = replace(d, fixable=False)
        return d

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        changed = False
        fields = _fields(data)
        straight, curly = quote_counts([t for _, t in fields])
        quote_target = None if not (straight and curly) else (straight < curly)  # True: to curly
        for path, text in fields:
            edits = [(f.start, f.end, f.replacement) for f in field_findings(text) if f.replacement is not None]
            if quote_target is not None:
                edits += quote_edits(text, quote_target)
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
