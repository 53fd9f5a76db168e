"""`qbank assemble`: forms in a blueprint's proportions, written as form files.

Exit codes: 0 the forms are written (their paths on stdout); 1 the request cannot be met
(QB021: an area lacks items; QB020: an item in two areas) or the bank has errors; 2 usage
errors and unusable output folders. Nothing is written unless every form can be assembled.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import Command, given, paths_argument

STATUSES = ("draft", "review", "approved")


@click.command("assemble", cls=Command)
@paths_argument
@click.option("--blueprint", metavar="NAME", help="The blueprint (default: the bank's only one).")
@click.option("--items", type=click.IntRange(min=1, max=100_000), metavar="N",
              help="Items per form (default: the blueprint's form-size).")
@click.option("--forms", "forms", default="A", show_default=True, metavar="A,B",
              help="The forms to assemble, comma-separated; each is written to OUT/<name>.yaml.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same forms.")
@click.option("--overlap", type=click.FloatRange(0, 100), default=0, show_default=True, metavar="0..100",
              help="Percent of each form's items common to every form.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("forms"), show_default=True,
              help="Folder for the form files (created if missing).")
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
              help="Take only questions with this status (repeatable)  [default: approved]")
@click.option("--include-status", "include_status", multiple=True, type=click.Choice(STATUSES),
              help="Take questions with this status too, besides --status (repeatable).")
def assemble(paths, blueprint, items, forms, seed, overlap, out, statuses, include_status) -> None:
    """Assemble forms of N items from the bank by a blueprint: each area's share by its weight
    (largest remainder), approved questions only, never two near-duplicate stems in a form,
    difficulty spread like the area's, keys balanced over the positions after shuffling the
    options, and forms sharing --overlap percent of their items. The same bank and options
    give the same form files."""
    from .. import api
    from ..assemble import AssembleError, Request, assemble as build, check_names, write_forms
    from ..blueprint import choose
    from ..config import load_config
    from ..errors import OutputError
    from .export import report

    names = check_names(forms.split(","))
    bank = api.load_bank(given(paths))
    errors = [d for d in bank.diagnostics if d.severity.value == "error"]
    if errors:  # before choosing a blueprint: a blueprint with a mistake (QB008) is not there to choose
        report(bank.diagnostics, bank.files)
        click.echo("qbank assemble: the bank has errors; fix them and assemble again (nothing was written)", err=True)
        sys.exit(1)
    config = load_config([Path(bank.root)])
    chosen = choose(config.blueprints, blueprint)
    size = items or chosen.form_size
    if size is None:
        raise click.UsageError(f"give --items N: blueprint `{chosen.name}` has no form-size")
    request = Request(size, names, seed, overlap, frozenset({*(statuses or ("approved",)), *include_status}))
    try:
        built = build(bank.questions, chosen, request, config.options, str(config.path or "qbank.toml"))
    except AssembleError as exc:
        report(exc.diagnostics, bank.files)
        click.echo("qbank assemble: the forms cannot be assembled as asked; nothing was written", err=True)
        sys.exit(1)
    try:
        written = write_forms(built, out)
    except OutputError as exc:
        click.echo(f"qbank assemble: {exc}", err=True)
        sys.exit(2)
    for path in written:
        click.echo(str(path))
