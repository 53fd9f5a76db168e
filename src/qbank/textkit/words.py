"""Words of plain text, stopwords, and word roots (a light suffix stripper, so that
supervise, supervisor and supervision count as one word)."""

from __future__ import annotations

import re
from typing import Iterable

from .markup import fold, plain

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")          # letters, inner apostrophes
TOKEN = re.compile(r"[^\W_]+(?:['’.,][^\W_]+)*")             # words and numbers ("2.5", "1,000")

_ASCII_NONWORD = str.maketrans({c: " " for c in "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~0123456789\t\n\r"} | {"'": None})


def words(text: str) -> list[str]:
    """Lowercase words (letters only) of plain text; apostrophes dropped ("client's" ->
    "clients", "don't" -> "dont"), hyphens split ("year-old" -> "year", "old")."""
    low = text.lower()
    if low.isascii():  # the common case: translate + split is ~3x faster than a regex
        return low.translate(_ASCII_NONWORD).split()
    return WORD.findall(low.replace("'", "").replace("’", ""))


def word_tokens(text: str, prose: str | None = None) -> list[str]:
    """Words and numbers only, lowercase: "the dose (10 mg)." -> ["the", "dose", "10", "mg"].
    ``prose`` is ``plain(text)`` if the caller has it already."""
    t = plain(text) if prose is None else prose
    t = t.lower() if t.isascii() else fold(t)
    return TOKEN.findall(t)


# --- word roots ----------------------------------------------------------------------------

_SUFFIXES = ("izations", "ization", "isations", "isation", "ations", "ation", "nesses", "ness",
             "ments", "ment", "ities", "ity", "ings", "ing", "ives", "ive", "ions", "ion",
             "ers", "er", "ors", "or", "ies", "ied", "ed", "es", "al", "s")
_ROOTS: dict[str, str] = {}


def word_root(word: str) -> str:
    """A light suffix-stripping root, so supervise/supervisor/supervision/supervising all give
    "supervis" and family/families give "famili". Memoised: vocabularies are small."""
    s = _ROOTS.get(word)
    if s is not None:
        return s
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    for suf in _SUFFIXES:
        if suf == "s" and w.endswith(("ss", "us", "is")):
            continue  # assess, status, basis: the s is the word's own, not a plural
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)] + ("i" if suf in ("ies", "ied") else "")
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    elif len(w) > 4 and w.endswith("y"):
        w = w[:-1] + "i"
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "lsaeiou":
        w = w[:-1]
    if len(_ROOTS) > 200_000:
        _ROOTS.clear()
    _ROOTS[word] = w
    return w


# --- stopwords and content words -----------------------------------------------------------

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can cannot could did do does doing done down during each either
else even ever every few for from further had has have having he her here hers herself him himself
his how however i if in into is isn't it it's its itself just let me more most much must my myself
no nor not now of off on once only or other others otherwise our ours ourselves out over own per
rather same she should so some such than that the their theirs them themselves then there these
they this those though through thus to too under until up upon us very via was we were what when
whenever where whether which while who whom whose why will with within without would yet you your
yours yourself yourselves one two three four five first second third next best least likely
isnt arent wasnt werent dont doesnt didnt cant couldnt wont wouldnt shouldnt hasnt havent hadnt
theyre youre shes hes thats whats theres
""".split())

# Words that every item in a helping-professions bank uses: repeating them is no cue.
DOMAIN_STOPWORDS = frozenset("""
client clients client's patient patients patient's social worker workers worker's therapist
therapists therapist's counselor counselors counselor's clinician clinicians clinician's
practitioner practitioners nurse nurses nurse's provider providers following which what most
likely appropriate important initial initially action actions step steps response respond
responses should would could best first next least option options answer answers question
statement statements true false correct incorrect describe describes described explain explains
indicate indicates indicated mean means situation case person people individual individuals
session sessions year years old year-old work working time during based according regarding
concern concerned concerns help helps helping need needs needed want wants wanted make makes
making take takes taking says said tells told reports reported state states stated
""".split())

STOP_ALL = STOPWORDS | DOMAIN_STOPWORDS
CONTENT_MIN_LETTERS = 4


def content_roots(text_words: Iterable[str], stoplist: frozenset[str] = frozenset()) -> set[str]:
    """Roots of the content words (>= 4 letters, not stopwords) among lowercase ``text_words``."""
    out: set[str] = set()
    get = _ROOTS.get
    for w in text_words:
        if len(w) >= CONTENT_MIN_LETTERS and w not in STOP_ALL and (not stoplist or w not in stoplist):
            out.add(get(w) or word_root(w))
    return out


def find_root(low: str, target: str, loose: bool = False,
              exclude: frozenset[str] = frozenset()) -> str | None:
    """A word of the lowercase text ``low`` whose root is ``target`` (with ``loose``: whose
    root shares its first five letters), or None. Candidates are found by substring search
    for the root's first four letters, which is much cheaper than tokenising the text."""
    pre = target[:4]
    i = low.find(pre)
    while i >= 0:
        if i == 0 or not low[i - 1].isalpha():
            m = WORD.match(low, i)
            if m is not None:
                w = m.group(0)
                if len(w) >= CONTENT_MIN_LETTERS and w not in exclude:
                    s = _ROOTS.get(w) or word_root(w)
                    if s == target or loose and len(s) >= 5 and len(target) >= 5 and s[:5] == target[:5]:
                        return w
        i = low.find(pre, i + 1)
    return None
