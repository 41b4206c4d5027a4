"""Reading a workbook we did not write: any official layout, recognised by its printed labels.

Our own XLSX is read by its hidden marker column (``xlsx.read_xlsx``). A workbook typed from the
district's template, re-typed in WPS or exported by another system has no markers; what it has are
the printed labels of the official layout. This reader takes the kind's own layout description as its
map, so a new kind or a changed layout is read without code of its own: each kind draws a *template*
(its layout of an empty record with one row in each repeating part, ``KindSpec.template``), and

1. every text is compared squashed (``core.text.squash``: full-width folded to half-width, no
   whitespace or line breaks); blank rows and columns are skipped; a merged range reads as its
   top-left cell;
2. the kind is the one whose title and labels the sheet carries best;
3. the template's rows are found in the sheet in order: a row of labels by its labels; a field by the
   label printed left of it (the value is the cell to its right) or by the column heading printed
   above it; a repeating part (tasks, indicators, projects) is every row between its column headings
   and the next labelled row, each field read under its column heading;
4. a ``block`` field (一级, 二级, a task over its indicator rows) written once is filled down into the
   rows below it left blank;
5. the result is the same ``ReadSheet`` of marked rows our own reader gives, which the kind's
   ``read_sheet`` turns into records.

Cells it could not place are notes, by sheet and cell; values it cannot read (an amount that is not a
number, a formula without a computed value) are problems, and a file with problems is not imported.
"""

import math
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from core.exports.layout import Cell, Layout, Style, place
from core.exports.limits import open_xlsx, sheet_bounds
from core.exports.xlsx import SIGNATURE, FieldValue, MarkedRow, ReadSheet, _convert, workbook_bytes
from core.kinds import KindSpec, Loaded, Variant, kinds
from core.models import Department
from core.text import same_label, squash, squash_core

# A template is drawn for this department and year; where they are printed, the sheet's text is read.
DEPARTMENT = "\ue000"
YEAR = 2999
META = "@meta"  # the pseudo-field of a cell printing the department or the year
COORDINATE = re.compile(r"单元格([A-Z]{1,3}[0-9]{1,7})")
QUOTED = re.compile(r"“([^”]{1,200})”")


@dataclass
class Problem:
    sheet: str
    coordinate: str  # "" when no one cell is at fault
    message: str

    def __str__(self) -> str:
        where = f"单元格{self.coordinate}：" if self.coordinate else ""
        return f"工作表“{self.sheet}”{where}{self.message}"


# --- the template ---------------------------------------------------------------------------------


def _pattern(text: str) -> re.Pattern | None:
    """A regex for a printed text holding the template's department or year, or None."""
    squashed = squash(text)
    if DEPARTMENT not in squashed and str(YEAR) not in squashed:
        return None
    regex = re.escape(squashed)
    regex = re.sub(f"{YEAR}(?:年度|年)?", r"(?:(?P<year>\\d{4})(?:年度|年)?)?", regex, count=1)
    regex = regex.replace(re.escape(DEPARTMENT), "(?P<department>.*?)", 1)
    return re.compile(regex)


@dataclass
class Slot:
    """One cell of the template: where it starts, how wide it is, what it holds."""

    row: int
    column: int
    colspan: int
    rowspan: int
    cell: Cell

    @property
    def label(self) -> bool:
        return self.cell.style == Style.LABEL and not self.cell.field

    @property
    def text(self) -> str:
        return squash(self.cell.text) if self.label else ""

    @property
    def name(self) -> str:
        """The field it holds; META for a cell printing the department or the year; "" otherwise."""
        if self.cell.field:
            return self.cell.field
        return META if not self.label and _pattern(self.cell.text) else ""

    def covers(self, column: int) -> bool:
        return self.column <= column < self.column + self.colspan


def _fixed_text(slot: Slot) -> bool:
    """A field printed with a fixed text even when empty (“其中：部门年度整体预算完成率：”)."""
    text = slot.cell.text
    return bool(slot.cell.field and slot.cell.style == Style.TEXT and squash(text) and not _pattern(text))


