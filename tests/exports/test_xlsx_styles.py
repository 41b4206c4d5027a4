"""What render_xlsx writes besides the values: the styles of every cell, merges, sizes, print setup and
the hidden marker column; and the span styles it copies are those openpyxl's cell attributes give.

The writer styles a table's spans from a style recorded once per process (``SpanWriter``) instead of
through the cell attributes and ``merge_cells``; these tests pin down the result, on a layout made
for the purpose (every style, spans of every shape, a blank row) and on the five seeds.
"""

import io
import json
import math
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.exports.layout import Cell, Layout, Row, Style, Table, label, place
from core.exports.registry import document
from core.exports.stamp import LIVE_NOTE, Stamp
from core.exports.xlsx import (
    LABEL_MARKER,
    SIGNATURE,
    STYLE_CODES,
    SpanWriter,
    TextWorkbook,
    _style_span,
    read_xlsx,
    render_xlsx,
    workbook_bytes,
)
from core.models import Department
from tests.conftest import TIANHE, YUEXIU

FIRST_COLUMN = 2
SIDES = ("left", "right", "top", "bottom")


def sample_layout() -> Layout:
    """Five columns, two tables: labels, text, rich text, amounts (2, 0 and as-typed decimals, a blank
    zero), a rate, a score, a 3-row block, a 3×3 span, a centred cell, text like a formula, a blank row."""
    amount = {"style": Style.AMOUNT}
    first = Table(
        [
            Row([label("项目", colspan=2), label("金额"), label("比例"), label("得分")]),
            Row(
                [
                    Cell("一级", rowspan=3, style=Style.LABEL, field="level1", block=True),
                    Cell("=SUM(A1)", field="name"),
                    Cell("1234.5", field="amount", **amount),
                    Cell("99.91", style=Style.PERCENT, field="rate"),
                    Cell("6.25", style=Style.NUMBER, field="score"),
                ],
                marker="task",
                repeats=True,
            ),
            Row(
                [
                    Cell("跨三行三列的说明", rowspan=3, colspan=3, style=Style.RICH, field="note"),
                    Cell("0", blank_zero=True, field="amount", **amount),
                ],
                marker="task",
                repeats=True,
            ),
            Row([Cell("7.125", places=None, field="amount", **amount)], marker="task", repeats=True),
            Row([label("合计"), Cell("8.5", places=0, **amount)]),
            Row([Cell("", colspan=5)]),
        ],
        header_rows=1,
    )
    second = Table(
        [
            Row(
                [label("说明"), Cell("第一段\n第二段" * 12, colspan=4, style=Style.RICH, field="text")],
                marker="summary",
            ),
            Row([Cell("居中", colspan=2, align="center"), Cell("右", align="right"), Cell("", colspan=2)]),
        ]
    )
    layout = Layout(
        kind="declaration",
        title="样例表",
        widths=[6, 10, 12, 8, 9],
        tables=[first, second],
        preamble=["附件2"],
        subtitle_left="部门名称：样例",
        subtitle_right="单位：万元",
        landscape=False,
        meta={"year": 2025, "department": "样例"},
        kind_label="部门整体预算绩效目标申报表",
    )
    layout.check()
    return layout


def spans(layout: Layout):
    """``(excel row, excel column, cell)`` of every span's top-left cell, table after table."""
    row = 3 + len(layout.preamble) + 2
    for table in layout.tables:
        for r, c, cell in place(table):
            yield row + r, FIRST_COLUMN + c, cell
        row += len(table.rows)


def expected_number_format(cell: Cell) -> str:
    if (
        cell.style == Style.AMOUNT
        and cell.value not in (None, "")
        and not (cell.blank_zero and not float(cell.value))
    ):
        return (
            "General" if cell.places is None else "#,##0" + ("." + "0" * cell.places if cell.places else "")
        )
    if cell.style == Style.PERCENT and cell.value not in (None, ""):
        return "0.00%"
    return "General"


