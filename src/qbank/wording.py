"""Small helpers for the words of messages, so every count reads right ("1 word", "2 words")."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1: ``plural(1, "file")`` is "1 file",
    ``plural(3, "match", "matches")`` is "3 matches"."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