@dataclass
class TemplateRow:
    index: int
    table: int
    marker: str
    repeats: bool
    own: list[Slot]  # the cells starting in this row, left to right
    covering: list[Slot]  # every cell covering this row, those spanning down from above included

    @property
    def labels(self) -> list[Slot]:
        return [slot for slot in self.own if slot.label and slot.text]

    @property
    def header(self) -> bool:
        """A row of labels only: column headings for the rows below."""
        return not self.marker and all(slot.label for slot in self.own)

    @property
    def prefix(self) -> str:
        """The fixed text a field of this row starts with even when empty (“其中：部门年度整体预算完成率：”)."""
        for slot in self.own:
            if _fixed_text(slot):
                return squash(slot.cell.text)
        return ""

    @property
    def anchored(self) -> bool:
        return bool(self.labels or self.prefix)


@dataclass
class Template:
    spec: KindSpec
    layout: Layout
    rows: list[TemplateRow]
    variant: Variant | None = None  # a layout a district may choose; None for the kind's default

    @classmethod
    def of(cls, spec: KindSpec, variant: Variant | None = None) -> "Template":
        record = spec.template(DEPARTMENT, YEAR)
        layout = spec.layout(record) if variant is None else variant.build({**record, "layout": variant.name})
        rows: list[TemplateRow] = []
        for number, table in enumerate(layout.tables):
            offset = len(rows)
            slots = [Slot(offset + r, c, cell.colspan, cell.rowspan, cell) for r, c, cell in place(table)]
            for r, row in enumerate(table.rows):
                index = offset + r
                rows.append(
                    TemplateRow(
                        index=index,
                        table=number,
                        marker=row.marker,
                        repeats=row.repeats,
                        own=[s for s in slots if s.row == index],
                        covering=[s for s in slots if s.row <= index < s.row + s.rowspan],
                    )
                )
        return cls(spec, layout, rows, variant)

    @property
    def labels(self) -> set[str]:
        return {slot.text for row in self.rows for slot in row.labels}

    def header_above(self, row: TemplateRow) -> TemplateRow | None:
        for other in reversed(self.rows[: row.index]):
            if other.table != row.table:
                return None
            if other.header:
                return other
        return None

    def steps(self) -> list[list[TemplateRow]]:
        """The rows in order, a run of repeating rows as one step."""
        steps: list[list[TemplateRow]] = []
        for row in self.rows:
            if row.repeats and steps and steps[-1][0].repeats and steps[-1][0].table == row.table:
                steps[-1].append(row)
            else:
                steps.append([row])
        return steps


# --- the sheet ------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One cell of a sheet's row as read: a merged range counts once, at its top-left."""

    row: int
    start: int
    end: int
    origin: tuple[int, int]
    raw: object
    formula: bool

    @property
    def own(self) -> bool:
        return self.origin[0] == self.row

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.origin[1])}{self.origin[0]}"

    @property
    def text(self) -> str:
        return "" if self.raw is None else str(self.raw).strip()

    @cached_property
    def squashed(self) -> str:
        return squash(self.raw)

    @cached_property
    def core(self) -> str:
        return squash_core(self.raw)


class Grid:
    """A worksheet's cells, merges resolved, with its blank rows and columns left out."""

    def __init__(self, sheet, values_sheet, bounds: tuple[int, int]):
        self.title = sheet.title
        last_row = min(sheet.max_row, bounds[0])
        last_column = min(sheet.max_column, bounds[1])
        self.columns = last_column
        self.values: dict[tuple[int, int], object] = {}
        self.formulas: set[tuple[int, int]] = set()
        for row in sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_column):
            for cell in row:
                if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                    continue
                key = (cell.row, cell.column)
                if cell.data_type == "f":
                    self.formulas.add(key)
                    self.values[key] = values_sheet.cell(cell.row, cell.column).value
                else:
                    self.values[key] = cell.value
        self.origins: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in sheet.merged_cells.ranges:
            if merged.min_row > last_row or merged.min_col > last_column:
                continue
            for r in range(merged.min_row, min(merged.max_row, last_row) + 1):
                for c in range(merged.min_col, min(merged.max_col, last_column) + 1):
                    self.origins[(r, c)] = (merged.min_row, merged.min_col)
        self.used_columns = {c for _r, c in self.values}
        self.rows = sorted({r for (r, _c), value in self.values.items() if value is not None})
        self._entries: dict[int, list[Entry]] = {}

    def entries(self, row: int) -> list[Entry]:
        if row not in self._entries:
            entries: list[Entry] = []
            for column in range(1, self.columns + 1):
                origin = self.origins.get((row, column), (row, column))
                if entries and entries[-1].origin == origin:
                    entries[-1].end = column
                    continue
                if origin not in self.values and column not in self.used_columns:
                    continue  # a blank column
                entries.append(
                    Entry(row, column, column, origin, self.values.get(origin), origin in self.formulas)
                )
            self._entries[row] = entries
        return self._entries[row]

    def texts(self) -> set[str]:
        return {squash(value) for value in self.values.values() if value is not None}


