"""Run lint rules on YAML text without the engine: load -> validate -> model -> rules.

Used by the rule tests so they exercise exactly what a rule sees in a real run (and, for
fixes, exactly the rewrite `qbank lint --fix` runs), and by the docstring tests that
execute every rule's Fails/Passes examples.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from typing import Iterable

from qbank.diagnostics import Diagnostic, Severity
from qbank.loader import load
from qbank.model import question_from_data
from qbank.rules import all_rules
from qbank.rules.base import BankInput, BankItem, BankRule, ItemContext, Rule, RuleOptions
from qbank.rules.examples import example_items
from qbank.validate import check_document

SECTIONS = ("What it flags:", "Why:", "Fails:", "Passes:", "Fix:")
_YAML_BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.M | re.S)


class InvalidQuestion(AssertionError):
    """The YAML given to a lint helper is not a valid question (the test itself is wrong)."""


def context(text: str, path: str = "q.yaml", options: RuleOptions | None = None) -> ItemContext:
    """An ItemContext for one question, as the engine would build it; raises if the YAML
    does not load or validate, so a test never lints an invalid item by accident."""
    doc, diags = load(path, textwrap.dedent(text).encode("utf-8"))
    if doc is None:
        raise InvalidQuestion(f"{path} does not load: {[d.message for d in diags]}")
    diags = diags + check_document(doc)
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if errors:
        raise InvalidQuestion(f"{path} is not a valid question: {[f'{d.code} {d.message}' for d in errors]}")
    return ItemContext(doc, question_from_data(doc.data, path), options or RuleOptions())


def rule(code: str) -> Rule:
    return all_rules()[code]


def lint(text: str, codes: Iterable[str] | None = None, options: RuleOptions | None = None,
         path: str = "q.yaml") -> list[Diagnostic]:
    """Diagnostics of the item rules (all, or ``codes``) on one question."""
    ctx = context(text, path, options)
    wanted = set(codes) if codes is not None else None
    out: list[Diagnostic] = []
    for code, r in all_rules().items():
        if r.scope != "item" or (wanted is not None and code not in wanted):
            continue
        out.extend(r.check(ctx))
    return sorted(out, key=Diagnostic.sort_key)


def split_documents(text: str) -> list[str]:
    """Questions separated by `---` lines (as in bank rule examples)."""
    parts = re.split(r"^---[ \t]*$", textwrap.dedent(text), flags=re.M)
    return [p.strip("\n") + "\n" for p in parts if p.strip()]


def lint_bank(texts: list[str] | str, codes: Iterable[str] | None = None,
              options: RuleOptions | None = None, paths: list[str] | None = None,
              stats: dict | None = None) -> list[Diagnostic]:
    """Diagnostics of the bank rules (all, or ``codes``) over several questions, in path order.
    Summaries go through a JSON round trip, as they do through the engine's cache. With
    ``stats`` (a statistics store, qbank-stats.json's content) the rules run as the engine
    runs them, over a bank root that holds that store."""
    if stats is not None:
        import tempfile

        from qbank.analysis.store import dumps, store_path

        with tempfile.TemporaryDirectory() as root:
            store_path(root).write_bytes(dumps(stats))
            return _lint_bank(texts, codes, options, paths, root)
    return _lint_bank(texts, codes, options, paths, None)


def _lint_bank(texts, codes, options, paths, root: str | None) -> list[Diagnostic]:
    import json

    if isinstance(texts, str):
        texts = split_documents(texts)
    paths = paths or [f"bank/q{i:05d}.yaml" for i in range(len(texts))]
    options = options or RuleOptions()
    contexts = [context(t, p, options) for t, p in zip(texts, paths)]
    wanted = set(codes) if codes is not None else None
    out: list[Diagnostic] = []
    for code, r in all_rules().items():
        if not isinstance(r, BankRule) or (wanted is not None and code not in wanted):
            continue
        items = []
        for ctx in contexts:
            line, col = ctx.doc.pos(("id",))
            items.append(BankItem(ctx.path, line, col, json.loads(json.dumps(r.summarize(ctx)))))
        if root is None:
            out.extend(r.check_bank(items, options))
            continue
        bank = BankInput([it.path for it in items], [it.line for it in items], [it.column for it in items],
                         [str(i) for i in range(len(items))], lambda i: items[i].summary,
                         lambda: [it.summary for it in items], root)
        out.extend(r.check_incremental(bank, options, None)[0])
    return sorted(out, key=Diagnostic.sort_key)


def codes_of(diags: Iterable[Diagnostic], min_severity: Severity = Severity.INFO) -> list[str]:
    return sorted({d.code for d in diags if d.severity.rank >= min_severity.rank})


# --- docstrings ------------------------------------------------------------------------------

def doc_sections(r: Rule) -> dict[str, str]:
    """The docstring of a rule split into its sections (plus "summary")."""
    doc = inspect.cleandoc(r.__doc__ or "")
    out = {"summary": doc.split("\n", 1)[0]}
    current = None
    lines: list[str] = []
    for line in doc.splitlines()[1:]:
        if line in SECTIONS:
            if current:
                out[current] = textwrap.dedent("\n".join(lines)).strip("\n")
            current, lines = line[:-1], []
        elif current:
            lines.append(line)
    if current:
        out[current] = textwrap.dedent("\n".join(lines)).strip("\n")
    return out


def example(r: Rule, section: str) -> str:
    """The YAML of a rule's Fails or Passes example, as the docs show it (fragments over the
    base item, see qbank.rules.examples)."""
    body = doc_sections(r)[section]
    m = _YAML_BLOCK.search(body + "\n")
    if not m:
        raise AssertionError(f"{r.code} {section}: no ```yaml block")
    return m.group(1)


_JSON_BLOCK = re.compile(r"^```json\n(.*?)^```", re.M | re.S)


def example_stats(r: Rule, section: str) -> dict | None:
    """The statistics store a rule's Fails or Passes example gives (a ```json block after its
    YAML: the rules from item statistics), or None."""
    import json

    m = _JSON_BLOCK.search(doc_sections(r)[section] + "\n")
    return json.loads(m.group(1)) if m else None


def example_questions(r: Rule, section: str) -> list[str]:
    """The questions of a rule's Fails or Passes example: each fragment merged over the base item."""
    return example_items(example(r, section))


