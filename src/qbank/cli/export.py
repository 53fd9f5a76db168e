"""`qbank export`: load and validate the bank, select the questions, write the chosen formats.

Exit codes: 0 written; 1 the questions to export have errors (diagnostics printed), a filter
matches nothing, or the content cannot be exported; 2 usage errors, unreadable inputs and
unusable output paths.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from .. import api
from .common import Command, given, paths_argument
from .progress import progress_bar

CSV_FLAVOURS = ("plain", "anki")
POOL_FORMATS = {"qti12", "qti21", "moodle"}


def _pools(bank, name: str | None, items: int | None) -> tuple:
    """(blueprint, form size) for --pools, from the bank's qbank.toml."""
    from ..blueprint import choose
    from ..config import load_config

    blueprint = choose(load_config([Path(bank.root)]).blueprints, name)
    size = items or blueprint.form_size
    if size is None:
        raise click.UsageError(f"give --items N: blueprint `{blueprint.name}` has no form-size")
    return blueprint, size


def _format_names(anki: bool, csv: tuple[str, ...], flags: dict[str, bool], all_formats: bool) -> list[str]:
    if all_formats:
        return ["all"]
    names = ["anki"] if anki else []
    names += ["csv" if flavour == "plain" else "anki-csv" for flavour in csv]
    return names + [name for name, on in flags.items() if on]


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"qbank export: {message}", err=True)
    sys.exit(code)


def report(diagnostics: list, files: int) -> None:
    """Every diagnostic of the bank, on stderr (stdout lists the files written)."""
    if diagnostics:
        from ..report import render

        click.echo(render(diagnostics, fmt="text", files=files), err=True, nl=False)


def _paper(paths, form_file, names, out, name, include_retired, jobs, filtered) -> None:
    """`--form FILE --pdf`: the printed exam and its answer key."""
    from ..errors import BankHasErrors, ExportError, OutputError
    from ..forms import FormError

    if form_file is None:
        raise click.UsageError("--pdf prints a form: give both --form FILE and --pdf")
    if names or filtered:
        raise click.UsageError("--pdf prints exactly the form's items; give no other format or filter with it")
    try:
        result = api.export_paper(form_file, given(paths), out, name=name, include_retired=include_retired,
                                  jobs=jobs)
    except FormError as exc:
        report(exc.diagnostics, 0)
        _fail("the form cannot be used; nothing was written", 1)
    except BankHasErrors as exc:
        report(exc.diagnostics, 0)
        _fail("the form's questions have errors; fix them and export again (nothing was written)", 1)
    except OutputError as exc:
        _fail(str(exc), 2)
    except ExportError as exc:
        _fail(f"{exc}; nothing was written", 1)
    report(result.diagnostics, result.items)
    for path in (result.exam, result.key):
        click.echo(os.path.relpath(path))


