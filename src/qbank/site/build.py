"""`qbank site`: the bank as a static site, from one lint run.

Everything is written into a fresh folder beside ``out`` and swapped in when complete, so
``out`` always holds a whole site; a folder that is not a site qbank built (it has no
``.qbank-site`` marker) and is not empty is never replaced."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..bank import Bank
from ..config import Config
from ..diagnostics import Diagnostic, diagnostic
from ..errors import OutputError
from ..export.common import copy_media
from ..fsutil import read_bounded
from .dashboard import bank_level, dashboard_page, plots
from .index import index_data, index_page
from .inputs import Form, read_form, read_stats
from .item import item_data, item_page
from .math import SiteRenderer
from .model import SiteItem
from .practice import forms_data, practice_page
from .rules import rule_pages

MARKER = ".qbank-site"
ASSETS = ("site.css", "index.js", "practice.js")
_ID_LINE = re.compile(rb"^id[ \t]*:", re.M)


@dataclass
class SiteResult:
    out: Path
    items: int
    pages: int
    diagnostics: list[Diagnostic] = field(default_factory=list)   # the bank's, then the site's own


def _id_line(path: str) -> int:
    try:
        raw = read_bounded(path, 1_000_000)
    except OSError:
        return 1
    m = _ID_LINE.search(raw)
    return raw.count(b"\n", 0, m.start()) + 1 if m else 1


def _math_findings(item: SiteItem, unrendered: dict[str, list[str]]) -> list[Diagnostic]:
    q = item.rq.question
    texts = [q.stem, q.explanation, *(o.text for o in q.options), *(o.rationale or "" for o in q.options)]
    bad = [tex for t in texts for tex in unrendered.get(t, ())]
    if not bad:
        return []
    try:
        raw = read_bounded(q.path, 1_000_000).decode("utf-8", "replace")
    except OSError:
        raw = ""
    out = []
    for tex in dict.fromkeys(bad):
        at = raw.find(tex)
        line = raw.count("\n", 0, at) + 1 if at >= 0 else item.line
        column = at - raw.rfind("\n", 0, at) if at >= 0 else 1
        out.append(diagnostic("QB031", q.path, line, column,
                              f"latex2mathml cannot convert `{tex[:60]}`; the site shows it as written"))
    return out


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder; name a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(f"{out}: is not empty and is not a site qbank built; name a new or empty folder")


def _write(base: Path, rel: str, text: str) -> None:
    target = base / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def build(bank: Bank, config: Config, out: Path, forms: list[Path] = (), jobs: int | None = None) -> SiteResult:
    """Write the site of the linted ``bank`` (questions and diagnostics from one run) to ``out``."""
    out = Path(out)
    _check_out(out)
    own: list[Diagnostic] = []
    questions = bank.questions
    by_id = {q.id: q for q in questions}
    by_path: dict[str, list[Diagnostic]] = {}
    for d in bank.diagnostics:
        by_path.setdefault(os.path.normpath(d.path), []).append(d)

    renderer = SiteRenderer(bank.root)
    renderer.prepare(questions, jobs)
    items: list[SiteItem] = []
    loaded: set[str] = set()
    for q in questions:
        key = os.path.normpath(q.path)
        loaded.add(key)
        item = SiteItem(renderer.render(q), _id_line(q.path), list(by_path.get(key, ())))
        math = _math_findings(item, renderer.unrendered)
        item.findings += math
        own += math
        items.append(item)
    items.sort(key=lambda i: i.id)
    bank_wide = set(bank_level(bank.diagnostics))
    unloaded = [d for d in bank.diagnostics if os.path.normpath(d.path) not in loaded and d not in bank_wide]

    stats = read_stats(Path(config.root), by_id, own)
    if stats is not None:
        for item in items:
            item.stats = stats.items.get(item.id)
    chosen: list[Form] = [f for f in (read_form(Path(p), by_id, own) for p in forms) if f is not None]

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".qbank-site-", dir=out.parent))
    try:
        pages = _write_site(tmp, bank, items, unloaded, stats, chosen, renderer)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteResult(out, len(items), pages, list(bank.diagnostics) + own)


def _write_site(tmp: Path, bank: Bank, items: list[SiteItem], unloaded: list[Diagnostic], stats, forms: list[Form],
                renderer: SiteRenderer) -> int:
    name = bank.name
    (tmp / MARKER).write_text("A site written by `qbank site`; the next build replaces this folder.\n",
                              encoding="utf-8")
    assets = resources.files("qbank.site") / "assets"
    (tmp / "assets").mkdir()
    for asset in ASSETS:
        (tmp / "assets" / asset).write_bytes((assets / asset).read_bytes())
    if renderer.media:
        (tmp / "media").mkdir()
        for media in renderer.media.values():
            with open(tmp / "media" / media.name, "wb") as dest:
                copy_media(media, dest)
    (tmp / "items").mkdir()
    (tmp / "data" / "items").mkdir(parents=True)
    for item in items:
        (tmp / "items" / f"{item.id}.html").write_text(item_page(item, name), encoding="utf-8")
        (tmp / "data" / "items" / f"{item.id}.js").write_text(item_data(item), encoding="utf-8")
    _write(tmp, "data/index.js", index_data(items, forms_data(forms)))
    _write(tmp, "index.html", index_page(items, unloaded, name))
    topics = sorted({i.rq.question.topic for i in items if i.rq.question.topic})
    tags = sorted({t for i in items for t in i.rq.question.tags})
    _write(tmp, "practice.html", practice_page(topics, tags, forms, name))
    findings = [d for i in items for d in i.findings] + unloaded
    drawn = plots(items, findings + bank_level(bank.diagnostics), Path(bank.root), stats)
    for p in drawn:
        _write(tmp, f"plots/{p.name}.svg", p.svg)
    _write(tmp, "dashboard.html", dashboard_page(items, drawn, bank_level(bank.diagnostics), stats, name))
    rules = rule_pages(name)
    for rel, text in rules.items():
        _write(tmp, f"rules/{rel}", text)
    return 3 + len(items) + len(rules)


def _swap(tmp: Path, out: Path) -> None:
    """Put the finished site at ``out``, replacing an older one."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=".qbank-site-old-", dir=out.parent))
        os.rename(out, old / "site")
    try:
        os.rename(tmp, out)
    except OSError as exc:
        if old is not None:
            os.rename(old / "site", out)
        raise OutputError(f"{out}: cannot write the site there ({exc.strerror or exc})") from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
