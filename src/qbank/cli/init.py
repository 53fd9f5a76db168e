"""`qbank init`: start a bank."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import Command


@click.command(cls=Command)
@click.argument("folder", metavar="[DIR]", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Start a bank in DIR (default: here): qbank.toml, the question schema for editors, an
    example question, a pre-commit config and a GitHub Actions workflow. Nothing is
    overwritten: if any of these files exists, nothing is written (exit 2)."""
    from ..scaffold import bank_files, write_new

    scaffold = bank_files(folder)
    write_new(scaffold.files)
    for path in scaffold.files:
        click.echo(f"created {os.path.relpath(path)}")
    shown = os.path.relpath(scaffold.root)
    if scaffold.repository is not None:
        click.echo(f"{shown} is inside the git repository at {os.path.relpath(scaffold.repository)}: move "
                   f".pre-commit-config.yaml and .github/ there (they already name {shown}).")
    where = "" if shown == "." else f" {shown}"
    click.echo(f"Next: `qbank lint{where}`, then `qbank new ID` for each question "
               "(`pre-commit install` runs the checks on every commit).")
