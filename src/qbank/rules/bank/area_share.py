"""A blueprint area that cannot fill its share of the configured form size (QB910)."""

from __future__ import annotations

from typing import Any, Iterator

from ...blueprint import Area, Blueprint, Match, areas_of, targets
from ...diagnostics import Diagnostic, diagnostic, plural
from ..base import BankItem, BankRule, ItemContext, RuleOptions
from .findings import bank_diagnostic

# The blueprint the documented examples are checked against (what config.py builds from
# `[blueprints.practice]` with `form-size = 2` and two areas of 50% matched by tag).
EXAMPLE_BLUEPRINT = Blueprint("practice", (Area("Sleep", 50.0, 50.0, Match("tag", "sleep")),
                                           Area("Work", 50.0, 50.0, Match("tag", "work"))), form_size=2)


class AreaShare(BankRule):
    """An area of a blueprint cannot fill its share of the configured form size.

    What it flags:
        For each blueprint in qbank.toml with a `form-size`, an area with fewer approved
        questions (`status: approved`, what `qbank assemble` takes) than its share of a form of
        that size (the weights by largest remainder, a range by its middle), reported at the
        area's `[[blueprints.NAME.areas]]` in qbank.toml with how many it lacks. Questions in no
        area or in several (QB020) count for none. The examples are checked against a blueprint
        `practice` with `form-size = 2` and two areas of 50%, matched by the tags `sleep` and
        `work`.
    Why:
        A bank that cannot fill a form in the outline's proportions fails when the form is
        assembled, not when the items are written (exam style: licensing boards publish the
        percentage of each content area, and practice forms follow them).
    Fails:
        ```yaml
        status: approved
        tags: [sleep]
        ```
    Passes:
        ```yaml
        status: approved
        tags: [sleep]
        ---
        id: practice-sleep-002
        stem: |
          A 52-year-old client says he has been waking at 4 a.m. since he started a new job last
          month. What should the social worker explore FIRST?
        options:
          - text: Changes in his work schedule and daily routine
            correct: true
            rationale: A new schedule is the most likely and most modifiable cause of early waking.
          - text: Symptoms of a major depressive episode
            rationale: Worth screening, but nothing beyond the early waking points to depression.
          - text: Unresolved conflict with his parents
            rationale: Nothing in the situation links the new sleep problem to his family.
          - text: Willingness to try a sleep medication
            rationale: Medication comes after the worker understands what has changed.
        status: approved
        tags: [work]
        ```
    Fix:
        Write or approve questions for the area, or lower the blueprint's `form-size`.
    """

    code = "QB910"
    example_options = RuleOptions(blueprints=(EXAMPLE_BLUEPRINT,))

    def summarize(self, ctx: ItemContext) -> Any:
        sized = _blueprints(ctx.options)
        if not sized or ctx.question.status != "approved":
            return None
        # per blueprint: the question's area, or -1 for none or several
        return [found[0] if len(found) == 1 else -1 for found in (areas_of(b, ctx.question) for b in sized)]

    def check_bank(self, items: list[BankItem], options: RuleOptions) -> Iterator[Diagnostic]:
        sized = _blueprints(options)
        rows = [it.summary for it in items if isinstance(it.summary, list) and len(it.summary) == len(sized)]
        for b, blueprint in enumerate(sized):
            have = [0] * len(blueprint.areas)
            for row in rows:
                if 0 <= row[b] < len(have):
                    have[row[b]] += 1
            for area, count, need in zip(blueprint.areas, have, targets(blueprint, blueprint.form_size)):
                if count >= need:
                    continue
                message = (f"area {area.name!r} of blueprint `{blueprint.name}` has "
                           f"{plural(count, 'approved question')}; its share of a {blueprint.form_size}-item form "
                           f"(form-size) is {need}: it lacks {need - count}")
                if area.where is not None:
                    path, line, col = area.where
                    yield diagnostic(self.code, path, line, col, message, severity=self.severity)
                elif items:
                    yield bank_diagnostic(self, items[0], message)


def _blueprints(options: RuleOptions) -> tuple[Blueprint, ...]:
    """The blueprints with a form size (config.py puts them in the rule options)."""
    return tuple(Blueprint(*b) if not isinstance(b, Blueprint) else b for b in getattr(options, "blueprints", ()))
