"""The rule pages (rules/<code>.html, rules/index.html): the pages `qbank rules CODE` prints
and docs/rules/ holds, generated from the same source (qbank.rules.docs) and rendered with
the exports' Markdown renderer."""

from __future__ import annotations

import re
from functools import cache

from ..render import to_html
from .layout import esc, page


_MD_LINK = re.compile(r'href="(QB[0-9]{3})\.md(#[^"]*)?"')


@cache
def _bodies() -> tuple[tuple[object, str], ...]:
    """Each rule's documentation entry and its page's body, rendered once a process (the
    site's painter renders them while lint runs)."""
    from ..rules import docs

    return tuple((e, _MD_LINK.sub(r'href="\1.html\2"', to_html(docs.page(e, "markdown")))) for e in docs.entries())


def rule_pages(bank: str) -> dict[str, str]:
    """file name (under rules/) -> page."""
    out: dict[str, str] = {}
    rows = []
    for e, body in _bodies():
        code = e.code
        out[f"{code.code}.html"] = page(f"{code.code} {code.name}", body + '<p><a href="index.html">All rules</a></p>',
                                        depth=1, bank=bank)
        rows.append(f'<tr><td><a href="{esc(code.code)}.html">{esc(code.code)}</a></td><td>{esc(code.name)}</td>'
                    f"<td>{esc(code.severity)}</td><td>{esc(code.summary)}</td></tr>")
    out["index.html"] = page("Rules", '<h1>Rules</h1><table class="rules"><thead><tr><th scope="col">Code</th>'
                                      '<th scope="col">Name</th><th scope="col">Default severity</th>'
                                      '<th scope="col">What it flags</th></tr></thead><tbody>'
                             + "".join(rows) + "</tbody></table>", depth=1, current="rules/index.html", bank=bank)
    return out
