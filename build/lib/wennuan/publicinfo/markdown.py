"""Markdown for public content: rendered with markdown-it-py, sanitised with nh3.

Staff write Markdown; citizens see HTML. Two layers keep the HTML safe: markdown-it refuses
dangerous link targets (``javascript:``, ``vbscript:``, most ``data:``) and nh3 removes every
tag, attribute and URL scheme not on its allow-list. Before a save, :func:`markdown_problems`
finds links that did not become links (a bad target, an unclosed bracket) so the editor gets a
clear message instead of text that silently shows ``[x](...)`` to citizens.
"""

from __future__ import annotations

import re

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

# "commonmark" keeps raw HTML out (html=False): staff format with Markdown only.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)

ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "ul", "ol", "li", "h1", "h2", "h3", "h4", "blockquote",
    "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}}

# "[text](" left in the text after parsing means the link was not accepted.
_UNPARSED_LINK = re.compile(r"\[[^\]\n]*\]\(")
_UNSAFE_TARGET = re.compile(r"\]\(\s*<?\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def render_markdown(source: str) -> str:
    """Safe HTML for ``source``; never raises on any text."""
    html = _md.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _text_children_with_lines(tokens):
    """(line number from 1, text) for every text run outside code, with its source line."""
    for token in tokens:
        if token.type != "inline" or token.map is None:
            continue
        line = token.map[0] + 1
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text":
                yield line, child.content


def markdown_problems(source: str) -> list[str]:
    """Chinese messages for every malformed link in ``source`` (empty when all is well)."""
    problems: list[str] = []
    tokens = _md.parse(source or "")
    for line, text in _text_children_with_lines(tokens):
        if not _UNPARSED_LINK.search(text):
            continue
        if _UNSAFE_TARGET.search(text):
            problems.append(
                _(
                    "第 %(line)s 行的链接使用了不允许的地址（如 javascript:）。"
                    "链接只能以 http://、https://、mailto: 或 tel: 开头。"
                )
                % {"line": line}
            )
        else:
            problems.append(
                _(
                    "第 %(line)s 行的链接格式不正确。请写成 [文字](https://网址)，"
                    "方括号和圆括号都要成对。"
                )
                % {"line": line}
            )
    for token in tokens:
        if token.type != "inline":
            continue
        for child in token.children or []:
            if child.type != "link_open":
                continue
            href = child.attrGet("href") or ""
            scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
            if scheme and scheme not in ALLOWED_URL_SCHEMES:
                problems.append(
                    _("第 %(line)s 行的链接地址“%(href)s”不被允许。")
                    % {"line": (token.map or [0])[0] + 1, "href": href[:60]}
                )
    return problems
