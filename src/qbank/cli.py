"""The `qbank` command line. Thin: each command wires the pipeline to a reporter.

Exit codes: 0 clean, 1 problems found (or files that would change), 2 usage error or an
unreadable input path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .config import find_root
from .diagnostics import Diagnostic, Severity
from .discover import DiscoveryError
from .report import FORMATS, render


def default_paths(paths: tuple[Path, ...]) -> list[Path]:
    """The paths to check: those given, else the bank root configured by a qbank.toml at or
    above the working folder, else ``bank/``."""
    if paths:
        return list(paths)
    root, config_file = find_root([Path.cwd()])
    if config_file is not None:
        return [Path(os.path.relpath(root))]
    if Path("bank").is_dir():
        return [Path("bank")]
    raise click.UsageError("no bank/ folder here and no qbank.toml above; name the files or folders to check")


paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                             help="Output format: text for people, github for Actions annotations, "
                                  "sarif for code scanning, json for tools.")
output_option = click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path),
                             help="Write the report to this file instead of standard output.")
jobs_option = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                           help="Worker processes for large banks (default: all cores).")


class LazyGroup(click.Group):
    """Commands that live beside their pipeline (export, fmt) are imported only when run,
    so `qbank lint` does not pay for genanki and lxml at start-up."""

    lazy = {"export": "qbank.export.command:export", "fmt": "qbank.rewrite:fmt"}

    def list_commands(self, ctx):
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx, name):
        if name in self.lazy:
            import importlib

            module, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qbank")
def main() -> None:
    """Author, validate, lint and export multiple-choice question banks."""


def _emit(diags: list[Diagnostic], fmt: str, files: int, output: Path | None) -> None:
    report = render(diags, fmt, files)
    if output is None:
        click.echo(report, nl=False)
        return
    from .fsutil import atomic_write

    try:
        atomic_write(output, report.encode("utf-8"), keep_mode=False)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc


def _run(paths, *, lint, jobs, use_cache, cli_select=(), cli_ignore=()):
    from .config import load_config
    from .engine import run

    paths = default_paths(paths)
    config = load_config(paths)
    if cli_select:
        config.select = tuple(cli_select)
    if cli_ignore:
        config.ignore = tuple(config.ignore) + tuple(cli_ignore)
    try:
        return run(paths, lint=lint, jobs=jobs, use_cache=use_cache, config=config)
    except DiscoveryError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@paths_argument
@format_option
@output_option
@jobs_option
def validate(paths, fmt, output_file, jobs):
    """Check files against the question format: YAML syntax, encoding, schema, duplicate keys
    and ids, exactly one key, a rationale on every distractor, media references."""
    bank, _ = _run(paths, lint=False, jobs=jobs, use_cache=False)
    _emit(bank.diagnostics, fmt, bank.files, output_file)
    sys.exit(1 if bank.diagnostics else 0)


def _codes(ctx, param, value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    import re

    bad = [c for c in codes if not re.fullmatch(r"QB[0-9]{0,3}", c)]
    if bad:
        raise click.BadParameter(f"{', '.join(bad)}: use rule codes or prefixes like QB3 or QB304")
    return codes


@main.command()
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
def lint(paths, fmt, output_file, jobs, strict, select, ignore, fix, unsafe_fixes, no_cache):
    """Everything `validate` checks, plus item-writing and bank rules (see `qbank rules`)."""
    bank, config = _run(paths, lint=True, jobs=jobs, use_cache=not no_cache, cli_select=select, cli_ignore=ignore)
    refused: list[Diagnostic] = []
    if fix or unsafe_fixes:
        allowed = {"safe", "unsafe"} if unsafe_fixes else {"safe"}
        before = _fixable(bank.diagnostics, allowed)
        changed, refused = _apply_fixes(before, config, unsafe_fixes)
        if changed:
            bank, config = _run(paths, lint=True, jobs=jobs, use_cache=not no_cache, cli_select=select, cli_ignore=ignore)
        fixed = len(before) - len(_fixable(bank.diagnostics, allowed))
        click.echo(f"Fixed {fixed} problem{'s' if fixed != 1 else ''} in {changed} file{'s' if changed != 1 else ''}.",
                   err=fmt != "text" or output_file is not None)
    diags = sorted(bank.diagnostics + refused, key=Diagnostic.sort_key)
    _emit(diags, fmt, bank.files, output_file)
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    sys.exit(1 if any(d.severity in failing for d in diags) else 0)


def _fixable(diags: list[Diagnostic], allowed: set[str]) -> list[Diagnostic]:
    from .rules import all_rules

    rules = all_rules()
    return [d for d in diags if d.code in rules and rules[d.code].fix_safety in allowed]


def _apply_fixes(fixable: list[Diagnostic], config, unsafe: bool) -> tuple[int, list[Diagnostic]]:
    """Fix each file for the codes reported in it; (files rewritten, refusals)."""
    from .fix import apply_fixes

    by_file: dict[str, set[str]] = {}
    for d in fixable:
        by_file.setdefault(d.path, set()).add(d.code)
    changed, refused = 0, []
    for path, codes in sorted(by_file.items()):
        outcome = apply_fixes(path, codes, config.options, unsafe, root=str(config.root))
        changed += bool(outcome.written)
        refused.extend(outcome.diagnostics)
    return changed, refused


@main.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules(code, fmt):
    """List every rule, or print the documentation of one (`qbank rules QB304`)."""
    from .rules.docs import rule_table, rule_doc

    if code:
        doc = rule_doc(code.upper(), fmt)
        if doc is None:
            raise click.UsageError(f"no rule {code}; `qbank rules` lists them")
        click.echo(doc)
    else:
        click.echo(rule_table(fmt))


def entry() -> None:
    """The `qbank` console script: ``main``, then an exit that skips tearing down the heap
    (as mypy does). Freeing a warm run's 10,000 cached rows one object at a time costs
    ~20 ms and achieves nothing; output is flushed and every file write is already done."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`qbank lint | head`)
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
