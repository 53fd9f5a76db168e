"""Common misspellings, from codespell's maintained dictionary (QB503)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.markup import MATH
from ..textkit.literal import is_code
from .base import ItemContext, Option, Rule

# A word of prose in the opaque mask (code, URLs and HTML are U+0001 there): letters with inner
# apostrophes, not glued to code, an identifier ("foo_bar", "obj.attr", "-flag", "#tag") or math.
_WORD = re.compile(r"(?<![\w\x01.\-/@#$\\])[A-Za-z]+(?:['’][a-z]+)?(?![\w\x01\-/@(\\'’]|\.[A-Za-z])")
_NAME_BEFORE = re.compile(r"[A-Z][a-z]+\.?[ \t]+$")  # "Thomas Gage": a name, not a typo
# Every ASCII byte but letters and the apostrophe, as a space: bytes.translate + split is the
# fastest way to a text's words (a non-ASCII character stays inside its word, which the
# table then does not hold).
_NON_LETTERS = bytes(c if c >= 128 or chr(c).isalpha() or c == 39 else 32 for c in range(256))

_MISSPELLINGS: dict[str, str] | None = None
_KEYS: frozenset[bytes] | None = None


def _dictionary() -> bytes:
    """codespell's ``dictionary.txt``, found without importing codespell (its package imports
    its whole command line)."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("codespell_lib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("QB503 needs the codespell package: pip install codespell")
    with open(os.path.join(spec.submodule_search_locations[0], "data", "dictionary.txt"), "rb") as fh:
        return fh.read()


def misspellings() -> dict[str, str]:
    """codespell's dictionary ("wrong->right" or "wrong->a, b,"), read on first need: lowercase
    misspelling -> its right-hand side as written (see :func:`_suggestions`)."""
    global _MISSPELLINGS
    if _MISSPELLINGS is None:
        pairs = (line.partition("->") for line in _dictionary().decode("utf-8").splitlines())
        _MISSPELLINGS = {wrong.lower(): right for wrong, _, right in pairs if right}
    return _MISSPELLINGS


def _keys() -> frozenset[bytes]:
    """The lowercase misspellings as UTF-8 bytes, for the fast test every item takes (read
    once per process: ~20 ms; the full table is read only when an item has a candidate)."""
    global _KEYS
    if _KEYS is None:
        _KEYS = frozenset(line.partition(b"->")[0] for line in _dictionary().lower().splitlines())
    return _KEYS


def _suggestions(right: str) -> str:
    """ "recursive, reclusive," -> "recursive" or "reclusive"; a trailing reason (an entry
    without the final comma: "class, disabled because...") is dropped."""
    parts = [p.strip() for p in right.split(",")]
    if not right.rstrip().endswith(",") and len(parts) > 1:
        parts = parts[:-1]
    parts = [p for p in parts if p]
    return " or ".join(f'"{p}"' for p in parts[:3])


class Misspelling(Rule):
    """A word that codespell's dictionary lists as a common misspelling.

    What it flags:
        A word of the stem, an option, a rationale or the explanation that codespell's
        maintained list of common misspellings (the `codespell` package) names, such as
        "statemenet" or "recusive", with the suggested spelling. Code spans, fenced code,
        URLs, math (`$...$`), identifiers ("snake_case", "obj.attr", "-flag"), words in
        capitals (acronyms), the second word of a name ("Thomas Gage") and options that are
        code are not read. Words shorter than
        `spelling-min-letters` are skipped (short entries such as "ket" or "mis" are often
        names or other languages), and so are the words of `spelling-words`, the bank's own
        word list in qbank.toml (names and terms the dictionary does not know).
    Why:
        A typo in a stem or option distracts and can change the meaning; a misspelt
        distractor is a cue that it was written in haste (Haladyna et al. 2002, H#6: edit
        and proof items).
    Fails:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          Which statemenet should the social worker explore FIRST?
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          Which statement should the social worker explore FIRST?
        ```
    Fix:
        Correct the spelling, or add the word to `spelling-words` in qbank.toml if it is
        right in this bank.
    """

    code = "QB503"
    name = "misspelling"
    severity = Severity.WARNING
    needs = frozenset()  # reads whatever text the item has
    options = (Option("spelling-words", list[str], (), "Words never reported as misspellings (any case): the "
                      "bank's names and terms.", convert=lambda words: frozenset(w.casefold() for w in words)),
               Option("spelling-min-letters", int, 4,
                      "The shortest word checked (4: shorter dictionary entries are mostly names, code and "
                      "other languages).", min=1, max=20))

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        # Fast path, taken by nearly every item: no word of the whole item is in the table.
        if _keys().isdisjoint("\n".join(t for _, t in f.fields).lower().encode().translate(_NON_LETTERS).split()):
            return
        table = misspellings()
        allowed = ctx.options.spelling_words
        least = ctx.options.spelling_min_letters
        for path, raw in f.fields:
            if not raw or path[-1] == "text" and is_code(raw):
                continue
            hard = f.opaque_of(path, raw)
            if "$" in hard:
                hard = MATH.sub(lambda m: "\x01" * len(m.group(0)), hard)
            for m in _WORD.finditer(hard):
                word = m.group(0)
                if len(word) < least or word.isupper() or word[1:] != word[1:].lower():
                    continue  # acronyms and camelCase identifiers
                if word[0].isupper() and _NAME_BEFORE.search(hard, max(0, m.start() - 30), m.start()):
                    continue  # the second word of a name
                low = word.lower()
                right = table.get(low)
                if right is None or low in allowed:
                    continue
                yield self.diagnostic(ctx, path, f'"{word}" is a common misspelling of {_suggestions(right)}; '
                                                 "correct it, or add it to `spelling-words` in qbank.toml if it is "
                                                 "right here", offset=m.start())
