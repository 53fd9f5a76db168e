"""Starting a bank (`qbank init`) and a question (`qbank new`): the files, as text.

Nothing here overwrites anything: :func:`write_new` refuses (and writes nothing) when any
target exists. The example question lints clean; a new question's template is in the
layout `qbank fmt` writes, with every text left empty (`''`) for the writer to fill, so
lint reports each one at its line until it is written and an export refuses the bank.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .codes import PROJECT_URL
from .errors import UsageError

SCHEMA_NAME = "question.schema.json"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")  # as the schema's `id`
EXAMPLE_ID = "example-001"


def schema_line(question_file: Path, bank_root: Path) -> str:
    """The editor's schema comment for a file in the bank: a path to the bank's own copy of
    the schema (written by `qbank init` or `qbank schema --out`), or "" when it has none."""
    copy = bank_root / SCHEMA_NAME
    if not copy.is_file():
        return ""
    rel = os.path.relpath(copy, question_file.parent).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={rel}\n"


EXAMPLE = """\
# An example question: copy it, or run `qbank new ID`, for each new one; delete it when you like.
id: {id}
stem: |
  A teacher notices that students who have not studied still pick the right answer to one
  question, because its correct option is much longer than the others.
  What should the teacher do FIRST to repair the question?
options:
  - text: Rewrite the options so they are similar in length and detail
    correct: true
    rationale: >-
      Matching the options removes the cue, so the question again measures what students
      know instead of how well they spot long answers.
  - text: Move the right answer to the last position in the list
    rationale: >-
      The position of an option does not hide its length; students who look for the
      longest option still find it wherever it stands.
  - text: Warn the class not to trust an option for being long
    rationale: >-
      A warning leaves the cue in the question itself, and students who guess this way
      rarely give up a habit that keeps paying off.
  - text: Drop the question from the test and from the bank
    rationale: >-
      The content is still worth testing, and a cue like this one is quick to repair,
      so throwing the question away wastes a sound idea.
explanation: |
  A correct option that is longer and more detailed than the distractors is a well-known
  cue. Rewriting the options so they are similar in length and detail removes it, and
  students then have to know the content to choose the right answer.
topic: Writing test questions
tags:
  - cueing
difficulty: easy
"""


def template(qid: str, *, topic: str | None = None, options: int = 4, schema: str = "") -> str:
    """A new question with every text empty, in the layout `qbank fmt` writes: the key first,
    then ``options - 1`` distractors, each with the comment that says what it needs."""
    from .fmt import format_text

    if not ID_PATTERN.fullmatch(qid):
        raise UsageError(f"id {qid!r} is not allowed: use lowercase letters, digits, '.', '_' and '-', "
                         "starting with a letter or digit (e.g. ethics-012)")
    lines = [schema.rstrip("\n")] if schema else []
    lines += [
        f"id: {qid}",
        '# The vignette, then a lead-in that ends in ? or : (for example, "What should be done FIRST?")',
        "stem: ''",
        "options:",
        "  # The key: the one best answer.",
        "  - text: ''",
        "    correct: true",
        "  # Distractors: wrong, but tempting to someone who does not know the content; each says why.",
    ]
    for _ in range(options - 1):
        lines += ["  - text: ''", "    rationale: ''"]
    lines += ["# Why the key is right, for a learner who chose another option.", "explanation: ''"]
    if topic:
        lines.append(f"topic: {json.dumps(topic, ensure_ascii=False)}")  # JSON is YAML; fmt restyles it
    return format_text("\n".join(lines) + "\n")


def config_text(name: str) -> str:
    return f"""\
# qbank configuration: the folder holding this file is the bank root.
# The name is part of every Anki note GUID: keep it once the bank is published.
name = {json.dumps(name, ensure_ascii=False)}
# exclude = ["drafts/**"]    # YAML under the root that is not a question (mkdocs.yml, say)

[lint]
ignore = []                  # codes or prefixes to switch off (`qbank rules` lists them)

[lint.options]
min-options = 3              # QB102: the fewest and most options a question may have
max-options = 5
"""


def precommit_text(bank_arg: str | None) -> str:
    args = f"\n        args: [{json.dumps(bank_arg)}]" if bank_arg else ""
    return f"""\
# pre-commit (https://pre-commit.com): `pip install pre-commit`, then `pre-commit install`.
# The hooks check the whole bank on every commit (deleting an image can break a question).
repos:
  - repo: {PROJECT_URL}
    rev: v{__version__}
    hooks:
      - id: qbank-lint{args}
      - id: qbank-fmt{args}
"""


def workflow_text(bank_arg: str | None) -> str:
    where = f" {bank_arg}" if bank_arg else ""
    return f"""\
# GitHub Actions: check the bank on every push and pull request.
name: qbank
on: [pull_request, push]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with: {{python-version: "3.11"}}
      - run: pip install "git+{PROJECT_URL}@v{__version__}"
      - run: qbank lint --format github{where}
      - run: qbank fmt --check{where}
"""


@dataclass
class Scaffold:
    """The files of a new bank, by path, and where the repository root is (None: ``root``)."""

    root: Path
    files: dict[Path, str]
    repository: Path | None = None


def bank_files(root: Path) -> Scaffold:
    """A bank in ``root``: qbank.toml, the schema, an example question, a pre-commit config and
    a CI workflow. When ``root`` is inside a git repository whose top is elsewhere, the hook
    and workflow are written for that top (they name ``root``) and must be moved there."""
    from .schema import schema_text

    root = root.absolute()
    top = next((p for p in (root, *root.parents) if (p / ".git").exists()), None)
    bank_arg = None if top is None or top == root else os.path.relpath(root, top).replace(os.sep, "/")
    example = root / f"{EXAMPLE_ID}.yaml"
    files = {
        root / "qbank.toml": config_text(root.name or "bank"),
        root / SCHEMA_NAME: schema_text(),
        example: f"# yaml-language-server: $schema={SCHEMA_NAME}\n" + EXAMPLE.format(id=EXAMPLE_ID),
        root / ".pre-commit-config.yaml": precommit_text(bank_arg),
        root / ".github" / "workflows" / "qbank.yml": workflow_text(bank_arg),
    }
    return Scaffold(root, files, top if bank_arg else None)


def write_new(files: dict[Path, str]) -> None:
    """Write every file, or (when any of them exists) none: UsageError lists those in the way."""
    existing = [p for p in files if p.exists() or p.is_symlink()]
    if existing:
        raise UsageError("refusing to overwrite " + ", ".join(os.path.relpath(p) for p in existing)
                         + "; nothing was written")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as f:  # "x": never replace a file
            f.write(text)
