"""`qbank validate` and `qbank lint`."""

from __future__ import annotations

import sys

import click

from .. import api
from ..errors import UsageError
from ..report import render
from .common import Command, Output, format_option, given, jobs_option, output_option, paths_argument


def _report(result: api.LintResult, report_format: str, output_file) -> None:
    out = Output(output_file)
    out.write(render(result.diagnostics, report_format, result.files))
    out.close()


@click.command(cls=Command)
@paths_argument
@format_option
@output_option
@jobs_option
def validate(paths, report_format, output_file, jobs):
    """Check files against the question format: YAML syntax, encoding, schema, duplicate keys
    and ids, exactly one key, a rationale on every distractor, media references."""
    result = api.lint(given(paths), rules=False, jobs=jobs, cache=False)
    _report(result, report_format, output_file)
    sys.exit(1 if result.diagnostics else 0)


def _codes(ctx, param, value: str | None) -> tuple[str, ...]:
    try:
        return api.rule_codes(value or ())
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command(cls=Command)
@paths_argument
@format_option
@output_option
@jobs_option
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too; infos never fail.")
@click.option("--select", callback=_codes, help="Only these rule codes or prefixes (comma-separated).")
@click.option("--ignore", callback=_codes, help="Also skip these rule codes or prefixes.")
@click.option("--fix", is_flag=True, help="Apply safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix: also apply fixes that may change meaning.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not write .qbank_cache/.")
def lint(paths, report_format, output_file, jobs, strict, select, ignore, fix, unsafe_fixes, no_cache):
    """Everything `validate` checks, plus item-writing and bank rules (see `qbank rules`)."""
    result = api.lint(given(paths), select=select, ignore=ignore, fix=fix, unsafe_fixes=unsafe_fixes, jobs=jobs,
                      cache=not no_cache)
    if fix or unsafe_fixes:
        n, files = result.fixed, result.fixed_files
        click.echo(f"Fixed {n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}.",
                   err=report_format != "text" or output_file is not None)
    _report(result, report_format, output_file)
    sys.exit(1 if result.failed(strict) else 0)
