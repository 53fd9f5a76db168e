"""Rule documentation for `qbank rules`: from each rule's docstring, and for the always-on
file and schema checks from the entries below."""

from __future__ import annotations

import inspect
import json
import re


# Checks that are not lint rules: they run in `validate` and can't be switched off.
ENGINE_DOCS: dict[str, tuple[str, str, str]] = {
    "QB000": ("internal-error", "error", "qbank itself failed on a file.\n\nWhat it flags:\n    A bug in qbank met while checking this file. The rest of the bank is still checked.\nFix:\n    Report it with the file; meanwhile the file is treated as failing."),
    "QB001": ("yaml-syntax", "error", "The file is not valid YAML.\n\nWhat it flags:\n    A YAML syntax error (reported at the parser's line and column), more than one document in\n    a file, nesting deeper than 32 levels, or anchors/aliases that expand past 20,000 values.\nWhy:\n    A file that does not parse cannot be checked or exported.\nFails:\n    ```yaml\n    stem: [What should the social worker do FIRST?\n    ```\nFix:\n    Correct the syntax at the reported place; quote text that starts with `[`, `{`, `*`, `&`, `!`, `%` or `@`."),
    "QB002": ("encoding", "error", "The file cannot be read as UTF-8 text.\n\nWhat it flags:\n    A file that is not UTF-8, contains NUL bytes (binary), is over 1,000,000 bytes, is not a\n    regular file or cannot be read. A byte-order mark and CRLF line endings are fine.\nFix:\n    Save the file as UTF-8."),
    "QB003": ("schema", "error", "The question does not match the question format.\n\nWhat it flags:\n    A missing required key (id, stem, options, explanation), an unknown key (with a \"did you\n    mean\" suggestion), a value of the wrong type (`correct: \"yes\"`), an id that is not\n    lowercase letters, digits, '.', '_' and '-', a YAML tag.\nWhy:\n    schema/question.schema.json is the contract every exporter relies on.\nFails:\n    ```yaml\n    explaination: The key addresses the barrier first.\n    ```\nFix:\n    Do what the message says; editors show these inline with the yaml-language-server schema line."),
    "QB004": ("duplicate-key", "error", "A mapping key appears twice.\n\nWhat it flags:\n    The same key twice in one mapping; YAML keeps only one value, silently.\nFix:\n    Remove or merge the duplicate (reported at the second one)."),
    "QB005": ("duplicate-id", "error", "An id is used by more than one file.\n\nWhat it flags:\n    Two files with the same `id`; both places are reported.\nWhy:\n    Exports derive Anki GUIDs and QTI identifiers from the id: a duplicate overwrites another question.\nFix:\n    Give the newer question a new id; never change the id of a published question."),
    "QB006": ("missing-media", "error", "A referenced image is missing or outside the bank.\n\nWhat it flags:\n    A Markdown image whose file does not exist, whose path is absolute, or that resolves\n    (directly or through a symlink) outside the bank folder. Such a file is never read.\nFix:\n    Put the image inside the bank and reference it relative to the question file."),
    "QB007": ("suppression", "warning", "A suppression is malformed or unused.\n\nWhat it flags:\n    A `# qbank: disable=CODE reason` comment or a `lint: {ignore: {CODE: reason}}` entry without a\n    reason, naming an unknown code, naming a check that cannot be suppressed, or silencing nothing.\nFix:\n    Add the reason, correct the code, or remove the suppression."),
    "QB008": ("config", "error", "qbank.toml is invalid.\n\nWhat it flags:\n    TOML syntax errors, unknown settings, malformed codes or option values in the config file.\nFix:\n    Correct the setting at the reported line."),
    "QB009": ("rewrite-refused", "error", "`fmt` or `--fix` refused to rewrite a file.\n\nWhat it flags:\n    A file that `qbank fmt` or `qbank lint --fix` will not rewrite because doing so could lose or change\n    something: it has errors (QB001-QB004), uses anchors and aliases, holds raw U+2028/U+2029/U+0085\n    characters, is read differently by the round-trip parser (a `%YAML 1.1` directive), or the rewritten\n    text would not give back the same data and comments. The file is left byte-for-byte as it was.\nFix:\n    Fix the errors first, or make the reported construct plain YAML, then run the command again."),
    "QB101": ("key-count", "error", "Not exactly one option is the key.\n\nWhat it flags:\n    No option with `correct: true` (reported at `options:`), or a second one (reported at its `correct:`).\nWhy:\n    A single-best-answer item has exactly one key.\nFix:\n    Mark exactly one option `correct: true`."),
    "QB105": ("missing-rationale", "error", "A distractor lacks a rationale, or the explanation is empty.\n\nWhat it flags:\n    An option without `correct: true` that has no (or an empty) `rationale`, reported at its\n    `- text:` line; an empty `explanation`.\nWhy:\n    Learners need to know why each tempting wrong answer is wrong.\nFix:\n    Add a `rationale:` to each distractor and write the explanation."),
}


