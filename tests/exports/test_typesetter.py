"""The PDF typesetter (core/exports/pdf.py): lines, pages, repeated headers, spans, odd input."""

import copy
import re
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.exports.layout import Cell, Layout, Row, Style, Table, label
from core.exports.pdf import NO_END, NO_START, Fonts, break_lines, render_pdf
from core.exports.pdfcache import pdf_key
from core.kinds import REGISTRY
from declarations.models import Declaration
from tests.conftest import TIANHE


def pages_text(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "t.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")[:-1]


def page_size(content: bytes, tmp_path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return re.search(r"Page size:\s+(.+?) pts", info).group(1)


def lines_of(text: str, width: float) -> list[str]:
    return [
        "".join(g.char for g in line.glyphs) for line in break_lines([(text, "normal")], width, 9.5, Fonts())
    ]


def test_lines_never_start_with_closing_or_end_with_opening_punctuation():
    text = (
        "（一）坚持统筹发展和安全，助力建设更高水平的平安天河。（二）统筹全面依法治国工作，以高质量法治服务保障经济社会高质量发展。"
        * 3
    )
    for width in (60, 75, 90, 133, 200):
        lines = lines_of(text, width)
        assert "".join(lines) == text
        assert all(line[0] not in NO_START for line in lines[1:])
        assert all(line[-1] not in NO_END for line in lines[:-1])
        assert all(
            sum(g.advance for g in line.glyphs) * 9.5 <= width + 0.01
            for line in break_lines([(text, "normal")], width, 9.5, Fonts())
        )


def test_latin_words_break_at_spaces_and_a_word_longer_than_the_line_anywhere():
    lines = lines_of("performance budget declaration 2025 绩效目标", 80)
    assert lines[0] == "performance" and all(" " not in (line[0], line[-1]) for line in lines)
    assert "".join(lines).replace(" ", "") == "performancebudgetdeclaration2025绩效目标"
    long = lines_of("A" * 300, 50)
    assert len(long) > 5 and "".join(long) == "A" * 300


def small_layout(rows, header_rows=0, landscape=True) -> Layout:
    return Layout(
        kind="test",
        title="测试表",
        widths=[10, 20, 30],
        tables=[Table(rows, header_rows)],
        landscape=landscape,
    )


def test_the_same_layout_gives_the_same_bytes_and_key_and_any_change_another(tmp_path):
    layout = small_layout([Row([label("名称"), Cell("甲"), Cell("1.00", style=Style.AMOUNT)])])
    assert render_pdf(layout) == render_pdf(copy.deepcopy(layout))
    assert pdf_key(layout) == pdf_key(copy.deepcopy(layout))
    changed = copy.deepcopy(layout)
    changed.tables[0].rows[0].cells[2].value = "1.01"
    assert pdf_key(changed) != pdf_key(layout) and render_pdf(changed) != render_pdf(layout)


def test_orientation_sets_the_page(tmp_path):
    rows = [Row([label("名称"), Cell("甲"), Cell("乙")])]
    assert page_size(render_pdf(small_layout(rows)), tmp_path) == "841.89 x 595.276"
    assert page_size(render_pdf(small_layout(rows, landscape=False)), tmp_path) == "595.276 x 841.89"


def test_control_and_zero_width_characters_are_dropped_and_nothing_fails(tmp_path):
    rows = [Row([label("名\x00称"), Cell("甲\u200b乙\x1b丙"), Cell("\ufeff😀 ☃ \U0002a6a5")])]
    text = "".join(pages_text(render_pdf(small_layout(rows)), tmp_path))
    assert "名称" in text and "甲乙丙" in text and "\x1b" not in text


def test_header_rows_repeat_on_every_page_and_each_row_prints_once(tmp_path):
    header = Row([label("序号"), label("指标名称"), label("指标值")])
    rows = [Row([Cell(str(n)), Cell(f"第{n}行指标"), Cell("100%")]) for n in range(120)]
    pages = pages_text(render_pdf(small_layout([header, *rows], header_rows=1)), tmp_path)
    assert len(pages) > 2
    assert all(page.lstrip().startswith("序号 指标名称 指标值") for page in pages[1:])
    printed = "".join(pages)
    assert all(printed.count(f"第{n}行指标") == 1 for n in range(120))


def test_a_cell_spanning_rows_over_a_page_break_prints_its_text_once_where_it_starts(tmp_path):
    rows = [Row([label("很长的一级指标", rowspan=80), Cell("二级"), Cell("0")])]
    rows += [Row([Cell(f"行{n}"), Cell(str(n))]) for n in range(1, 80)]
    pages = pages_text(render_pdf(small_layout(rows)), tmp_path)
    assert len(pages) > 1
    assert "".join(pages).count("很长的一级指标") == 1 and "很长的一级指标" in pages[0]


@pytest.mark.usefixtures("seeded")
def test_a_declaration_keeps_its_label_column_joined_and_its_text(tmp_path):
    spec = REGISTRY["declaration"]
    record = copy.deepcopy(spec.record(Declaration.objects.get(department__name=TIANHE, year=2025)))
    record["indicators"] = record["indicators"] * 6
    pages = pages_text(render_pdf(spec.layout(record)), tmp_path)
    continued = [page for page in pages if "绩效指标 一级指标 二级指标" in page]
    assert len(continued) >= 2  # the indicator table's header on each page it runs over


# Any text a user could type, or a database hold, in any cell style: the typesetter never raises.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)  # no lone surrogates
any_cell = st.builds(
    Cell,
    value=st.one_of(any_text, st.decimals(allow_nan=True), st.none(), st.integers()),
    style=st.sampled_from([Style.LABEL, Style.TEXT, Style.RICH, Style.AMOUNT, Style.PERCENT, Style.NUMBER]),
    align=st.sampled_from(["", "left", "center", "right"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=any_text, cells=st.lists(st.tuples(any_cell, any_cell, any_cell), min_size=1, max_size=6))
def test_any_text_in_any_cell_renders(title, cells):
    layout = small_layout([Row(list(row)) for row in cells], header_rows=1)
    layout.title, layout.subtitle_left = title, title
    assert render_pdf(layout).startswith(b"%PDF-1.7")
