"""The official layout of a form, described once.

A :class:`Layout` is a title block and one or more tables of :class:`Row` s of :class:`Cell` s with
row and column spans, in a grid of fixed column widths. Each kind's builder turns the form's data
(the shape of ``fixtures/seeds``) into a Layout; the HTML and XLSX renderers draw the same Layout, so
the PDF and the spreadsheet cannot drift apart.

Import reads the description back: a row that carries data has a ``marker`` naming its row kind and
which of its cells hold which fields; the XLSX renderer writes that into a hidden column, and the
reader maps the cells of each marked row back to fields. A workbook we did not write is read by the
same description (``core/exports/foreign.py``): its printed labels locate the rows, a row that
``repeats`` (a task, an indicator) is read under its column headings, and a ``block`` cell (一级, 二级,
a task spanning its indicator rows) may be written once for the rows below it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from core.money import format_amount, format_percent, format_points
from core.richtext import rich_text_paragraphs


class Style:
    LABEL = "label"  # a printed heading of the form
    TEXT = "text"  # short text typed by the department
    RICH = "rich"  # long text kept as paragraphs
    AMOUNT = "amount"  # 万元, #,##0.00
    PERCENT = "percent"  # 99.91 → 99.91%
    NUMBER = "number"  # a score or a weight, 0.00


@dataclass
class Cell:
    value: object = ""
    colspan: int = 1
    rowspan: int = 1
    style: str = Style.TEXT
    field: str = ""  # the data field this cell holds, for import; "" for printed labels
    blank_zero: bool = False  # the published table leaves zero amounts blank
    align: str = ""  # "center" / "left" / "right"; default by style
    joined: bool = False  # continues the cell above across a repeated table header (no rule between)
    block: bool = False  # heads a block of rows (merged down); a reader fills it into rows left blank
    places: int | None = 2  # an amount's printed decimals (a layout's precision; None: as many as it has)

    @property
    def text(self) -> str:
        """The value as printed."""
        value = self.value
        if value is None or value == "":
            return ""
        # Amounts print two decimals half-up (the stored value keeps its six); weights and scores the
        # decimals they have (39.2分). None of these raises, whatever was stored.
        if self.style == Style.AMOUNT:
            return "" if self.blank_zero and _is_zero(value) else format_amount(value, self.places)
        if self.style == Style.PERCENT:
            return format_percent(value)
        if self.style == Style.NUMBER:
            return format_points(value)
        if self.style == Style.RICH:
            return "\n".join(rich_text_paragraphs(str(value)))
        return str(value)

    @property
    def paragraphs(self) -> list[str]:
        if self.style == Style.RICH:
            return rich_text_paragraphs(str(self.value or ""))
        return self.text.split("\n") if self.text else []

    @property
    def horizontal(self) -> str:
        if self.align:
            return self.align
        if self.style in {Style.AMOUNT, Style.PERCENT, Style.NUMBER}:
            return "right"
        if self.style == Style.LABEL:
            return "center"
        return "left"


def _is_zero(value) -> bool:
    try:
        return Decimal(value) == 0
    except ArithmeticError:
        return False


def label(text: str, colspan: int = 1, rowspan: int = 1, **kwargs) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, style=Style.LABEL, **kwargs)


@dataclass
class Row:
    cells: list[Cell]
    marker: str = ""  # the row kind for import ("task", "indicator", …); "" for rows of labels only
    repeats: bool = False  # one of a list of rows (tasks, indicators), printed as many times as there are

    def field_cells(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.field]


@dataclass
class Table:
    rows: list[Row]
    header_rows: int = 0  # the first rows, repeated at the top of every page


@dataclass
class Layout:
    kind: str
    title: str
    widths: list[float]  # relative column widths, in characters
    tables: list[Table]
    preamble: list[str] = field(default_factory=list)  # lines above the title ("附件2", "表13")
    preamble_field: str = ""  # the data field the preamble line holds, for import
    subtitle_left: str = ""  # "部门名称：…" under the title
    subtitle_right: str = ""  # "单位：万元"
    landscape: bool = True
    meta: dict = field(default_factory=dict)  # identity of the form, written into the file for import
    kind_label: str = ""

    @property
    def columns(self) -> int:
        return len(self.widths)

    def check(self) -> None:
        """Every row must fill the grid exactly, counting the cells that span down from rows above."""
        for table in self.tables:
            covered = set()
            for r, c, cell in place(table):
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if (r + dr, c + dc) in covered or c + dc >= self.columns:
                            raise ValueError(
                                f"{self.kind}: cell ({r}, {c + dc}) is covered twice or off the grid"
                            )
                        covered.add((r + dr, c + dc))
            expected = {(r, c) for r in range(len(table.rows)) for c in range(self.columns)}
            if covered != expected:
                raise ValueError(f"{self.kind}: cells not covered: {sorted(expected - covered)[:5]}")


def place(table: Table):
    """Yield ``(row, column, cell)`` for every cell, skipping grid positions spanned from above."""
    spanned: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        column = 0
        for cell in row.cells:
            while (r, column) in spanned:
                column += 1
            yield r, column, cell
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    spanned.add((r + dr, column + dc))
            column += cell.colspan


def indicator_tree_rows(
    tree, indicators, *, leading: list[Cell], marker: str, cells, level1_text=None, level2_text=None
) -> list[Row]:
    """Rows of an indicator table grouped under the scheme's 一级/二级, every 二级 shown even when empty.

    ``tree`` is ``[(一级 name, [二级 name, …]), …]``; ``indicators`` are dicts with level1/level2;
    ``cells(indicator or None)`` returns the cells after the 二级 column; ``leading`` cells open the
    first row (e.g. the table's row label, spanning every row). ``level1_text`` and ``level2_text``
    print a 一级 / 二级 another way (with its points, with a province's suffix).
    """
    by_category: dict[tuple[str, str], list[dict]] = {}
    for indicator in indicators:
        by_category.setdefault((indicator["level1"], indicator["level2"]), []).append(indicator)
    rows: list[Row] = []
    for level1, children in tree:
        level1_rows = sum(max(1, len(by_category.get((level1, level2), []))) for level2 in children)
        for child_index, level2 in enumerate(children):
            items = by_category.get((level1, level2), []) or [None]
            for item_index, item in enumerate(items):
                row_cells = []
                if child_index == 0 and item_index == 0:
                    text = level1_text(level1) if level1_text else level1
                    row_cells.append(
                        Cell(text, rowspan=level1_rows, style=Style.LABEL, field="level1", block=True)
                    )
                if item_index == 0:
                    text = level2_text(level2) if level2_text else level2
                    row_cells.append(
                        Cell(text, rowspan=len(items), style=Style.LABEL, field="level2", block=True)
                    )
                rows.append(Row([*row_cells, *cells(item)], marker=marker, repeats=True))
    if rows and leading:
        for cell in leading:
            cell.rowspan = len(rows)
        rows[0].cells[:0] = leading
    return rows
