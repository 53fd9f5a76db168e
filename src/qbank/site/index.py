"""The index page (index.html) and the compact index every script reads (data/index.js).

The table is drawn by assets/index.js from the index: one row of short fields per item and
its search text, lower-cased at build time, so a search is a substring scan."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from .layout import SEVERITIES, esc, finding, page
from .item import SHARD, page_of
from .model import JSON, SiteItem, facets

DIFFICULTIES = ("easy", "medium", "hard")
STATUSES = ("draft", "review", "approved", "retired")


def index_data(items: list[SiteItem], forms: list[dict], topics: list[str], tags: list[str]) -> bytes:
    """``QB_INDEX``: topics and tags once, then per item [id, topic, difficulty, status, key
    letter, worst severity, worst code, worst message, tag numbers, search text, practice data
    file number, item page file]; ``items`` sorted by id, as the practice data files are (SHARD
    each); ``topics`` and ``tags`` are theirs (model.facets). The search texts, most of the index,
    come encoded (SiteItem.search) and are joined in."""
    topic_no = {t: n for n, t in enumerate(topics)}
    tag_no = {t: n for n, t in enumerate(tags)}
    rest = JSON({"topics": topics, "tags": tags, "forms": forms})
    out = [f'var QB_INDEX = {rest[:-1]},"items":['.encode()]
    for n, item in enumerate(items):
        q = item.question
        w = item.worst
        head = JSON([q.id, topic_no.get(q.topic, -1) if q.topic else -1, q.difficulty or "", q.status or "",
                       q.key_letter, w.severity.value if w else "", w.code if w else "", w.message if w else "",
                       [tag_no[t] for t in q.tags]])
        out += (b"," if n else b"", f"{head[:-1]},".encode(), item.search, f',{n // SHARD},"{page_of(q.id)}"]'.encode())
    out.append(b"]};\n")
    return b"".join(out)


def select(name: str, label: str, values: list[str] | tuple[str, ...], extra: tuple[tuple[str, str], ...] = (),
           prefix: str = "f") -> str:
    """A labelled filter menu, "any" first; its id is ``prefix-name``."""
    options = "".join(f'<option value="{esc(v)}">{esc(t)}</option>' for v, t in extra)
    options += "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return (f'<div class="field"><label for="{prefix}-{name}">{esc(label)}</label>'
            f'<select id="{prefix}-{name}" name="{name}"><option value="">any</option>{options}</select></div>')


def index_page(items: list[SiteItem], unloaded: list[Diagnostic], bank: str, topics: list[str],
               tags: list[str]) -> str:
    filters = ('<form id="filters" class="filters" role="search" aria-label="Filter items">'
               '<div class="field wide"><label for="f-q">Search</label>'
               '<input id="f-q" name="q" type="search" autocomplete="off" placeholder="words in stem, options, explanation, id">'
               '</div>'
               + select("topic", "Topic", topics) + select("tag", "Tag", tags)
               + select("difficulty", "Difficulty", DIFFICULTIES, (("none", "not set"),))
               + select("status", "Status", STATUSES, (("none", "not set"),))
               + select("severity", "Worst finding", SEVERITIES, (("none", "no finding"),))
               + "</form>")
    broken = ""
    if unloaded:
        broken = ('<section aria-labelledby="broken-h"><h2 id="broken-h">Files that could not be read as questions</h2>'
                  '<p>These files have errors that keep them out of the site.</p><ul class="findings">'
                  + "".join(finding(d, 0, with_path=True) for d in unloaded) + "</ul></section>")
    body = (f"<h1>{esc(bank)}: {len(items):,} items</h1>{filters}"
            '<p id="count" class="count" role="status" aria-live="polite"></p>'
            '<noscript><p>The item list needs JavaScript; every item page is in the items/ folder.</p></noscript>'
            '<table id="items" class="items"><caption class="visually-hidden">Items</caption><thead><tr>'
            '<th scope="col">Id</th><th scope="col">Topic</th><th scope="col">Difficulty</th>'
            '<th scope="col">Status</th><th scope="col">Key</th><th scope="col">Worst finding</th>'
            '</tr></thead><tbody></tbody></table>'
            '<p><button type="button" id="more" hidden>Show more</button></p>' + broken)
    return page("Items", body, current="index.html", scripts=["data/index.js", "assets/index.js"], bank=bank)
