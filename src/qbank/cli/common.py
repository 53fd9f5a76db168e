"""What the commands share: the usage-error bridge, the common options and report output."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError
from ..report import FORMATS


class Command(click.Command):
    """A qbank command: a usage error from the core (:class:`qbank.errors.UsageError`) is
    reported as click reports its own, with the command's usage line (exit 2)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise click.UsageError(_with_hint(exc), ctx) from exc


def _with_hint(exc: UsageError) -> str:
    """The message, and for a hook run by pre-commit (which sets PRE_COMMIT=1) that found no
    bank, how to point the hook at it."""
    import os

    from ..errors import NoBank

    if isinstance(exc, NoBank) and os.environ.get("PRE_COMMIT"):
        return (f"{exc}. For the pre-commit hook, name the bank's folder in .pre-commit-config.yaml: "
                "`args: [path/to/bank]` under the hook's id")
    return str(exc)


paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
format_option = click.option("--format", "report_format", type=click.Choice(FORMATS), default="text",
                             show_default=True,
                             help="Output format: text for people, github for Actions annotations, "
                                  "sarif for code scanning, json for tools.")
output_option = click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path),
                             help="Write the report to this file instead of standard output.")
jobs_option = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                           help="Worker processes for large banks (default: all cores).")


def given(paths: tuple[Path, ...]) -> list[Path] | None:
    """The PATHS argument for the core: None (the default bank) when none were named."""
    return list(paths) or None


class OutputFileError(click.ClickException):
    """The report file cannot be written: an unwritable output path is exit 2 (README)."""

    exit_code = 2


class Output:
    """Where a report goes: standard output as it is produced, or with ``--output-file``
    a file written atomically when the report is complete. A folder that does not exist is
    refused before any work is done (and before `--fix` writes anything)."""

    def __init__(self, path: Path | None, *, color: bool | None = None) -> None:
        self.path = path
        self.color = color  # True: keep ANSI styles even off a terminal (`--color always`)
        self._parts: list[str] = []
        if path is not None and not path.absolute().parent.is_dir():
            raise OutputFileError(f"cannot write {path}: its folder {path.absolute().parent} does not exist")

    def write(self, text: str) -> None:
        if self.path is None:
            click.echo(text, nl=False, color=self.color)
        else:
            self._parts.append(text)

    def close(self) -> None:
        if self.path is None:
            return
        from ..fsutil import atomic_write

        try:
            atomic_write(self.path, "".join(self._parts).encode("utf-8"), keep_mode=False)
        except OSError as exc:
            raise OutputFileError(f"cannot write {self.path}: {exc.strerror or exc}") from exc


# --- the report options `lint` and `validate` share (as ruff's) ----------------------------------

quiet_option = click.option("--quiet", "-q", is_flag=True,
                            help="Print the findings only: no summary line, no count of fixes.")
exit_zero_option = click.option("--exit-zero", is_flag=True,
                                help="Exit 0 even when problems are found (usage errors still exit 2).")
statistics_option = click.option("--statistics", is_flag=True,
                                 help="Print how many findings each code has instead of the findings "
                                      "(text or json).")
config_option = click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
                             help="Read settings from this qbank.toml instead of the bank's own.")
color_option = click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
                            show_default=True,
                            help="Colour the text report: auto colours a terminal unless NO_COLOR is set.")
stdin_filename_option = click.option("--stdin-filename", metavar="PATH",
                                     help="With `-` as the path: the name the question read from standard "
                                          "input is reported (and configured) under.")


def report_options(command):
    """The options above, in the order `--help` lists them."""
    for option in reversed((quiet_option, exit_zero_option, statistics_option, config_option, color_option,
                            stdin_filename_option)):
        command = option(command)
    return command


def use_color(choice: str, output_file: Path | None) -> bool:
    """``--color``: always, never, or (auto) when the report goes to a terminal and the
    NO_COLOR convention (https://no-color.org) is not in force."""
    import os
    import sys

    if choice != "auto":
        return choice == "always"
    return output_file is None and not os.environ.get("NO_COLOR") and sys.stdout.isatty()
