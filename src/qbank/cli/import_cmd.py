"""`qbank import FORMAT FILE... --into BANK`: read questions from other tools' files and write
each as one question file of the bank (see :mod:`qbank.importers.write`).

Exit codes: 0 everything read was imported (or was already there); 1 a question was skipped
(unsupported, malformed, refused) or conflicts with the bank; 2 usage errors (an unknown
format, a FILE that does not exist, `--into` naming a file, a bad `--map`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..importers import READERS
from .common import Command


def _mapping(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        field, sep, column = value.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"{value!r}: write FIELD=COLUMN, e.g. --map stem=Question")
        out[field.strip()] = column.strip()
    return out


def summary_table(plan, sources: list[str]) -> str:
    """Imported / updated / unchanged / conflicting per source file, then skipped by reason."""
    from ..codes import CODES
    from ..importers.write import SKIPPING, STATES

    heads = ("file", "imported", "updated", "unchanged", "conflicting", "skipped")
    rows = []
    for source in sources:
        entries = [e for e in plan.entries if e.source == source]
        counts = [sum(1 for e in entries if e.state == s) for s in STATES]
        skipped = sum(1 for d in plan.diagnostics if d.path == source and d.code in SKIPPING)
        rows.append((source, *map(str, counts), str(skipped)))
    totals = [str(plan.count(s)) for s in STATES] + [str(sum(plan.skipped.values()))]
    if len(sources) > 1:
        rows.append(("total", *totals))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(heads, widths)))]
    lines += ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    for code, n in sorted(plan.skipped.items()):
        lines.append(f"skipped: {n} {CODES[code].name} ({code})")
    return "\n".join(lines) + "\n"


def document(plan, sources: list[str], dry_run: bool, diff: bool) -> str:
    """The run as one JSON document: the plan, the counts and the diagnostics."""
    from ..importers.write import STATES

    doc = {
        "dry_run": dry_run,
        "into": str(plan.root),
        "summary": {**{s: plan.count(s) for s in STATES}, "skipped": dict(sorted(plan.skipped.items()))},
        "sources": sources,
        "items": [{"state": e.state, "id": e.id, "path": e.path, "source": e.source, "line": e.line}
                  for e in plan.entries],
        "media": sorted(plan.media),
        "diagnostics": [d.to_dict() for d in plan.diagnostics],
    }
    if diff:
        doc["diff"] = plan.diff()
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@click.command("import", cls=Command)
@click.argument("fmt", metavar="FORMAT", type=click.Choice(sorted(READERS)))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--into", "into", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The bank folder to write the questions into (created if missing).")
@click.option("--dry-run", is_flag=True, help="Print the plan and a diff of every file that would change; write nothing.")
@click.option("--map", "mapping", multiple=True, callback=_mapping, metavar="FIELD=COLUMN",
              help="CSV/XLSX: the column that holds a qbank field (repeatable).")
@click.option("--format", "report_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format: text for people, json for tools.")
def import_(fmt, files, into, dry_run, mapping, report_format):
    """Import the questions of FILE... (FORMAT: moodle, gift, aiken, canvas, qti21, csv, xlsx,
    apkg) into the bank folder --into, one question file each.

    Questions already in the bank are matched by id: each is added, updated, unchanged or (an id
    another file uses) conflicting. Question types qbank cannot hold and broken questions are
    skipped, one diagnostic each."""
    from ..importers.base import ImportOptions
    from ..importers.write import apply_plan, plan_import, read_all
    from ..report import render

    if into.is_symlink():
        raise click.BadParameter(f"{into} is a symbolic link; name the bank folder itself", param_hint="--into")
    try:
        results = read_all(fmt, files, ImportOptions(mapping=mapping))
    except ImportError as exc:  # a format whose reader is not in this build
        raise click.UsageError(f"format {fmt!r} cannot be read by this build of qbank ({exc})") from exc
    sources = [name for name, _ in results]
    plan = plan_import(results, into)
    if not dry_run:
        plan.diagnostics += apply_plan(plan)
    if report_format == "json":
        click.echo(document(plan, sources, dry_run, diff=dry_run), nl=False)
    else:
        if dry_run:
            for e in plan.entries:
                click.echo(f"{'would be ' + e.state if e.state != 'unchanged' else 'unchanged'}: {e.path} "
                           f"({e.source}:{e.line})")
            click.echo(plan.diff(), nl=False)
        if plan.diagnostics:
            body = render(plan.diagnostics, "text")
            click.echo(body[:body.rstrip("\n").rfind("\n") + 1], nl=False)  # without lint's summary line
        click.echo(summary_table(plan, sources), nl=False)
        click.echo("Dry run: nothing was written." if dry_run
                   else f"Wrote {len(plan.writes)} question files and {len(plan.media)} media files into {into}.")
    sys.exit(1 if plan.failed else 0)