def _matches(labels: list[Slot], entries: list[Entry], *, loose: bool = False) -> list[tuple[Slot, Entry]]:
    """The labels found among a row's own cells (a repeated label matches its next copy).

    ``loose`` (column headings) also takes a heading that contains the label or is contained in it
    (“任务名称” for “名称”) when no cell is the label itself.
    """
    found: dict[int, tuple[Slot, Entry]] = {}
    used: set[tuple[int, int]] = set()
    # The row's cells by their text and by their core: a label is looked up, not compared with each.
    by_text: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.own and entry.squashed:
            by_text.setdefault(entry.squashed, []).append(entry)
            if entry.core:
                by_text.setdefault(f"\0{entry.core}", []).append(entry)
    for index, slot in enumerate(labels):
        core = squash_core(slot.text)
        candidates = by_text.get(slot.text, []) + (by_text.get(f"\0{core}", []) if core else [])
        for entry in sorted(candidates, key=lambda e: e.start):
            if entry.origin not in used:
                found[index] = (slot, entry)
                used.add(entry.origin)
                break
    if loose:
        for index, slot in enumerate(labels):
            core = squash_core(slot.text)
            if index in found or len(core) < 2:
                continue
            for entry in entries:
                text = squash_core(entry.squashed)
                if (
                    entry.own
                    and entry.origin not in used
                    and len(text) >= 2
                    and (core in text or text in core)
                ):
                    found[index] = (slot, entry)
                    used.add(entry.origin)
                    break
    return [found[index] for index in sorted(found)]


def _row_matches(row: TemplateRow, entries: list[Entry]) -> bool:
    if row.prefix and any(entry.own and entry.squashed.startswith(row.prefix) for entry in entries):
        return True
    labels = row.labels
    if not labels:
        return False
    return len(_matches(labels, entries)) >= max(1, math.ceil(len(labels) / 2))


# --- reading --------------------------------------------------------------------------------------


@dataclass
class Reading:
    """What the label reader made of one sheet."""

    spec: KindSpec
    sheet: ReadSheet
    department: str = ""  # the department as the sheet prints it
    department_cell: str = ""
    year: int | None = None
    year_cell: str = ""
    notes: list[Problem] = field(default_factory=list)  # cells not placed: not imported
    problems: list[Problem] = field(default_factory=list)  # values not readable: the file is refused
    cells: dict[str, str] = field(default_factory=dict)  # every text of the sheet, squashed, by cell
    layout: str = ""  # the variant whose labels the sheet carries ("" for the kind's default)


