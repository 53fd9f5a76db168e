"""What the rules read about one question, computed on first use and shared by every rule.

The rules run question by question (all item rules, then the bank rules' summaries, on
one question before the next), so ``facts`` keeps the facts of the last question asked
about: one slot is a complete cache, and nothing is stored on the rule's context.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .lead_in import LeadWord, lead_in_span, lead_in_words
from .markup import fold, mask, normalize, plain
from .quantity import DIGIT, Quantity, quantity
from .words import TOKEN, content_roots, words


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
    content: set[str]           # roots of its content words (and its numbers)
    word_count: int
    quantity: Quantity | None   # the number or range it states, if numeric
    lower: str                  # the prose lowercased (NFKC-casefolded if not ASCII)


class ItemFacts:
    """Derived text of one question, computed on first use and shared by every rule."""

    def __init__(self, question: Any) -> None:
        self.q = question
        self._plain: dict[tuple, str] = {}
        self._opaque: dict[tuple, str] = {}

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
    def lead_words(self) -> list[LeadWord]:
        """The words of the lead-in, with their offsets in the stem."""
        return lead_in_words(self.q.stem, self.stem_masked, self.lead_span)

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
            low = p.lower() if p.isascii() else fold(p)
            ws = words(low)
            if "`" in text:  # code is not prose, but two options differing only in code differ
                norm = normalize(text)
            else:
                norm = " ".join(low.split()).rstrip(" .;:,!?")
            has_digit = DIGIT.search(text) is not None
            content = content_roots(ws)
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
        """Roots of the content words of each option (built-in stoplists only)."""
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


_last: ItemFacts | None = None  # the facts of the question last asked about


def facts(ctx: Any) -> ItemFacts:
    """The :class:`ItemFacts` of the question of an ItemContext, made once per question
    (by identity: a Question is immutable, and the slot keeps it alive)."""
    global _last
    f = _last
    if f is None or f.q is not ctx.question:
        f = _last = ItemFacts(ctx.question)
    return f