def get_last_column(layout: Layout) -> int:
    return FIRST_COLUMN + layout.columns - 1


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def check_table_cells(layout: Layout, sheet) -> None:
    for row, column, cell in spans(layout):
        top_left = sheet.cell(row, column)
        where = top_left.coordinate
        assert (top_left.font.name, top_left.font.sz, bool(top_left.font.b)) == (
            "宋体",
            10,
            cell.style == Style.LABEL,
        ), where
        alignment = top_left.alignment
        assert (alignment.horizontal, alignment.vertical, alignment.wrap_text) == (
            cell.horizontal,
            "center",
            True,
        ), where
        assert top_left.number_format == expected_number_format(cell), where
        # The top-left cell is ruled on all four sides; the other cells of a span on its outline only.
        for side in SIDES:
            border = getattr(top_left.border, side)
            assert (border.style, border.color.rgb) == ("thin", "00000000"), (where, side)
        for rr in range(row, row + cell.rowspan):
            for cc in range(column, column + cell.colspan):
                if (rr, cc) == (row, column):
                    continue
                outline = {
                    "left": cc == column,
                    "right": cc == column + cell.colspan - 1,
                    "top": rr == row,
                    "bottom": rr == row + cell.rowspan - 1,
                }
                grid_cell = sheet.cell(rr, cc)
                assert grid_cell.value is None
                for side, ruled in outline.items():
                    style = getattr(grid_cell.border, side).style
                    assert style == ("thin" if ruled else None), (grid_cell.coordinate, side)


