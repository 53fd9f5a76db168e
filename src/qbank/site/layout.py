"""The frame every page shares: the Content-Security-Policy, the navigation, escaping.

Every text that comes from the bank goes through :func:`esc` (or is HTML the exports'
Markdown renderer made, with raw HTML off). Scripts are files under assets/ and data/: the
policy refuses inline script and style, and anything not from the site's own files."""

from __future__ import annotations

import html
from typing import Iterable

from ..diagnostics import Diagnostic

# 'self' is the site's folder (file:// or the host it is served from); nothing else loads.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'")
SEVERITIES = ("error", "warning", "info")
NAV = (("index.html", "Items"), ("dashboard.html", "Dashboard"), ("practice.html", "Practice"),
       ("rules/index.html", "Rules"))


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def page(title: str, body: str, *, depth: int = 0, current: str = "", scripts: Iterable[str] = (),
         bank: str = "") -> str:
    """A whole HTML page; ``depth`` is how many folders below the site root it is written,
    ``scripts`` are site-relative paths loaded (deferred) in order."""
    before, after = frame(title, depth=depth, current=current, scripts=scripts, bank=bank)
    return before + body + after


def frame(title: str, *, depth: int = 0, current: str = "", scripts: Iterable[str] = (),
          bank: str = "") -> tuple[str, str]:
    """What ``page`` puts before and after the body (for a body joined from parts as bytes)."""
    up = "../" * depth
    mark = ' aria-current="page"'
    nav = "".join(f'<li><a href="{up}{href}"{mark if href == current else ""}>{esc(label)}</a></li>'
                  for href, label in NAV)
    tags = "".join(f'<script src="{up}{esc(s)}" defer></script>' for s in scripts)
    return ("<!doctype html>\n"
            f'<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="referrer" content="no-referrer">'
            f"<title>{esc(title)}{' · ' + esc(bank) if bank else ''}</title>"
            f'<link rel="stylesheet" href="{up}assets/site.css">{tags}</head>\n'
            f'<body><a class="skip" href="#_main">Skip to content</a>'
            f'<header><p class="bank">{esc(bank)}</p><nav aria-label="Site"><ul>{nav}</ul></nav></header>\n'
            f'<main id="_main">\n',
            "\n</main>\n"
            "<footer><p>Built by qbank site from the bank's files; static, no network requests.</p></footer>"
            "</body></html>\n")


def severity_badge(severity: str) -> str:
    return f'<span class="sev sev-{esc(severity)}">{esc(severity)}</span>'


def finding(d: Diagnostic, depth: int, *, with_path: bool = False, more: str = "") -> str:
    """One finding, linked to its rule's page; ``more`` is HTML added inside the item."""
    up = "../" * depth
    path = f"<code>{esc(d.path)}</code> " if with_path else ""
    return (f'<li class="finding">{path}{severity_badge(d.severity.value)} '
            f'<a href="{up}rules/{esc(d.code)}.html">{esc(d.code)} {esc(d.name)}</a> '
            f'<span class="where">line {d.line}, column {d.column}</span>: {esc(d.message)}{more}</li>')


def worst(found: Iterable[Diagnostic]) -> Diagnostic | None:
    """The most severe finding (the first of equals, in file order)."""
    best: Diagnostic | None = None
    for d in found:
        if best is None or d.severity.rank > best.severity.rank:
            best = d
    return best
