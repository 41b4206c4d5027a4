"""The PDF typesetter: a :class:`~core.exports.layout.Layout` drawn straight into PDF.

Every official form is the same thing — a title block and tables on a grid of fixed column widths,
cells spanning rows and columns, text in one serif font — so the PDF is set by this module rather
than by a general HTML/CSS engine. WeasyPrint did it before, and profiling one render of seed 000
(0.28–0.33 s of CPU) found the time spread over its Python cascade, box tree, table layout and
drawing, none of which a form needs in general form; setting the grid directly takes a few
milliseconds of Python per page (docs/benchmarks.md, issue 17).

What it does, in print terms (the look of the former print stylesheet, kept):

- A4 (landscape unless the layout says portrait), margins 14/12/21/12 mm; body 9.5 pt, line height
  1.35; Noto Serif CJK SC — the prepared common cut (``core/exports/fonts.py``) and, glyph by glyph,
  the full system font for a character outside it (a rare name still prints).
- Above the first table: preamble lines (11 pt), the title (16 pt bold, centred), the subtitle left
  and right (10 pt).
- Cells: 0.6 pt rules, padding 1.2 × 1.4 mm, text centred vertically; labels bold and centred,
  numbers right-aligned on one line, text left; long texts' paragraphs indented 2 em, 1 mm apart. Lines
  break between any two CJK characters (not before closing or after opening punctuation), Latin text
  at spaces, and a word longer than the cell anywhere.
- Pages: a row is kept whole on a page (moved to the next when it does not fit) unless it is taller
  than a page: then its lines continue over the next pages; a table's header rows repeat
  at the top of each page it continues on; a cell spanning rows that cross a page is drawn on both,
  its text where it starts (and continuing, if it is long); a row that starts such a cell moves to
  the next page when that cell's text would not fit. A ``joined`` cell has no rule above it.
- The footer: “第 N 页 共 M 页”; at the left the verification stamp of a frozen file (who, which
  version, approved when, the code and the URL) with its QR code at the right, or the note that a
  live rendering is not the approved text.

Text is drawn cell by cell, line by line, so ``pdftotext -raw`` reads each cell's text in order; each
font carries a ToUnicode map. The output is deterministic: the same layout gives the same bytes.
"""

import hashlib
import io
import re
import zlib
from dataclasses import dataclass, field
from functools import cache

import pydyf
import segno
import uharfbuzz as hb

from core.exports import fonts
from core.exports.layout import Layout, Style, place
from core.exports.stamp import LIVE_NOTE, QR_SIZE_MM, Stamp

ENGINE = "perfbudget-typeset 1"  # part of a stored PDF's key: bump when the output changes

MM = 72 / 25.4
A4 = (595.2756, 841.8898)  # portrait width, height in points
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = 14 * MM, 12 * MM, 21 * MM, 12 * MM
BODY_SIZE = 9.5
LINE_HEIGHT = 1.35
RULE = 0.6
PAD_V, PAD_H = 1.2 * MM, 1.4 * MM
PARAGRAPH_GAP = 1 * MM
TABLE_GAP = 4 * MM
# Characters after which a line does not end, and before which it does not begin.
NO_END = set("（〔［｛〈《「『【“‘([{")
NO_START = set("，。、；：？！）〕］｝〉》」』】”’％‰℃…—～·,.;:?!)]}%")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
ZLIB_LEVEL = 6


def _wide(char: str) -> bool:
    """Characters between which a line may break (CJK ideographs, kana, full-width forms, symbols)."""
    point = ord(char)
    return point >= 0x2E80 or 0x2010 <= point <= 0x2027 or 0x3000 <= point


# --- fonts ---------------------------------------------------------------------------------------


