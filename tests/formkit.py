"""Banks with blueprints, written for the blueprint, stats, assemble and form-export tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

# Words varied per item so no two stems or option sets are alike (QB902, QB904 stay quiet).
WORDS = ("sleep", "grief", "anger", "school", "housing", "debt", "custody", "drinking", "caregiving",
         "loneliness", "panic", "eviction", "divorce", "bullying", "relocation", "retirement", "injury",
         "migration", "adoption", "illness", "gambling", "truancy", "conflict", "overwork")

CONFIG = """\
name = "Forms Test"

[fields.domain]
type = "string"
enum = ["ethics", "assessment", "practice"]

[blueprints.outline]
title = "Test outline"
version = "2026-08"
source = "written for the tests"
{form_size}
[[blueprints.outline.areas]]
name = "Ethics"
weight = 50
match = {{ field = "domain", value = "ethics" }}

[[blueprints.outline.areas]]
name = "Assessment"
weight = 30
match = {{ field = "domain", value = "assessment" }}

[[blueprints.outline.areas]]
name = "Practice"
weight = 20
match = {{ field = "domain", value = "practice" }}
"""


def item(qid: str, n: int, domain: str | None = "ethics", *, status: str = "approved", difficulty: str = "medium",
         key: int = 0, options: int = 4, shuffle: bool = True, stem: str | None = None) -> str:
    """One valid question; ``n`` picks the words that make it unlike the others."""
    word = WORDS[n % len(WORDS)]
    other = WORDS[(n * 7 + 3) % len(WORDS)]
    stem = stem or (f"In case {n}, a client who is {n + 18} years old reports worry about {word} and {other}. "
                    f"What should the social worker explore FIRST?")
    texts = [f"The {word} concern the client names in case {n}", f"The {other} history of case {n}",
             f"A referral to a specialist for case {n}", f"The family's view of case {n}",
             f"A medication review for case {n}"][:options]
    lines = [f"id: {qid}", f"stem: {stem}", "options:"]
    for i, text in enumerate(texts):
        lines.append(f"  - text: {text}")
        if i == key:
            lines.append("    correct: true")
        lines.append(f"    rationale: In case {n} this is weighed against the concern the client states.")
    lines.append(f"explanation: In case {n} the client's own concern about {word} comes first, then the rest.")
    if domain:
        lines.append(f"domain: {domain}")
    lines += [f"difficulty: {difficulty}", f"status: {status}"]
    if not shuffle:
        lines.append("shuffle: false")
    return "\n".join(lines) + "\n"


def write_bank(root: Path, counts: dict[str, int], *, form_size: int | None = None, config: str | None = None,
               **item_kw) -> Path:
    """A bank under ``root`` with ``counts[domain]`` approved items per domain (ids dom-NNN)."""
    root.mkdir(parents=True, exist_ok=True)
    text = config if config is not None else CONFIG.format(form_size=f"form-size = {form_size}" if form_size else "")
    (root / "qbank.toml").write_text(text, encoding="utf-8")
    n = 0
    for domain, count in counts.items():
        folder = root / domain
        folder.mkdir(exist_ok=True)
        for i in range(count):
            kw = {"difficulty": ("easy", "medium", "hard")[n % 3], "key": n % 4, **item_kw}
            (folder / f"{domain[:3]}-{i:03d}.yaml").write_text(item(f"{domain[:3]}-{i:03d}", n, domain, **kw),
                                                               encoding="utf-8")
            n += 1
    return root


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
