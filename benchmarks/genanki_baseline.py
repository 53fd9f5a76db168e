"""Baseline for `qbank export --anki`: the plainest script that writes the same notes.

    python benchmarks/genanki_baseline.py BANK_DIR OUT.apkg

It reads every question file under BANK_DIR with the fastest plain approach (PyYAML's
libyaml ``CSafeLoader``), builds one genanki note per question with the same content
(id, stem, options, answer, explanation, rationales, source) as escaped text with line
breaks, one sub-deck per topic, and writes one .apkg. No Markdown rendering, no
validation beyond skipping files that cannot be notes, no media: this is the floor
that `qbank export --anki` is compared with.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
import zlib
from pathlib import Path
from typing import Any

import genanki
import yaml

MODEL = genanki.Model(
    1_607_392_319, "baseline multiple choice",
    fields=[{"name": n} for n in ("ID", "Question", "Options", "Answer", "Explanation", "Rationales", "Source")],
    templates=[{"name": "Card", "qfmt": "{{Question}}<br>{{Options}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}<br>{{Explanation}}<br>{{Rationales}}"}],
)


def _html(text: str) -> str:
    return html.escape(text.strip(), quote=False).replace("\n", "<br>")


def _question_files(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath, f) for f in filenames if f.endswith((".yaml", ".yml")) and not f.startswith("."))
    return sorted(found)


def _note_fields(data: Any, source: str) -> list[str] | None:
    """The note's fields, or None if the file cannot make a note."""
    if not isinstance(data, dict):
        return None
    options = data.get("options")
    if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
        return None
    keys = [i for i, o in enumerate(options) if o.get("correct") is True]
    if len(keys) != 1 or not isinstance(data.get("stem"), str) or not isinstance(data.get("explanation"), str):
        return None
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    opts = "".join(f"<li>{letters[i]}. {_html(str(o.get('text', '')))}</li>" for i, o in enumerate(options))
    rats = "".join(f"<li>{letters[i]}. {_html(str(o['rationale']))}</li>"
                   for i, o in enumerate(options) if o.get("rationale"))
    key = keys[0]
    return [
        html.escape(str(data.get("id", "")), quote=False),
        _html(data["stem"]),
        f"<ol>{opts}</ol>",
        f"{letters[key]}. {_html(str(options[key].get('text', '')))}",
        _html(data["explanation"]),
        f"<ul>{rats}</ul>" if rats else "",
        html.escape(source, quote=False),
    ]


def build(root: Path, out: Path, bank_name: str) -> int:
    decks: dict[str, genanki.Deck] = {}
    for path in _question_files(root):
        try:
            with open(path, "rb") as fh:
                data = yaml.load(fh, Loader=yaml.CSafeLoader)
        except (OSError, yaml.YAMLError):
            continue
        fields = _note_fields(data, f"{bank_name} · {path.relative_to(root).as_posix()}")
        if fields is None:
            continue
        topic = str(data.get("topic") or "").strip()
        name = f"{bank_name}::{topic}" if topic else bank_name
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(1 << 30 | zlib.crc32(name.encode()), name)
        tags = [str(t).replace(" ", "_") for t in data.get("tags") or []]
        deck.add_note(genanki.Note(model=MODEL, fields=fields, tags=tags,
                                   guid=genanki.guid_for(bank_name, str(data.get("id")))))
    genanki.Package(list(decks.values())).write_to_file(str(out))
    return sum(len(d.notes) for d in decks.values())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("bank", type=Path, help="folder of question files")
    p.add_argument("out", type=Path, help="the .apkg to write")
    args = p.parse_args(argv)
    n = build(args.bank, args.out, args.bank.resolve().name or "bank")
    print(f"wrote {n} notes to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
