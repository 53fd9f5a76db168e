"""One page per item (items/<id>.html) and the same item as data for practice
(data/items/<id>.js): opening one never loads the rest of the bank."""

from __future__ import annotations

import json

from ..model import LETTERS
from .layout import esc, finding, page
from .model import SiteItem

SHARD = 50   # items per practice data file


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
    return f'<section aria-labelledby="stats-h"><h2 id="stats-h">Item statistics</h2><dl class="meta">{dl}</dl>{source}</section>'


def item_page(item: SiteItem, bank: str) -> str:
    rq = item.rq.localized("../media/")
    q = rq.question
    stats_options = (item.stats or {}).get("options") or []
    meta = [("Topic", q.topic), ("Difficulty", q.difficulty), ("Status", q.status),
            ("Tags", ", ".join(q.tags) if q.tags else None), ("Points", q.points), ("Author", q.author),
            ("Source", q.source), ("License", q.license),
            *((name, ", ".join(map(str, v)) if isinstance(v, list) else v) for name, v in sorted(q.fields.items())),
            ("Key", f"{q.key_letter} (position {q.key_index + 1} of {len(q.options)})"),
            ("Option order", "fixed as written" if not rq.order.shuffle else "shuffled in practice and exports"),
            ("File", f"{rq.relative_path}, line {item.line}")]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in meta if v not in (None, ""))
    findings = ("<ul class=\"findings\">" + "".join(finding(d, 1) for d in item.findings) + "</ul>"
                if item.findings else "<p>No lint findings.</p>")
    options = []
    for i, html_text in enumerate(rq.options):
        key = i == q.key_index
        label = '<strong class="key-mark">Key</strong> ' if key else ""
        rationale = rq.rationales[i]
        why = f'<div class="rationale"><h4>Why</h4>{rationale}</div>' if rationale else ""
        rate = ""
        if i < len(stats_options):
            o = stats_options[i]
            rate = (f'<p class="option-stats">Chosen by {_figure(o.get("rate"), ".0%")}; '
                    f'point-biserial {_figure(o.get("rpb"))}</p>')
        options.append(f'<li class="option{" key" if key else ""}"><h3><span class="letter">{LETTERS[i]}</span> '
                       f'{label}</h3><div class="text">{html_text}</div>{why}{rate}</li>')
    refs = ("<section aria-labelledby=\"refs-h\"><h2 id=\"refs-h\">References</h2><ul>"
            + "".join(f"<li>{esc(r)}</li>" for r in q.references) + "</ul></section>") if q.references else ""
    body = (f'<h1>Item {esc(q.id)}</h1><dl class="meta">{dl}</dl>'
            f'<section aria-labelledby="findings-h"><h2 id="findings-h">Lint findings</h2>{findings}</section>'
            f'<section aria-labelledby="stem-h"><h2 id="stem-h">Stem</h2><div class="stem">{rq.stem}</div></section>'
            f'<section aria-labelledby="options-h"><h2 id="options-h">Options</h2>'
            f'<ol class="options">{"".join(options)}</ol></section>'
            f'<section aria-labelledby="expl-h"><h2 id="expl-h">Explanation</h2><div class="explanation">'
            f'{rq.explanation}</div></section>{refs}{_stats_panel(item)}'
            f'<p><a href="../index.html">All items</a></p>')
    return page(f"Item {q.id}", body, depth=1, bank=bank)


def _data(item: SiteItem) -> dict:
    rq = item.rq.localized("media/")
    q = rq.question
    return {"id": q.id, "topic": q.topic or "", "stem": rq.stem, "explanation": rq.explanation,
            "key": q.key_index, "shuffle": rq.order.shuffle, "fixed": list(rq.order.fixed),
            "options": [{"html": o, "rationale": r or ""} for o, r in zip(rq.options, rq.rationales)]}


def shard_data(items: list[SiteItem]) -> str:
    """Items for practice, SHARD to a file (data/items/<n>.js), as a script that hands them to
    practice.js: file:// forbids fetching JSON, a script file loads anywhere. Shards, not a
    file per item: creating files is the slow part of a build, and a shard is ~100 kB."""
    data = [_data(i) for i in items]
    return "QB.itemsLoaded(" + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ");\n"