# --- fixes -----------------------------------------------------------------------------------

def fix_text(text: str, code: str, options: RuleOptions | None = None) -> tuple[str, bool]:
    """Apply one rule's fix to YAML text the way `qbank lint --fix` does (the checked
    round-trip rewrite of qbank.fix, comments taken off and put back by owner); raises
    RewriteRefused where --fix would leave the file alone."""
    from qbank.fix import fix_text as production_fix

    new, fixed = production_fix(textwrap.dedent(text), {code}, options or RuleOptions(), unsafe=True)
    return new, code in fixed


# --- building questions in tests ---------------------------------------------------------------

def make(stem: str, options: list, key: int = 0, explanation: str | None = None,
         id: str = "q-001", extra: str = "") -> str:
    """YAML for a question. ``options`` items are option texts or (text, rationale) pairs
    (rationale None: no rationale key). Defaults give every distractor its own 8+ word
    rationale and an explanation that talks about the key, so only what a test sets up
    can trigger a rule."""
    import json

    def block(text: str) -> list[str]:
        return ["  " + line if line else "" for line in text.strip("\n").split("\n")]

    lines = [f"id: {id}", "stem: |", *block(stem), "options:"]
    texts = []
    for i, opt in enumerate(options):
        text, rationale = opt if isinstance(opt, tuple) else (opt, _default_rationale(i))
        texts.append(text)
        lines.append(f"  - text: {json.dumps(text, ensure_ascii=False)}")
        if i == key:
            lines.append("    correct: true")
        if rationale is not None:
            lines.append(f"    rationale: {json.dumps(rationale, ensure_ascii=False)}")
    if explanation is None:
        explanation = (f"{texts[key]} is right here: it addresses what the situation requires, "
                       "while every other choice leaves the central problem unresolved or makes it worse.")
    lines += ["explanation: |", *block(explanation)]
    return "\n".join(lines) + "\n" + extra


_RATIONALE_STARTS = ["Tempting, but", "Plausible, yet", "Reasonable later, but", "Understandable, although",
                     "Common in practice, but", "Sounds supportive, but"]


def _default_rationale(i: int) -> str:
    start = _RATIONALE_STARTS[i % len(_RATIONALE_STARTS)]
    return f"{start} this leaves the immediate concern in the scenario without a real answer."
