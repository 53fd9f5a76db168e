"""The dashboard (dashboard.html): plots where a reader would rather look than read, each a
static SVG from matplotlib (plots/*.svg) with its numbers in a table beside it.

The SVGs are deterministic (fixed hash salt, no date) and draw in CSS variables that the
SVG's own style sets for light, dark (prefers-color-scheme) and print, so a plot reads on
any background; the page loads them as images, which CSP allows and which run nothing."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from ..blueprint import Blueprint
from ..codes import CODES
from ..diagnostics import Diagnostic
from ..model import LETTERS, Question
from .inputs import Stats
from .item import item_href
from .layout import esc, finding, page
from .model import SiteItem

# Placeholder colours matplotlib draws with, swapped for CSS variables in the SVG text.
_FG, _BAR, _ACCENT = "#010101", "#020202", "#030303"
_SVG_STYLE = ("<style>svg{--fg:#1b1b1b;--bar:#2f6db5;--accent:#b5412f}"
              "@media (prefers-color-scheme: dark){svg{--fg:#ececec;--bar:#82b4f0;--accent:#f0a082}}"
              "@media print{svg{--fg:#000;--bar:#444;--accent:#000}}</style>")


@dataclass
class Plot:
    name: str            # file name under plots/, without .svg
    title: str
    svg: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]


Chart = tuple[str, tuple]   # (kind, arguments of its painter): see charts() and draw()


def _figure_module():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _figure(height: float):
    plt = _figure_module()
    plt.rcParams.update({"svg.hashsalt": "qbank-site", "svg.fonttype": "none", "font.size": 10,
                         "text.color": _FG, "axes.edgecolor": _FG, "axes.labelcolor": _FG,
                         "xtick.color": _FG, "ytick.color": _FG, "axes.spines.top": False,
                         "axes.spines.right": False})
    return plt.subplots(figsize=(5.6, height))


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    # bbox_inches="tight" crops the saved figure to what is drawn, labels included, so nothing
    # is cut off without tight_layout(), which would lay it out (draw it) once more: ~1/5 of
    # the painter's drawing time.
    fig.savefig(buf, format="svg", transparent=True, metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    for colour, var in ((_FG, "var(--fg)"), (_BAR, "var(--bar)"), (_ACCENT, "var(--accent)")):
        text = text.replace(colour, var)
    return re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + _SVG_STYLE, text, count=1)


def _bars(name: str, title: str, counts: list[tuple[str, int]], xlabel: str, horizontal: bool = False,
          table: list[tuple[str, int]] | None = None) -> Plot:
    """A bar plot of ``counts``; its table lists ``table`` (default: the same counts)."""
    labels = [c[0] for c in counts]
    values = [c[1] for c in counts]
    if horizontal:
        fig, ax = _figure(max(1.8, 0.32 * len(labels) + 0.9))
        ax.barh(range(len(labels)), values, color=_BAR)
        ax.set_yticks(range(len(labels)), [_short(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
    else:
        fig, ax = _figure(2.6)
        ax.bar(range(len(labels)), values, color=_BAR)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylabel(xlabel)
    ax.set_title(title, color=_FG)
    return Plot(name, title, _svg(fig), ("", xlabel), list(table if table is not None else counts))


MAX_BARS = 25   # a plot with more bars sums the rest in one "other" bar (the table has them all)


def _top(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    if len(counts) <= MAX_BARS:
        return counts
    rest = counts[MAX_BARS - 1:]
    return counts[:MAX_BARS - 1] + [(f"{len(rest)} others", sum(n for _, n in rest))]


def _values(value: Any) -> list[str]:
    """A declared field's value as the labels it counts under (a list field counts each)."""
    if value is None or isinstance(value, (dict,)):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "field"


def _short(label: str, width: int = 42) -> str:
    return label if len(label) <= width else label[:width - 1] + "…"


