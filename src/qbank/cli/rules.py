"""`qbank rules`."""

from __future__ import annotations

import click

from .common import Command


@click.command(cls=Command)
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules(code, fmt):
    """List every rule, or print the documentation of one (`qbank rules QB304`)."""
    from ..rules.docs import rule_doc, rule_table

    if code:
        doc = rule_doc(code.upper(), fmt)
        if doc is None:
            raise click.UsageError(f"no rule {code}; `qbank rules` lists them")
        click.echo(doc)
    else:
        click.echo(rule_table(fmt))
