"""`qbank validate` and `qbank lint`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ..diagnostics import plural
from ..errors import UsageError
from .common import (Command, Output, format_option, given, jobs_option, output_option, paths_argument,
                     report_options, use_color)
from .progress import progress_bar

STDIN = Path("-")


class Report:
    """How a run's findings are shown (`--format`, `-o`, `--quiet`, `--statistics`, `--color`)."""

    def __init__(self, report_format: str, output_file: Path | None, quiet: bool, statistics: bool,
                 color: str) -> None:
        if statistics and report_format not in ("text", "json"):
            raise click.UsageError("--statistics prints text or json; use --format text or --format json")
        if quiet and report_format in ("json", "sarif"):
            quiet = False  # a document has no summary line to leave out
        self.format, self.quiet, self.statistics = report_format, quiet, statistics
        self.color = use_color(color, output_file) and report_format == "text"
        self.out = Output(output_file, color=self.color or None)  # refuses a missing folder before any work
        # Notes (fix counts) go where they do not mix into a machine-read report.
        self.notes_to_stderr = report_format != "text" or output_file is not None

    def note(self, text: str) -> None:
        if not self.quiet and text:
            click.echo(text, err=self.notes_to_stderr, nl=False)

    def show(self, result: api.LintResult) -> None:
        from ..report import render, statistics, summary

        if self.statistics:
            body = statistics(result.diagnostics, self.format)
            if self.format == "text" and not self.quiet:
                body += summary(result.diagnostics, result.files) + "\n"
        else:
            body = render(result.diagnostics, self.format, result.files, color=self.color)
            if self.quiet and self.format in ("text", "github"):
                body = body[:body.rstrip("\n").rfind("\n") + 1]  # the summary is the last line
        self.out.write(body)
        self.out.close()


def _run(paths: tuple[Path, ...], stdin_filename: str | None, **options) -> api.LintResult:
    """The lint of PATHS, or (PATHS `-`) of one question read from standard input."""
    if STDIN in paths:
        if paths != (STDIN,):
            raise click.UsageError("`-` (standard input) cannot be mixed with other paths")
        if options.get("fix") or options.get("unsafe_fixes"):
            raise click.UsageError("--fix rewrites files; it cannot be used with `-` (standard input)")
        raw = sys.stdin.buffer.read()
        wanted = {k: options[k] for k in ("rules", "select", "ignore", "config") if k in options}
        return api.lint_source(raw, stdin_filename or "-", **wanted)
    if stdin_filename is not None:
        raise click.UsageError("--stdin-filename names standard input: give `-` as the path")
    with progress_bar("Checking") as bar:
        return api.lint(given(paths), progress=bar.update, **options)


def _exit(result: api.LintResult, strict: bool, exit_zero: bool) -> None:
    sys.exit(1 if result.failed(strict) and not exit_zero else 0)


@click.command(cls=Command)
@paths_argument
@format_option
@output_option
@jobs_option
@report_options
def validate(paths, report_format, output_file, jobs, quiet, exit_zero, statistics, config_file, color,
             stdin_filename):
    """Check files against the question format: YAML syntax, encoding, schema, duplicate keys
    and ids, exactly one key, a rationale on every distractor, media references.

    `qbank validate -` checks one question read from standard input."""
    report = Report(report_format, output_file, quiet, statistics, color)
    result = _run(paths, stdin_filename, rules=False, jobs=jobs, cache=False, config=config_file)
    report.show(result)
    sys.exit(1 if result.diagnostics and not exit_zero else 0)


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
@click.option("--diff", is_flag=True,
              help="With --fix: write nothing; print what the fixes would change as a unified diff "
                   "(exit 1 if they would change anything).")
@click.option("--show-fixes", is_flag=True,
              help="List the fixes by file and code: those --fix applied, or without --fix those it would apply.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not write .qbank_cache/.")
@report_options
def lint(paths, report_format, output_file, jobs, strict, select, ignore, fix, unsafe_fixes, diff, show_fixes,
         no_cache, quiet, exit_zero, statistics, config_file, color, stdin_filename):
    """Everything `validate` checks, plus item-writing and bank rules (see `qbank rules`).

    `qbank lint -` checks one question read from standard input (item rules only: the bank
    rules and duplicate ids need the whole bank); --stdin-filename says where it belongs."""
    fixing = fix or unsafe_fixes
    if diff and not fixing:
        raise click.UsageError("--diff shows what --fix would change: use `qbank lint --fix --diff`")
    if diff:
        _fix_diff(paths, stdin_filename, select, ignore, unsafe_fixes, jobs, no_cache, config_file, quiet, exit_zero)
        return
    report = Report(report_format, output_file, quiet, statistics, color)
    result = _run(paths, stdin_filename, select=select, ignore=ignore, fix=fix, unsafe_fixes=unsafe_fixes,
                  jobs=jobs, cache=not no_cache, config=config_file)
    if fixing:
        done = f"Fixed {plural(result.fixed, 'problem')} in {plural(result.fixed_files, 'file')}"
        report.note(f"{done}:\n{_fix_list(result.fixes)}" if show_fixes and result.fixes else f"{done}.\n")
    elif show_fixes:
        from ..report import tally

        fixable = tally(d for d in result.diagnostics if d.fixable)
        report.note(f"`qbank lint --fix` would fix:\n{_fix_list(fixable)}" if fixable else "No fixes available.\n")
    report.show(result)
    _exit(result, strict, exit_zero)


def _fix_list(fixes: dict[tuple[str, str], int]) -> str:
    from ..codes import CODES
    from ..report import fix_list

    return fix_list(fixes, {code: entry.name for code, entry in CODES.items()})


def _fix_diff(paths, stdin_filename, select, ignore, unsafe_fixes, jobs, no_cache, config_file, quiet,
              exit_zero) -> None:
    """`lint --fix --diff`: the fixes as a patch on standard output, nothing written; a
    summary on standard error. Exit 1 when the fixes would change a file."""
    import difflib

    from ..report import printable

    result = _run(paths, stdin_filename, select=select, ignore=ignore, fix=True, unsafe_fixes=unsafe_fixes,
                  dry_run=True, jobs=jobs, cache=not no_cache, config=config_file)
    for change in result.changes:
        click.echo("".join(difflib.unified_diff(change.before.splitlines(keepends=True),
                                                change.after.splitlines(keepends=True),
                                                fromfile=f"a/{change.path}", tofile=f"b/{change.path}")), nl=False)
    for d in result.diagnostics:
        if d.code in ("QB000", "QB009"):  # a file the fixes would not be written to, and why
            click.echo(printable(f"{d.path}:{d.line}:{d.column}: {d.code} {d.name}: {d.message}"), err=True)
    if not quiet:
        click.echo(f"Would fix {plural(result.fixed, 'problem')} in {plural(result.fixed_files, 'file')}; "
                   "nothing was written." if result.changes else "No fixes available.", err=True)
    sys.exit(1 if result.changes and not exit_zero else 0)