class Face:
    """One font file of the print family: glyphs and advances looked up once, and subset on demand."""

    def __init__(self, blob: hb.Blob, index: int, name: str):
        self.face = hb.Face(blob, index)
        self.font = hb.Font(self.face)
        self.name = name
        self.upem = self.face.upem
        extents = self.font.get_font_extents("ltr")
        self.ascender = extents.ascender / self.upem
        self.descender = -extents.descender / self.upem
        self._glyphs: dict[int, tuple[int, float] | None] = {}

    def glyph(self, point: int) -> tuple[int, float] | None:
        """``(glyph id, advance in em)`` of a code point, or None when the font lacks it."""
        try:
            return self._glyphs[point]
        except KeyError:
            gid = self.font.get_nominal_glyph(point)
            found = None if not gid else (gid, self.font.get_glyph_h_advance(gid) / self.upem)
            self._glyphs[point] = found
            return found

    def glyph_advance(self, gid: int) -> float:
        return self.font.get_glyph_h_advance(gid) / self.upem

    def subset(self, gids) -> bytes:
        """An OpenType font keeping only ``gids`` (at their own ids, so the content stream's ids hold)."""
        subset = hb.SubsetInput()
        subset.glyph_set.update(gids)
        subset.flags = hb.SubsetFlags.RETAIN_GIDS
        drop = subset.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
        drop.update(
            int.from_bytes(tag.encode("ascii"), "big")
            for tag in ("GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx")
        )
        return bytes(hb.subset(self.face, subset).blob.data)


@cache
def faces() -> dict[str, list[Face]]:
    """``{weight: [faces in order of preference]}``: the prepared cut, then the full system font."""
    found: dict[str, list[Face]] = {}
    prepared = fonts.prepared_fonts()
    for weight in fonts.WEIGHTS:
        suffix = "-Bold" if weight == "bold" else ""
        chain = []
        if weight in prepared:
            chain.append(Face(hb.Blob(prepared[weight]), 0, "Noto-Serif-CJK-SC-Common" + suffix))
        system = fonts.system_font(weight)
        if system is not None:
            chain.append(Face(hb.Blob.from_file_path(system[0]), system[1], "Noto-Serif-CJK-SC" + suffix))
        if not chain:
            raise RuntimeError(f"找不到打印字体 {fonts.SYSTEM_FAMILY}（请安装 fonts-noto-cjk）")
        found[weight] = chain
    return found


@dataclass
class Glyph:
    char: str
    face: Face
    gid: int
    advance: float  # in em


class Fonts:
    """The faces one document uses, and the glyphs it used of each (for the subsets and maps)."""

    def __init__(self):
        self.chains = faces()
        self.used: dict[int, tuple[Face, dict[int, str]]] = {}  # id(face) -> (face, {gid: char})
        self.resource: dict[int, str] = {}  # id(face) -> /F0, /F1, …

    def glyphs(self, text: str, weight: str) -> list[Glyph]:
        chain = self.chains[weight]
        out = []
        for char in text:
            point = ord(char)
            for face in chain:
                found = face.glyph(point)
                if found is not None:
                    break
            else:
                face, found = chain[-1], (0, 0.5)  # .notdef: a box, as any renderer shows a missing glyph
            out.append(Glyph(char, face, found[0], found[1]))
        return out

    def name(self, face: Face) -> str:
        key = id(face)
        if key not in self.resource:
            self.resource[key] = f"F{len(self.resource)}"
            self.used[key] = (face, {})
        return self.resource[key]

    def mark(self, glyphs: list[Glyph]) -> None:
        for glyph in glyphs:
            self.name(glyph.face)
            self.used[id(glyph.face)][1].setdefault(glyph.gid, glyph.char)


# --- lines ---------------------------------------------------------------------------------------


@dataclass
class Line:
    glyphs: list[Glyph]
    width: float  # points, without trailing spaces
    size: float
    indent: float = 0.0