class ExportCommand(Command):
    """`--csv` takes an optional flavour; an existing path right after it (`--csv bank/`)
    is a path, not a misspelt flavour, so the flag gets its default there."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        fixed: list[str] = []
        for i, arg in enumerate(args):
            fixed.append(arg)
            if arg == "--":
                fixed.extend(args[i + 1:])
                break
            following = args[i + 1] if i + 1 < len(args) else None
            if arg == "--csv" and following is not None and following not in CSV_FLAVOURS \
                    and not following.startswith("-") and os.path.exists(following):
                fixed.append("plain")
        return super().parse_args(ctx, fixed)


@click.command("export", cls=ExportCommand)
@paths_argument
@click.option("--anki", is_flag=True, help="Anki package (.apkg); re-importing updates the notes in place.")
@click.option("--csv", "csv", type=click.Choice(CSV_FLAVOURS), is_flag=False, flag_value="plain",
              multiple=True, metavar="[plain|anki]",
              help="CSV: `plain` (default) for reviewers and spreadsheets, `anki` for Anki's text import "
                   "with the .apkg's GUIDs. Repeat for both.")
@click.option("--qti12", is_flag=True, help="Canvas-style QTI 1.2 package (.qti12.zip).")
@click.option("--qti21", is_flag=True, help="IMS QTI 2.1 content package (.qti21.zip).")
@click.option("--moodle", is_flag=True, help="Moodle XML (.moodle.xml): feedback, categories, tags and images inside.")
@click.option("--gift", is_flag=True, help="Moodle GIFT text (.gift.txt); questions with images are left out.")
@click.option("--aiken", is_flag=True, help="Aiken text (.aiken.txt): question, options and key only (lossy).")
@click.option("--all", "all_formats", is_flag=True, help="Every format above (both CSV flavours).")
@click.option("--to", "to", multiple=True, metavar="FORMAT",
              help="A format by its name in the export registry (anki, csv, anki-csv, qti12, qti21, moodle, gift, "
                   "aiken, ...); repeatable.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder for the exported files (created if missing)  [default: exports/ in the bank root]")
@click.option("--tag", "tags", multiple=True, metavar="T", help="Only questions with this tag (repeat: any of them).")
@click.option("--exclude-tag", "exclude_tags", multiple=True, metavar="T",
              help="Leave out questions with this tag (repeatable; wins over every other filter).")
@click.option("--topic", "topics", multiple=True, metavar="X",
              help="Only questions in this topic, case-insensitive (repeat: any of them).")
@click.option("--difficulty", "difficulties", multiple=True, type=click.Choice(["easy", "medium", "hard"]),
              help="Only questions of this difficulty (repeat: any of them).")
@click.option("--id", "ids", multiple=True, metavar="ID", help="Only the question with this id (repeatable).")
@click.option("--sample", type=click.IntRange(min=1), metavar="N",
              help="Of the questions the filters leave, keep N, the same N for the same --seed.")
@click.option("--seed", type=int, metavar="S", help="Which sample --sample takes (default 0).")
@click.option("--include-retired", is_flag=True,
              help="Export questions with `status: retired` too (left out by default).")
@click.option("--name", help="Name for decks, titles and file names (default: the bank's); Anki notes keep "
                             "the identity of the bank's own name.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for loading and rendering large banks (default: all cores).")
@click.option("--form", "form_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Export a form (`qbank assemble` writes them): only its items, in its order, each with its "
                   "option order (the key follows); no other filter. With --pdf: the form to print.")
@click.option("--pools", is_flag=True,
              help="QTI and Moodle: one section (QTI) or category (Moodle) per blueprint area, drawing its share of "
                   "a form of --items N for each candidate.")
@click.option("--blueprint", metavar="NAME", help="With --pools: the blueprint (default: the bank's only one).")
@click.option("--items", type=click.IntRange(min=1, max=100_000), metavar="N",
              help="With --pools: the form size the draws add up to (default: the blueprint's form-size).")
@click.option("--pdf", is_flag=True, help="Print --form FILE: a PDF exam (numbered items, lettered options in the "
                                          "form's order, images) and a PDF answer key (key, area, rationales).")
def export(paths, anki, csv, qti12, qti21, moodle, gift, aiken, all_formats, to, out, tags, exclude_tags, topics,
           difficulties, ids, sample, seed, include_retired, name, jobs, form_file, pools, blueprint, items, pdf):
    """Export the bank to Anki, CSV, QTI, Moodle XML, GIFT and Aiken files in --out (default:
    exports/ in the bank root), one file per format, named after the bank. The questions
    exported are validated first: their errors stop the export. With a filter, errors in files
    it leaves out are shown as warnings and do not block. Retired questions are left out unless
    --include-retired. What a format cannot carry is reported as QB011 warnings."""
    flags = {"qti12": qti12, "qti21": qti21, "moodle": moodle, "gift": gift, "aiken": aiken}
    names = [*_format_names(anki, csv, flags, all_formats), *to]
    if pdf:
        _paper(paths, form_file, names, out, name, include_retired, jobs,
               tags or exclude_tags or topics or difficulties or ids or sample is not None)
        return
    if not names:
        raise click.UsageError("choose at least one format: --anki, --csv [plain|anki], --qti12, --qti21, --moodle, "
                               "--gift, --aiken, --to FORMAT or --all")
    if seed is not None and sample is None:
        raise click.UsageError("--seed chooses which --sample to take; give --sample N too")
    from ..errors import BankHasErrors, ExportError, OutputError
    from ..export import Selection, choose_formats, default_out_dir, exportable, run_export

    formats = choose_formats(names)
    if form_file is not None and (tags or exclude_tags or topics or difficulties or ids or sample is not None):
        raise click.UsageError("--form exports exactly the form's items; it takes no other filter")
    if (blueprint is not None or items is not None) and not pools:
        raise click.UsageError("--blueprint and --items go with --pools")
    if pools and (form_file is not None or not set(formats) <= POOL_FORMATS):
        raise click.UsageError("--pools is for --qti12, --qti21 and --moodle, without --form (a form is a fixed "
                               "set of items; pools are drawn by the LMS)")
    from ..forms import FormError

    form = None
    if form_file is not None:
        from ..forms import read

        try:
            form = read(form_file)
        except FormError as exc:
            report(exc.diagnostics, 0)
            _fail("the form file cannot be used; nothing was written", 1)
    selection = Selection(tags, exclude_tags, topics, difficulties, ids, sample, seed or 0, include_retired, form)
    bank = api.load_bank(given(paths), jobs=jobs)
    drawn = _pools(bank, blueprint, items) if pools else None
    try:
        chosen = exportable(bank, selection)
    except FormError as exc:
        report(exc.diagnostics, bank.files)
        _fail("the form does not fit the bank; nothing was written", 1)
    except BankHasErrors as exc:
        report(exc.diagnostics, bank.files)
        _fail("the questions to export have errors; fix them and export again (nothing was written)"
              if selection.filtered else "the bank has errors; fix them and export again (nothing was written)", 1)
    except ExportError as exc:
        report(bank.diagnostics, bank.files)
        _fail(f"{exc}; nothing was written", 1)
    report(chosen.diagnostics, bank.files)
    if chosen.outside_errors:
        n = chosen.outside_errors
        click.echo(f"qbank export: {n} error{'s' if n != 1 else ''} in files this export leaves out "
                   f"({selection.describe()}) shown as warnings; {'they do' if n != 1 else 'it does'} not block it",
                   err=True)
    if out is None:
        out = Path(os.path.relpath(default_out_dir(Path(bank.root))))
    findings: list = []
    try:
        with progress_bar("Exporting", len(chosen.questions) * (1 + len(formats))) as bar:
            written = run_export(bank, formats, out, name=name, selection=selection, tick=bar.advance, jobs=jobs,
                                 findings=findings, pools=drawn)
    except OutputError as exc:
        _fail(str(exc), 2)
    except ExportError as exc:
        _fail(f"{exc}; nothing was written", 1)
    report(sorted(findings, key=lambda d: d.sort_key()), bank.files)
    for path in written:
        click.echo(str(path))
