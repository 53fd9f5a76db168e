"""The `qbank` command group: its commands, each imported only when it runs (COMMANDS)."""

from __future__ import annotations

import importlib

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
