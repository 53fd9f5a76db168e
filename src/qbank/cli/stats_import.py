"""`qbank stats import FILE --format NAME [PATHS]`: store item statistics from LMS results.

Exit codes: 0 statistics stored (warnings such as matches by text are printed); 1 the file
cannot be read, the store cannot be read, or no question of the results matched the bank;
2 usage errors (an unknown format, a missing file, no bank).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ..analysis.importer import FORMATS
from ..diagnostics import plural
from .common import Command, given, paths_argument


@click.command("import", cls=Command)
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@paths_argument
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), required=True,
              help="What RESULTS is: Canvas's Item Analysis or Student Analysis CSV, Moodle's quiz Responses "
                   "report CSV, or qbank's responses CSV (candidate,item,choice).")
@click.option("--form", "form", metavar="FILE|NAME", default=None,
              help="The form the results are of: its form file (forms/A.yaml: option letters and Canvas's "
                   "answer columns are then in the form's option order, as candidates saw them), or only a "
                   "name for its KR-20  [default: the results file's name]")
@click.option("--dry-run", is_flag=True, help="Report what would be stored; write nothing.")
def import_cmd(results: Path, paths: tuple[Path, ...], fmt: str, form: str | None, dry_run: bool) -> None:
    """Read RESULTS, match its questions to the bank's items (by qbank id, else by text, which is
    reported) and merge their statistics into qbank-stats.json in the bank root."""
    from ..report import render

    from ..errors import ExportError

    try:
        outcome = api.import_stats(results, fmt, given(paths), form=form, dry_run=dry_run)
    except ExportError as exc:  # a form file that cannot be read
        click.echo(f"qbank stats import: {exc}; nothing stored", err=True)
        sys.exit(1)
    if outcome.diagnostics:
        click.echo(render(outcome.diagnostics, fmt="text", files=1), err=True, nl=False)
    if outcome.failed or not outcome.items:
        click.echo(f"qbank stats import: nothing stored from {results.name}", err=True)
        sys.exit(1)
    verb = "would store" if dry_run else "stored"
    text = f" ({outcome.by_text} matched by text)" if outcome.by_text else ""
    forms = "".join(f"; form {name}: KR-20 {f['kr20']:.2f} over {plural(f['n'], 'candidate')}"
                    for name, f in outcome.forms.items() if f["kr20"] is not None)
    click.echo(f"{verb} statistics of {plural(len(outcome.items), 'item')}{text} from {results.name}{forms}")