def _units(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """``glyphs`` cut where a line may break; a space ends the unit before it."""
    units: list[list[Glyph]] = []
    current: list[Glyph] = []
    previous = ""
    for glyph in glyphs:
        char = glyph.char
        if current:
            breaks = previous == " " and char != " "
            if not breaks and (_wide(char) or _wide(previous)) and char != " ":
                breaks = char not in NO_START and previous not in NO_END
            if breaks:
                units.append(current)
                current = []
        current.append(glyph)
        previous = char
    if current:
        units.append(current)
    return units


def _width(glyphs: list[Glyph], size: float) -> float:
    return sum(glyph.advance for glyph in glyphs) * size


def _trimmed(glyphs: list[Glyph]) -> list[Glyph]:
    end = len(glyphs)
    while end and glyphs[end - 1].char == " ":
        end -= 1
    return glyphs[:end]


def break_lines(
    runs: list[tuple[str, str]],
    width: float,
    size: float,
    fonts_: Fonts,
    *,
    indent: float = 0.0,
    nowrap=False,
) -> list[Line]:
    """One paragraph of ``(text, weight)`` runs set in lines of at most ``width`` points."""
    glyphs: list[Glyph] = []
    for text, weight in runs:
        glyphs.extend(fonts_.glyphs(_collapse(text), weight))
    if nowrap:
        return [Line(glyphs, _width(glyphs, size), size, indent)]
    lines: list[Line] = []
    line: list[Glyph] = []
    used = indent
    for unit in _units(glyphs):
        unit_width = _width(unit, size)
        visible = _width(_trimmed(unit), size)
        if line and used + visible > width + 0.01:
            kept = _trimmed(line)
            lines.append(Line(kept, _width(kept, size), size, indent if not lines else 0.0))
            line, used = [], 0.0
            if unit[0].char == " ":
                continue
        if not line and used + visible > width + 0.01:
            # A word longer than the line: broken anywhere (overflow-wrap: anywhere).
            for glyph in unit:
                advance = glyph.advance * size
                if line and used + advance > width + 0.01 and glyph.char != " ":
                    kept = _trimmed(line)
                    lines.append(Line(kept, _width(kept, size), size, indent if not lines else 0.0))
                    line, used = [], 0.0
                if not line and glyph.char == " ":
                    continue
                line.append(glyph)
                used += advance
            continue
        line.extend(unit)
        used += unit_width
    kept = _trimmed(line)
    if kept or not lines:
        lines.append(Line(kept, _width(kept, size), size, indent if not lines else 0.0))
    return lines


def _collapse(text: str) -> str:
    """White space collapsed as a browser shows it; control and zero-width characters dropped."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text))


def _clean(paragraph: str) -> str:
    """A cell's paragraph as printed: collapsed, without white space at either end."""
    return _collapse(paragraph).strip()


# --- cells ---------------------------------------------------------------------------------------


@dataclass
class Block:
    """A cell's text set in its width: lines with their offsets from the top of the text."""

    lines: list[tuple[float, Line]] = field(default_factory=list)  # (top offset, line)
    height: float = 0.0
    align: str = "left"

    def split(self, room: float) -> tuple[list[tuple[float, Line]], "Block"]:
        """The lines that fit in ``room`` points, and the rest as a block of its own."""
        line_height = BODY_SIZE * LINE_HEIGHT
        fitting = [(top, line) for top, line in self.lines if top + line_height <= room + 0.01]
        if not fitting and self.lines:
            fitting = self.lines[:1]  # at least one line, or nothing would ever be drawn
        rest = self.lines[len(fitting) :]
        if not rest:
            return fitting, Block(align=self.align)
        start = rest[0][0]
        return fitting, Block([(top - start, line) for top, line in rest], self.height - start, self.align)


def set_cell(cell, width: float, fonts_: Fonts) -> Block:
    weight = "bold" if cell.style == Style.LABEL else "normal"
    align = cell.horizontal
    inner = max(width - 2 * PAD_H - RULE, BODY_SIZE)
    block = Block(align=align)
    line_height = BODY_SIZE * LINE_HEIGHT
    top = 0.0
    for index, paragraph in enumerate(cell.paragraphs):
        text = _clean(paragraph)
        if index:
            top += PARAGRAPH_GAP
        indent = 2 * BODY_SIZE if cell.style == Style.RICH else 0.0
        for line in break_lines(
            [(text, weight)], inner, BODY_SIZE, fonts_, indent=indent, nowrap=align == "right"
        ):
            block.lines.append((top, line))
            top += line_height
    block.height = top or line_height  # an empty cell is a line high, as a blank to write in
    return block


def _outer(height: float) -> float:
    return height + 2 * PAD_V + RULE


# --- the grid and its pages ----------------------------------------------------------------------


@dataclass(eq=False)
class GridCell:
    row: int
    column: int
    cell: object
    block: Block
    x: float
    width: float

    @property
    def last_row(self) -> int:
        return self.row + self.cell.rowspan - 1


@dataclass
class Grid:
    """One table's cells set in their widths, the rows' heights, and the text still to draw of the
    cells spanning rows (it flows on from page to page)."""

    cells: list[GridCell]
    heights: list[float]
    header_rows: int
    flow: dict[int, Block] = field(default_factory=dict)  # id(spanning cell) -> its text left to draw


@dataclass
class Piece:
    """A row, or part of a row, on a page: ``lines`` holds, for a row split across pages, the lines
    each of its cells draws here (top-aligned); None for a whole row."""

    row: int
    top: float
    height: float
    lines: dict[int, list[tuple[float, Line]]] | None = None


@dataclass
class TableOnPage:
    grid: Grid
    header: list[Piece] = field(default_factory=list)
    body: list[Piece] = field(default_factory=list)


@dataclass
class PageItems:
    texts: list[tuple[float, float, Line]] = field(default_factory=list)  # (x, top of line, line)
    tables: list[TableOnPage] = field(default_factory=list)


class Typesetter:
    def __init__(self, layout: Layout, stamp: Stamp | None):
        self.layout = layout
        self.stamp = stamp
        self.fonts = Fonts()
        width, height = A4
        self.page_width, self.page_height = (height, width) if layout.landscape else (width, height)
        self.left = MARGIN_LEFT
        self.content_width = self.page_width - MARGIN_LEFT - MARGIN_RIGHT
        self.bottom = self.page_height - MARGIN_BOTTOM
        total = sum(layout.widths) or 1
        self.column_x = [self.left]
        for width in layout.widths:
            self.column_x.append(self.column_x[-1] + width * self.content_width / total)
        self.pages: list[PageItems] = []

    # -- one table's grid

    def grid(self, table) -> Grid:
        cells = []
        for r, c, cell in place(table):
            x = self.column_x[c]
            width = self.column_x[min(c + cell.colspan, len(self.column_x) - 1)] - x
            cells.append(GridCell(r, c, cell, set_cell(cell, width, self.fonts), x, width))
        heights = [_outer(BODY_SIZE * LINE_HEIGHT)] * len(table.rows)
        for cell in cells:
            if cell.cell.rowspan == 1:
                heights[cell.row] = max(heights[cell.row], _outer(cell.block.height))
        for cell in cells:
            if cell.cell.rowspan > 1:
                last = min(cell.last_row, len(heights) - 1)
                missing = _outer(cell.block.height) - sum(heights[cell.row : last + 1])
                if missing > 0:
                    heights[last] += missing
        header_rows = min(table.header_rows, len(table.rows))
        grid = Grid(cells, heights, header_rows)
        grid.flow = {
            id(cell): cell.block for cell in cells if cell.cell.rowspan > 1 and cell.row >= header_rows
        }
        return grid

    # -- the pages

    def new_page(self) -> tuple[PageItems, float]:
        self.pages.append(PageItems())
        return self.pages[-1], MARGIN_TOP

    def text(self, page, runs, size, y, align, width=None, x=None) -> float:
        """Lines of ``runs`` from ``y`` down, in ``width`` from ``x``; the ``y`` below the last."""
        width = self.content_width if width is None else width
        x = self.left if x is None else x
        for line in break_lines(runs, width, size, self.fonts):
            page.texts.append((_aligned(x, width, line, align), y, line))
            y += size * LINE_HEIGHT
        return y

    def title_block(self, page: PageItems, y: float) -> float:
        for line in self.layout.preamble:
            y = self.text(page, [(line, "normal")], 11, y, "left") + 2 * MM
        y = self.text(page, [(self.layout.title, "bold")], 16, y, "center") + 3 * MM
        left, right = self.layout.subtitle_left, self.layout.subtitle_right
        if left or right:
            half, bottom = self.content_width / 2, y + 10 * LINE_HEIGHT
            if left:
                bottom = max(bottom, self.text(page, [(left, "normal")], 10, y, "left", width=half))
            if right:
                x = self.left + half
                bottom = max(bottom, self.text(page, [(right, "normal")], 10, y, "right", width=half, x=x))
            y = bottom + 2 * MM
        return y

    def paginate(self) -> None:
        page, y = self.new_page()
        y = self.title_block(page, y)
        for index, table in enumerate(self.layout.tables):
            grid = self.grid(table)
            heights, header_rows = grid.heights, grid.header_rows
            header_height = sum(heights[:header_rows])
            # The room the cells spanning rows need on the page where they start, to show their text.
            starts: dict[int, float] = {}
            for cell in grid.cells:
                if id(cell) in grid.flow:
                    span = sum(heights[cell.row : cell.last_row + 1])
                    starts[cell.row] = max(starts.get(cell.row, 0.0), min(_outer(cell.block.height), span))
            if index:
                y += TABLE_GAP
            full_room = self.bottom - MARGIN_TOP - header_height
            if header_rows < len(heights) and page.tables:
                need = header_height + max(heights[header_rows], starts.get(header_rows, 0.0))
                if y + need > self.bottom:
                    page, y = self.new_page()
            on_page, y = self._table_start(page, grid, y)
            r, rest = header_rows, None  # rest: the text left of a row split across pages
            while r < len(heights):
                if rest is None:
                    height = heights[r]
                    need = max(height, starts.get(r, 0.0))
                else:
                    height = need = max(_outer(block.height) for block in rest.values())
                room = self.bottom - y
                if need <= room + 0.01:
                    lines = None if rest is None else {key: block.lines for key, block in rest.items()}
                    on_page.body.append(Piece(r, y, height, lines))
                    y += height
                    r, rest = r + 1, None
                    continue
                breakable = rest is not None or height > full_room
                if breakable and room >= _outer(3 * BODY_SIZE * LINE_HEIGHT):
                    if rest is None:
                        rest = {
                            id(cell): cell.block
                            for cell in grid.cells
                            if cell.row == r and cell.cell.rowspan == 1
                        }
                    here = {}
                    for key, block in rest.items():
                        here[key], rest[key] = block.split(room - 2 * PAD_V - RULE)
                    on_page.body.append(Piece(r, y, room, here))
                    if not any(block.lines for block in rest.values()):
                        r, rest = r + 1, None
                elif not on_page.body:
                    # It fits on no page (a cell spanning rows with more text than a page holds):
                    # printed as it is rather than never.
                    lines = None if rest is None else {key: block.lines for key, block in rest.items()}
                    on_page.body.append(Piece(r, y, height, lines))
                    y += height
                    r, rest = r + 1, None
                    continue
                page, y = self.new_page()
                on_page, y = self._table_start(page, grid, y)

    def _table_start(self, page: PageItems, grid: Grid, y: float) -> tuple[TableOnPage, float]:
        on_page = TableOnPage(grid)
        page.tables.append(on_page)
        for r in range(grid.header_rows):
            on_page.header.append(Piece(r, y, grid.heights[r]))
            y += grid.heights[r]
        return on_page, y


def _aligned(x: float, width: float, line: Line, align: str) -> float:
    if align == "center":
        return x + (width - line.width) / 2
    if align == "right":
        return x + width - line.width
    return x + line.indent


# --- drawing -------------------------------------------------------------------------------------


def _number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class Canvas:
    """One page's content stream, written as PDF operators."""

    def __init__(self, typesetter: "Typesetter"):
        self.out: list[str] = []
        self.fonts = typesetter.fonts
        self.height = typesetter.page_height
        first = typesetter.fonts.chains["normal"][0]
        self.ascender, self.descender = first.ascender, first.descender

    def line(self, x: float, top: float, line: Line, line_height: float | None = None) -> None:
        """``line`` with its line box's top at ``top`` (page coordinates, from the top)."""
        if not line.glyphs:
            return
        size = line.size
        box = size * LINE_HEIGHT if line_height is None else line_height
        baseline = top + (box - (self.ascender + self.descender) * size) / 2 + self.ascender * size
        y = _number(self.height - baseline)
        self.fonts.mark(line.glyphs)
        out = self.out
        out.append("BT")
        face, start = None, 0
        glyphs = line.glyphs
        for index in range(len(glyphs) + 1):
            if index < len(glyphs) and glyphs[index].face is face:
                continue
            if face is not None:
                run = glyphs[start:index]
                out.append(f"/{self.fonts.name(face)} {_number(size)} Tf 1 0 0 1 {_number(x)} {y} Tm")
                out.append("<" + "".join(f"{glyph.gid:04x}" for glyph in run) + "> Tj")
                x += _width(run, size)
            if index < len(glyphs):
                face, start = glyphs[index].face, index
        out.append("ET")

    def rules(self, horizontal: dict, hidden: set, vertical: set) -> None:
        out = self.out
        out.append(f"{_number(RULE)} w 0 G")
        for y, spans in sorted(horizontal.items()):
            visible = sorted((x0, x1) for x0, x1, column in spans if (y, column) not in hidden)
            merged: list[list[float]] = []
            for x0, x1 in visible:
                if merged and x0 <= merged[-1][1] + 0.01:
                    merged[-1][1] = max(merged[-1][1], x1)
                else:
                    merged.append([x0, x1])
            py = _number(self.height - y)
            out.extend(
                f"{_number(x0 - RULE / 2)} {py} m {_number(x1 + RULE / 2)} {py} l" for x0, x1 in merged
            )
        for x, y0, y1 in sorted(vertical):
            px = _number(x)
            out.append(f"{px} {_number(self.height - y0)} m {px} {_number(self.height - y1)} l")
        out.append("S")

    def qr(self, url: str, right: float, top: float) -> None:
        code = segno.make(url, error="m")
        matrix = code.matrix
        modules = len(matrix) + 2  # a border of one module
        size = QR_SIZE_MM * MM
        module = size / modules
        left = right - size
        self.out.append("0 g")
        for r, row in enumerate(matrix):
            y = self.height - (top + (r + 1) * module) - module
            c = 0
            while c < len(row):
                if row[c] & 1:
                    start = c
                    while c < len(row) and row[c] & 1:
                        c += 1
                    x = left + (start + 1) * module
                    self.out.append(
                        f"{_number(x)} {_number(y)} {_number((c - start) * module)} {_number(module)} re"
                    )
                else:
                    c += 1
        self.out.append("f")

    def data(self) -> bytes:
        return "\n".join(self.out).encode("ascii")


def _key(value: float) -> float:
    return round(value, 2)


class Drawing:
    """The pages of a paginated :class:`Typesetter` drawn onto canvases."""

    def __init__(self, typesetter: "Typesetter"):
        self.ts = typesetter

    def page(self, items: PageItems, number: int, count: int) -> bytes:
        canvas = Canvas(self.ts)
        for x, top, line in items.texts:
            canvas.line(x, top, line)
        horizontal: dict[float, list] = {}
        hidden: set = set()
        vertical: set = set()
        for on_page in items.tables:
            self.table(canvas, on_page, horizontal, hidden, vertical)
        if horizontal or vertical:
            canvas.rules(horizontal, hidden, vertical)
        self.footer(canvas, number, count)
        return canvas.data()

    def table(self, canvas: Canvas, on_page: TableOnPage, horizontal, hidden, vertical) -> None:
        grid = on_page.grid
        pieces = on_page.header + on_page.body
        if not pieces:
            return
        first: dict[int, Piece] = {}
        last: dict[int, Piece] = {}
        for piece in pieces:
            first.setdefault(piece.row, piece)
            last[piece.row] = piece
        header_rows = {piece.row for piece in on_page.header}
        body_rows = [piece.row for piece in on_page.body]
        low, high = (min(body_rows), max(body_rows)) if body_rows else (None, None)
        table_top = pieces[0].top
        for cell in grid.cells:
            if cell.row < grid.header_rows:
                if cell.row not in header_rows:
                    continue
                r0, r1 = cell.row, min(cell.last_row, grid.header_rows - 1)
            else:
                if low is None or cell.row > high or cell.last_row < low:
                    continue
                r0, r1 = max(cell.row, low), min(cell.last_row, high)
            top = first[r0].top
            bottom = last[r1].top + last[r1].height
            self.cell_text(canvas, grid, cell, first[r0] if cell.cell.rowspan == 1 else None, top, bottom)
            # The rules around it: column by column along the top and bottom, so that a joined cell
            # can hide the rule it shares with the cell above.
            columns = range(cell.column, cell.column + cell.cell.colspan)
            x0, x1 = cell.x, cell.x + cell.width
            column_x = self.ts.column_x
            for edge in (top, bottom):
                spans = horizontal.setdefault(_key(edge), [])
                spans.extend((column_x[c], column_x[c + 1], c) for c in columns if c + 1 < len(column_x))
            if cell.cell.joined and top > table_top + 0.01:
                hidden.update((_key(top), c) for c in columns)
            vertical.add((_key(x0), _key(top - RULE / 2), _key(bottom + RULE / 2)))
            vertical.add((_key(x1), _key(top - RULE / 2), _key(bottom + RULE / 2)))

    def cell_text(self, canvas: Canvas, grid: Grid, cell: GridCell, piece: Piece | None, top, bottom) -> None:
        room = bottom - top - 2 * PAD_V - RULE
        if piece is not None and piece.lines is not None:
            lines, middle = piece.lines.get(id(cell), []), False
        elif id(cell) in grid.flow:
            block = grid.flow[id(cell)]
            if not block.lines:
                return
            if block.height <= room + 0.01:
                lines, middle = block.lines, block is cell.block
                grid.flow[id(cell)] = Block(align=block.align)
            else:
                lines, grid.flow[id(cell)] = block.split(room)
                middle = False
        else:
            lines, middle = cell.block.lines, True
        if not lines:
            return
        used = lines[-1][0] + BODY_SIZE * LINE_HEIGHT - lines[0][0]
        offset = (room - used) / 2 if middle and room > used else 0.0
        start = top + RULE / 2 + PAD_V + offset - lines[0][0]
        inner_x = cell.x + RULE / 2 + PAD_H
        inner_width = cell.width - RULE - 2 * PAD_H
        for line_top, line in lines:
            canvas.line(_aligned(inner_x, inner_width, line, cell.block.align), start + line_top, line)

    def footer(self, canvas: Canvas, number: int, count: int) -> None:
        ts = self.ts
        band_top, band = ts.page_height - MARGIN_BOTTOM, MARGIN_BOTTOM
        size = 9
        text = f"第 {number} 页 共 {count} 页"
        line = break_lines([(text, "normal")], ts.content_width, size, ts.fonts, nowrap=True)[0]
        box = size * LINE_HEIGHT
        canvas.line(ts.left + (ts.content_width - line.width) / 2, band_top + (band - box) / 2, line)
        width = ts.content_width * 0.42
        stamp = ts.stamp
        if stamp is None:
            paragraphs, size = [[(LIVE_NOTE, "bold")]], 8
        else:
            paragraphs, size = (
                [
                    [(stamp.identity, "normal")],
                    [
                        ("校验码 ", "normal"),
                        (stamp.display_code, "bold"),
                        (" · 扫码或访问下列网址核验：", "normal"),
                    ],
                    [(stamp.url, "normal")],
                ],
                7,
            )
        box = size * 1.4
        lines = [line for runs in paragraphs for line in break_lines(runs, width, size, ts.fonts)]
        top = band_top + (band - box * len(lines)) / 2
        for index, line in enumerate(lines):
            canvas.line(ts.left, top + index * box, line, box)
        if stamp is not None:
            canvas.qr(stamp.url, ts.page_width - MARGIN_RIGHT, band_top + (band - QR_SIZE_MM * MM) / 2)


# --- the file ------------------------------------------------------------------------------------


def _stream(data: bytes, extra: dict | None = None) -> pydyf.Stream:
    extra = dict(extra or {})
    extra["Filter"] = "/FlateDecode"
    return pydyf.Stream([zlib.compress(data, ZLIB_LEVEL)], pydyf.Dictionary(extra))


def _to_unicode(glyphs: dict[int, str]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <ffff>",
        "endcodespacerange",
    ]
    items = sorted(glyphs.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar")
        lines.extend(f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>" for gid, char in batch)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _font(pdf: pydyf.PDF, face: Face, glyphs: dict[int, str]) -> pydyf.Dictionary:
    gids = sorted(glyphs)
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(repr((face.name, gids)).encode()).digest()[:6])
    name = f"/{tag}+{face.name}"
    file = _stream(face.subset(gids), {"Subtype": "/OpenType"})
    pdf.add_object(file)
    scale = 1000
    widths = pydyf.Array()
    run: pydyf.Array | None = None
    previous = None
    for gid in gids:
        advance = face.glyph_advance(gid) * scale
        if previous is None or gid != previous + 1:
            widths.append(gid)
            run = pydyf.Array()
            widths.append(run)
        run.append(round(advance, 2))
        previous = gid
    descriptor = pydyf.Dictionary(
        {
            "Type": "/FontDescriptor",
            "FontName": name,
            "FontFamily": pydyf.String(fonts.SYSTEM_FAMILY),
            "Flags": 4,
            "FontBBox": pydyf.Array(
                [-1000, round(-face.descender * scale), 2000, round(face.ascender * scale)]
            ),
            "ItalicAngle": 0,
            "Ascent": round(face.ascender * scale),
            "Descent": round(-face.descender * scale),
            "CapHeight": 733,
            "StemV": 80,
            "FontFile3": file.reference,
        }
    )
    pdf.add_object(descriptor)
    descendant = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/CIDFontType0",
            "BaseFont": name,
            "CIDSystemInfo": pydyf.Dictionary(
                {"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"), "Supplement": 0}
            ),
            "W": widths,
            "FontDescriptor": descriptor.reference,
        }
    )
    pdf.add_object(descendant)
    to_unicode = _stream(_to_unicode(glyphs))
    pdf.add_object(to_unicode)
    font = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/Type0",
            "BaseFont": name,
            "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([descendant.reference]),
            "ToUnicode": to_unicode.reference,
        }
    )
    pdf.add_object(font)
    return font


