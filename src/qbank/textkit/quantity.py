"""Options read as numbers: a value, a range ("18-25 years") or a bound ("less than 5%")."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .markup import plain

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


DIGIT = re.compile(r"\d")  # a cheap test before the full pattern


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
    if not DIGIT.search(text):
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
