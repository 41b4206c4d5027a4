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
    """Sanitise ``text`` keeping only ``<p>`` and ``<br>``; plain text without markup is left as it is."""
    if not text:
        return ""
    if "<" not in text and "&" not in text:
        return text
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes={}, strip_comments=True)


def rich_text_paragraphs(text: str) -> list[str]:
    """The plain-text paragraphs of a rich text (for XLSX cells and comparisons)."""
    if not text:
        return []
    if "<" not in text:
        return [line for line in (part.strip() for part in text.split("\n")) if line]
    pieces = _BLOCK_BREAK.split(text)
    paragraphs = (html.unescape(_TAG.sub("", piece)).strip() for piece in pieces)
    return [paragraph for paragraph in paragraphs if paragraph]


def rich_text_plain(text: str) -> str:
    """Paragraphs joined by newlines."""
    return "\n".join(rich_text_paragraphs(text))
