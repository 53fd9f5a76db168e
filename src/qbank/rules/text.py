"""Plain-text helpers shared by the lint rules: Markdown masking, the lead-in, words,
a light stemmer, stopwords, normalisation, numeric options and per-item facts.

Everything here is on the hot path (every rule, every item, every save), so regexes are
compiled once, Markdown is handled by a few offset-preserving substitutions rather than a
parser, and the per-item facts are computed lazily and at most once per item.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple

# --- Markdown ------------------------------------------------------------------------------

# Parts of Markdown whose characters are not prose: fenced and indented-by-fence code, code
# spans, images, link destinations, autolinks and HTML tags. `mask` blanks them with spaces
# (newlines kept), so offsets into the masked text are offsets into the original.
_MASK = re.compile(
    r"(?P<fence>^[ \t]{0,3}(?P<f>`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}(?P=f)[`~]*[ \t]*$|\Z))"
    r"|(?P<code>(?P<b>`+)[^`].*?(?<!`)(?P=b)(?!`))"
    r"|(?P<img>!\[[^\]\n]*\]\([^)\n]*\))"
    r"|(?P<dest>(?<=\])\([^)\s]*(?:[ \t]+\"[^\"\n]*\")?\))"
    r"|(?P<auto><(?:https?://|mailto:)[^>\s]*>)"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>)",
    re.M | re.S,
)
_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(m: re.Match) -> str:
    return _NOT_NEWLINE.sub(" ", m.group(0))


def _opaque(m: re.Match) -> str:
    return _NOT_NEWLINE.sub("\x01", m.group(0))


def mask(text: str, opaque: bool = False) -> str:
    """``text`` with code, images, URLs and HTML replaced by spaces (or, with ``opaque``, by
    U+0001, which no prose pattern matches), same length and same line breaks."""
    if "`" not in text and "<" not in text and "](" not in text and "~~~" not in text:
        return text
    return _MASK.sub(_opaque if opaque else _blank, text)


_LINK_TEXT = re.compile(r"\[([^\]\n]*)\]")
_UNDERSCORES = re.compile(r"(?<![^\W_])_+|_+(?![^\W_])")   # emphasis, not snake_case
_ESCAPES = re.compile(r"\\(?=[^\w\s])")
_LINE_MARKS = re.compile(r"^[ \t]*(?:#{1,6}|>)[ \t]+", re.M)


def plain(text: str) -> str:
    """Prose of a Markdown field: masked, link brackets and emphasis markers removed,
    whitespace collapsed to single spaces. (Each step runs only if its marker occurs.)"""
    out = mask(text)
    if "*" in out:
        out = out.replace("*", "")
    if "_" in out:
        out = _UNDERSCORES.sub("", out)
    if "~~" in out:
        out = out.replace("~~", "")
    if "\\" in out:
        out = _ESCAPES.sub("", out)
    if "#" in out or ">" in out:
        out = _LINE_MARKS.sub("", out)
    if "[" in out:
        out = _LINK_TEXT.sub(r"\1", out)
    return " ".join(out.split())


# --- words ---------------------------------------------------------------------------------

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")          # letters, inner apostrophes
TOKEN = re.compile(r"[^\W_]+(?:['’.,][^\W_]+)*")             # words and numbers ("2.5", "1,000")

_PUNCT_TABLE = str.maketrans({c: " " for c in "!\"#$%&()*+,./:;<=>?@[\\]^_`{|}~“”‘’«»–—…•·"})


_ASCII_NONWORD = str.maketrans({c: " " for c in "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~0123456789\t\n\r"} | {"'": None})


def words(text: str) -> list[str]:
    """Lowercase words (letters only) of plain text; apostrophes dropped ("client's" ->
    "clients", "don't" -> "dont"), hyphens split ("year-old" -> "year", "old")."""
    low = text.lower()
    if low.isascii():  # the common case: translate + split is ~3x faster than a regex
        return low.translate(_ASCII_NONWORD).split()
    return WORD.findall(low.replace("'", "").replace("’", ""))


_NORM_TRIGGER = re.compile(r"[`*~\[\\]")
_NORM_MARKUP = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)|[`*~]+|\\(?=[^\w\s])")


def normalize(text: str) -> str:
    """Text folded for equality tests: NFKC, Markdown markup (not code content) removed,
    casefolded, quotes and dashes unified, whitespace collapsed, trailing punctuation
    dropped. "`len(x)`" and "len(x)." are equal; "`len(x)`" and "`x.size()`" are not."""
    t = text if text.isascii() else unicodedata.normalize("NFKC", text)
    if _NORM_TRIGGER.search(t):
        t = _NORM_MARKUP.sub(lambda m: m.group(1) or "", t)
    t = t.casefold().translate(_QUOTE_FOLD)
    t = " ".join(t.split())
    return t.rstrip(" .;:,!?")


_QUOTE_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "‐": "-"})


def word_key(text: str, prose: str | None = None) -> str:
    """Words and numbers only, lowercase, single-spaced: "the dose (10 mg)." -> "the dose 10 mg".
    ``prose`` is ``plain(text)`` if the caller has it already."""
    t = plain(text) if prose is None else prose
    if not t.isascii():
        t = unicodedata.normalize("NFKC", t).casefold().translate(_QUOTE_FOLD)
    else:
        t = t.lower()
    return " ".join(TOKEN.findall(t))


# --- stemming and stopwords ----------------------------------------------------------------

_SUFFIXES = ("izations", "ization", "isations", "isation", "ations", "ation", "nesses", "ness",
             "ments", "ment", "ities", "ity", "ings", "ing", "ives", "ive", "ions", "ion",
             "ers", "er", "ors", "or", "ies", "ied", "ed", "es", "al", "s")
_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """A light suffix-stripping stem, so supervise/supervisor/supervision/supervising all give
    "supervis" and family/families give "famili". Memoised: vocabularies are small."""
    s = _STEMS.get(word)
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
    if len(_STEMS) > 200_000:
        _STEMS.clear()
    _STEMS[word] = w
    return w


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

CONTENT_MIN_LETTERS = 4


STOP_ALL = STOPWORDS | DOMAIN_STOPWORDS


def content_stems(text_words: Iterable[str], stoplist: frozenset[str] = frozenset()) -> set[str]:
    """Stems of the content words (>= 4 letters, not stopwords) among lowercase ``text_words``."""
    out: set[str] = set()
    get = _STEMS.get
    for w in text_words:
        if len(w) >= CONTENT_MIN_LETTERS and w not in STOP_ALL and (not stoplist or w not in stoplist):
            out.add(get(w) or stem(w))
    return out


_WORD_AT = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def find_stem(low: str, target: str, loose: bool = False,
              exclude: frozenset[str] = frozenset()) -> str | None:
    """A word of the lowercase text ``low`` whose stem is ``target`` (with ``loose``: whose
    stem shares its first five letters), or None. Candidates are found by substring search
    for the stem's first four letters, which is much cheaper than tokenising the text."""
    pre = target[:4]
    i = low.find(pre)
    while i >= 0:
        if i == 0 or not low[i - 1].isalpha():
            m = _WORD_AT.match(low, i)
            if m is not None:
                w = m.group(0)
                if len(w) >= CONTENT_MIN_LETTERS and w not in exclude:
                    s = _STEMS.get(w) or stem(w)
                    if s == target or loose and len(s) >= 5 and len(target) >= 5 and s[:5] == target[:5]:
                        return w
        i = low.find(pre, i + 1)
    return None


