"""The XLSX writer and renderer, and the reader that takes our own XLSX back.

Every workbook the application writes is a :class:`TextWorkbook`: text goes in as text (never a
formula, whatever it starts with) and without control characters, so a stored project named
``=HYPERLINK(…)`` or holding ``\x1b`` is printed as typed and can never make an export fail.

Column A is hidden and carries, for every row that holds data, its row kind and which column holds
which field (``task|name=C|amount=F:a``); A1 and A2 identify the form. A row copied in Excel keeps its
marker, so adding a task offline is copying a task row.
"""

import functools
import io
import json
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from core.exports.layout import Layout, Style, place
from core.exports.limits import open_xlsx, sheet_bounds
from core.exports.stamp import LIVE_NOTE, Stamp
from core.money import (
    AMOUNT_MAX,
    AMOUNT_QUANTUM,
    HUNDRED,
    ascii_number,
    check_amount,
    is_empty_mark,
    plain_number,
    round_money,
)
from core.text import control_character, strip_control

SIGNATURE = "perfbudget"
FIRST_COLUMN = 2  # column A holds the markers
# The marker of a row that only prints (a title, a header, a total): read back as nothing.
LABEL_MARKER = "label"
FONT_NAME = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
STYLE_CODES = {Style.AMOUNT: "a", Style.PERCENT: "p", Style.NUMBER: "n", Style.RICH: "r"}
CODE_STYLES = {code: style for style, code in STYLE_CODES.items()}
FORMULA_START = ("=", "+", "-", "@")


# --- the writer ---------------------------------------------------------------------------------


def set_value(cell, value) -> None:
    """Numbers, dates and None as they are; any text as text, never a formula, no control characters."""
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = strip_control(value)
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        # Marked as text in Excel too (the apostrophe prefix): editing the cell keeps it text.
        cell.quotePrefix = True


class TextWorksheet(Worksheet):
    """A worksheet whose ``cell(…, value)``, ``sheet["B2"] = …`` and ``append`` go through ``set_value``."""

    def cell(self, row, column, value=None):
        cell = super().cell(row, column)
        if value is not None:
            set_value(cell, value)
        return cell

    def __setitem__(self, key, value):
        set_value(self[key], value)

    def append(self, values):
        if not isinstance(values, list | tuple):
            raise TypeError("TextWorksheet.append takes a list or a tuple of values")
        row = self._current_row + 1
        for column, value in enumerate(values, start=1):
            self.cell(row, column, value)
        self._current_row = row


class TextWorkbook(Workbook):
    """The one workbook every XLSX of the application is written with (see the module docstring)."""

    def __init__(self):
        super().__init__()
        self._sheets = []
        self._sheets.append(TextWorksheet(self))

    def create_sheet(self, title=None, index=None):
        sheet = TextWorksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def save(self, filename):
        # A value assigned to a cell object directly bypasses set_value: still never a formula.
        for sheet in self.worksheets:
            for cell in sheet._cells.values():
                if cell.data_type == "f":
                    cell.data_type = "s"
                    cell.quotePrefix = True
        super().save(filename)


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set_text(cell, text: str) -> None:
    set_value(cell, text)


# The styles of every workbook, built once. A workbook keeps each kind of style in a list that
# compares by value (openpyxl's IndexedList), so assigning one shared object to every cell stores
# exactly what a new equal object per cell would, without building thousands of them.
PREAMBLE_FONT = Font(name=FONT_NAME, size=11)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
CELL_FONT = Font(name=FONT_NAME, size=10)
LABEL_FONT = Font(name=FONT_NAME, size=10, bold=True)
TITLE_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT_ALIGNMENT = Alignment(horizontal="right")


@functools.cache
def _cell_alignment(horizontal: str) -> Alignment:
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=True)


@functools.cache
def _amount_format(places: int | None) -> str:
    # A layout printing amounts as typed: Excel has no format for “the decimals it has”.
    return "General" if places is None else "#,##0" + ("." + "0" * places if places else "")


def _cell_content(layout_cell) -> tuple[object, str | None]:
    """The value a table cell stores and its number format (None: the cell keeps the default)."""
    value = layout_cell.value
    if layout_cell.style == Style.AMOUNT and value not in (None, ""):
        amount = Decimal(value)
        if layout_cell.blank_zero and not amount:
            return None, None
        return amount, _amount_format(layout_cell.places)
    if layout_cell.style == Style.PERCENT and value not in (None, ""):
        return Decimal(value) / HUNDRED, "0.00%"
    if layout_cell.style == Style.NUMBER and value not in (None, ""):
        # Weights and scores show the decimals they have (39.2, 6.25, 10), as in the PDF.
        return Decimal(value), "General"
    return layout_cell.text, None