def render_pdf(layout: Layout, stamp: Stamp | None = None) -> bytes:
    """The PDF of ``layout``; its footer carries the verification ``stamp`` of a frozen file, or the
    note that a live rendering is not the approved text."""
    layout.check()
    typesetter = Typesetter(layout, stamp)
    typesetter.paginate()
    drawing = Drawing(typesetter)
    count = len(typesetter.pages)
    contents = [drawing.page(items, number, count) for number, items in enumerate(typesetter.pages, start=1)]

    pdf = pydyf.PDF()
    pdf.info["Title"] = pydyf.String(layout.title)
    pdf.info["Producer"] = pydyf.String(ENGINE)
    font_resources = pydyf.Dictionary()
    for key, (face, glyphs) in typesetter.fonts.used.items():
        font_resources[typesetter.fonts.resource[key]] = _font(pdf, face, glyphs).reference
    resources = pydyf.Dictionary({"Font": font_resources})
    pdf.add_object(resources)
    box = pydyf.Array([0, 0, _number(typesetter.page_width), _number(typesetter.page_height)])
    for content in contents:
        stream = _stream(content)
        pdf.add_object(stream)
        page = pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": pdf.pages.reference,
                "MediaBox": box,
                "Contents": stream.reference,
                "Resources": resources.reference,
            }
        )
        pdf.add_page(page)
    output = io.BytesIO()
    pdf.write(output, version=b"1.7", compress=True)
    return output.getvalue()
