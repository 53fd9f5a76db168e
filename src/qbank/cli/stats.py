"""`qbank stats`: a group whose report runs when no subcommand is named.

`qbank stats [PATHS] --blueprint NAME --items N --format text|json|markdown` is the report
(`qbank stats report ...` says the same); other subcommands (`qbank stats import`) are added
to the group with ``@stats.command()``. Exit codes: 0 the report is written; 1 the bank has
errors (questions in two areas, QB020, or invalid files or qbank.toml: the report counts the
valid questions and the errors go to stderr); 2 usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import Command, Output, given, output_option, paths_argument
from .stats_import import import_cmd

REPORT = "report"


class StatsGroup(click.Group):
    """A first argument that is not a subcommand's name (a path, an option, nothing) runs the
    report: `qbank stats bank/` is `qbank stats report bank/`. A plain click Group with
    ``invoke_without_command`` and a PATHS argument would read a subcommand's name as a path."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = [REPORT, *args]
        return super().parse_args(ctx, args)


@click.group("stats", cls=StatsGroup)
def stats() -> None:
    """How the bank covers a blueprint, and what its items are like. Without a subcommand, the
    report: `qbank stats [PATHS] [--blueprint NAME] [--items N] [--format F]` (see `qbank stats
    report --help`)."""


@stats.command(REPORT, cls=Command)
@paths_argument
@click.option("--blueprint", metavar="NAME", help="The blueprint to report on (default: the bank's only one).")
@click.option("--items", type=click.IntRange(min=1, max=100_000), metavar="N",
              help="Targets for a form of N items (default: the blueprint's form-size, else the bank's size).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text: tables for people; json: the schema in qbank/stats.py (the site's dashboard reads it); "
                   "markdown: for a README or a pull request.")
@output_option
def report(paths, blueprint, items, fmt, output_file) -> None:
    """Items per blueprint area against the target for a form of N items, the gap per area (approved
    items minus target), areas with no items, items in no area, and the bank's key positions,
    difficulty, status and option counts."""
    from .. import api
    from .. import stats as core
    from ..blueprint import choose, membership, overlap_diagnostics
    from ..config import load_config
    from ..errors import UsageError
    from .export import report as print_diagnostics

    output = Output(output_file)
    bank = api.load_bank(given(paths))
    config = load_config([Path(bank.root)])
    chosen = None
    if blueprint is not None or config.blueprints:
        try:
            chosen = choose(config.blueprints, blueprint)
        except UsageError:
            print_diagnostics(list(config.diagnostics), bank.files)  # a blueprint with a mistake is not there
            raise
    found = list(bank.diagnostics)
    if chosen is not None:
        live = [q for q in bank.questions if not q.retired]
        found += overlap_diagnostics(chosen, membership(chosen, live).overlaps)
    output.write(core.render(core.compute(bank, chosen, items), fmt))
    output.close()
    print_diagnostics(sorted(found, key=lambda d: d.sort_key()), bank.files)
    if any(d.severity.value == "error" for d in found):
        sys.exit(1)


stats.add_command(import_cmd)  # `qbank stats import FILE --format NAME`