# --- the lead-in ---------------------------------------------------------------------------

_TRAILING_MARKUP = " \t\r\n*_\"'”’)]"
_CLOSERS = "\"'”’)]*_"
_ABBREVIATIONS = frozenset("dr mr mrs ms mx st vs e.g i.e eg ie approx prof jr sr no fig cf al".split())


def lead_in_span(masked_stem: str) -> tuple[int, int]:
    """(start, end) of the lead-in, the stem's last sentence, in ``masked_stem``.

    Walks back from the final mark over candidate sentence ends (. ? ! followed, after any
    closing quotes or brackets, by whitespace) with ``rfind``, skipping decimals, ellipses
    and abbreviations ("Dr.", "e.g."); a blank line also ends a sentence."""
    m = masked_stem
    end = len(m.rstrip(_TRAILING_MARKUP))
    if end == 0:
        return 0, 0
    end_full = len(m.rstrip())
    blank = m.rfind("\n\n", 0, end - 1)
    start = blank + 2 if blank >= 0 else 0
    limit = end - 1  # the lead-in's own final mark is not a boundary
    while limit > start:
        p = max(m.rfind(".", start, limit), m.rfind("?", start, limit), m.rfind("!", start, limit))
        if p < 0:
            break
        limit = p
        q = p + 1
        while q < end and m[q] in _CLOSERS:
            q += 1
        if q >= end or not m[q].isspace() or q == p + 1 and m[p] == "." and m[p - 1: p] == ".":
            continue
        if m[p] == ".":
            before = m[max(0, p - 24):p].rsplit(None, 1)
            prev = before[-1].lower().lstrip("(\"'“") if before else ""
            if prev in _ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()):
                continue
        start = q
        break
    while start < end and m[start].isspace():
        start += 1
    return start, end_full


