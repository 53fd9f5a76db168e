"""The item pages and the same items as data for practice. Items are spread over GROUPS page
files by a hash of their id (items/<group>.html#<id>: a link never changes as the bank grows)
and SHARD to a practice data file: opening one never loads the rest of the bank, and a
10,000-item build writes a few hundred files, not 10,000 (creating files is the slow part of
a build). A page shows only the item its link names (CSS :target; assets/item.js names the
tab after it); opened without one, it lists its items."""

from __future__ import annotations

import os
import zlib
from functools import partial
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, diagnostic
from ..errors import ExportError
from ..export.common import MediaFile, RenderedQuestion
from ..fsutil import read_bounded
from ..model import LETTERS, Question
from ..pool import ordered_map
from .layout import esc, finding, frame
from .math import SiteRenderer
from .model import JSON, SiteItem, search_text

SHARD = 50     # items per practice data file
GROUPS = 256   # item page files, whatever the size of the bank


def page_of(qid: str) -> str:
    """The item page file (under items/) that holds the item ``qid``."""
    return f"{zlib.crc32(qid.encode('utf-8')) % GROUPS:02x}.html"


def item_href(qid: str, up: str = "") -> str:
    """The link to the item ``qid`` from a page ``up`` ("../" per folder) below the root;
    ids are [a-z0-9._-] (the schema), safe in a path and a fragment as they are."""
    return f"{up}items/{page_of(qid)}#{qid}"


def _figure(value: float | None, fmt: str = ".2f") -> str:
    """A statistic as shown; the store keeps an undefined one (no variance, no answers) as null."""
    return "undefined" if value is None else format(value, fmt)


def _stats_panel(item: SiteItem) -> str:
    s = item.stats
    if not s:
        return ""
    rows = [("Candidates (n)", f"{s['n']:,}"), ("Difficulty (p, proportion correct)", _figure(s.get("p"))),
            ("Discrimination (point-biserial)", _figure(s.get("rpb"))), ("Upper-lower index", _figure(s.get("upper_lower")))]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    source = f"<p>From {esc(s.get('source', 'an import'))}, imported {esc(s.get('imported', ''))}.</p>"
    return _section(esc(item.id), "stats", "Item statistics", f'<dl class="meta">{dl}</dl>{source}')


# An item's part of its page is _head + _findings + _body, with each option's statistics and
# the statistics panel put in (see _article); ids inside it are ``<id>/...`` ("/" is in no item
# id, so no two items on a page, nor the page's own ids, collide).

def _head(rq: RenderedQuestion, line: int) -> str:
    q = rq.question
    meta = [("Topic", q.topic), ("Difficulty", q.difficulty), ("Status", q.status),   # (name as HTML, value)
            ("Tags", ", ".join(q.tags) if q.tags else None), ("Points", q.points), ("Author", q.author),
            ("Source", q.source), ("License", q.license),
            *((esc(name), ", ".join(map(str, v)) if isinstance(v, list) else v) for name, v in sorted(q.fields.items())),
            ("Key", f"{q.key_letter} (position {q.key_index + 1} of {len(q.options)})"),
            ("Option order", "fixed as written" if not rq.order.shuffle else "shuffled in practice and exports"),
            ("File", f"{rq.relative_path}, line {line}")]
    dl = "".join(f"<dt>{k}</dt><dd>{esc(v)}</dd>" for k, v in meta if v not in (None, ""))
    qid = esc(q.id)
    return (f'<article class="item" id="{qid}" aria-labelledby="{qid}/h"><h1 id="{qid}/h">Item {qid}</h1>'
            f'<dl class="meta">{dl}</dl>')


def _findings(item: SiteItem) -> str:
    found = ("<ul class=\"findings\">" + "".join(finding(d, 1) for d in item.findings) + "</ul>"
             if item.findings else "<p>No lint findings.</p>")
    return _section(esc(item.id), "findings", "Lint findings", found)