class _Reader:
    def __init__(self, template: Template, grid: Grid):
        self.template = template
        self.grid = grid
        self.consumed: set[tuple[int, int]] = set()
        self.rows: list[MarkedRow] = []
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.meta: dict[str, tuple[object, str]] = {}
        self.columns: dict[int, dict[int, tuple[int, int]]] = {}  # header row → slot column → range
        self.labels = template.labels

    # values

    def problem(self, coordinate: str, message: str) -> None:
        self.problems.append(Problem(self.grid.title, coordinate, message))

    def value(self, slot: Slot, entry: Entry | None, row: int, column: int = 1) -> FieldValue:
        if entry is None:
            coordinate = f"{get_column_letter(column)}{row}"
            return FieldValue(None if slot.cell.style in NUMERIC else "", coordinate, coordinate)
        self.consumed.add(entry.origin)
        style = Style.TEXT if slot.cell.style == Style.LABEL else slot.cell.style
        raw = entry.raw
        if entry.formula and raw is None:
            self.problem(
                entry.coordinate,
                "含有公式但没有计算结果，请改为数值（或在 Excel/WPS 中打开并保存后再导入）。",
            )
            raw = None
        try:
            value = _convert(raw, style, self.grid.title, entry.coordinate)
        except Exception as error:  # ValidationError naming the sheet and cell
            messages = getattr(error, "messages", [str(error)])
            for message in messages:
                self.problem(entry.coordinate, message.split("：", 1)[-1])
            value = None if style in NUMERIC else ""
        return FieldValue(value, f"{get_column_letter(entry.start)}{row}", entry.coordinate)

    def read_meta(self, slot: Slot, entry: Entry | None) -> None:
        if entry is None or not entry.text:
            return
        self.consumed.add(entry.origin)
        self.found(_pattern(slot.cell.text), entry.squashed, entry.coordinate)

    def found(
        self,
        pattern: re.Pattern | None,
        text: str,
        coordinate: str,
        captured: bool = False,
        partial: bool = False,
    ) -> bool:
        """Whether ``text`` is the printed ``pattern``; the department and year it names are noted.

        ``partial`` (a title) also takes a text with more words around it (“…申报表（草稿）”).
        """
        if pattern is None:
            return False
        match = pattern.fullmatch(text) or (pattern.search(text) if partial else None)
        if match is None or (captured and not any(match.groupdict().values())):
            return False
        for key, value in match.groupdict().items():
            if value and key not in self.meta:
                self.meta[key] = (int(value) if key == "year" else value, coordinate)
        return True

    # rows

    def header_ranges(self, header: TemplateRow, entries: list[Entry]) -> dict[int, tuple[int, int]]:
        ranges = {}
        for slot, entry in _matches(header.labels, entries, loose=True):
            ranges[slot.column] = (entry.start, entry.end)
            self.consumed.add(entry.origin)
        self.columns[header.index] = ranges
        return ranges

    def column_range(self, slot: Slot, header: TemplateRow | None, exact: bool) -> tuple[int, int] | None:
        if header is None or header.index not in self.columns:
            return None
        for label in header.labels:
            if label.covers(slot.column) and (
                not exact or (label.column == slot.column and label.colspan == slot.colspan)
            ):
                return self.columns[header.index].get(label.column)
        return None

    def fixed_row(self, template_row: TemplateRow, number: int) -> None:
        entries = self.grid.entries(number)
        for _slot, entry in _matches(template_row.labels, entries):
            self.consumed.add(entry.origin)
        if template_row.header:
            self.header_ranges(template_row, entries)
            return
        header = self.template.header_above(template_row)
        fields: dict[str, FieldValue] = {}
        own = template_row.own
        matched = dict((id(s), e) for s, e in _matches(template_row.labels, entries))
        for position, slot in enumerate(own):
            if slot.label:
                continue
            entry = self.locate(slot, position, own, matched, entries, header)
            if slot.name == META:
                self.read_meta(slot, entry)
            elif slot.cell.field:
                fields[slot.cell.field] = self.value(slot, entry, number)
                if _pattern(slot.cell.text):
                    self.read_meta(slot, entry)  # a field printing the department (“…司法局(部门)”)
            elif entry is not None:
                self.consumed.add(entry.origin)  # a computed cell (a total, a rate)
        if template_row.marker and fields:
            self.rows.append(MarkedRow(template_row.marker, number, fields))

    def locate(self, slot, position, own, matched, entries, header) -> Entry | None:
        """The sheet's cell holding a field of a fixed row."""
        by_heading = self.column_range(slot, header, exact=True)
        if by_heading is not None:
            return _first_in(entries, by_heading, own_only=True)
        if _fixed_text(slot):
            prefix = squash(slot.cell.text)
            return next((e for e in entries if e.own and e.squashed.startswith(prefix)), None)
        # The nearest label to its left, and the cells between it and the next label.
        left = next((s for s in reversed(own[:position]) if s.label and s.text), None)
        if left is not None and id(left) not in matched:
            return None
        start = matched[id(left)].end if left is not None else 0
        slots_after = []
        for other in own[own.index(left) + 1 if left is not None else 0 :]:
            if other.label and other.text:
                break
            if not other.label:
                slots_after.append(other)
        cells_after = []
        for entry in entries:
            if entry.start <= start or not entry.own:
                continue
            if entry.squashed and any(same_label(text, entry.squashed) for text in self.labels):
                break
            cells_after.append(entry)
        index = slots_after.index(slot)
        if len(slots_after) == 1:
            return next((e for e in cells_after if e.text), cells_after[0] if cells_after else None)
        return cells_after[index] if index < len(cells_after) else None

    def repeating(self, step: list[TemplateRow], numbers: list[int]) -> int:
        """Read the rows of a repeating part; how many rows it took (a note below it ends it)."""
        header = self.template.header_above(step[0])
        markers: dict[str, dict[int, Slot]] = {}
        label_spans = []
        for template_row in step:
            slots = markers.setdefault(template_row.marker, {})
            for slot in template_row.covering:
                if not slot.label or slot.cell.field:
                    slots.setdefault(slot.column, slot)
                elif span := self.column_range(slot, header, exact=False):
                    label_spans.append(span)
        ranges = {
            marker: {column: self.column_range(slot, header, exact=False) for column, slot in slots.items()}
            for marker, slots in markers.items()
        }
        last: dict[str, dict[str, FieldValue]] = {}
        for taken, number in enumerate(numbers):
            entries = self.grid.entries(number)
            if any(
                e.own and e.text and span[0] <= e.origin[1] <= span[1]
                for e in entries
                for span in label_spans
            ):
                return taken  # text under the part's own row heading (“绩效指标”): a note below the table
            if header is not None and _row_matches(header, entries):
                for _slot, entry in _matches(header.labels, entries):
                    self.consumed.add(entry.origin)
                continue  # the column headings printed again (a new page)
            marker = self.classify(markers, ranges, entries)
            fields: dict[str, FieldValue] = {}
            fresh = False
            carried = last.setdefault(marker, {})
            for column, slot in sorted(markers[marker].items()):
                span = ranges[marker][column]
                entry = _first_in(entries, span, own_only=False) if span else None
                if not slot.cell.field:
                    if entry is not None:
                        self.consumed.add(entry.origin)
                    continue
                value = self.value(slot, entry, number, span[0] if span else 1)
                if slot.cell.block:
                    given = entry is not None and entry.text
                    if given and entry.own:
                        fresh = True
                    elif not given and not fresh and slot.cell.field in carried:
                        value = carried[slot.cell.field]
                    carried[slot.cell.field] = value
                fields[slot.cell.field] = value
            if any(v.value not in ("", None) for v in fields.values()):
                self.rows.append(MarkedRow(marker, number, fields))
        return len(numbers)

    @staticmethod
    def classify(markers, ranges, entries) -> str:
        """The row kind of a repeating row: the one whose empty cells (a subtotal's 绩效目标) are empty."""
        names = list(markers)
        if len(names) == 1:
            return names[0]
        best, best_empty = names[-1], 0
        for marker in names:
            empty = [
                ranges[marker][column]
                for column, slot in markers[marker].items()
                if not slot.cell.field and not slot.label and not slot.cell.text
            ]
            blank = all(span and not _text_in(entries, span) for span in empty)
            if empty and blank and len(empty) > best_empty:
                best, best_empty = marker, len(empty)
        return best

    def read(self) -> None:
        rows = self.grid.rows
        steps = self.template.steps()
        position = 0
        first_row = None
        for index, step in enumerate(steps):
            if step[0].repeats:
                later = [row for later_step in steps[index + 1 :] for row in later_step if not row.repeats]
                end = position
                while end < len(rows) and not any(
                    row.anchored and _row_matches(row, self.grid.entries(rows[end])) for row in later
                ):
                    end += 1
                position += self.repeating(step, rows[position:end])
                continue
            template_row = step[0]
            if template_row.anchored:
                found = next(
                    (
                        i
                        for i in range(position, len(rows))
                        if _row_matches(template_row, self.grid.entries(rows[i]))
                    ),
                    None,
                )
                if found is None:
                    continue
            elif position < len(rows):
                found = position
            else:
                continue
            if first_row is None:
                first_row = rows[found]
            self.fixed_row(template_row, rows[found])
            position = found + 1
        self.read_titles(first_row or (rows[0] if rows else 1))

    def read_titles(self, first_row: int) -> None:
        """Title, the lines above it (“表13”, “附件2”), and the lines beside it (部门名称, 年度)."""
        layout = self.template.layout
        texts = (layout.title, layout.subtitle_left, layout.subtitle_right)
        patterns = [p for p in map(_pattern, texts) if p is not None]
        title = _pattern(layout.title)
        fixed = [squash(t) for t in texts if t and _pattern(t) is None]
        above_title: list[Entry] = []
        titled = False
        for number in [r for r in self.grid.rows if r < first_row]:
            entries = [e for e in self.grid.entries(number) if e.own and e.text]
            for position, entry in enumerate(entries):
                if entry.origin in self.consumed:
                    continue
                # “部门名称：” in one cell and the name in the next
                following = entries[position + 1] if position + 1 < len(entries) else None
                if following is not None and any(
                    p.pattern.startswith(re.escape(entry.squashed))
                    and self.found(
                        p, entry.squashed + following.squashed, following.coordinate, captured=True
                    )
                    for p in patterns
                ):
                    self.consumed.update({entry.origin, following.origin})
                    continue
                if (
                    any(same_label(text, entry.squashed) for text in fixed)
                    or any(self.found(p, entry.squashed, entry.coordinate) for p in patterns)
                    or self.found(title, entry.squashed, entry.coordinate, partial=True)
                ):
                    self.consumed.add(entry.origin)
                    titled = True
                    continue
                if not titled:
                    above_title.append(entry)
        preamble = next((e for e in above_title if len(e.text) <= 20), None)
        if layout.preamble_field and preamble is not None:
            self.consumed.add(preamble.origin)
            value = FieldValue(preamble.text, preamble.coordinate, preamble.coordinate)
            self.rows.insert(0, MarkedRow("preamble", preamble.row, {layout.preamble_field: value}))

    def unplaced(self) -> None:
        for origin, value in sorted(self.grid.values.items()):
            if origin in self.consumed or value is None or not str(value).strip():
                continue
            text = str(value).strip().replace("\n", " ")
            coordinate = f"{get_column_letter(origin[1])}{origin[0]}"
            self.notes.append(
                Problem(
                    self.grid.title,
                    coordinate,
                    f"“{text[:30]}{'…' if len(text) > 30 else ''}”不在{self.template.spec.label}的版式中，未导入。",
                )
            )


