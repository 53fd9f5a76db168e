"""`qbank site`: the bank as a static site, from one lint run.

The site is written into ``out`` file by file, each file only when its bytes change: a file
that exists is replaced atomically (fsutil.atomic_writer), a new one is written in place
before any page links to it (the index and data/index.js are written last), and files of an
earlier build that this one did not write are removed at the end. Creating and deleting
files is what costs on most file systems (a 10,000-item site is ~10,000 files), so a rebuild
of a bank that barely changed rewrites little. A folder that is not a site qbank built (it
has no ``.qbank-site`` marker) and is not empty is refused."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Callable

from ..bank import Bank
from ..blueprint import Blueprint
from ..diagnostics import Diagnostic
from ..errors import OutputError
from ..export.common import MediaFile, copy_media
from ..fsutil import atomic_writer
from ..pool import Helper
from . import dashboard
from .dashboard import Chart, Plot, bank_level, charts, dashboard_page, draw
from .index import index_data, index_page
from .inputs import Form, read_form, read_stats
from .item import SHARD, build_items, by_page, items_page, shard_data
from .model import SiteItem, facets
from .practice import forms_data, practice_page
from .rules import rule_pages

MARKER = ".qbank-site"
ASSETS = ("site.css", "index.js", "item.js", "practice.js", "dashboard.js")


@dataclass
class SiteResult:
    out: Path
    items: int
    pages: int
    diagnostics: list[Diagnostic] = field(default_factory=list)   # the bank's, then the site's own
    files: int = 0                                                  # question files lint checked


def _in_bank(path: str, root: str) -> str:
    """``path`` as the site shows it: relative to the bank root (``root``, absolute; POSIX),
    so that the site is the same wherever the bank is and however it was named."""
    full = os.path.abspath(path)
    if full == root:
        return "."
    inside = root if root.endswith(os.sep) else root + os.sep
    return full[len(inside):].replace(os.sep, "/") if full.startswith(inside) else Path(path).name


def _shown(d: Diagnostic, root: str) -> Diagnostic:
    """``d`` with its paths, and the paths its message names, relative to the bank root."""
    path = _in_bank(d.path, root)
    message = d.message
    given = os.path.normpath(d.path)
    if given != path and given.endswith(path):
        message = message.replace(given[:-len(path)], "")
    return replace(d, path=path, message=message,
                   related=tuple((_in_bank(p, root), line, col) for p, line, col in d.related))


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder; name a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(f"{out}: is not empty and is not a site qbank built; name a new or empty folder")


class SiteWriter:
    """Writes the site's files under ``out`` (see the module docstring)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: set[str] = set()
        self._folders: set[Path] = set()

    def write(self, rel: str, data: str | bytes) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        target = self.out / rel
        self.written.add(rel)
        folder = target.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        try:
            same = target.stat().st_size == len(raw) and target.read_bytes() == raw
        except FileNotFoundError:
            with open(target, "xb") as fh:
                fh.write(raw)
            return
        if not same:
            with atomic_writer(target, durable=False) as fh:
                fh.write(raw)

    def copy(self, rel: str, media: MediaFile) -> None:
        """An image, streamed (it may be large); skipped when the copy there is as new and as big."""
        target = self.out / rel
        self.written.add(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            there, source = target.stat(), os.stat(media.source)
            if there.st_size == source.st_size and there.st_mtime >= source.st_mtime:
                return
        except FileNotFoundError:
            pass
        with atomic_writer(target, durable=False) as fh:
            copy_media(media, fh)

    def remove_stale(self) -> None:
        for folder, dirs, files in os.walk(self.out, topdown=False):
            for name in files:
                path = Path(folder) / name
                if path.relative_to(self.out).as_posix() not in self.written:
                    path.unlink()
            for name in dirs:
                try:
                    (Path(folder) / name).rmdir()   # only when empty
                except OSError:
                    pass


def warm() -> None:
    """The painter's start-up: matplotlib imported, the rule pages rendered."""
    dashboard.warm()
    rule_pages("")


def paint(charts_: list[Chart], name: str) -> tuple[list[Plot], dict[str, str]]:
    """The painter's work: the dashboard's plots and the rule pages of the bank ``name``."""
    return draw(charts_), rule_pages(name)


def make_site(bank: Bank, diagnostics: list[Diagnostic], root: Path, out: Path, forms: list[Path] = (),
              jobs: int | None = None, blueprints: dict[str, Blueprint] | None = None,
              painter: Helper | None = None) -> SiteResult:
    """Write the site of ``bank`` (its questions loaded as `qbank export` loads them) with
    the findings of one lint run, ``diagnostics``, to ``out``. ``root`` is the bank root,
    ``blueprints`` its qbank.toml's (config.blueprints), plotted on the dashboard, ``painter``
    a ``Helper(paint, warm)`` started early (one is started here if not).
    Every question is rendered before anything is written: an image that cannot be packaged
    raises ExportError (as in an export) and leaves ``out`` as it was."""
    out = Path(out)
    _check_out(out)
    questions = bank.questions
    top = os.path.abspath(root)
    shown = [_shown(d, top) for d in diagnostics]
    by_path: dict[str, list[Diagnostic]] = {}
    for d in shown:
        by_path.setdefault(d.path, []).append(d)
    problems: list[Diagnostic] = []
    stats = read_stats(root, {q.id: q for q in questions}, problems)
    keys = [_in_bank(q.path, top) for q in questions]
    bank_wide = bank_level(shown)
    skip = set(bank_wide)
    loaded = set(keys)
    unloaded = [d for d in shown if d.path not in loaded and d not in skip]
    in_id_order = sorted(questions, key=lambda q: q.id)
    findings = [d for d in shown if d.path in loaded] + unloaded
    # The plots are drawn in a child meanwhile (matplotlib: ~1 s at 10,000 items, most of it its
    # import, which the caller's painter may have done already); a formula that does not
    # convert (QB031, found while rendering) is a finding too: they are drawn here then.
    with painter or Helper(paint, warm) as drawing:
        drawing.submit(charts(in_id_order, findings, blueprints or {}, stats), bank.name)
        items, own, media = build_items([(q, bank.id_lines.get(q.path, 1), list(by_path.get(key, ())),
                                          stats.items.get(q.id) if stats is not None else None)
                                         for q, key in zip(questions, keys)], bank.root, jobs, bank.made)
        math = list(own)
        own += problems
        items.sort(key=lambda i: i.id)
        chosen: list[Form] = [f for f in (read_form(Path(p), questions, own) for p in forms) if f is not None]

        def painted() -> tuple[list[Plot], dict[str, str]]:   # asked for after the item pages are written
            if not math:
                return drawing.result()
            return paint(charts(in_id_order, findings + math, blueprints or {}, stats), bank.name)

        try:
            out.mkdir(parents=True, exist_ok=True)
            writer = SiteWriter(out)
            pages = _write_site(writer, bank.name, items, unloaded, bank_wide, stats, chosen, media, painted)
            writer.remove_stale()
        except OSError as exc:
            raise OutputError(f"{out}: cannot write the site there ({exc.strerror or exc})") from exc
    return SiteResult(out, len(items), pages, list(diagnostics) + own)


def _write_site(w: SiteWriter, name: str, items: list[SiteItem], unloaded: list[Diagnostic],
                bank_wide: list[Diagnostic], stats, forms: list[Form], media: dict[str, MediaFile],
                painted: Callable[[], tuple[list[Plot], dict[str, str]]]) -> int:
    w.write(MARKER, "A site written by `qbank site`; the next build replaces what is in this folder.\n")
    assets = resources.files("qbank.site") / "assets"
    for asset in ASSETS:
        w.write(f"assets/{asset}", (assets / asset).read_bytes())
    for image in media.values():
        w.copy(f"media/{image.name}", image)
    grouped = by_page(items)
    for file, on_page in grouped.items():
        w.write(f"items/{file}", items_page(on_page, name))
    for n in range(0, len(items), SHARD):
        w.write(f"data/items/{n // SHARD}.js", shard_data(items[n:n + SHARD]))
    topics, tags = facets(items)
    index = index_data(items, forms_data(forms), topics, tags)
    drawn, rules = painted()
    for p in drawn:
        w.write(f"plots/{p.name}.svg", p.svg)
    for rel, text in rules.items():
        w.write(f"rules/{rel}", text)
    w.write("practice.html", practice_page(topics, tags, forms, name))
    w.write("dashboard.html", dashboard_page(items, drawn, bank_wide, stats, name))
    w.write("data/index.js", index)   # last: what links to the files above
    w.write("index.html", index_page(items, unloaded, name, topics, tags))
    return 3 + len(grouped) + len(rules)