def _body(rq: RenderedQuestion) -> list[str]:
    """The stem, options, explanation and references, in len(options) + 1 pieces: option i's
    statistics, if any, go between pieces i and i + 1 (at the end of its list item)."""
    rq = rq.localized("../media/")
    q = rq.question
    ref = esc(q.id)
    pieces = []
    html = (_section(ref, "stem", "Stem", f'<div class="stem">{rq.stem}</div>')
            + f'<section aria-labelledby="{ref}/options"><h2 id="{ref}/options">Options</h2><ol class="options">')
    for i, html_text in enumerate(rq.options):
        key = i == q.key_index
        label = '<strong class="key-mark">Key</strong> ' if key else ""
        rationale = rq.rationales[i]
        why = f'<div class="rationale"><h4>Why</h4>{rationale}</div>' if rationale else ""
        pieces.append(f'{html}<li class="option{" key" if key else ""}"><h3><span class="letter">{LETTERS[i]}</span> '
                      f'{label}</h3><div class="text">{html_text}</div>{why}')
        html = "</li>"
    refs = (_section(ref, "refs", "References", "<ul>" + "".join(f"<li>{esc(r)}</li>" for r in q.references)
                     + "</ul>") if q.references else "")
    pieces.append(f"{html}</ol></section>"
                  + _section(ref, "expl", "Explanation", f'<div class="explanation">{rq.explanation}</div>') + refs)
    return pieces


def _option_stats(item: SiteItem) -> list[str]:
    """Each option's line of statistics (as many as the statistics have)."""
    return [f'<p class="option-stats">Chosen by {_figure(o.get("rate"), ".0%")}; point-biserial {_figure(o.get("rpb"))}</p>'
            for o in (item.stats or {}).get("options") or []]


def _article(item: SiteItem, head: bytes, body: list[bytes]) -> tuple[bytes, ...]:
    """The item's part of its page, in parts (joined with the rest of its page file)."""
    parts = [head, _findings(item).encode()]
    rates = _option_stats(item)[:len(body) - 1]
    for piece, rate in zip(body, rates):
        parts += (piece, rate.encode())
    parts += body[len(rates):]
    parts.append((_stats_panel(item) + "</article>").encode())
    return tuple(parts)


def _section(qid: str, part: str, title: str, inner: str) -> str:
    """A titled part of an item; ``qid`` is the item's id and ``title`` a heading, both as HTML
    (escaped once an item, not once a part: this runs for every part of every item)."""
    ref = f"{qid}/{part}"
    return f'<section aria-labelledby="{ref}"><h2 id="{ref}">{title}</h2>{inner}</section>'


def items_page(items: list[SiteItem], bank: str) -> bytes:
    """One page file of items (sorted by id), each an article its link targets."""
    before, after = frame("Items", depth=1, bank=bank, scripts=("assets/item.js",))
    parts = [before.encode()]
    for i in items:
        parts += i.article
    parts += (b'<p><a href="../index.html">All items</a></p>', after.encode())
    return b"".join(parts)


def by_page(items: list[SiteItem]) -> dict[str, list[SiteItem]]:
    """The item page files and their items, in the order of ``items``."""
    out: dict[str, list[SiteItem]] = {}
    for item in items:
        out.setdefault(page_of(item.id), []).append(item)
    return out


def _data(rq: RenderedQuestion) -> dict:
    rq = rq.localized("media/")
    q = rq.question
    return {"id": q.id, "topic": q.topic or "", "stem": rq.stem, "explanation": rq.explanation,
            "key": q.key_index, "shuffle": rq.order.shuffle, "fixed": list(rq.order.fixed),
            "options": [{"html": o, "rationale": r or ""} for o, r in zip(rq.options, rq.rationales)]}


def shard_data(items: list[SiteItem]) -> bytes:
    """Items for practice, SHARD to a file (data/items/<n>.js), as a script that hands them to
    practice.js: file:// forbids fetching JSON, a script file loads anywhere. Shards, not a
    file per item: creating files is the slow part of a build, and a shard is ~100 kB."""
    return b"QB.itemsLoaded([" + b",".join(i.data for i in items) + b"]);\n"


