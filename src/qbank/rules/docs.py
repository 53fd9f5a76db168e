"""Rule documentation for `qbank rules`, SARIF and docs/rules/: names, severities and summaries
from the code registry (codes.py), the long text from each rule's docstring (for the checks
that are not lint rules, from ENGINE_DOCS below), then each rule's options and fix safety."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any, Collection, NamedTuple

from ..codes import CODES, Code, doc_url
from .base import Option, Rule, as_toml
from .examples import BASE_ITEM, BASE_ITEM_ID


# The long docs of the codes that are not lint rules (the one-line summary is in codes.py).
ENGINE_DOCS: dict[str, str] = {
    "QB000": """\
What it flags:
    A bug in qbank met while checking this file. The rest of the bank is still checked.
Fix:
    Report it with the file; meanwhile the file is treated as failing.""",
    "QB001": """\
What it flags:
    A YAML syntax error (reported at the parser's line and column), more than one document in
    a file, nesting deeper than 32 levels, or anchors/aliases that expand past 20,000 values.
Why:
    A file that does not parse cannot be checked or exported.
Fails:
    ```yaml
    stem: [What should the social worker do FIRST?
    ```
Fix:
    Correct the syntax at the reported place; quote text that starts with `[`, `{`, `*`, `&`, `!`, `%` or `@`.""",
    "QB002": """\
What it flags:
    A file that is not UTF-8, contains NUL bytes (binary), is over 1,000,000 bytes, is not a
    regular file or cannot be read. A byte-order mark and CRLF line endings are fine.
Fix:
    Save the file as UTF-8.""",
    "QB003": """\
What it flags:
    A missing required key (id, stem, options, explanation), an unknown key (with a "did you
    mean" suggestion), a value of the wrong type (`correct: "yes"`), an id that is not
    lowercase letters, digits, '.', '_' and '-', a YAML tag.
Why:
    schema/question.schema.json is the contract every exporter relies on.
Fails:
    ```yaml
    explaination: The key addresses the barrier first.
    ```
Fix:
    Do what the message says; editors show these inline with the yaml-language-server schema line.""",
    "QB004": """\
What it flags:
    The same key twice in one mapping; YAML keeps only one value, silently.
Fix:
    Remove or merge the duplicate (reported at the second one).""",
    "QB005": """\
What it flags:
    Two files with the same `id`; both places are reported.
Why:
    Exports derive Anki GUIDs and QTI identifiers from the id: a duplicate overwrites another question.
Fix:
    Give the newer question a new id; never change the id of a published question.""",
    "QB006": """\
What it flags:
    A Markdown image whose file does not exist, whose path is absolute, or that resolves
    (directly or through a symlink) outside the bank folder. Such a file is never read.
Fix:
    Put the image inside the bank and reference it relative to the question file.""",
    "QB007": """\
What it flags:
    A `# qbank: disable=CODE reason` comment or a `lint: {ignore: {CODE: reason}}` entry without a
    reason, naming an unknown code, naming a check that cannot be suppressed, or silencing nothing.
Fix:
    Add the reason, correct the code, or remove the suppression.""",
    "QB008": """\
What it flags:
    TOML syntax errors, unknown settings and options (with a "did you mean"), malformed codes,
    option values of the wrong type or out of range (see each rule's Options), severity
    overrides of unknown or always-on codes, and blueprints (`[blueprints.NAME]`) whose weights
    do not add up to 100 (or, as ranges, cannot), whose areas lack a name, a weight or exactly one
    match (field, topic or tag), or share a name, each at the line and column of its key.
Fix:
    Correct the setting at the reported line.""",
    "QB009": """\
What it flags:
    A file that `qbank fmt` or `qbank lint --fix` will not rewrite because doing so could lose or change
    something: it has errors (QB001-QB004), uses anchors and aliases, holds raw U+2028/U+2029/U+0085
    characters, is read differently by the round-trip parser (a `%YAML 1.1` directive), or the rewritten
    text would not give back the same data and comments. The file is left byte-for-byte as it was.
Fix:
    Fix the errors first, or make the reported construct plain YAML, then run the command again.""",
    "QB010": """\
What it flags:
    A problem `qbank check-package FILE --schemas DIR` found in a QTI 1.2 or 2.1 content package:
    the manifest against IMS Content Packaging 1.1, QTI 2.1 items and tests against imsqti_v2p1.xsd,
    a QTI 1.2 assessment against the QTI 1.2.1 DTD; a file the manifest lists but the package lacks;
    a file that is not a readable zip. Reported at `package.zip!member.xml`, line and column.
Why:
    An LMS that imports an invalid package may drop items silently; qbank cannot ship the IMS
    schemas, so this checks with the copies you have, using the same validator as qbank's tests.
Fix:
    Export again with this qbank (its packages validate); if a package from elsewhere fails, the
    message names the element the schema rejects.""",
    "QB011": """\
What it flags:
    A question that `qbank export` writes to GIFT or Aiken without something it has: an image
    (GIFT and Aiken cannot carry files, so the question is left out of that file); for Aiken, an
    option that is more than one line, or a stem with a list, table, code block or quote, or one that
    starts like an option or `ANSWER:` line (left out: Moodle would misread it); or an order the
    options must keep, which neither format can say (written, and Moodle shuffles it unless the quiz
    turns shuffling off). Reported at the part of the question concerned; the other formats of the
    same export are not affected, and the export succeeds.
Why:
    Moodle imports these files without a message, so what a format drops would go unnoticed.
Fix:
    Export to Moodle XML (`--moodle`), which carries images, feedback and the order, or change the
    question as the message says.""",
    "QB020": """\
What it flags:
    A question whose topic, tags or bank-declared fields put it in two or more areas of a
    blueprint (`[blueprints.NAME]` in qbank.toml), reported at its `id` by `qbank stats` and
    `qbank assemble`. A question in no area is listed by `qbank stats`, not flagged.
Why:
    A form counts each item against one area's share; an item in two areas would be counted twice.
Fix:
    Change the question's topic, tag or field, or make the blueprint's matches exclusive.""",
    "QB021": """\
What it flags:
    A `qbank assemble` request the bank cannot meet: an area has fewer usable items (approved
    ones, by default; `--include-status` adds others) than its share of the form, or the
    items left after keeping near-duplicates apart. Reported at the area in qbank.toml, saying
    how many items it lacks. Nothing is written.
Why:
    A form that silently falls short of an area misrepresents the outline it claims to follow.
Fix:
    Write or approve more items for the area, ask for a smaller form (`--items`), or lower the
    overlap between forms.""",
    "QB022": """\
What it flags:
    A form file (`qbank export --form FILE`) that is not valid YAML, lacks `form` or `items`, has
    an item without an `id`, names an item twice or an item the bank does not have (or that is
    retired), or gives an `order` that is not each option's index once. Reported at the line and
    column in the form file. Nothing is exported.
Why:
    A form is delivered as written; a stale or hand-edited form must not change an exam silently.
Fix:
    Assemble the form again (`qbank assemble`), or correct the entry at the reported line.""",
    "QB025": """\
What it flags:
    A results file given to `qbank stats import` that cannot be read as the `--format` named:
    not UTF-8 CSV, a required column missing (the message names it), a number that is not one,
    or over the size limit. Reported at the file's line; nothing is stored.
Why:
    Statistics from a misread file would be wrong statistics, stored without a sign.
Fix:
    Download the report again from the LMS, or name the right `--format`.""",
    "QB026": """\
What it flags:
    A question in the results whose LMS export carries no qbank id (Canvas's Student Analysis
    report and Moodle's Responses report name questions by their text), matched to the one bank
    item with that stem. The statistics are stored; the match is said.
Why:
    A match by text is a guess that two items with one stem, or an edited stem, can make wrong.
Fix:
    Export the quiz with qbank (QTI carries the id as the item title, Moodle XML as the question
    name and idnumber) and use a report that carries it, or check the matches listed.""",
    "QB027": """\
What it flags:
    A question in the results that matches no item of the bank by id or by text, or whose text
    matches more than one item. Its statistics are not stored.
Why:
    Unmatched results are dropped; saying so keeps an import from silently missing items.
Fix:
    Import into the bank the quiz came from; make the stems of the items concerned distinct.""",
    "QB028": """\
What it flags:
    Results that do not fit the item they map to: a chosen answer that is none of its options
    (counted as not answered), or a report with another number of options than the item has
    (the item is skipped).
Why:
    The item was probably edited after the quiz ran, so its statistics describe another item.
Fix:
    Import results of the item as it is now, or restore the options it was delivered with.""",
    "QB029": """\
What it flags:
    A `qbank-stats.json` in the bank root that is not the statistics store's format (not
    JSON, another version, an item without the store's fields). `qbank stats import` leaves it
    as it is and stores nothing; the rules from statistics (QB920-QB924) judge nothing from it.
Why:
    Merging into a file qbank cannot read would lose what it holds.
Fix:
    Restore the file from version control, or delete it and import the results again.""",
    "QB012": """\
What it flags:
    A question in a file given to `qbank import` that qbank cannot hold: a type other than a
    single-answer multiple choice (essay, numerical, short answer, matching, cloze, drag and drop,
    description), a multiple choice with several correct answers or partial credit, or an Aiken
    question that is not one. One finding per question, at the line it starts in the source file;
    the question is skipped and the others are imported. (A true/false question is a two-option
    single-answer question, and is imported.)
Why:
    Half a question (a numerical answer turned into options, a matching pair list cut down) would
    be a different question under the same name.
Fix:
    Rewrite the question as a single-best-answer item by hand, or keep it in the LMS.""",
    "QB013": """\
What it flags:
    A part of a file given to `qbank import` that cannot be read: XML or GIFT that does not parse
    (at the line where it breaks), a question with no text, fewer than two options, no correct
    option, or an answer line Aiken does not know. The question concerned is skipped, nothing of
    it is written.
Why:
    An import must not guess: a question with no key or a broken option list is reported, not
    half-written.
Fix:
    Correct the source file at the line given (or in the LMS, and export again), then import again.""",
    "QB014": """\
What it flags:
    An imported question whose id (from the source's idnumber, identifier or title) is already
    used by another file of the bank, in another folder than the one the import would write. The
    question is not imported and the bank's file is not touched.
Why:
    Two questions with one id break every export (Anki notes and QTI items are keyed by it); and
    overwriting a file that merely shares an id would lose someone's question.
Fix:
    Rename the bank's question or the source's idnumber, or import into another bank.""",
    "QB015": """\
What it flags:
    A file `qbank import` refuses to read: entity declarations in XML (external entities, entity
    expansion "billion laughs"; a bare `<!DOCTYPE ... SYSTEM "...">`, as QTI 1.2 tools write,
    is read, its DTD never loaded), a file or archive member larger than the limit
    (64 MB), a zip bomb or a path out of an archive; or a question or media file that would be
    written through a symbolic link or out of the `--into` folder.
Why:
    An exam bank arrives from outside: a hostile file must not read local files, fetch from the
    network, exhaust memory or write elsewhere.
Fix:
    Export the file again from the LMS (no real Moodle, Canvas or Anki export declares entities), or
    split a file over the limit.""",
    "QB030": """\
What it flags:
    An entry of `qbank-stats.json` whose per-option statistics are for another number of options
    than its item has now (the item was edited after the import). `qbank site` leaves those
    statistics off the item's page; the rest of the site is built. (A store that cannot be read
    at all is QB029; a form file `--form` names that cannot be used is QB022, as in `qbank export`.)
Why:
    Choice rates shown beside options they were not measured on would mislead a reviewer.
Fix:
    Import the statistics again after the item is given to candidates in its new form.""",
    "QB031": """\
What it flags:
    TeX math in a question (`$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`) that latex2mathml cannot
    convert to MathML; the site shows the TeX as written, in a code span.
Why:
    The site renders math at build time so that no page fetches a math library; a formula that
    does not convert would otherwise vanish or show garbled.
Fix:
    Correct the TeX (an unbalanced brace or an unknown command is the usual cause).""",
    "QB101": """\
What it flags:
    No option with `correct: true` (reported at `options:`), or a second one (reported at its `correct:`).
Why:
    A single-best-answer item has exactly one key.
Fix:
    Mark exactly one option `correct: true`.""",
    "QB105": """\
What it flags:
    An option without `correct: true` that has no (or an empty) `rationale`, reported at its
    `- text:` line; an empty `explanation`.
Why:
    Learners need to know why each tempting wrong answer is wrong.
Fix:
    Add a `rationale:` to each distractor and write the explanation.""",
}


class Entry(NamedTuple):
    """One code's documentation: its registry entry, its doc (summary first) and, for a lint
    rule, the rule (options, fix safety)."""

    code: Code
    doc: str
    rule: Rule | None


def entries() -> list[Entry]:
    """Every code in the registry, in code order."""
    from . import all_rules

    rules = all_rules()
    out = []
    for entry in CODES.values():
        rule = rules.get(entry.code)
        doc = inspect.cleandoc(rule.__doc__ or "") if rule else f"{entry.summary}\n\n{ENGINE_DOCS[entry.code]}"
        out.append(Entry(entry, doc, rule))
    return out


FIX_SAFETY = {
    None: "None: fix it by hand (see Fix).",
    "safe": "Safe: `qbank lint --fix` applies it.",
    "unsafe": "Unsafe: applied only with `qbank lint --fix --unsafe-fixes`; review the change.",
}


def _option_line(opt: Option) -> str:
    allowed = f", {opt.bounds()}" if opt.bounds() else ""
    return f"- `{opt.name}` ({opt.type_name}, default {as_toml(opt.default)}{allowed}): {opt.help}"


# Opens a lint rule's "Fails" section: its examples change the base item (rules/examples.py).
_BASE_ITEM_NOTE = {
    "text": f"The examples give only the keys they change in the base item {BASE_ITEM_ID} (`qbank rules "
            "--base-item` prints it); `options` replaces the whole list.",
    "markdown": "The examples give only the keys they change in the [base item](README.md#the-base-item); "
                "`options` replaces the whole list.",
}
_BANK_NOTE = " Each question of a bank example (they are separated by `---`) is such a change."


def _full_doc(e: Entry, fmt: str = "text") -> str:
    """The doc with the sections the registry and the rule class add: how to read the examples,
    options, fix safety."""
    doc = e.doc
    if e.rule is not None:
        import textwrap

        note = _BASE_ITEM_NOTE[fmt] + (_BANK_NOTE if e.rule.scope == "bank" else "")
        note = re.sub(r"`[^`]*`", lambda m: m.group(0).replace(" ", "\0"), note)  # no break inside code
        note = textwrap.fill(note, 92, initial_indent="    ", subsequent_indent="    ",
                             break_on_hyphens=False).replace("\0", " ")
        doc = doc.replace("\nFails:\n", f"\nFails:\n{note}\n" + ("\n" if fmt == "markdown" else ""), 1)
    parts = [doc]
    if e.rule is not None and e.rule.options:
        parts.append(f"Options:\n    Set in `qbank.toml` under `[lint.options]` (or `[lint.options.{e.code.code}]`):\n"
                     + "\n".join(f"    {_option_line(o)}" for o in e.rule.options))
    if e.rule is not None:
        parts.append(f"Fix safety:\n    {FIX_SAFETY[e.rule.fix_safety]}")
    if e.code.always_on:
        parts.append("Always on:\n    It cannot be suppressed or given another severity.")
    return "\n".join(parts)


def _facts(e: Entry) -> dict[str, Any]:
    """What `--format json` says about a code besides its doc."""
    return {"code": e.code.code, "name": e.code.name, "severity": e.code.severity, "summary": e.code.summary,
            "kind": e.code.kind, "always_on": e.code.always_on,
            "fix_safety": e.rule.fix_safety if e.rule else None,
            "options": [o.to_dict() for o in e.rule.options] if e.rule else [], "url": doc_url(e.code.code)}


def section(doc: str, name: str) -> str:
    """The text of one "Name:" section of a doc, as one paragraph ("" if it has none)."""
    m = re.search(rf"^{re.escape(name)}:\n((?:    .*\n?|\n)+)", doc, re.M)
    return " ".join(line.strip() for line in m.group(1).splitlines() if line.strip()) if m else ""


def _markdown(doc: str) -> str:
    """A docstring's "Section:" lines as headings and its indented bodies dedented."""
    out = []
    for line in doc.splitlines():
        if re.fullmatch(r"[A-Z][A-Za-z ]+:", line):
            out += ["", f"## {line[:-1]}", ""]
        else:
            out.append(line[4:] if line.startswith("    ") else line)
    return "\n".join(out).replace("\n\n\n", "\n\n")


def rule_table(fmt: str = "text", codes: Collection[str] | None = None) -> str:
    """The table of every code (or only ``codes``) in text, json or markdown."""
    rows = [e for e in entries() if codes is None or e.code.code in codes]
    if fmt == "json":
        return json.dumps([_facts(e) for e in rows], indent=2)
    if fmt == "markdown":
        lines = ["| code | name | severity | summary |", "|---|---|---|---|"]
        lines += [f"| {e.code.code} | {e.code.name} | {e.code.severity} | {e.code.summary} |" for e in rows]
        return "\n".join(lines)
    width = max(len(e.code.name) for e in rows)
    return "\n".join(f"{e.code.code}  {e.code.name:<{width}}  {e.code.severity:<7}  {e.code.summary}" for e in rows)


def rule_doc(code: str, fmt: str = "text") -> str | None:
    """The page of ``code`` (text, json or markdown), or None for an unknown code."""
    e = next((e for e in entries() if e.code.code == code), None)
    return None if e is None else page(e, fmt)


def page(e: Entry, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps({**_facts(e), "doc": e.doc}, indent=2)
    c, n, s = e.code.code, e.code.name, e.code.severity
    head = f"{c} {n} (default severity: {s})"
    if fmt == "text":
        return f"{head}\n{'=' * len(head)}\n\n{_full_doc(e)}"
    return f"# {c} {n}\n\nDefault severity: {s}\n\n{_markdown(_full_doc(e, 'markdown'))}"


def base_item(fmt: str = "text") -> str:
    """The base item the rule examples change (`qbank rules --base-item`)."""
    if fmt == "json":
        return json.dumps({"id": BASE_ITEM_ID, "yaml": BASE_ITEM}, indent=2)
    if fmt == "markdown":
        return f"```yaml\n{BASE_ITEM}```"
    return BASE_ITEM.rstrip("\n")


def write_pages(folder) -> list:
    """One Markdown page per rule plus an index (docs/rules/), as ruff publishes them.
    Regenerate with `python -m qbank.rules.docs docs/rules`; a test keeps them in sync."""
    from pathlib import Path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for e in entries():
        target = out / f"{e.code.code}.md"
        target.write_text(page(e, "markdown") + "\n", encoding="utf-8")
        written.append(target)
    index = out / "README.md"
    index.write_text("# qbank rules\n\nGenerated from the rule docstrings by "
                     "`python -m qbank.rules.docs docs/rules`; `qbank rules CODE` prints the same page.\n\n"
                     + rule_table("markdown") + "\n\n## The base item\n\n"
                     "Every rule's Fails and Passes examples change this one clean question: an example gives "
                     "only the keys it replaces (`options` replaces the whole list), and a bank rule's example "
                     "is one such change per question, separated by `---`. The tests expand every example over "
                     "it and check that it fails or passes as documented. `qbank rules --base-item` prints it.\n\n"
                     + base_item("markdown") + "\n", encoding="utf-8")
    return [index, *written]


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys

    for path in write_pages(sys.argv[1] if len(sys.argv) > 1 else "docs/rules"):
        print(path)
