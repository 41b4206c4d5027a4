"""Shared by the tests that measure a real form's text in our PDF (issue 18): its fragments, the PDF's
text, and the coverage of the one by the other."""

import re
import subprocess

from tests.conftest import REPO_DIR

REALFORMS = REPO_DIR.parent / "shared" / "realforms"


def squash(text: str) -> str:
    """Text compared without whitespace, thousands commas and the width of colons and brackets; every
    dash is a hyphen (a printed “—” for a copy's “-”)."""
    text = text.replace(",", "").replace("：", ":").replace("（", "(").replace("）", ")")
    text = re.sub(r"[—－–]", "-", text)
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def missing_fragments(fragments: list[str], content: bytes, tmp_path) -> list[str]:
    printed = squash(pdf_text(content, tmp_path))
    return [piece for piece in fragments if piece not in printed]
