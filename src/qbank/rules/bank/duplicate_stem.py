"""Identical and near-duplicate stems (QB902), found through the stem index."""

from __future__ import annotations

import base64
import struct
import zlib
from collections import Counter
from functools import cache
from typing import Any, Callable, Iterator, Sequence

from ...diagnostics import Diagnostic, Severity, plural
from ...digest import blake2b
from ..base import BankInput, BankItem, BankRule, ItemContext, Option, RuleOptions, item_facts
from .findings import bank_diagnostic, where
from .stem_index import Settings, StemIndex
from .stem_index_store import from_parts, to_parts

SHINGLE = 3
MAX_SHINGLES = 512


STEM_ALONE_WORDS = 8


def stem_signature(stem: str, options: Sequence[str] = (), alone: int = STEM_ALONE_WORDS,
                   stem_prose: str | None = None) -> dict | None:
    """Exact-duplicate hash and the sorted shingle hashes of a stem (compact, JSON-safe).

    Code, images and links count as they are written (case kept): two stems that differ only
    in their code ask different questions. A stem of fewer than ``alone`` words is not a
    question by itself ("Which statement is true?"), so the options, in any order, are part
    of what is compared. ``stem_prose`` is ``plain(stem)`` if the caller has it already."""
    tokens = _tokens(stem, stem_prose)
    if not tokens:
        return None
    if len(tokens) < alone and options:
        for text in sorted(" ".join(_tokens(o)) for o in options):
            tokens += ["\x1f", *text.split()]
    exact = blake2b(" ".join(tokens).encode(), digest_size=8).hexdigest()
    if len(tokens) < SHINGLE:
        grams = [" ".join(tokens)]
    else:  # three words each (SHINGLE); zip and an f-string are ~2x faster than slicing and joining
        grams = [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:])]
    crc32 = zlib.crc32
    hashes = sorted({crc32(g.encode()) for g in grams})[:MAX_SHINGLES]
    return {"h": exact, "s": base64.b64encode(struct.pack(f"<{len(hashes)}I", *hashes)).decode()}


def _tokens(text: str, prose: str | None = None) -> list[str]:
    """The words of ``text`` (lowercase, punctuation and Markdown left out), then whatever the
    prose mask hides (code, image and link targets), as written. ``prose`` is ``plain(text)``
    if the caller has it already."""
    layout, word_tokens = _text_functions()
    tokens = word_tokens(text, prose)  # it computes plain(text) when prose is None
    for s, e in layout(text).covered():  # the masked parts, each split at whitespace (the spans are merged)
        tokens += text[s:e].split()
    return tokens


@cache  # not at the top: a warm run's bank rules never need them; not per call: it runs per question
def _text_functions() -> tuple[Callable, Callable]:
    from ...textkit.spans import layout
    from ...textkit.words import word_tokens

    return layout, word_tokens