NUMERIC = {Style.AMOUNT, Style.NUMBER, Style.PERCENT}


def _text_in(entries: list[Entry], span: tuple[int, int]) -> str:
    entry = _first_in(entries, span, own_only=True)
    return entry.text if entry is not None else ""


def _first_in(entries: list[Entry], span: tuple[int, int], *, own_only: bool) -> Entry | None:
    """The first cell of a row whose top-left lies in columns ``span`` (a value first, else a blank)."""
    inside = [
        entry for entry in entries if span[0] <= entry.origin[1] <= span[1] and (entry.own or not own_only)
    ]
    return next((entry for entry in inside if entry.text), inside[0] if inside else None)


# --- choosing the kind ----------------------------------------------------------------------------


def _score(template: Template, grid: Grid) -> float:
    texts = grid.texts()
    cores = {squash_core(text) for text in texts} - {""}
    labels = template.labels
    if not labels:
        return 0.0
    found = sum(1 for label in labels if label in texts or squash_core(label) in cores)
    title = _pattern(template.layout.title) or re.compile(re.escape(squash(template.layout.title)))
    titled = any(title.search(text) for text in texts)
    return found / len(labels) + (1.0 if titled else 0.0)


def read_foreign(content: bytes) -> Reading:
    """Read a workbook in the official layout of any kind that has a template, by its labels.

    Raises ValidationError for a file that is not a workbook or within no limits (``open_xlsx``);
    a sheet that is no kind's layout is a Reading-less ValidationError naming the sheet.
    """
    workbook, sizes = open_xlsx(content)
    values, _sizes = open_xlsx(content, data_only=True)
    # Every kind's default layout first: on a tie (a variant worded like the default) the default wins.
    specs = [spec for spec in kinds() if spec.template is not None]
    templates = [Template.of(spec) for spec in specs]
    templates += [Template.of(spec, variant) for spec in specs for variant in spec.variants]
    best = None
    for sheet in workbook.worksheets:
        grid = Grid(sheet, values[sheet.title], sheet_bounds(sizes, sheet))
        if not grid.rows:
            continue
        for template in templates:
            score = _score(template, grid)
            if best is None or score > best[0]:
                best = (score, template, grid)
    if best is None or best[0] < 0.5:
        title = workbook.worksheets[0].title
        names = "、".join(dict.fromkeys(t.spec.label for t in templates))
        raise _unknown(title, names)
    _score_value, template, grid = best
    reader = _Reader(template, grid)
    reader.read()
    reader.unplaced()
    for sheet in workbook.worksheets:
        if sheet.title != grid.title and Grid(sheet, values[sheet.title], sheet_bounds(sizes, sheet)).rows:
            reader.notes.append(Problem(sheet.title, "", f"只导入了工作表“{grid.title}”，本工作表未导入。"))
    department, department_cell = reader.meta.get("department", ("", ""))
    year, year_cell = reader.meta.get("year", (None, ""))
    sheet = ReadSheet(kind=template.spec.slug, meta={}, title=grid.title, rows=reader.rows)
    return Reading(
        layout=template.variant.name if template.variant is not None else "",
        spec=template.spec,
        sheet=sheet,
        department=str(department),
        department_cell=department_cell,
        year=year,
        year_cell=year_cell,
        notes=reader.notes,
        problems=reader.problems,
        cells={
            f"{get_column_letter(c)}{r}": squash(value)
            for (r, c), value in grid.values.items()
            if value is not None
        },
    )


