"""The question that every rule's documented examples change.

A rule docstring's "Fails" and "Passes" examples are YAML fragments over :data:`BASE_ITEM`:
each top-level key a fragment gives replaces the base's (so `options` replaces the whole
list), and every other key stays as in the base. A bank rule's example is several
questions separated by `---` lines, each a fragment over the base. The tests expand every
example with :func:`example_items` and check that it behaves as documented
(tests/test_rule_docs.py), so the docs cannot drift from the rules.
"""

from __future__ import annotations

import re
import textwrap

BASE_ITEM_ID = "practice-sleep-001"
BASE_ITEM = f"""\
id: {BASE_ITEM_ID}
stem: |
  A 34-year-old client reports trouble sleeping since starting a new job.
  What should the social worker explore FIRST?
options:
  - text: Recent changes in the client's daily routine
    correct: true
    rationale: Routine changes are a common, modifiable cause of new sleep problems.
  - text: Family history of psychiatric hospitalization
    rationale: Useful later, but it does not address the recent onset tied to the job.
  - text: Early childhood attachment patterns
    rationale: Too distant from a problem that began with a recent life change.
  - text: Eligibility for a medication referral
    rationale: Premature before the worker understands what changed for the client.
explanation: |
  The problem began with the new job, so the worker first explores recent changes in
  routine, which are the most likely and most modifiable contributors to poor sleep.
"""

# A top-level key: a line at column 0 that is not a comment, a list item or a document marker.
_TOP_KEY = re.compile(r"^(?![\s#]|- |---)([^:\n]+):(?=\s|$)", re.M)
_DOCUMENT = re.compile(r"^---[ \t]*$", re.M)


def top_level_blocks(text: str) -> dict[str, str]:
    """The top-level ``key: value`` blocks of a YAML mapping, each with its indented lines."""
    text = text.strip("\n") + "\n"
    keys = list(_TOP_KEY.finditer(text))
    if not keys or keys[0].start() != 0:
        raise ValueError(f"an example is a YAML mapping with its keys at column 0, not {text[:40]!r}")
    ends = [m.start() for m in keys[1:]] + [len(text)]
    return {m.group(1): text[m.start():end] for m, end in zip(keys, ends)}


def example_item(fragment: str) -> str:
    """The YAML of :data:`BASE_ITEM` with the top-level keys of ``fragment`` in place of its
    own (keys the base lacks go at the end)."""
    merged = top_level_blocks(BASE_ITEM)
    merged.update(top_level_blocks(textwrap.dedent(fragment)))
    return "".join(merged.values())


def example_items(example: str) -> list[str]:
    """Each question of an example (fragments separated by `---` lines), expanded."""
    return [example_item(part) for part in _DOCUMENT.split(textwrap.dedent(example)) if part.strip()]
