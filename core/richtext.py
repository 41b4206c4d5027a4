"""Rich text: paragraphs and line breaks, nothing else.

Published forms carry ``<p>`` markup in their long texts; users paste from Word and web pages. An
allow-list sanitiser (nh3) keeps the paragraphs and drops everything else, so a ``<script>`` or an
``onerror`` never reaches a page or a PDF.
"""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br"}

_BLOCK_BREAK = re.compile(r"</p\s*>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def clean_rich_text(text: str) -> str:
    """Sanitise ``text`` into its one stored form: a ``<p>`` per paragraph, nothing else.

    Plain text typed in a textarea (a paragraph per line) and the ``<p>`` markup of the published
    forms end up the same, so a form typed in the browser equals the same form loaded from a seed.
    """
    if not text:
        return ""
    if "<" in text or "&" in text:
        text = nh3.clean(text, tags=ALLOWED_TAGS, attributes={}, strip_comments=True)
    return "".join(
        f"<p>{html.escape(paragraph, quote=False)}</p>" for paragraph in rich_text_paragraphs(text)
    )


def rich_text_paragraphs(text: str) -> list[str]:
    """The plain-text paragraphs of a rich text (for XLSX cells, comparisons and textareas).

    Paragraphs end at ``</p>``, ``<br>`` and at line breaks (a textarea's lines are its paragraphs).
    """
    if not text:
        return []
    pieces = [text]
    if "<" in text or "&" in text:
        pieces = [html.unescape(_TAG.sub("", piece)) for piece in _BLOCK_BREAK.split(text)]
    return [line.strip() for piece in pieces for line in piece.split("\n") if line.strip()]


def rich_text_plain(text: str) -> str:
    """Paragraphs joined by newlines."""
    return "\n".join(rich_text_paragraphs(text))
