"""`qbank site`: build the static review site.

Exit codes: 0 written (the bank's findings are on the site and on stderr); 1 an image that
cannot be packaged (nothing written); 2 usage errors and an unusable output folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from .common import Command, given, jobs_option, paths_argument


@click.command("site", cls=Command)
@paths_argument
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="Folder for the site (created; a site built here before is replaced).")
@click.option("--form", "forms", multiple=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="A form file (forms/A.yaml) practice mode offers as a whole; repeatable.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the lint cache (.qbank_cache/).")
@jobs_option
def site(paths, out, forms, no_cache, jobs):
    """Build a static site of the bank in --out: an index with filters and search, a page per
    item with its lint findings, a dashboard of plots, practice mode and the rule pages. It
    opens from file:// and makes no network request."""
    from ..errors import ExportError, OutputError

    try:
        result = api.build_site(given(paths), out, forms=forms, jobs=jobs, cache=not no_cache)
    except OutputError as exc:
        click.echo(f"qbank site: {exc}", err=True)
        sys.exit(2)
    except ExportError as exc:   # an image that cannot be packaged (see `qbank export`)
        click.echo(f"qbank site: {exc}; nothing was written", err=True)
        sys.exit(1)
    if result.diagnostics:
        from ..report import render

        click.echo(render(result.diagnostics, fmt="text", files=result.files), err=True, nl=False)
    click.echo(f"{result.out / 'index.html'}: {result.items:,} items, {result.pages:,} pages")