def _unknown(title: str, names: str) -> ValidationError:
    return ValidationError(
        f"工作表“{title}”：未能识别表格类型——没有找到{names}中任何一种的标题和栏目（如“部门名称”“一级指标”）。"
    )


# --- the user's workbook with the problems written beside their cells -----------------------------


def locate(problem_text: str, content_cells: dict[str, str]) -> str:
    """The cell a message is about: the one it names, else the first cell holding a text it quotes."""
    named = COORDINATE.search(problem_text)
    if named:
        return named.group(1)
    for quoted in QUOTED.findall(problem_text):
        for piece in [quoted, *reversed(quoted.split(" / "))]:  # “一级 / 二级”: the 二级 is the cell
            wanted = squash(piece)
            for coordinate, text in content_cells.items():
                if wanted and text == wanted:
                    return coordinate
    return ""


def annotated(content: bytes, problems: list[Problem], notes: list[Problem] = ()) -> bytes:
    """The user's own workbook with each problem written as a comment on its cell (A1 for the rest).

    Notes (cells not imported) are written the same way, marked as such, so the file shows everything
    the import said where it applies.
    """
    workbook, _sizes = open_xlsx(content)
    by_cell: dict[tuple[str, str], list[str]] = {}
    for problem, prefix in [*((p, "") for p in problems), *((n, "（提示）") for n in notes)]:
        sheet = problem.sheet if problem.sheet in workbook.sheetnames else workbook.sheetnames[0]
        by_cell.setdefault((sheet, problem.coordinate or "A1"), []).append(prefix + problem.message)
    for (sheet_name, coordinate), messages in by_cell.items():
        sheet = workbook[sheet_name]
        cell = sheet[coordinate]
        for merged in sheet.merged_cells.ranges:
            if coordinate in merged:
                cell = sheet.cell(merged.min_row, merged.min_col)
                break
        text = "\n".join(f"• {message}" for message in messages)
        comment = Comment(f"导入问题：\n{text}", "perfbudget")
        comment.width, comment.height = 320, 40 + 30 * len(messages)
        cell.comment = comment
    return workbook_bytes(workbook)