def _lines(text: str, width: float) -> int:
    # CJK characters are about two width units wide in Excel's default font.
    units = max(width, 1) * 0.95
    return sum(max(1, math.ceil(len(part) * 2 / units)) for part in (text.split("\n") or [""]))


def _style_span(sheet: Worksheet, row: int, column: int, key: tuple) -> None:
    """Style a span of a table through openpyxl's cell attributes: its number format, font and
    alignment, a border on every side of every grid cell, and the merge (which borders the edges)."""
    number_format, label, horizontal, rowspan, colspan = key
    top_left = sheet.cell(row, column)
    if number_format is not None:
        top_left.number_format = number_format
    top_left.font = LABEL_FONT if label else CELL_FONT
    top_left.alignment = _cell_alignment(horizontal)
    end_row, end_column = row + rowspan - 1, column + colspan - 1
    for rr in range(row, end_row + 1):
        for cc in range(column, end_column + 1):
            sheet.cell(rr, cc).border = BORDER
    if rowspan > 1 or colspan > 1:
        sheet.merge_cells(start_row=row, start_column=column, end_row=end_row, end_column=end_column)


# The workbook's style lists a cell's style array indexes, by the array's field. numFmtId indexes
# ``_number_formats`` only from BUILTIN_FORMATS_MAX_SIZE on (below are Excel's built-in formats).
STYLE_LISTS = {
    "fontId": "_fonts",
    "fillId": "_fills",
    "borderId": "_borders",
    "protectionId": "_protections",
    "alignmentId": "_alignments",
    "numFmtId": "_number_formats",
}
# One object per distinct style value in the process: a workbook then finds a value's index in its
# list by the object's identity, without hashing it again (hashing an openpyxl style is slow).
_interned: dict = {}


@dataclass(frozen=True)
class SpanStyle:
    """What :func:`_style_span` does to a span of one style and size, recorded in a scratch workbook.

    ``added``: the values the workbook's style lists received, in the order they were first added
    (the borders include the partial ones ``merge_cells`` adds one side at a time, left in the lists).
    ``cells``: each grid cell's style array, with the fields that index a list beyond the entries
    every new workbook starts with, as ``(field, list, value, offset)``.
    """

    added: tuple[tuple[str, object], ...]
    cells: tuple[tuple[int, int, StyleArray, tuple[tuple[str, str, object, int], ...]], ...]


@functools.lru_cache(maxsize=1024)
def span_style(key: tuple) -> SpanStyle:
    """The :class:`SpanStyle` of ``(number format, label, horizontal, rowspan, colspan)``."""
    book = Workbook()
    defaults = {name: len(getattr(book, name)) for name in STYLE_LISTS.values()}
    _style_span(book.active, 1, 1, key)
    values = {
        name: [_interned.setdefault(value, value) for value in getattr(book, name)]
        for name in STYLE_LISTS.values()
    }
    cells = []
    for (row, column), cell in sorted(book.active._cells.items()):
        references = []
        for field_name, name in STYLE_LISTS.items():
            offset = BUILTIN_FORMATS_MAX_SIZE if name == "_number_formats" else 0
            index = getattr(cell._style, field_name) - offset
            if index >= defaults[name]:
                references.append((field_name, name, values[name][index], offset))
        cells.append((row - 1, column - 1, StyleArray(cell._style), tuple(references)))
    added = tuple((name, value) for name in STYLE_LISTS.values() for value in values[name][defaults[name] :])
    return SpanStyle(added, tuple(cells))


