"""What a piece of feedback says beyond a verdict: its words other than "Correct!", "Try
again.", labels such as "Explanation:", links, option letters and the option's own words.

An explanation or rationale is empty when nothing is left ("Correct.", "Incorrect. Try
again.", "The answer is B.", a bare list of reference links, "The correct answer is 42."):
the learner is told the verdict, never the reason. Code, numbers other than the key's and
images count as content: "`pop()` removes the last element", "x=2, y=2*2=4" and a diagram
explain.
"""

from __future__ import annotations

import re

# Verdicts, encouragement, pointers and the glue around them.
FILLER = frozenset("""
a an the this that that's thats it it's its is are was were be so and or but yes no not
correct correctly incorrect incorrectly right wrong true false good great nice well done job
excellent exactly indeed perfect awesome yep nope sorry oops quite almost close partially
try again check question questions carefully read reread review see above below please
answer answers answered option options choice choices key explanation explanations note
reference references source sources link links docs documentation more info information here
you your got have has one answer's because since as of course obviously ok okay
discussion necessarily
""".split())
# Link text and targets stop at the next bracket or parenthesis: each attempt then scans only
# up to where the next one starts, so a line of 100,000 `![` or `](` stays linear.
_LINK = re.compile(r"!?\[[^\[\]\n]*\]\([^()\n]*\)|<?https?://[^\s>)\]]+>?|\[[^\[\]\n]*\]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_PUNCT = str.maketrans({c: " " for c in "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~"})
_LIST_MARK = re.compile(r"^[ \t]*(?:\d{1,3}[.)]|[-*+])[ \t]", re.M)


def own_words(text: str, exclude: str = "", enough: int = 0) -> list[str]:
    """The words and numbers of ``text`` that are not filler, links, single letters or words
    of ``exclude`` (the key's or the option's own text), lowercased; an image counts as the
    word "image". With ``enough``, the first that many (all a threshold test needs)."""
    t = _LINK.sub(lambda m: " image " if m.group(0).startswith("![") else " ", text) \
        if ("[" in text or "http" in text) else text
    if "\n" in t or t[:1].isdigit() or t[:1] in " -*+":
        t = _LIST_MARK.sub(" ", t)
    skip: set[str] | None = None
    out = []
    for m in _WORD.finditer(t.lower()):
        w = m.group(0).replace("’", "'")
        if (len(w) > 1 or w.isdigit()) and w not in FILLER:
            if skip is None:  # the excluded words, read once a candidate needs them
                skip = set(exclude.lower().replace("’", "'").translate(_PUNCT).split()) if exclude else set()
            if w not in skip:
                out.append(w)
                if len(out) == enough:
                    break
    return out