# --- importing ------------------------------------------------------------------------------------


class _Preview(Exception):
    """Raised inside the transaction of a preview: what was loaded is rolled back."""


@dataclass
class ForeignImport:
    """A workbook we did not write, read and (on a preview) loaded and rolled back: what would be stored."""

    spec: KindSpec | None = None
    year: int | None = None
    sheet: str = ""
    department_text: str = ""
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    stored: list[dict] = field(default_factory=list)  # each form's record as stored
    table: dict | None = None  # the kind's table of that year as stored (a 项目支出绩效目标表)
    versions: dict[str, int] = field(default_factory=dict)  # the forms it replaces: name → version
    loaded: list[Loaded] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.problems)


def _department_check(result: ForeignImport, reading: Reading, department: Department) -> None:
    printed = reading.department
    if not printed or department.name in printed or printed in department.name:
        return
    other = next(
        (d.name for d in Department.objects.exclude(pk=department.pk).only("name") if d.name in printed), None
    )
    if other:
        result.problems.append(
            Problem(
                reading.sheet.title,
                reading.department_cell,
                f"此文件是{other}的表格，不能导入{department.name}。",
            )
        )
    else:
        result.notes.append(
            Problem(
                reading.sheet.title,
                reading.department_cell,
                f"表中部门名称为“{printed}”，将导入{department.name}。",
            )
        )