class SpanWriter:
    """Writes the spans of a sheet's tables styled as :func:`_style_span` would, at a fraction of its cost.

    Styling through openpyxl's cell attributes hashes a style object per attribute and per cell (the
    workbook's style lists compare by value), and ``merge_cells`` adds each edge border one side at a
    time: most of a workbook's time. What it does depends only on the span's style and size, so it is
    recorded once per process (:func:`span_style`). The first span of each style and size in a workbook
    adds the recorded values to the workbook's lists in the recorded order, as the attributes would
    have (the lists come out the same, in the same order, and so does styles.xml); every span of it
    gets style arrays indexing them, and merged cells as ``merge_cells`` leaves them.
    """

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self.book = sheet.parent
        self.indexes: dict[tuple[str, int], int] = {}  # (style list, id of an interned value) -> index
        self.spans: dict[tuple, list[tuple[int, int, StyleArray]]] = {}

    def _index(self, name: str, value) -> int:
        key = (name, id(value))
        index = self.indexes.get(key)
        if index is None:
            index = self.indexes[key] = getattr(self.book, name).add(value)
        return index

    def _styles(self, key: tuple) -> list[tuple[int, int, StyleArray]]:
        styles = self.spans.get(key)
        if styles is None:
            span = span_style(key)
            for name, value in span.added:
                self._index(name, value)
            styles = self.spans[key] = []
            for row, column, scratch, references in span.cells:
                style = StyleArray(scratch)
                for field_name, name, value, offset in references:
                    setattr(style, field_name, self._index(name, value) + offset)
                styles.append((row, column, style))
        return styles

    def write(self, row: int, column: int, layout_cell, number_format: str | None):
        """The span's top-left cell, styled, its other grid cells merged into it."""
        rowspan, colspan = layout_cell.rowspan, layout_cell.colspan
        key = (number_format, layout_cell.style == Style.LABEL, layout_cell.horizontal, rowspan, colspan)
        (_row, _column, top_left_style), *merged_styles = self._styles(key)
        sheet = self.sheet
        top_left = sheet.cell(row, column)
        top_left._style = StyleArray(top_left_style)
        if merged_styles:
            coordinate = f"{top_left.coordinate}:{get_column_letter(column + colspan - 1)}{row + rowspan - 1}"
            # Spans never overlap (Layout.check): the range joins the sheet's set as merge_cells adds it.
            sheet.merged_cells.ranges.add(MergedCellRange(sheet, coordinate))
            for rr, cc, style in merged_styles:
                merged = MergedCell(sheet, row + rr, column + cc)
                merged._style = StyleArray(style)
                sheet._cells[row + rr, column + cc] = merged
        return top_left


def _row_markers(table, placed, first_row: int) -> dict[int, str]:
    """The marker of each marked row: its kind, then each field's column and style code, counting the
    cells spanning down from above (every row reads its merged 一级/二级 or task)."""
    fields: dict[int, list[str]] = {}
    for r, c, cell in placed:
        if cell.field:
            spec = f"{cell.field}={get_column_letter(FIRST_COLUMN + c)}" + (
                f":{STYLE_CODES[cell.style]}" if cell.style in STYLE_CODES else ""
            )
            for rr in range(r, r + cell.rowspan):
                fields.setdefault(rr, []).append(spec)
    return {
        first_row + r: "|".join([row.marker, *fields.get(r, [])])
        for r, row in enumerate(table.rows)
        if row.marker
    }


