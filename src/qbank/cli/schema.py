"""`qbank schema`: the question format as JSON Schema."""

from __future__ import annotations

from pathlib import Path

import click

from .common import Command


@click.command(cls=Command)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to this file (replacing an older copy) instead of printing it.")
def schema(out: Path | None) -> None:
    """Print the JSON Schema of a question file, or write it with --out for editors (a
    `# yaml-language-server: $schema=PATH` line at the top of a question uses it)."""
    from ..schema import schema_text

    if out is None:
        click.echo(schema_text(), nl=False)
        return
    from ..fsutil import atomic_write
    from .common import OutputFileError

    try:
        atomic_write(out, schema_text().encode("utf-8"), keep_mode=False)
    except OSError as exc:
        raise OutputFileError(f"cannot write {out}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {out}")
