"""Stock option phrases: "All of the above", "None of these" and their variants."""

from __future__ import annotations

import re

_ABOVE = r"(?:above|preceding|previous|options|answers|choices|statements|responses)"
# Both match an option's folded text (see markup.normalize).
ALL_OF_THE_ABOVE = re.compile(rf"^(?:all|each) (?:of )?(?:the )?{_ABOVE}\b|^all of these\b"
                              r"|^all (?:are|of them are) correct\b")
NONE_OF_THE_ABOVE = re.compile(rf"^(?:none|neither) (?:of )?(?:the )?(?:other )?{_ABOVE}\b|^none of these\b"
                               r"|^none of the (?:mentioned|listed)\b|^none of them\b"
                               r"|^none (?:is|are|of them (?:is|are)) correct\b")
# An option that is no answer at all: it invites candidates to opt out (QB302 reports it too).
DONT_KNOW = re.compile(r"^(?:i (?:do not|don't|dont) know|i'?m not sure|i am not sure|not sure|"
                       r"i (?:have no|haven't any) idea)(?: the answer)?$")


def is_all_of_the_above(norm: str) -> bool:
    return norm[:3] in ("all", "eac") and ALL_OF_THE_ABOVE.match(norm) is not None


def is_none_of_the_above(norm: str) -> bool:
    return norm[:3] in ("non", "nei") and NONE_OF_THE_ABOVE.match(norm) is not None


def refers_to_the_others(norm: str) -> bool:
    """An all- or none-of-the-above option: it says nothing of its own (QB301/QB302 report
    it; word-cue rules leave it alone)."""
    return is_all_of_the_above(norm) or is_none_of_the_above(norm)


def is_dont_know(norm: str) -> bool:
    """An "I don't know" option (its folded text)."""
    return norm[:1] in "inu" and DONT_KNOW.match(norm) is not None
