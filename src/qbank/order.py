"""Which options an export lets the quiz or the card shuffle (used by the exporters, and by
the lint rules whose messages say what the exports do).

Every target that can shuffle is told to: QTI 1.2 ``render_choice shuffle="Yes"``, QTI 2.1
``choiceInteraction shuffle="true"``, and the Anki card template, which shuffles in
JavaScript. The package itself keeps the order written; the LMS or the card shuffles when
it shows the item. An item keeps its order where shuffling would change what it says:

- ``shuffle: false`` in the file: the author's order stands;
- an option names other options by letter or numeral ("Both A and C", "I and II only", what
  QB303 flags): moving any option would change its meaning;
- the options are three or more numbers in one unit (what QB311 reads): they stay in the
  ascending order QB311 asks for.

"All of the above" and "None of the above" (QB301, QB302) keep their place while the others
move (QTI ``fixed``/``rshuffle="No"``, the card's ``data-qb-fixed``). Detection is the lint
rules' own reading of the options, so the exports and the rule pages agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Callable

from .model import Question

if TYPE_CHECKING:
    from .textkit.facts import ItemFacts


@dataclass(frozen=True)
class Order:
    shuffle: bool                  # the target may shuffle this item's options
    fixed: tuple[int, ...] = ()    # options that keep their place while the others move


KEPT = Order(False)
SHUFFLED = Order(True)


# Cheap tests on the raw texts, passed by every item the tests below keep or fix (most items
# pass none, and then the rules' reading of the item, the costly part, is not needed).
_MARKUP = re.compile(r"[\\`*_\[\]<>&~!]")
_MAYBE_STOCK = re.compile(r"[\W_]*(?i:all|each|none|neither)\b")
_DIGIT = re.compile(r"\d")


def _may_keep_or_fix(q: Question) -> bool:
    from .rules.option_format import combines_other_options

    texts = [o.text for o in q.options]
    return (any(len(t) <= 80 and (_MARKUP.search(t) or combines_other_options(t.strip())) for t in texts)
            or any(_MAYBE_STOCK.match(t) for t in texts)
            or (len(texts) >= 3 and all(_DIGIT.search(t) for t in texts)))


@cache  # imported when first needed (exports of plain items never are), then once: lint asks per question
def _readers() -> tuple[Callable, Callable, type[ItemFacts], Callable]:
    from .rules.numeric_order import sorted_order
    from .rules.option_format import combines_other_options
    from .textkit.facts import ItemFacts
    from .textkit.phrases import refers_to_the_others

    return sorted_order, combines_other_options, ItemFacts, refers_to_the_others


def option_order(q: Question, facts: ItemFacts | None = None) -> Order:
    """How the options of ``q`` may be shuffled (see the module docstring). ``facts`` are the
    lint rules' reading of ``q``, when the caller (a rule) has them already."""
    if not q.shuffle:
        return KEPT
    if facts is None and not _may_keep_or_fix(q):
        return SHUFFLED
    sorted_order, combines_other_options, ItemFacts, refers_to_the_others = _readers()
    facts = ItemFacts(q) if facts is None else facts
    if any(combines_other_options(text) for text in facts.option_plain):
        return KEPT
    if sorted_order(facts.quantities) is not None:  # numbers in one unit
        return KEPT
    return Order(True, tuple(i for i, norm in enumerate(facts.option_norm) if refers_to_the_others(norm)))
