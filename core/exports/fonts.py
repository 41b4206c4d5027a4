"""The print font, prepared once per process: Noto Serif CJK SC cut down to the common characters.

Each PDF embeds a subset of the font it used. Subsetting the system font means reading the whole
26 MB .ttc (five CJK faces, 65,535 glyphs) of each weight, and with ``retain-gids`` the subset keeps
a glyph table as long as the highest glyph id used. A font that holds only the characters of GB 2312
(6,763 汉字 and its symbols) plus ASCII and the usual punctuation — 2.7 MB per weight, glyph ids below
8,000 — is cut once per process; each document's subset of it takes a few milliseconds and the PDF
is half the size. The glyphs are Noto's own, untouched.

A character outside that set (a rare name) is still printed: the typesetter (``core/exports/pdf.py``)
falls back to the full system "Noto Serif CJK SC" glyph by glyph. When the system font or
harfbuzz's subsetter is missing, nothing is prepared and every document uses the system font, as
before.
"""

import logging
import subprocess
from functools import cache

logger = logging.getLogger(__name__)

SYSTEM_FAMILY = "Noto Serif CJK SC"
PREPARED_FAMILY = "Noto Serif CJK SC Common"
WEIGHTS = {"normal": "", "bold": ":weight=bold"}


def charset() -> set[int]:
    """Code points of the prepared font: GB 2312, ASCII, Latin-1 and the CJK and general punctuation."""
    points = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    points |= set(range(0x2000, 0x2070)) | set(range(0x2100, 0x2200)) | set(range(0x2460, 0x2500))
    points |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


@cache
def system_font(weight: str) -> tuple[str, int] | None:
    """``(file, face index)`` of the system font of ``weight``, as fontconfig resolves it."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{family}|%{file}|%{index}", SYSTEM_FAMILY + WEIGHTS[weight]],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
        families, path, index = found.rsplit("|", 2)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if SYSTEM_FAMILY not in families.split(","):
        return None  # fontconfig substituted another font: nothing to prepare
    return path, int(index)


@cache
def prepared_fonts() -> dict[str, bytes]:
    """``{weight: OpenType bytes}`` of the prepared font; empty when it cannot be prepared."""
    try:
        import uharfbuzz as hb  # optional: without it the system font is used directly
    except ImportError:
        logger.warning("uharfbuzz is not installed: PDFs embed subsets of the full system font")
        return {}
    points = charset()
    fonts = {}
    for weight in WEIGHTS:
        source = system_font(weight)
        if source is None:
            logger.warning("font %s (%s) not found: PDFs use the system font", SYSTEM_FAMILY, weight)
            return {}
        path, index = source
        try:
            face = hb.Face(hb.Blob.from_file_path(path), index)
            subset = hb.SubsetInput()
            subset.unicode_set.update(points)
            subset.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG).invert()  # keep every OpenType feature
            subset.sets(hb.SubsetInputSets.NAME_ID).invert()
            fonts[weight] = bytes(hb.subset(face, subset).blob.data)
        except Exception:  # a broken font file must not stop the printing: fall back to the system font
            logger.exception("could not prepare %s from %s", SYSTEM_FAMILY, path)
            return {}
    return fonts
