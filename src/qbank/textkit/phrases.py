"""Stock option phrases: "All of the above", "None of these" and their variants."""

from __future__ import annotations

import re

_ABOVE = r"(?:above|preceding|previous|options|answers|choices|statements|responses)"
# Both match an option's folded text (see markup.normalize).
ALL_OF_THE_ABOVE = re.compile(rf"^(?:all|each) (?:of )?(?:the )?{_ABOVE}\b|^all of these\b"
                              r"|^all (?:are|of them are) correct\b")
NONE_OF_THE_ABOVE = re.compile(rf"^(?:none|neither) (?:of )?(?:the )?{_ABOVE}\b|^none of these\b"
                               r"|^none (?:is|are|of them (?:is|are)) correct\b")


def is_all_of_the_above(norm: str) -> bool:
    return norm[:3] in ("all", "eac") and ALL_OF_THE_ABOVE.match(norm) is not None


def is_none_of_the_above(norm: str) -> bool:
    return norm[:3] in ("non", "nei") and NONE_OF_THE_ABOVE.match(norm) is not None


def refers_to_the_others(norm: str) -> bool:
    """An all- or none-of-the-above option: it says nothing of its own (QB301/QB302 report
    it; word-cue rules leave it alone)."""
    return is_all_of_the_above(norm) or is_none_of_the_above(norm)
