"""`qbank rules`."""

from __future__ import annotations

import click

from .common import Command


def matching(query: str) -> tuple[str | None, list[str]]:
    """What ``query`` names: one code (a code such as QB304 or a rule name such as
    duplicate-option), else the codes of a prefix (QB3: every QB3xx, in code order)."""
    from ..codes import CODES, by_name

    key = query.strip().upper()
    named = CODES.get(key) or by_name(query.strip().lower())
    if named is not None:
        return named.code, [named.code]
    return None, [code for code in CODES if code.startswith(key)] if key.startswith("QB") else []


@click.command(cls=Command)
@click.argument("query", metavar="[CODE|NAME|PREFIX]", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--base-item", is_flag=True,
              help="Print the clean question every rule's examples change (each example gives only its changes).")
def rules(query, fmt, base_item):
    """List every rule, or print one rule's page: `qbank rules QB304`, `qbank rules
    duplicate-option`; a prefix lists its rules (`qbank rules QB3`)."""
    from ..rules import docs

    if base_item:
        if query:
            raise click.UsageError("give a rule or --base-item, not both")
        click.echo(docs.base_item(fmt))
        return
    if not query:
        click.echo(docs.rule_table(fmt))
        return
    code, codes = matching(query)
    if code is not None:
        click.echo(docs.rule_doc(code, fmt))
    elif codes:
        click.echo(docs.rule_table(fmt, codes))
    else:
        from ..codes import near

        hint = near(query)
        raise click.UsageError(f"no rule {query}; " + (f"did you mean {' or '.join(f'{c.code} ({c.name})' for c in hint)}?"
                                                      if hint else "`qbank rules` lists them"))
