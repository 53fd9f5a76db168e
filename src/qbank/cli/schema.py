"""`qbank schema`: the question format as JSON Schema."""

from __future__ import annotations

from pathlib import Path

import click

from .common import Command


@click.command(cls=Command)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to this file (replacing an older copy) instead of printing it.")
@click.option("--bank", "bank", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Include the fields this bank's qbank.toml declares ([fields.NAME]).")
def schema(out: Path | None, bank: Path | None) -> None:
    """Print the JSON Schema of a question file, or write it with --out for editors (a
    `# yaml-language-server: $schema=PATH` line at the top of a question uses it)."""
    from ..schema import schema_text

    text = schema_text()
    if bank is not None:
        import json

        from ..config import load_config
        from ..schema import bank_schema
        from ..errors import UsageError

        config = load_config([bank])
        if config.diagnostics:
            raise UsageError("; ".join(f"{d.path}:{d.line}:{d.column}: {d.message}" for d in config.diagnostics))
        if config.fields:
            text = json.dumps(bank_schema(config.fields), indent=2, ensure_ascii=False) + "\n"

    if out is None:
        click.echo(text, nl=False)
        return
    from ..fsutil import atomic_write
    from .common import OutputFileError

    try:
        atomic_write(out, text.encode("utf-8"), keep_mode=False)
    except OSError as exc:
        raise OutputFileError(f"cannot write {out}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {out}")
