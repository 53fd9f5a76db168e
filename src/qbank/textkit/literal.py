"""Options that are code or data, not prose: literals, compared exactly.

An option such as "`class Dog:`", "LocalStorage.setItem(...)", "-D", "3, 6, 9" or
"Target > Capturing > Bubbling" means exactly what it spells: case, brackets, ``*``, ``:``
and order are its content. Rules that fold, stem or look for words inside other options
(QB103, QB104) must treat such an option as a literal; rules about what an explanation says
(QB401) must not expect a literal key to be repeated word for word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Marks of code or data in an option's text (Markdown emphasis excluded): code spans, math,
# brackets and operators, calls and attribute access ("f(x)", "a.b"), flags ("-d"),
# snake_case and camelCase, a colon or semicolon glued to text, a glob star, quotes.
_CODE_MARK = re.compile(
    r"[`{}\[\]<>=\\|$#@^~\"]"
    r"|\w\(|\w\.\w|(?:^|\s)--?[A-Za-z]|[A-Za-z0-9]_[A-Za-z0-9]|[a-z][A-Z]"
    r"|[:;](?=\S)|\w:\s*$|\*\w|\w\*(?!\*)|\w\*\*?$"
)
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])")


@lru_cache(maxsize=4096)  # several rules ask about the same options of an item
def is_literal(text: str) -> bool:
    """Whether an option (its Markdown source) is code or data rather than prose: it has a
    code mark, or no word of two letters or more (numbers, symbols: "3, 6, 9", "x + 1")."""
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub(r"\2", text)
    return _CODE_MARK.search(text) is not None or _LETTERS.search(text) is None


_SPACES = re.compile(r"\s+")
_CASE_WORD = re.compile(r"[^\W\d_]+")


def literal_key(text: str) -> str:
    """An option folded only as far as its meaning allows, for exact-duplicate tests.

    A literal keeps its case, brackets, ``*``, ``:`` and order; only Unicode form, the code
    span's backticks and runs of whitespace are folded. Prose also drops Markdown emphasis
    and trailing sentence punctuation, and folds the case of words written in lower case or
    with a capital initial ("Refer" = "refer"), but not of words in capitals ("BALL" is not
    "Ball")."""
    t = text if text.isascii() else unicodedata.normalize("NFKC", text)
    t = _SPACES.sub(" ", t).strip()
    if is_literal(t):
        return t.replace("`", "").strip()
    t = _EMPHASIS.sub(r"\2", t) if "*" in t or "_" in t else t
    t = t.rstrip(" .!?,;")
    return _CASE_WORD.sub(lambda m: m.group(0).lower() if m.group(0)[1:].islower() or len(m.group(0)) == 1
                          else m.group(0), t)


_CODE_SPAN = re.compile(r"(`+)[^`].*?(?<!`)\1(?!`)", re.S)


@lru_cache(maxsize=4096)
def is_code(text: str) -> bool:
    """Whether an option is code or data as a whole ("`class Dog:`", "print(list(x))",
    "3, 6"), not prose that quotes some code ("`self` refers to the instance")."""
    if "`" in text:
        rest = _CODE_SPAN.sub(" ", text)
        return not rest.strip(" .,;:!?") or is_literal(rest)
    return is_literal(text)
