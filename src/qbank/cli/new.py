"""`qbank new`: a question file from the template."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import Command


def _folder(given: Path | None) -> Path:
    """Where a new question goes: --dir, else the working folder when it is inside a bank
    (a qbank.toml at or above it), else the default bank (see `qbank lint`)."""
    from .. import api
    from ..config import find_root

    if given is not None:
        return given
    _root, config = find_root([Path.cwd()])
    return Path(".") if config is not None else api.resolve_paths()[0]


@click.command(cls=Command)
@click.argument("qid", metavar="ID")
@click.option("--topic", help="The question's topic.")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="The folder for ID.yaml (default: here inside a bank, else the bank).")
def new(qid: str, topic: str | None, folder: Path | None) -> None:
    """Write ID.yaml, a question with every text left empty, in the layout `qbank fmt`
    writes. `qbank lint` reports each empty text until it is written; never overwrites."""
    from ..config import load_config
    from ..rules import all_rules
    from ..scaffold import schema_line, template, write_new

    target = _folder(folder) / f"{qid}.yaml"
    config = load_config([target.parent if target.parent.is_dir() else Path(".")])
    all_rules()  # the rules declare the options read below
    count = min(max(config.options.min_options, 4), config.options.max_options)
    text = template(qid, topic=topic, options=count, schema=schema_line(target.absolute(), config.root))
    write_new({target: text})
    click.echo(f"created {os.path.relpath(target)}: write its texts, then `qbank lint {os.path.relpath(target)}`")