def render_xlsx(layout: Layout, stamp: Stamp | None = None) -> bytes:
    layout.check()
    workbook = TextWorkbook()
    sheet = workbook.active
    sheet.title = layout.kind_label[:31]
    last_column = FIRST_COLUMN + layout.columns - 1
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["A"].width = 4
    for index, width in enumerate(layout.widths):
        sheet.column_dimensions[get_column_letter(FIRST_COLUMN + index)].width = width
    sheet["A1"] = f"{SIGNATURE}/{layout.kind}/1"
    sheet["A2"] = json.dumps(layout.meta, ensure_ascii=False)
    # The markers of column A from row 3 on, and the rows holding something right of them.
    markers: dict[int, str] = {}
    filled: set[int] = set()

    row_number = 3
    for line in layout.preamble:
        preamble = sheet.cell(row_number, FIRST_COLUMN)
        _set_text(preamble, line)
        if layout.preamble_field:
            markers[row_number] = f"preamble|{layout.preamble_field}={get_column_letter(FIRST_COLUMN)}"
        preamble.font = PREAMBLE_FONT
        if not _blank(preamble.value):
            filled.add(row_number)
        row_number += 1
    title = sheet.cell(row_number, FIRST_COLUMN, layout.title)
    title.font = TITLE_FONT
    title.alignment = TITLE_ALIGNMENT
    sheet.merge_cells(
        start_row=row_number, start_column=FIRST_COLUMN, end_row=row_number, end_column=last_column
    )
    sheet.row_dimensions[row_number].height = 30
    if not _blank(title.value):
        filled.add(row_number)
    row_number += 1
    middle = FIRST_COLUMN + max(layout.columns // 2, 1) - 1
    left = sheet.cell(row_number, FIRST_COLUMN)
    _set_text(left, layout.subtitle_left)
    sheet.merge_cells(start_row=row_number, start_column=FIRST_COLUMN, end_row=row_number, end_column=middle)
    right = sheet.cell(row_number, middle + 1)
    _set_text(right, layout.subtitle_right)
    right.alignment = RIGHT_ALIGNMENT
    if last_column > middle + 1:
        sheet.merge_cells(
            start_row=row_number, start_column=middle + 1, end_row=row_number, end_column=last_column
        )
    if not (_blank(left.value) and _blank(right.value)):
        filled.add(row_number)
    title_rows_end = row_number
    row_number += 1

    spans = SpanWriter(sheet)
    heights: dict[int, float] = {}
    for table in layout.tables:
        placed = list(place(table))
        for r, c, cell in placed:
            excel_row, excel_column = row_number + r, FIRST_COLUMN + c
            value, number_format = _cell_content(cell)
            target = spans.write(excel_row, excel_column, cell, number_format)
            # After the style: a text starting like a formula adds its quote prefix to the copied style.
            if value is not None:
                set_value(target, value)
                if not _blank(target.value):
                    filled.add(excel_row)
            width = sum(layout.widths[c : c + cell.colspan])
            per_row = _lines(cell.text, width) * 14 / cell.rowspan
            heights[excel_row] = max(heights.get(excel_row, 16), per_row + 4)
        markers.update(_row_markers(table, placed, row_number))
        row_number += len(table.rows)
    # Every other row written (titles, headers, labels, totals) is marked as ours too: on import a row
    # holding something but no marker is one added by hand, reported by read_xlsx.
    for number in sorted(filled - markers.keys()):
        markers[number] = LABEL_MARKER
    for number, marker in sorted(markers.items()):
        sheet.cell(number, 1, marker)
    for number, height in heights.items():
        sheet.row_dimensions[number].height = min(height, 409)

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{3}:{title_rows_end}"
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    # The print footer says what the file is: a frozen file's verification code, or not approved.
    sheet.oddFooter.left.text = (
        f"{stamp.identity}　校验码 {stamp.display_code}" if stamp else LIVE_NOTE
    ).replace("&", "&&")
    sheet.oddFooter.left.size = 7
    sheet.print_options.horizontalCentered = True
    return workbook_bytes(workbook)


# --- reading back -------------------------------------------------------------------------------


@dataclass
class FieldValue:
    value: object  # str, Decimal or None
    coordinate: str  # "F12", for messages
    origin: str  # top-left coordinate of the merged range holding it (groups rows of one task)


@dataclass
class MarkedRow:
    kind: str
    number: int
    fields: dict[str, FieldValue]

    def get(self, name: str, default=""):
        field = self.fields.get(name)
        return default if field is None or field.value is None else field.value


@dataclass
class ReadSheet:
    kind: str
    meta: dict
    title: str
    rows: list[MarkedRow]
    # Rows holding something but no marker: ``(row number, their first text)``. Only in files whose
    # every printed row is marked (exported since the label marker exists); empty for older files.
    unmarked: list[tuple[int, str]] = field(default_factory=list)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank_row(sheet, number: int) -> bool:
    """Whether row ``number`` holds nothing right of the marker column (cells covered by a merge
    read as empty: their value is the merge's first cell's)."""
    return all(
        _blank(sheet.cell(number, column).value) for column in range(FIRST_COLUMN, sheet.max_column + 1)
    )


def _row_text(sheet, number: int) -> str:
    values = (sheet.cell(number, column).value for column in range(FIRST_COLUMN, sheet.max_column + 1))
    return " ".join(str(value).strip() for value in values if not _blank(value))


def _error(sheet_title: str, coordinate: str, message: str) -> ValidationError:
    return ValidationError(f"工作表“{sheet_title}”单元格{coordinate}：{message}")


def _number(raw, style: str, sheet_title: str, coordinate: str) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _error(sheet_title, coordinate, f"“{raw}”不是数字。")
    if isinstance(raw, str):
        text = ascii_number(raw)
        # Blank, or the “—” / “/” a printed form puts where there is nothing.
        if not text or is_empty_mark(text):
            return None
        if style == Style.PERCENT:
            text = text.removesuffix("%").strip()
        # One grammar (core.money.plain_number): “1,2”, “5e2”, “50%” in an amount cell are refused.
        plain = plain_number(text)
        if plain is None:
            raise _error(sheet_title, coordinate, f"“{raw}”不是数字。")
        text = plain
    else:
        text = str(raw)  # openpyxl's floats, as Excel shows them (never their binary value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _error(sheet_title, coordinate, f"“{raw}”不是数字。") from None
    if not number.is_finite():
        raise _error(sheet_title, coordinate, f"“{raw}”不是数字。")
    if style == Style.PERCENT and not isinstance(raw, str):
        number *= HUNDRED
    if style != Style.AMOUNT:
        return round_money(number)
    if isinstance(raw, float) and abs(number) <= AMOUNT_MAX:
        # A number Excel computed may carry binary noise far below the 分 (0.30000000000000004): drop it.
        kept = number.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)
        if abs(number - kept) < AMOUNT_QUANTUM / 1000:
            number = kept
    try:
        check_amount(number, shown=raw)
    except ValueError as error:
        raise _error(sheet_title, coordinate, str(error)) from None
    return number


