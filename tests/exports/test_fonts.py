"""The print font: Noto Serif CJK SC prepared once per process, the full system font behind it."""

import subprocess

import pytest

from core.exports.fonts import PREPARED_FAMILY, charset, prepared_fonts
from core.exports.registry import document_for
from core.models import Department
from evaluations.models import ProjectEvaluation
from evaluations.services import project_evaluation_replace
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


def pdf_fonts(content: bytes) -> str:
    return subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_prepared_font_holds_the_common_characters_in_both_weights():
    fonts = prepared_fonts()
    assert set(fonts) == {"normal", "bold"}
    assert all(content[:4] == b"OTTO" and len(content) < 5_000_000 for content in fonts.values())
    points = charset()
    assert {ord(char) for char in "广州市天河区司法局预算绩效目标，。（）“”：；%0123456789"} <= points


def test_a_pdf_embeds_the_prepared_font_and_still_prints_a_rare_character():
    name = "䶮堃项目"  # neither character is in GB 2312
    assert not {ord(char) for char in name[:2]} & charset()
    project_evaluation_replace(
        department=Department.objects.get(name=TIANHE), year=2024, data={"project_name": name}
    )
    content = document_for(ProjectEvaluation.objects.get(project_name=name)).render("pdf")[2]
    rows = pdf_fonts(content).splitlines()
    assert [row for row in rows if PREPARED_FAMILY.replace(" ", "-") + " " in row]
    assert [row for row in rows if "+Noto-Serif-CJK-SC " in row]  # the system font, for the rare ones
    assert name in pdf_text(content)