def _entries() -> list[tuple[str, str, str, str]]:
    """(code, name, default severity, doc) for every check."""
    from . import all_rules

    out = [(code, name, sev, doc) for code, (name, sev, doc) in ENGINE_DOCS.items()]
    for code, rule in all_rules().items():
        out.append((code, rule.name, rule.severity.value, inspect.cleandoc(rule.__doc__ or "")))
    return sorted(out)


def _markdown(doc: str) -> str:
    """A docstring's "Section:" lines as headings and its indented bodies dedented."""
    out = []
    for line in doc.splitlines():
        if re.fullmatch(r"[A-Z][A-Za-z ]+:", line):
            out += ["", f"## {line[:-1]}", ""]
        else:
            out.append(line[4:] if line.startswith("    ") else line)
    return "\n".join(out).replace("\n\n\n", "\n\n")


def rule_table(fmt: str = "text") -> str:
    rows = _entries()
    if fmt == "json":
        return json.dumps([{"code": c, "name": n, "severity": s, "summary": d.split("\n")[0]} for c, n, s, d in rows], indent=2)
    if fmt == "markdown":
        lines = ["| code | name | severity | summary |", "|---|---|---|---|"]
        lines += [f"| {c} | {n} | {s} | {d.splitlines()[0] if d else ''} |" for c, n, s, d in rows]
        return "\n".join(lines)
    width = max(len(n) for _, n, _, _ in rows)
    return "\n".join(f"{c}  {n:<{width}}  {s:<7}  {d.splitlines()[0] if d else ''}" for c, n, s, d in rows)


def rule_doc(code: str, fmt: str = "text") -> str | None:
    for c, n, s, d in _entries():
        if c == code:
            if fmt == "json":
                return json.dumps({"code": c, "name": n, "severity": s, "doc": d}, indent=2)
            head = f"{c} {n} (default severity: {s})"
            if fmt == "text":
                return f"{head}\n{'=' * len(head)}\n\n{d}"
            return f"# {c} {n}\n\nDefault severity: {s}\n\n{_markdown(d)}"
    return None


def write_pages(folder) -> list:
    """One Markdown page per rule plus an index (docs/rules/), as ruff publishes them.
    Regenerate with `python -m qbank.rules.docs docs/rules`; a test keeps them in sync."""
    from pathlib import Path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for code, name, _sev, _doc in _entries():
        page = out / f"{code}.md"
        page.write_text(rule_doc(code, "markdown") + "\n", encoding="utf-8")
        written.append(page)
    index = out / "README.md"
    index.write_text("# qbank rules\n\nGenerated from the rule docstrings by "
                     "`python -m qbank.rules.docs docs/rules`; `qbank rules CODE` prints the same page.\n\n"
                     + rule_table("markdown").replace("| code |", "| code |", 1) + "\n", encoding="utf-8")
    return [index, *written]


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys

    for path in write_pages(sys.argv[1] if len(sys.argv) > 1 else "docs/rules"):
        print(path)
