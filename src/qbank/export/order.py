"""Which options an export lets the quiz or the card shuffle.

Every target that can shuffle is told to: QTI 1.2 ``render_choice shuffle="Yes"``, QTI 2.1
``choiceInteraction shuffle="true"``, and the Anki card template, which shuffles in
JavaScript. The package itself keeps the order written; the LMS or the card shuffles when
it shows the item. An item keeps its order where shuffling would change what it says:

- ``shuffle: false`` in the file: the author's order stands;
- an option names other options by letter or numeral ("Both A and C", "I and II only", what
  QB303 flags): moving any option would change its meaning;
- the options are numbers in one unit (what QB311 reads): they stay in the ascending order
  QB311 asks for.

"All of the above" and "None of the above" (QB301, QB302) keep their place while the others
move (QTI ``fixed``/``rshuffle="No"``, the card's ``data-qb-fixed``). Detection is the lint
rules' own reading of the options, so the exports and the rule pages agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Question


@dataclass(frozen=True)
class Order:
    shuffle: bool                  # the target may shuffle this item's options
    fixed: tuple[int, ...] = ()    # options that keep their place while the others move


KEPT = Order(False)


def option_order(q: Question) -> Order:
    """How the options of ``q`` may be shuffled (see the module docstring)."""
    if not q.shuffle:
        return KEPT
    from ..rules.cues import _COMBINATION, _inert, _sorted_order
    from ..rules.text import ItemFacts

    facts = ItemFacts(q)
    if any(len(text) <= 40 and _COMBINATION.match(text) for text in facts.option_plain):
        return KEPT
    if _sorted_order(facts.quantities) is not None:
        return KEPT
    return Order(True, tuple(i for i, norm in enumerate(facts.option_norm) if _inert(norm)))