def _located(reading: Reading, messages) -> list[Problem]:
    """Problems from a message each: on the cell it names or quotes (“工作表…单元格C6：…” is not repeated)."""
    problems = []
    for message in messages:
        text = message.split("：", 1)[1] if COORDINATE.search(message) and "：" in message else message
        problems.append(Problem(reading.sheet.title, locate(message, reading.cells), text))
    return problems


def import_foreign(
    content: bytes,
    *,
    department: Department,
    year: int | None = None,
    user=None,
    commit: bool = False,
    versions: dict[str, int] | None = None,
) -> ForeignImport:
    """Read a workbook in an official layout by its labels and load it into ``department``'s drafts.

    Without ``commit`` everything is loaded and then rolled back: the result holds what would be
    stored (the records read back from the database), every problem (the file is then refused) and
    every note (cells not placed). With ``commit`` the same runs for real, all or nothing; ``versions``
    (from the preview) refuse it when a form was saved meanwhile. ``year`` overrides the sheet's.
    """
    result = ForeignImport()
    try:
        reading = read_foreign(content)
    except ValidationError as error:
        result.problems = [Problem("", "", message) for message in error.messages]
        return result
    spec, title = reading.spec, reading.sheet.title
    result.spec, result.sheet = spec, title
    result.department_text = reading.department
    result.problems += reading.problems
    result.notes += reading.notes
    _department_check(result, reading, department)
    result.year = year or reading.year
    if year and reading.year and year != reading.year:
        result.notes.append(
            Problem(title, reading.year_cell, f"表中年度为{reading.year}年，按所选的{year}年导入。")
        )
    if result.year is None:
        result.problems.append(
            Problem(title, "", "表中没有写明年度（标题或“年度”栏），请在“年度”中选择后重新读取。")
        )
    if result.year is None:
        return result
    # Values that could not be read are problems already; the rest is still loaded (and rolled back)
    # so that one upload lists every problem the file has.
    commit = commit and not result.problems
    reading.sheet.meta = {"department": department.name, "year": result.year}
    if reading.layout:
        reading.sheet.meta["layout"] = reading.layout
    try:
        records = spec.read(reading.sheet)
    except ValidationError as error:
        result.problems += _located(reading, error.messages)
        return result
    if not records:
        result.problems.append(Problem(title, "", f"没有读到任何{spec.label}的内容，未导入。"))
        return result
    try:
        with transaction.atomic():
            forms = spec.forms_of(department, result.year).order_by("pk")
            result.versions = {spec.name_of(form): form.version for form in forms}
            if versions is not None and result.versions != versions:
                raise ValidationError("预览之后，本部门该年度的表格已被修改，请重新读取文件、核对后再导入。")
            for record in records:
                result.loaded.append(
                    spec.load(
                        department=department, year=result.year, data=record, user=user, message="导入 XLSX"
                    )
                )
            result.notes += [
                Problem(title, "", warning) for loaded in result.loaded for warning in loaded.warnings
            ]
            result.stored = [spec.record(loaded.form) for loaded in result.loaded]
            if spec.table is not None:
                result.table = spec.table.record(department, result.year)
            if not commit:
                raise _Preview
    except _Preview:
        result.loaded = []
        if result.problems:
            result.stored, result.table = [], None
    except ValidationError as error:
        result.problems += _located(reading, error.messages)
        result.loaded, result.stored, result.table = [], [], None
    return result


def is_ours(content: bytes) -> bool:
    """Whether an upload is a workbook this application wrote (its marker in A1 of any sheet).

    Ours with a sheet put in front of it stays ours: the marker reader says what is wrong (A1).
    """
    workbook, _sizes = open_xlsx(content, read_only=True)
    for sheet in workbook.worksheets:
        value = sheet["A1"].value
        if isinstance(value, str) and value.startswith(f"{SIGNATURE}/"):
            return True
    return False
