"""The `qbank` command line: the only package that imports click.

Each command turns options into a call of the click-free core (:mod:`qbank.api` and the
pipeline modules), and its results into output and an exit code: 0 clean, 1 problems found
(or files that would change), 2 usage error or an unreadable input path.

Commands live one module (or small group) each and are imported only when run, so
`qbank lint` does not pay for genanki, lxml and ruamel.yaml at start-up.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from .. import __version__

COMMANDS = {
    "assemble": "qbank.cli.assemble:assemble",
    "check-package": "qbank.cli.check_package:check_package",
    "export": "qbank.cli.export:export",
    "fmt": "qbank.cli.fmt:fmt",
    "import": "qbank.cli.import_cmd:import_",
    "init": "qbank.cli.init:init",
    "lint": "qbank.cli.lint:lint",
    "new": "qbank.cli.new:new",
    "rules": "qbank.cli.rules:rules",
    "schema": "qbank.cli.schema:schema",
    "site": "qbank.cli.site:site",
    "stats": "qbank.cli.stats:stats",
    "validate": "qbank.cli.lint:validate",
}


class LazyGroup(click.Group):
    """A group whose commands (``COMMANDS``: name -> "module:attribute") are imported on use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            # click >= 8.2 suggests a close name ("Did you mean 'lint'?") from the commands
            # registered up front, and here there are none: suggest from all of them
            unknown = getattr(exc, "command_name", None)
            if unknown is None or getattr(exc, "possibilities", None):
                raise
            raise type(exc)(unknown, possibilities=COMMANDS, ctx=ctx) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qbank")
def main() -> None:
    """Author, validate, lint and export multiple-choice question banks."""


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