def check_merges(layout: Layout, sheet) -> None:
    title = 3 + len(layout.preamble)
    last = get_last_column(layout)
    middle = FIRST_COLUMN + max(layout.columns // 2, 1) - 1
    expected = {(title, FIRST_COLUMN, title, last), (title + 1, FIRST_COLUMN, title + 1, middle)}
    if last > middle + 1:
        expected.add((title + 1, middle + 1, title + 1, last))
    for row, column, cell in spans(layout):
        if cell.rowspan > 1 or cell.colspan > 1:
            expected.add((row, column, row + cell.rowspan - 1, column + cell.colspan - 1))
    merged = {(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges}
    assert merged == expected


def check_title_block(layout: Layout, sheet) -> None:
    for number, line in enumerate(layout.preamble, start=3):
        preamble = sheet.cell(number, FIRST_COLUMN)
        assert (preamble.value, preamble.font.name, preamble.font.sz, bool(preamble.font.b)) == (
            line,
            "宋体",
            11,
            False,
        )
    title = sheet.cell(3 + len(layout.preamble), FIRST_COLUMN)
    assert (title.value, title.font.name, title.font.sz, title.font.b) == (layout.title, "宋体", 16, True)
    assert (title.alignment.horizontal, title.alignment.vertical, title.alignment.wrap_text) == (
        "center",
        "center",
        True,
    )
    assert sheet.row_dimensions[title.row].height == 30
    middle = FIRST_COLUMN + max(layout.columns // 2, 1) - 1
    assert sheet.cell(title.row + 1, FIRST_COLUMN).value == (layout.subtitle_left or None)
    right = sheet.cell(title.row + 1, middle + 1)
    assert (right.value, right.alignment.horizontal) == (layout.subtitle_right or None, "right")


def expected_heights(layout: Layout) -> dict[int, float]:
    heights: dict[int, float] = {}
    for row, column, cell in spans(layout):
        width = (
            max(sum(layout.widths[column - FIRST_COLUMN : column - FIRST_COLUMN + cell.colspan]), 1) * 0.95
        )
        lines = sum(max(1, math.ceil(len(part) * 2 / width)) for part in cell.text.split("\n"))
        heights[row] = max(heights.get(row, 16), lines * 14 / cell.rowspan + 4)
    return {row: min(height, 409) for row, height in heights.items()}


def check_sizes(layout: Layout, sheet) -> None:
    assert sheet.column_dimensions["A"].hidden
    assert sheet.column_dimensions["A"].width == 4
    widths = [
        sheet.column_dimensions[get_column_letter(FIRST_COLUMN + i)].width for i in range(layout.columns)
    ]
    assert widths == layout.widths
    for row, height in expected_heights(layout).items():
        assert sheet.row_dimensions[row].height == pytest.approx(height), row


def check_print_setup(layout: Layout, sheet, stamp: Stamp | None) -> None:
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (
        9,
        "landscape" if layout.landscape else "portrait",
        1,
        0,
    )
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"$3:${3 + len(layout.preamble) + 1}"
    assert sheet.print_options.horizontalCentered
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    expected = f"{stamp.identity}　校验码 {stamp.display_code}" if stamp else LIVE_NOTE
    assert sheet.oddFooter.left.text == expected.replace("&", "&&")
    assert sheet.oddFooter.left.size == 7


def expected_markers(layout: Layout) -> dict[int, str]:
    """Column A from row 3: each marked row's kind and fields (those spanning down from above too),
    "label" on every other row holding something, nothing on blank rows."""
    markers = {}
    if layout.preamble_field:
        markers.update({3 + i: f"preamble|{layout.preamble_field}=B" for i in range(len(layout.preamble))})
    row = 3 + len(layout.preamble) + 2
    for table in layout.tables:
        placed = list(place(table))
        for r, table_row in enumerate(table.rows):
            if table_row.marker:
                fields = [
                    f"{cell.field}={get_column_letter(FIRST_COLUMN + c)}"
                    + (f":{STYLE_CODES[cell.style]}" if cell.style in STYLE_CODES else "")
                    for rr, c, cell in placed
                    if cell.field and rr <= r < rr + cell.rowspan
                ]
                markers[row + r] = "|".join([table_row.marker, *fields])
        row += len(table.rows)
    return markers


def check_markers(layout: Layout, sheet) -> None:
    assert sheet["A1"].value == f"{SIGNATURE}/{layout.kind}/1"
    assert json.loads(sheet["A2"].value) == layout.meta
    expected = expected_markers(layout)
    for number in range(3, sheet.max_row + 1):
        values = [sheet.cell(number, column).value for column in range(FIRST_COLUMN, sheet.max_column + 1)]
        printed = any(value is not None and str(value).strip() for value in values)
        marker = expected.get(number, LABEL_MARKER if printed else None)
        assert sheet.cell(number, 1).value == marker, number


def check_workbook(layout: Layout, content: bytes, stamp: Stamp | None = None) -> None:
    sheet = sheet_of(content)
    check_title_block(layout, sheet)
    check_table_cells(layout, sheet)
    check_merges(layout, sheet)
    check_sizes(layout, sheet)
    check_print_setup(layout, sheet, stamp)
    check_markers(layout, sheet)


STAMP = Stamp("ABCDEFGHJKMN", "样例 & 部门", 2025, 2, date(2025, 3, 1))


@pytest.mark.parametrize("stamp", [None, STAMP], ids=["live", "stamped"])
def test_the_sample_layout_is_styled_merged_sized_set_up_and_marked(stamp):
    layout = sample_layout()
    check_workbook(layout, render_xlsx(layout, stamp), stamp)


def test_the_sample_layouts_values_quote_prefix_and_blank_row():
    layout = sample_layout()
    sheet = sheet_of(render_xlsx(layout))
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    # Text starting like a formula stays text and is marked as such (after the copied style).
    formula = cells["=SUM(A1)"]
    assert (formula.data_type, formula.quotePrefix) == ("s", True)
    assert not cells["一级"].quotePrefix
    assert float(cells[1234.5].value) == 1234.5 and cells[1234.5].number_format == "#,##0.00"
    assert cells[0.9991].number_format == "0.00%"
    assert cells[6.25].number_format == "General"
    assert cells[7.125].number_format == "General"  # an amount printed as typed
    assert cells[8.5].number_format == "#,##0"
    blank_zero = sheet.cell(3 + 1 + 2 + 2, FIRST_COLUMN + 4)
    assert (blank_zero.value, blank_zero.number_format) == (None, "General")
    blank_row = 3 + 1 + 2 + 5
    assert sheet.cell(blank_row, 1).value is None


def test_the_sample_layout_reads_back():
    read = read_xlsx(render_xlsx(sample_layout()))
    assert (read.kind, read.meta, read.unmarked) == ("declaration", {"year": 2025, "department": "样例"}, [])
    assert [row.kind for row in read.rows] == ["task", "task", "task", "summary"]
    first, second, third, summary = read.rows
    assert (first.get("level1"), first.get("name")) == ("一级", "=SUM(A1)")
    assert (first.get("amount"), first.get("rate"), first.get("score")) == (
        Decimal("1234.5"),
        Decimal("99.91"),
        Decimal("6.25"),
    )
    # The block and the 3×3 note are read on every row they span.
    assert second.get("level1") == third.get("level1") == "一级"
    assert second.get("note") == third.get("note") == "跨三行三列的说明"
    assert second.fields["amount"].value is None and third.get("amount") == Decimal("7.125")
    assert summary.get("text").startswith("第一段")


SEEDS = [
    ("declaration", TIANHE, 2025),
    ("declaration", YUEXIU, 2025),
    ("target-table", TIANHE, 2019),
    ("projects", TIANHE, 2024),
    ("self-evaluation", TIANHE, 2022),
]


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(("kind", "name", "year"), SEEDS)
def test_every_seed_is_styled_merged_sized_set_up_marked_and_read_back(kind, name, year):
    layout = document(kind, Department.objects.get(name=name), year).layout()
    content = render_xlsx(layout, STAMP)
    check_workbook(layout, content, STAMP)
    read = read_xlsx(content, expected_kind=kind)
    marked = [row.marker for table in layout.tables for row in table.rows if row.marker]
    assert [row.kind for row in read.rows] == [
        *(["preamble"] * len(layout.preamble) if layout.preamble_field else []),
        *marked,
    ]
    assert read.unmarked == []


def members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def span_cells() -> list[tuple[str | None, Cell]]:
    """Spans of every kind the tables have, some twice, in an order mixing them."""
    return [
        (None, label("标签")),
        ("#,##0.00", Cell("1", style=Style.AMOUNT)),
        (None, Cell("三行", rowspan=3)),
        ("#,##0.000", Cell("1", style=Style.AMOUNT, colspan=2)),
        (None, label("两列", colspan=2)),
        ("0.00%", Cell("1", style=Style.PERCENT)),
        (None, Cell("三乘三", rowspan=3, colspan=3, style=Style.RICH)),
        ("General", Cell("1", style=Style.NUMBER, rowspan=2)),
        (None, label("标签")),
        (None, Cell("居中", align="center", rowspan=4, colspan=2)),
        ("#,##0", Cell("1", style=Style.AMOUNT)),
        (None, Cell("三行", rowspan=3)),
        ("#,##0.000", Cell("1", style=Style.AMOUNT, colspan=2)),
    ]


def written(cells, through_attributes: bool) -> dict[str, bytes]:
    book = TextWorkbook()
    sheet = book.active
    writer = SpanWriter(sheet)
    row = 1
    for number_format, cell in cells:
        if through_attributes:
            key = (number_format, cell.style == Style.LABEL, cell.horizontal, cell.rowspan, cell.colspan)
            _style_span(sheet, row, FIRST_COLUMN, key)
        else:
            writer.write(row, FIRST_COLUMN, cell, number_format)
        row += cell.rowspan
    return members(workbook_bytes(book))


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_spans_get_the_styles_and_style_lists_the_cell_attributes_and_merge_cells_give(order):
    """Byte for byte, styles.xml (its fonts, borders with merge_cells' partial ones, alignments and
    formats, in order) and the sheet; the second order runs with the span styles already recorded.

    The only check of the merged cells as written: openpyxl's reader rebuilds a merge's cells and
    their edge borders from the top-left cell, so a file missing them reads back the same."""
    cells = span_cells() if order == "forward" else span_cells()[::-1]
    assert written(cells, through_attributes=False) == written(cells, through_attributes=True)