class DuplicateStem(BankRule):
    """Two questions with the same or nearly the same stem.

    What it flags:
        Stems identical after normalisation (case, punctuation, Markdown and whitespace
        ignored; code, images and links compared as written): an error. A stem of fewer
        than 8 words (`stem-alone-words`) is not a question by itself ("Which statement is
        true?"), so it is compared together with its options. Stems whose 3-word shingles
        overlap by 70% or more (Jaccard; `stem-similarity`): info, as most such pairs are
        parameter variants (another number, another code span) written on purpose: on
        2,513 real items 3 of 13 near-duplicates were real duplicates, and 122 of 122
        identical stems. Reported at the later file (in path order), naming the
        most similar earlier one. Scales to 100,000 questions: each stem's sketch (its
        smallest shingle hashes, leaving out boilerplate phrases: those in more than 0.5% of
        the stems, `boilerplate-share`, at least 20 and at most 64, `boilerplate-max`) goes
        into an inverted index, and only stems whose sketches share two hashes are compared.
        The index is kept in the lint cache, so after an edit only the edited stems are
        compared again, with exactly the result of a run from scratch. Because the phrases a
        family of near-identical stems shares count as boilerplate once the family is that
        large, a templated family of more than 64 stems (or 0.5% of the bank) is not
        reported as near-duplicates; raise `boilerplate-max` to report larger families, at
        the cost of more comparisons per stem.
    Why:
        Duplicates inflate a bank, let one item cue another, and drift apart when only one
        copy is corrected (Haladyna et al. 2002, H#4).
    Fails:
        ```yaml
        id: practice-sleep-001  # the base item
        ---
        id: practice-sleep-002
        stem: |
          A 34-year-old client reports trouble sleeping since starting her new job.
          What should the social worker explore FIRST?
        ```
    Passes:
        ```yaml
        id: practice-sleep-001  # the base item
        ---
        id: practice-sleep-002
        stem: |
          A 34-year-old client reports trouble sleeping three nights a week. For how long must
          this continue to meet the duration criterion for insomnia disorder in DSM-5-TR?
        options:
          - text: 1 month
            rationale: One month of symptoms is too short to meet the duration criterion.
          - text: 3 months
            correct: true
            rationale: The criterion is at least three nights a week for at least 3 months.
          - text: 6 months
            rationale: Six months is longer than the criterion requires for insomnia disorder.
        explanation: |
          Insomnia disorder requires sleep difficulty at least three nights a week for at least
          3 months; shorter episodes are episodic insomnia or an adjustment reaction.
        ```
    Fix:
        Merge the two questions or make them ask about different things.
    """

    code = "QB902"
    name = "duplicate-stem"
    severity = Severity.INFO
    needs = frozenset()  # the stem only
    options = (Option("stem-similarity", float, Settings().similarity,
                      "The Jaccard overlap of 3-word shingles at which two stems are near-duplicates.",
                      min=0.3, max=1.0),
               Option("boilerplate-share", float, Settings().boilerplate_share,
                      "The share of the stems a phrase may be in before it counts as boilerplate.",
                      min=0.0, max=1.0),
               Option("boilerplate-max", int, Settings().boilerplate_max,
                      "The most stems a phrase may be in before it counts as boilerplate, whatever the bank size "
                      "(it bounds the comparisons per stem).", min=1, max=100000),
               Option("stem-alone-words", int, STEM_ALONE_WORDS,
                      "Stems of fewer words (code counts) are compared together with their options. Measured on "
                      "2,513 real items: all 14 identical short stems that were real duplicates had the same "
                      "options, and all 4 with other options (\"Which statement is true?\") were other questions.",
                      min=0, max=1000))

    def summarize(self, ctx: ItemContext) -> Any:
        q = ctx.question
        # The stem's prose is in the item's facts already (the item rules read it): not made twice.
        return stem_signature(q.stem, [o.text for o in q.options], ctx.options.stem_alone_words,
                              item_facts(ctx).stem_plain)

    stateful = True
    state_parts = ("shingles", "index")  # in this order: the index names its shingles file

    def check_bank(self, items: list[BankItem], options: RuleOptions) -> Iterator[Diagnostic]:
        bank = BankInput([it.path for it in items], [it.line for it in items], [it.column for it in items],
                         ["-"] * len(items), lambda i: items[i].summary, lambda: [it.summary for it in items])
        yield from self.check_incremental(bank, options, None)[0]

    def check_incremental(self, bank: BankInput, options: RuleOptions, state: dict[str, Any] | None
                          ) -> tuple[list[Diagnostic], dict[str, list[bytes] | None] | None]:
        settings = Settings(options.stem_similarity, options.boilerplate_share, options.boilerplate_max)
        index = None
        if state is not None:
            try:
                index = from_parts(state).update(bank.paths, bank.digests, bank.summary, settings)
            except (ValueError, TypeError, KeyError, IndexError, OverflowError):
                index = None  # a damaged index: start again
        if index is None:
            index = StemIndex.build(bank.paths, bank.digests, bank.summary, settings)
        return self._report(bank, index), to_parts(index)

    def _report(self, bank: BankInput, index: StemIndex) -> list[Diagnostic]:
        """Identical stems at every later copy; near-duplicates at the later stem of each pair,
        naming its most similar earlier partner."""
        def item(i: int) -> BankItem:
            return BankItem(bank.paths[i], bank.lines[i], bank.columns[i], None)

        found: list[Diagnostic] = []
        repeated = {h for h, n in Counter(index.exact).items() if n > 1 and h is not None}
        first_of: dict[str, int] = {}
        for i, exact in enumerate(index.exact) if repeated else ():  # the index's rows are the bank's
            if exact not in repeated:
                continue
            if exact not in first_of:
                first_of[exact] = i
                continue
            first = item(first_of[exact])
            found.append(bank_diagnostic(self, item(i),
                                         f"this stem is identical to the stem in {first.path} (line {first.line}); "
                                         "remove one question or make them ask different things",
                                         Severity.ERROR, (where(first),)))
        row = dict(zip(bank.paths, range(len(bank.paths)))) if index.pairs else {}
        partners: dict[int, list[tuple[float, int]]] = {}
        for (a, b), sim in index.pairs.items():
            earlier, later = sorted((row[a], row[b]))
            partners.setdefault(later, []).append((sim, earlier))
        for later in sorted(partners):
            matches = sorted(partners[later], key=lambda t: (-t[0], t[1]))
            sim, best = matches[0]
            first = item(best)
            more = f" and {plural(len(matches) - 1, 'other question')}" if len(matches) > 1 else ""
            found.append(bank_diagnostic(self, item(later),
                                         f"this stem is {sim:.0%} similar to the stem in {first.path} "
                                         f"(line {first.line}){more}; merge them or make them ask different things",
                                         related=tuple(where(item(x)) for _, x in matches[:10])))
        return found