def _convert(raw, style: str, sheet_title: str, coordinate: str):
    if isinstance(raw, str) and raw.startswith("=") and style != Style.TEXT:
        raise _error(sheet_title, coordinate, "含有公式，请改为数值。")
    if style in {Style.AMOUNT, Style.NUMBER, Style.PERCENT}:
        return _number(raw, style, sheet_title, coordinate)
    if raw is None:
        return ""
    text = str(raw) if not isinstance(raw, float) else format(Decimal(str(raw)), "f")
    if found := control_character(text):
        raise _error(sheet_title, coordinate, f"含有不可见的控制字符（{found}），请删除后重新导入。")
    if style == Style.RICH:
        # Paragraphs come back one per line: the entry pages and the renderers read both forms.
        return "\n".join(p.strip() for p in text.split("\n") if p.strip())
    return text.strip()


def read_xlsx(content: bytes, *, expected_kind: str | None = None) -> ReadSheet:
    """Read a workbook we exported (possibly edited in Excel) into marked rows.

    Raises ValidationError with a message naming the sheet and cell for a file that is not ours,
    a broken file, a formula or a value that is not a number.
    """
    workbook, sizes = open_xlsx(content)
    sheet = workbook.worksheets[0]
    signature = sheet["A1"].value
    if not isinstance(signature, str) or not signature.startswith(f"{SIGNATURE}/"):
        raise _error(sheet.title, "A1", "不是本系统导出的表格（缺少表格标识），请先从本系统导出再编辑。")
    kind = signature.split("/")[1]
    if expected_kind and kind != expected_kind:
        raise _error(sheet.title, "A1", f"表格类型为“{kind}”，不是“{expected_kind}”。")
    try:
        meta = json.loads(sheet["A2"].value or "{}")
    except (TypeError, ValueError):
        raise _error(sheet.title, "A2", "表格标识已损坏。") from None

    origins: dict[str, str] = {}
    values: dict[str, object] = {}
    for merged in sheet.merged_cells.ranges:
        top_left = sheet.cell(merged.min_row, merged.min_col)
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                coordinate = f"{get_column_letter(column)}{row}"
                origins[coordinate] = top_left.coordinate
                values[coordinate] = top_left.value

    rows, unmarked, labelled = [], [], False
    # Within the rows really present (open_xlsx refused a sheet beyond the limits), not the declared ones.
    last_row = min(sheet.max_row, sheet_bounds(sizes, sheet)[0])
    for number in range(3, last_row + 1):
        marker = sheet.cell(number, 1).value
        if marker == LABEL_MARKER:
            labelled = True
            continue
        if _blank(marker):
            if not _blank_row(sheet, number):
                unmarked.append((number, _row_text(sheet, number)))
            continue
        kind_name, *columns = str(marker).split("|")
        fields = {}
        for spec in columns:
            name, _, place_spec = spec.partition("=")
            column, _, code = place_spec.partition(":")
            coordinate = f"{column}{number}"
            origin = origins.get(coordinate, coordinate)
            # Our merges keep a field in its own column (a span starts at the field, a task spans
            # rows); a field covered by a merge from another column means merges were moved.
            if origin.rstrip("0123456789") != column:
                raise _error(
                    sheet.title,
                    coordinate,
                    f"被合并进单元格{origin}，合并单元格已被移动或改动；请从本系统重新导出后再编辑，不要合并或拆分单元格。",
                )
            raw = values[coordinate] if coordinate in values else sheet[coordinate].value
            if sheet[coordinate].data_type == "f" or (isinstance(raw, str) and raw.startswith("=") and code):
                raise _error(sheet.title, coordinate, "含有公式，请改为数值。")
            style = CODE_STYLES.get(code, Style.TEXT)
            fields[name] = FieldValue(
                _convert(raw, style, sheet.title, coordinate), coordinate, origins.get(coordinate, coordinate)
            )
        rows.append(MarkedRow(kind_name, number, fields))
    return ReadSheet(
        kind=kind, meta=meta, title=sheet.title, rows=rows, unmarked=unmarked if labelled else []
    )