# --- numbers in options --------------------------------------------------------------------

_NUM = r"[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+−]?\.\d+"
_UNIT = r"%|(?!(?:to|and|or)\b)[a-zµμ°][a-zµμ°/.]*(?:\s(?!(?:to|and|or)\b)[a-z][a-z/.]*)?"
_QUANTITY = re.compile(
    rf"^(?P<pre>less than|fewer than|under|below|more than|greater than|over|above|at least|"
    rf"at most|up to|no more than|no less than|between|from|approximately|about|around|~|<=|>=|[<>≤≥])?"
    rf"\s*(?P<cur>[$£€])?\s*(?P<a>{_NUM})\s*(?P<ua>{_UNIT})?"
    rf"(?:\s*(?:-|–|—|to|and)\s*[$£€]?\s*(?P<b>{_NUM})\s*(?P<ub>{_UNIT})?)?"
    rf"\s*(?P<post>\+|or (?:more|less|fewer|greater|higher|lower|above|below|older|younger|longer|over|under))?$",
)
_LOWER_PRE = {"less than": True, "fewer than": True, "under": True, "below": True, "<": True,
              "up to": False, "at most": False, "no more than": False, "<=": False, "≤": False}
_UPPER_PRE = {"more than": True, "greater than": True, "over": True, "above": True, ">": True,
              "at least": False, "no less than": False, ">=": False, "≥": False}
_LOWER_POST = ("or less", "or fewer", "or lower", "or below", "or younger", "or under")


_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Quantity:
    """A numeric option as an interval: "18-25 years" is [18, 25] in "year"."""

    lo: float
    hi: float
    lo_open: bool
    hi_open: bool
    unit: str
    is_range: bool

    def sort_key(self) -> tuple[float, float]:
        return (self.lo, self.hi)


def _number(s: str) -> float:
    return float(s.replace(",", "").replace("−", "-"))


def _unit(u: str | None) -> str:
    u = (u or "").strip().rstrip(".")
    if u == "%":
        return u
    return " ".join(w[:-1] if len(w) > 2 and w.endswith("s") else w for w in u.split())


