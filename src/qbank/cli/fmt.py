"""`qbank fmt`."""

from __future__ import annotations

import sys

import click

from .. import api
from .common import Command, Output, format_option, given, jobs_option, output_option, paths_argument
from .progress import progress_bar


@click.command("fmt", cls=Command)
@paths_argument
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change and exit 1 if any.")
@click.option("--diff", is_flag=True, help="Write nothing; print what would change as a unified diff (exit 1 if any).")
@format_option
@output_option
@jobs_option
@click.option("--no-cache", is_flag=True, help="Ignore and do not write .qbank_cache/ (the files found formatted before).")
def fmt(paths, check, diff, report_format, output_file, jobs, no_cache):
    """Rewrite question files in one canonical layout, keeping every comment and value.

    Key order id, stem, options, explanation, topic, tags, difficulty, references, lint;
    long or multi-line text as `|` block scalars; block lists; 2-space indentation.
    Files that do not parse, or would read differently afterwards, are reported and left
    unchanged. Exit 0 when done (or nothing would change), 1 when files would change
    (--check/--diff) or were refused, 2 for paths that do not exist.

    text and github print each file's problems (github: as annotations) as it is done, then
    a summary (on stderr with --diff, so standard output is a patch); json and sarif write
    one document listing every file's state (reformatted, would-reformat, unchanged,
    refused) and the refusals' diagnostics.
    """
    from ..fmt import document, file_report

    out = Output(output_file)
    streamed = report_format in ("text", "github")

    with progress_bar("Checking format" if check or diff else "Formatting") as bar:
        def show(result) -> None:
            text = file_report(result, diff=diff, fmt=report_format)
            if text:
                bar.clear()
                out.write(text)

        run = api.reformat(given(paths), check=check, diff=diff, jobs=jobs, cache=not no_cache,
                           on_file=show if streamed else None, progress=bar.update)
    if not streamed:
        out.write(document(run, report_format, diff=diff))
    elif diff and report_format == "text":
        click.echo(run.summary(), err=True)
    else:
        out.write(run.summary() + "\n")
    out.close()
    sys.exit(1 if run.failed else 0)