# --- building the items, where they are read -------------------------------------------------
#
# What an item's page part, practice data and search text need besides the question is its
# findings and its statistics; the rest (rendering above all) is made where the lint run reads
# the question, in its worker processes (`make_items` is that run's Job.then), and joined with
# the findings here.

Made = tuple   # see make_items
Work = tuple[Question, int, list[Diagnostic], "dict[str, Any] | None"]   # question, id line, findings, stats


def _math_findings(q: Question, line: int, bad: list[str]) -> list[Diagnostic]:
    """QB031 at each formula of ``bad`` (those of ``q`` latex2mathml could not convert)."""
    if not bad:
        return []
    try:
        raw = read_bounded(q.path, 1_000_000).decode("utf-8", "replace")
    except OSError:
        raw = ""
    out = []
    for tex in dict.fromkeys(bad):
        at = raw.find(tex)
        out.append(diagnostic("QB031", q.path, raw.count("\n", 0, at) + 1 if at >= 0 else line,
                              at - raw.rfind("\n", 0, at) if at >= 0 else 1,
                              f"latex2mathml cannot convert `{tex[:60]}`; the site shows it as written"))
    return out


def _texts(q: Question) -> list[str]:
    return [q.stem, q.explanation, *(o.text for o in q.options), *(o.rationale or "" for o in q.options)]


def make_items(work: list[tuple[Question, int]], root: str) -> list[Made | str]:
    """For each (question, id line): its file relative to the bank root, the images it uses,
    its QB031s, its page part before the findings and its pieces after them (_body), its
    practice data (JSON) and search text (JSON); or, for an image that cannot be packaged, the
    ExportError's message. The page parts, data and search text are UTF-8, as they are
    written: sent as bytes, they are copied, not encoded and decoded on the way (and the
    rendered texts themselves are not sent: what the site shows of them is in these)."""
    renderer = SiteRenderer(Path(root))
    out: list[Made | str] = []
    for q, line in work:
        try:
            rq = renderer.render(q)
        except ExportError as exc:
            out.append(str(exc))
            continue
        math = _math_findings(q, line, [tex for t in _texts(q) for tex in renderer.unrendered.get(t, ())])
        out.append((rq.relative_path, [renderer.media[name] for name in rq.images.values()], math,
                    _head(rq, line).encode(), [piece.encode() for piece in _body(rq)], JSON(_data(rq)).encode(),
                    search_text(q).encode()))
    return out


def build_items(work: list[Work], root: Path, jobs: int | None = None, made: list[Made | None] | None = None
                ) -> tuple[list[SiteItem], list[Diagnostic], dict[str, MediaFile]]:
    """The site's items, in the order of ``work``, from what ``make_items`` ``made`` of them in
    the lint run (what it did not make is made here, in worker processes when there are many);
    with the formulas latex2mathml could not convert (QB031, also among their items' findings)
    and the images the items use, by packaged name. An image that cannot be packaged raises
    ExportError, as in an export."""
    if made is None or len(made) != len(work):
        made = list(ordered_map(partial(make_items, root=str(root)), [(q, line) for q, line, _, _ in work],
                                jobs=jobs if hasattr(os, "fork") else 1, chunk=(50, 500)))
    items: list[SiteItem] = []
    math: list[Diagnostic] = []
    media: dict[str, MediaFile] = {}
    for (q, line, findings, stats), m in zip(work, made):
        if m is None:   # the lint run's make_items failed on its chunk
            [m] = make_items([(q, line)], str(root))
        if isinstance(m, str):
            raise ExportError(m)
        relative_path, used, bad, head, body, data, search = m
        item = SiteItem(q, relative_path, line, findings + bad, stats, data=data, search=search)
        item.article = _article(item, head, body)
        items.append(item)
        math += bad
        media.update((u.name, u) for u in used)
    return items, math, dict(sorted(media.items()))
