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
            raise click.UsageError(str(exc), ctx) from exc


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


class Output:
    """Where a report goes: standard output as it is produced, or with ``--output-file``
    a file written atomically when the report is complete."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        if self.path is None:
            click.echo(text, nl=False)
        else:
            self._parts.append(text)

    def close(self) -> None:
        if self.path is None:
            return
        from ..fsutil import atomic_write

        try:
            atomic_write(self.path, "".join(self._parts).encode("utf-8"), keep_mode=False)
        except OSError as exc:
            raise click.ClickException(f"cannot write {self.path}: {exc.strerror or exc}") from exc
