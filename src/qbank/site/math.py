"""TeX math to MathML at build time, inside the exports' CommonMark renderer.

The site renders Markdown with the same markdown-it configuration as every exporter
(:func:`qbank.render.commonmark`: CommonMark, raw HTML off, tables, strikethrough) plus the
maintained math plugins of mdit-py-plugins for `$...$`, `$$...$$`, `\\(...\\)` and `\\[...\\]`,
whose formulas latex2mathml turns into MathML, which Chromium and Firefox render natively:
no page fetches or runs a math library. Texts without a math delimiter take the exporters'
own path (:class:`qbank.export.common.Renderer`), so they render byte for byte as in an export.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from ..export.common import Renderer
from ..render import commonmark

# A text that may hold math; anything else renders exactly as the exports render it.
MAY_HAVE_MATH = re.compile(r"\$|\\\(|\\\[")
# MathML attributes latex2mathml writes for \href and \style: a link target or inline CSS
# from a question would be a way around the escaping (and CSP refuses inline styles).
_UNSAFE_MATHML = re.compile(r"\s(?:href|style|class|id)=", re.I)


def _mathml(tex: str, display: bool, env: dict[str, Any]) -> str:
    from latex2mathml.converter import convert

    try:
        out = convert(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises its own and plain exceptions for TeX it cannot read
        out = None
    if out is None or _UNSAFE_MATHML.search(out):
        env.setdefault("unrendered_math", []).append(tex)
        code = f"<code class=\"tex\">{html.escape(tex)}</code>"
        return f"<p>{code}</p>\n" if display else code
    return out + ("\n" if display else "")


@lru_cache(maxsize=1)
def math_markdown() -> MarkdownIt:
    """The exports' renderer with the math plugins; formulas become MathML."""
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.texmath import texmath_plugin

    md = commonmark()
    # No space inside and no digit outside the dollars: "$5 and $10" stays money.
    dollarmath_plugin(md, allow_labels=False, allow_space=False, allow_digits=False, double_inline=True)
    texmath_plugin(md, delimiters="brackets")

    def inline(self, tokens, idx, options, env) -> str:
        return _mathml(tokens[idx].content, False, env)

    def block(self, tokens, idx, options, env) -> str:
        return _mathml(tokens[idx].content, True, env)

    for name in ("math_inline", "math_inline_double"):
        md.add_render_rule(name, inline)
    for name in ("math_block", "math_block_label", "math_block_eqno"):
        md.add_render_rule(name, block)
    return md


# An image the renderer wrote with a URL for its source (the exports leave URLs alone).
_REMOTE_IMG = re.compile(r'<img src="((?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)[^"]*)" alt="([^"]*)"[^>]*>')


def _remote_images_as_links(fragment: str) -> str:
    """A site makes no request off the site (its CSP would refuse one anyway): an image by URL
    becomes a link to it, which loads only when followed. Both parts are the renderer's,
    already escaped."""
    if "<img" not in fragment:
        return fragment
    return _REMOTE_IMG.sub(lambda m: f'<a class="remote-image" href="{m.group(1)}">image: {m.group(2) or m.group(1)}</a>',
                           fragment)


class SiteRenderer(Renderer):
    """The exporters' renderer, with math, and images by URL shown as links: ``unrendered``
    collects, per text, the formulas latex2mathml could not convert (QB031)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._math: dict[str, str] = {}
        self.unrendered: dict[str, list[str]] = {}

    def html(self, text: str) -> str:
        if not MAY_HAVE_MATH.search(text):
            return _remote_images_as_links(super().html(text))
        out = self._math.get(text)
        if out is None:
            env: dict[str, Any] = {}
            out = math_markdown().render(text, env).strip()
            if env.get("unrendered_math"):
                self.unrendered[text] = env["unrendered_math"]
            out = self._math[text] = _remote_images_as_links(out)
        return out