def quantity(text: str) -> Quantity | None:
    """The option read as a number, range or bound ("less than 5%"), else None."""
    if not _DIGIT.search(text):
        return None
    t = plain(text).lower().rstrip(" .")
    if not t:
        return None
    m = _QUANTITY.match(t)
    if m is None:
        return None
    try:
        a = _number(m.group("a"))
        b = _number(m.group("b")) if m.group("b") else None
    except ValueError:
        return None
    ua, ub = _unit(m.group("ua")), _unit(m.group("ub"))
    if b is not None and ua and ub and ua != ub:
        return None
    unit = (m.group("cur") or "") + (ub or ua)
    pre, post = m.group("pre"), m.group("post")
    if b is not None:
        if pre not in (None, "between", "from"):
            return None
        return Quantity(min(a, b), max(a, b), False, False, unit, True)
    if pre in _LOWER_PRE or (post and post in _LOWER_POST):
        return Quantity(-math.inf, a, True, _LOWER_PRE.get(pre, False), unit, True)
    if pre in _UPPER_PRE or post:
        return Quantity(a, math.inf, _UPPER_PRE.get(pre, False), True, unit, True)
    return Quantity(a, a, False, False, unit, False)


# --- per-item facts ------------------------------------------------------------------------

class cached_property:  # noqa: N801 - functools' version takes a lock per first access (slow here)
    """A lazily computed attribute stored in the instance (no locking: facts are per item)."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


class OptionFacts(NamedTuple):
    plain: str                  # prose of the option (Markdown removed)
    words: list[str]            # its lowercase words
    norm: str                   # folded for equality tests
    content: set[str]           # content-word stems (and numbers)
    word_count: int
    quantity: Quantity | None   # the number or range it states, if numeric
    lower: str                  # the prose lowercased (NFKC-casefolded if not ASCII)


class ItemFacts:
    """Derived text of one question, computed on first use and shared by every rule."""

    def __init__(self, question: Any) -> None:
        self.q = question
        self._plain: dict[tuple, str] = {}
        self._opaque: dict[tuple, str] = {}
        self.memo: dict[str, Any] = {}  # rule-specific derived values shared by sibling rules

    @cached_property
    def key_index(self) -> int:
        return self.q.key_index

    @cached_property
    def fields(self) -> list[tuple[tuple, str]]:
        """(path, text) of every Markdown field: stem, option texts and rationales, explanation."""
        q = self.q
        out: list[tuple[tuple, str]] = [(("stem",), q.stem)]
        for i, o in enumerate(q.options):
            out.append((("options", i, "text"), o.text))
            if o.rationale:
                out.append((("options", i, "rationale"), o.rationale))
        out.append((("explanation",), q.explanation))
        return out

    def plain_of(self, path: tuple, text: str) -> str:
        """:func:`plain` of one field, computed once per item."""
        v = self._plain.get(path)
        if v is None:
            v = self._plain[path] = plain(text)
        return v

    def opaque_of(self, path: tuple, text: str) -> str:
        """``mask(text, opaque=True)`` of one field, computed once per item."""
        v = self._opaque.get(path)
        if v is None:
            v = self._opaque[path] = mask(text, opaque=True)
        return v

    @cached_property
    def stem_masked(self) -> str:
        return mask(self.q.stem)

    @cached_property
    def lead_span(self) -> tuple[int, int]:
        return lead_in_span(self.stem_masked)

    @cached_property
    def lead_words(self) -> list[tuple[str, int, int]]:
        """(word, start, end) of each word of the lead-in, offsets into the stem."""
        s, e = self.lead_span
        return [(m.group(0), m.start(), m.end()) for m in WORD.finditer(self.stem_masked, s, e)]

    @cached_property
    def lead_in(self) -> str:
        """The lead-in as prose (Markdown emphasis removed, whitespace collapsed)."""
        s, e = self.lead_span
        return plain(self.stem_masked[s:e])

    @cached_property
    def stem_plain(self) -> str:
        return self.plain_of(("stem",), self.q.stem)

    @cached_property
    def stem_lower(self) -> str:
        return self.stem_plain.lower()

    @cached_property
    def _options(self) -> list[OptionFacts]:
        """Everything the rules read about each option, in one pass (it is the hot path)."""
        out = []
        for i, o in enumerate(self.q.options):
            text = o.text
            p = self.plain_of(("options", i, "text"), text)
            ascii_ = p.isascii()
            low = p.lower() if ascii_ else unicodedata.normalize("NFKC", p).casefold().translate(_QUOTE_FOLD)
            ws = words(low)
            if "`" in text:  # code is not prose, but two options differing only in code differ
                norm = normalize(text)
            else:
                norm = " ".join(low.split()).rstrip(" .;:,!?")
            has_digit = _DIGIT.search(text) is not None
            content = content_stems(ws)
            if has_digit:  # numbers are content too ("Week 1" vs "Week 2")
                content |= {t for t in TOKEN.findall(low) if t[0].isdigit()}
            out.append(OptionFacts(p, ws, norm, content, len(p.split()), quantity(text) if has_digit else None, low))
        return out

    @cached_property
    def option_plain(self) -> list[str]:
        return [o.plain for o in self._options]

    @cached_property
    def option_words(self) -> list[list[str]]:
        return [o.words for o in self._options]

    @cached_property
    def option_tokens(self) -> list[list[str]]:
        """Lowercase words and numbers of each option ("Week 1" -> ["week", "1"])."""
        return [TOKEN.findall(o.lower) for o in self._options]

    @cached_property
    def option_norm(self) -> list[str]:
        """Each option folded for equality (see :func:`normalize`)."""
        return [o.norm for o in self._options]

    @cached_property
    def option_content(self) -> list[set[str]]:
        """Content-word stems of each option (built-in stoplists only)."""
        return [o.content for o in self._options]

    @cached_property
    def option_word_counts(self) -> list[int]:
        return [o.word_count for o in self._options]

    @cached_property
    def option_lengths(self) -> list[int]:
        return [len(o.plain) for o in self._options]

    @cached_property
    def quantities(self) -> list[Quantity | None]:
        return [o.quantity for o in self._options]


def facts(ctx: Any) -> ItemFacts:
    """The shared :class:`ItemFacts` of an ItemContext (made once per context)."""
    f = ctx.__dict__.get("_qb_facts")
    if f is None or f.q is not ctx.question:
        f = ItemFacts(ctx.question)
        ctx.__dict__["_qb_facts"] = f
    return f


def quote(text: str, limit: int = 40) -> str:
    """``text`` shortened for a message, in double quotes."""
    t = " ".join(text.split())
    return f'"{t if len(t) <= limit else t[: limit - 1].rstrip() + "…"}"'


def ordinal_list(indexes: Iterable[int]) -> str:
    """1-based option numbers as "1, 3 and 4"."""
    nums = [str(i + 1) for i in indexes]
    return nums[0] if len(nums) == 1 else ", ".join(nums[:-1]) + " and " + nums[-1]


# --- editing strings without changing their YAML style -------------------------------------

def apply_edits(old: Any, edits: list[tuple[int, int, str]]) -> Any:
    """``old`` with each (start, end, replacement) applied, keeping its ruamel.yaml scalar type
    (literal, folded, quoted) and, for folded text, the places where its lines were folded."""
    from .base import keep_style

    if not edits:
        return old
    edits = sorted(edits)
    parts: list[str] = []
    last = 0
    for s, e, rep in edits:
        parts.append(old[last:s])
        parts.append(rep)
        last = e
    parts.append(old[last:])
    new = keep_style(old, "".join(parts))
    if new is old or type(new) is str:
        return new
    comment = getattr(old, "comment", None)
    if comment is not None:
        try:
            new.comment = comment
        except AttributeError:  # pragma: no cover - plain str subclasses without slots
            pass
    fold = getattr(old, "fold_pos", None)
    if fold:
        moved = []
        for p in fold:
            shift = 0
            inside = False
            for s, e, rep in edits:
                if e <= p:
                    shift += len(rep) - (e - s)
                elif s <= p < e:
                    inside = True
            q = p + shift
            if not inside and 0 <= q < len(new) and new[q] == " ":
                moved.append(q)
        new.fold_pos = moved
    for attr in ("anchor",):
        try:
            a = getattr(old, attr, None)
            if a is not None and getattr(a, "value", None):
                new.yaml_set_anchor(a.value, always_dump=getattr(a, "always_dump", False))
        except Exception:  # pragma: no cover - anchors on scalars are rare; keep the text fix
            pass
    return new