def _blueprint_chart(blueprint: Blueprint, questions: list[Question]) -> Chart | None:
    """The bank's share of items per area (qbank.stats, as `qbank stats` counts them: retired
    items left out) against the area's weight."""
    from ..stats import compute

    counted = compute(questions, blueprint)
    areas = counted["areas"]
    live = sum(a["items"] for a in areas) + len(counted["unassigned"]) + len(counted["overlaps"])
    if not areas or not live:
        return None
    shares = [100 * a["items"] / live for a in areas]
    targets = [(a["weight"][0] + a["weight"][1]) / 2 for a in areas]
    title = f"Items per blueprint area: {blueprint.title or blueprint.name}"
    rows = [(a["name"], a["items"], f"{share:.1f}%", _weight(a["weight"])) for a, share in zip(areas, shares)]
    return ("blueprint", (f"blueprint-{_slug(blueprint.name)}", title, [a["name"] for a in areas], shares, targets,
                          rows))


def _blueprint_plot(name: str, title: str, areas: list[str], shares: list[float], targets: list[float],
                    rows: list[tuple]) -> Plot:
    fig, ax = _figure(max(2.4, 0.5 * len(areas) + 1.4))
    ys = range(len(areas))
    ax.barh([y - 0.2 for y in ys], shares, height=0.4, color=_BAR, label="bank")
    ax.barh([y + 0.2 for y in ys], targets, height=0.4, color=_ACCENT, label="blueprint")
    ax.set_yticks(list(ys), [_short(a) for a in areas])
    ax.invert_yaxis()
    ax.set_xlabel("% of items")
    ax.legend(frameon=False, labelcolor=_FG, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    ax.set_title(_short(title, 70), color=_FG, pad=24)
    return Plot(name, title, _svg(fig), ("Area", "Items", "Share of bank", "Blueprint weight"), rows)


def _weight(weight: list[float]) -> str:
    low, high = weight
    return f"{low:g}%" if low == high else f"{low:g}-{high:g}%"


def _stats_chart(stats: Stats, ids: set[str]) -> Chart | None:
    entries = [(k, v) for k, v in stats.items.items() if k in ids and v.get("p") is not None and v.get("rpb") is not None]
    if not entries:
        return None
    rows = [(k, v["n"], f"{v['p']:.2f}", f"{v['rpb']:.2f}") for k, v in sorted(entries, key=lambda e: e[1]["rpb"])[:20]]
    return ("stats", ([v["p"] for _, v in entries], [v["rpb"] for _, v in entries], rows))


def _stats_plot(p: list[float], rpb: list[float], rows: list[tuple]) -> Plot:
    fig, ax = _figure(3.4)
    ax.scatter(p, rpb, s=12, color=_BAR)
    ax.axhline(0.2, color=_ACCENT, linewidth=0.8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("difficulty p (proportion correct)")
    ax.set_ylabel("point-biserial")
    ax.set_title("Item statistics: difficulty and discrimination", color=_FG)
    return Plot("item-statistics", "Item statistics: difficulty and discrimination (lowest discrimination first)",
                _svg(fig), ("Item", "n", "p", "Point-biserial"), rows)


def charts(questions: list[Question], diagnostics: list[Diagnostic], blueprints: dict[str, Blueprint],
           stats: Stats | None) -> list[Chart]:
    """What the dashboard plots of ``questions`` (in id order) and the bank's findings: the
    numbers only, cheap to compute and to send to the process that draws them (``draw``)."""
    out: list[Chart] = []
    if questions:
        width = max(len(q.options) for q in questions)
        keys = Counter(q.key_index for q in questions)
        out.append(("bars", ("key-positions", "Key positions", [(LETTERS[k], keys.get(k, 0)) for k in range(width)],
                             "items")))
        topics = sorted(Counter(q.topic or "(no topic)" for q in questions).items(), key=lambda t: (-t[1], t[0]))
        out.append(("bars", ("topics", "Items per topic", _top(topics), "items", True, topics)))
        for _, blueprint in sorted(blueprints.items()):
            chart = _blueprint_chart(blueprint, questions)
            if chart is not None:
                out.append(chart)
        for name in sorted({k for q in questions for k in q.fields}):   # the bank-declared fields
            values = Counter(v for q in questions for v in _values(q.fields.get(name)))
            if 0 < len(values) <= MAX_BARS:
                out.append(("bars", (f"field-{_slug(name)}", f"Items per {name}",
                                     sorted(values.items(), key=lambda t: (-t[1], t[0])), "items", True)))
        levels = Counter(q.difficulty or "not set" for q in questions)
        out.append(("bars", ("difficulty", "Difficulty", [(d, levels[d]) for d in ("easy", "medium", "hard", "not set")
                                                           if d in levels], "items")))
        sizes = Counter(len(q.options) for q in questions)
        out.append(("bars", ("option-counts", "Options per item", [(str(n), sizes[n]) for n in sorted(sizes)],
                             "items")))
    rules = Counter(f"{d.code} {d.name}" for d in diagnostics)
    if rules:
        ranked = sorted(rules.items(), key=lambda r: (-r[1], r[0]))
        out.append(("bars", ("findings", "Findings per rule", _top(ranked), "findings", True, ranked)))
    if stats is not None:
        chart = _stats_chart(stats, {q.id for q in questions})
        if chart is not None:
            out.append(chart)
    return out


def warm() -> None:
    """Import what ``draw`` needs (matplotlib: most of the time it takes)."""
    _figure_module()


def draw(charts_: list[Chart]) -> list[Plot]:
    """The plots of ``charts`` (see ``charts``), drawn with matplotlib."""
    painters = {"bars": _bars, "blueprint": _blueprint_plot, "stats": _stats_plot}
    return [painters[kind](*args) for kind, args in charts_]


def _plot_html(p: Plot) -> str:
    head = "".join(f'<th scope="col">{esc(h or "Value")}</th>' for h in p.header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in p.rows)
    return (f'<figure class="plot"><img src="plots/{esc(p.name)}.svg" alt="{esc(p.title)}: the numbers are in the '
            f'table below"><figcaption><details><summary>{esc(p.title)}: the numbers</summary>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details></figcaption></figure>")


def _side_by_side(d: Diagnostic, by_path: dict[str, SiteItem]) -> str:
    here = by_path.get(d.path)
    there = [by_path.get(p) for p, _, _ in d.related]
    pair = [i for i in [here, *there] if i is not None]
    if len(pair) < 2:
        return ""
    cells = "".join(f'<div class="pane"><h4><a href="{esc(item_href(i.id))}">{esc(i.id)}</a></h4>'
                    f'{json.loads(i.data)["stem"]}</div>' for i in pair[:2])   # as practice shows it
    return f'<div class="side-by-side">{cells}</div>'


def dashboard_page(items: list[SiteItem], plots_: list[Plot], bank_findings: list[Diagnostic],
                   stats: Stats | None, bank: str) -> str:
    by_path = {i.relative_path: i for i in items}
    figures = "".join(_plot_html(p) for p in plots_)
    if bank_findings:
        findings = ('<ul class="findings">' + "".join(finding(d, 0, with_path=True, more=_side_by_side(d, by_path))
                                                      for d in bank_findings) + "</ul>")
    else:
        findings = "<p>No bank-level findings.</p>"
    forms = ""
    if stats is not None and stats.forms:
        forms = ('<section aria-labelledby="forms-h"><h2 id="forms-h">Forms (reliability)</h2><table><thead><tr>'
                 '<th scope="col">Form</th><th scope="col">Candidates</th><th scope="col">KR-20</th></tr></thead><tbody>'
                 + "".join(f"<tr><td>{esc(k)}</td><td>{v['n']:,}</td><td>{v['kr20']:.2f}</td></tr>"
                           for k, v in stats.forms.items()) + "</tbody></table></section>")
    body = (f"<h1>Dashboard</h1><p>{len(items):,} items.</p>"
            f'<section aria-labelledby="plots-h"><h2 id="plots-h">Plots</h2><div class="plots">{figures}</div></section>'
            f'<section aria-labelledby="bank-h"><h2 id="bank-h">Bank-level findings</h2>{findings}</section>{forms}')
    return page("Dashboard", body, current="dashboard.html", bank=bank, scripts=["assets/dashboard.js"])


def bank_level(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code in CODES and CODES[d.code].kind == "bank"]
