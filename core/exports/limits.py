"""The limits every uploaded XLSX is read within, checked before openpyxl opens it.

An XLSX is a ZIP of XML parts, and openpyxl trusts both: a 0.3 MB file can inflate to 300 MB of XML,
and a 1 KB sheet can declare ``A1:XFD1048576`` (a merge or a hyperlink over that range makes openpyxl
create every one of its 17 billion cells; a read-only sheet pads every row to the declared width).
``open_xlsx`` therefore first reads the ZIP's directory (sizes, compression ratios, number of parts),
then streams every XML part through expat once — refusing a DTD (entity expansion, external entities)
and counting the rows, columns and cells really present, merged and hyperlinked ranges included —
and only then hands the file to openpyxl. The declared ``<dimension>`` is never trusted: readers
iterate within the sizes found here.

Every refusal is a ValidationError in Chinese stating the limit. The limits are ``XLSX_LIMITS`` in
the settings (any key overrides ``DEFAULTS``); they are listed in docs/deploy.md.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, fields
from xml.etree import ElementTree
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl.utils import column_index_from_string, get_column_letter

MB = 1024 * 1024
SPREADSHEET_NAMESPACES = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
}
REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
BROKEN = "无法读取该文件：不是有效的 XLSX 工作簿，或文件已损坏。"


@dataclass(frozen=True)
class XlsxLimits:
    compressed_bytes: int = 10 * MB  # the upload itself
    uncompressed_bytes: int = 50 * MB  # all parts together, inflated
    part_bytes: int = 10 * MB  # any one part other than a worksheet or the shared strings
    ratio: int = 100  # inflated / compressed, for parts of 1 MB and more
    parts: int = 200
    rows: int = 10_000  # the last row of any sheet
    columns: int = 50  # the last column of any sheet
    cells: int = 200_000  # all sheets, merged and hyperlinked ranges counted cell by cell
    elements: int = 3_000_000  # XML elements in all parts

    @classmethod
    def current(cls) -> "XlsxLimits":
        configured = getattr(settings, "XLSX_LIMITS", {}) or {}
        unknown = set(configured) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"XLSX_LIMITS has unknown keys: {sorted(unknown)}")
        return cls(**configured)


@dataclass
class SheetSize:
    """What a worksheet really holds: its last row and last column with a cell."""

    name: str
    rows: int = 0
    columns: int = 0


def _size(size: int) -> str:
    if size < MB:
        return f"{max(size // 1024, 1)} KB"
    return f"{size / MB:.1f}".removesuffix(".0") + " MB"


class _Refused(Exception):
    pass


class _Scan:
    """Counts one file's XML as it streams by; raises _Refused with the message at the first excess."""

    def __init__(self, limits: XlsxLimits):
        self.limits = limits
        self.cells = 0
        self.elements = 0

    def part(self, stream, name: str, sheet: SheetSize | None) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        in_data, row, column = False, 0, 0
        limits = self.limits

        def doctype(*_args):
            raise _Refused(f"文件中的“{name}”含有文档类型声明（DTD），Excel 不会生成这种内容，不予读取。")

        def place(reference: str | None) -> tuple[int, int]:
            match = REFERENCE.fullmatch(reference or "")
            if match is None:
                raise _Refused(f"文件中的“{name}”有无效的单元格引用“{reference}”，文件已损坏。")
            return int(match.group(2)), column_index_from_string(match.group(1).upper())

        def check(at_row: int, at_column: int, what: str = "") -> None:
            where = (f"工作表“{sheet.name}”" if sheet else f"文件中的“{name}”") + what
            if at_row > limits.rows:
                raise _Refused(
                    f"{where}用到第{at_row}行，超过上限 {limits.rows} 行，不予读取；"
                    "请删除多余的行（包括设置了格式的空行）后重新上传。"
                )
            if at_column > limits.columns:
                raise _Refused(
                    f"{where}用到第{get_column_letter(min(at_column, 16384))}列（第{at_column}列），"
                    f"超过上限 {limits.columns} 列，不予读取；请删除多余的列后重新上传。"
                )
            if sheet is not None:
                sheet.rows, sheet.columns = max(sheet.rows, at_row), max(sheet.columns, at_column)

        def count(cells: int) -> None:
            self.cells += cells
            if self.cells > limits.cells:
                raise _Refused(
                    f"文件的单元格（合并单元格按其包含的单元格计）超过上限 {limits.cells} 个，不予读取。"
                )

        def area(reference: str) -> None:
            first, _, last = reference.partition(":")
            top, left = place(first)
            bottom, right = place(last) if last else (top, left)
            check(max(top, bottom), max(left, right), f"的区域{reference}")
            count((abs(bottom - top) + 1) * (abs(right - left) + 1))

        def start(tag: str, attributes: dict) -> None:
            nonlocal in_data, row, column
            self.elements += 1
            if self.elements > limits.elements:
                raise _Refused(f"文件的结构元素超过上限 {limits.elements} 个，不予读取。")
            namespace, _, local = tag.rpartition(" ")
            if namespace not in SPREADSHEET_NAMESPACES:
                return
            if local == "sheetData":
                in_data = True
            elif in_data and local == "row":
                reference = attributes.get("r")
                row = int(reference) if reference and reference.isdigit() else row + 1
                column = 0
                check(row, 1)
            elif in_data and local == "c":
                reference = attributes.get("r")
                if reference:
                    row, column = place(reference)
                else:
                    column += 1
                check(max(row, 1), column)
                count(1)
            elif local in {"mergeCell", "hyperlink"} and attributes.get("ref"):
                area(attributes["ref"])

        def end(tag: str) -> None:
            nonlocal in_data
            if tag.endswith(" sheetData"):
                in_data = False

        parser.StartDoctypeDeclHandler = doctype
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        try:
            while chunk := stream.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise _Refused(f"文件中的“{name}”不是有效的 XML（第{error.lineno}行），文件已损坏。") from None


def _looks_like_xml(head: bytes) -> bool:
    # "<", after a UTF-8 or UTF-16 byte order mark or as UTF-16; images and other binaries never do.
    return b"<" in head[:4]


def _sheet_names(archive: zipfile.ZipFile, scanned: set[str]) -> dict[str, str]:
    """Worksheet part → sheet name, from the workbook and its relationships, once these were scanned."""

    def read(path: str):
        if path not in scanned:
            return None
        try:
            return ElementTree.fromstring(archive.read(path))
        except (KeyError, ElementTree.ParseError):
            return None

    def targets(rels_path: str, base: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part path)."""
        root = read(rels_path)
        found = {}
        for rel in [] if root is None else root:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"{base}{target}"
            found[rel.get("Id", "")] = (rel.get("Type", ""), _normalise(path))
        return found

    office = next(
        (path for kind, path in targets("_rels/.rels", "").values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    folder, _, filename = office.rpartition("/")
    base = f"{folder}/" if folder else ""
    parts = targets(f"{base}_rels/{filename}.rels", base)
    workbook = read(office)
    names = {}
    for element in [] if workbook is None else workbook.iter():
        if element.tag.rpartition("}")[2] == "sheet":
            rel_id = next((v for k, v in element.attrib.items() if k.rpartition("}")[2] == "id"), "")
            if rel_id in parts:
                names[parts[rel_id][1]] = element.get("name", "")
    return names


def _normalise(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def inspect_xlsx(content: bytes, limits: XlsxLimits | None = None) -> dict[str, SheetSize]:
    """Check ``content`` against the limits without openpyxl; the sizes of its sheets, by name."""
    limits = limits or XlsxLimits.current()
    if len(content) > limits.compressed_bytes:
        raise ValidationError(f"文件超过 {_size(limits.compressed_bytes)}，不予读取。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ValidationError(BROKEN) from None
    try:
        _check_directory(members, limits)
        scan = _Scan(limits)
        sizes: dict[str, SheetSize] = {}
        names: dict[str, str] | None = None
        scanned: set[str] = set()
        # The workbook and its relationships first (small parts), to name the sheets in messages.
        first = (".rels", "workbook.xml")
        for member in sorted(members, key=lambda m: (not m.filename.endswith(first), m.filename)):
            if member.is_dir():
                continue
            with archive.open(member) as stream:
                head = stream.read(4)
                if not _looks_like_xml(head):
                    continue
                if names is None and not member.filename.endswith(first):
                    names = _sheet_names(archive, scanned)
                sheet = None
                if member.filename in (names or {}) or "worksheets/" in member.filename:
                    name = (names or {}).get(member.filename, member.filename)
                    sheet = sizes.setdefault(member.filename, SheetSize(name))
                scan.part(_Prefixed(head, stream), member.filename, sheet)
            scanned.add(member.filename)
    except _Refused as refused:
        raise ValidationError(str(refused)) from None
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, OSError, EOFError, ValueError):
        # A CRC that does not match (sizes lied), an encrypted part, an unknown compression.
        raise ValidationError(BROKEN) from None
    return {size.name: size for size in sizes.values()}


def _check_directory(members: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    if len(members) > limits.parts:
        raise _Refused(
            f"文件包含 {len(members)} 个部件，超过上限 {limits.parts} 个，不是正常的 XLSX 工作簿。"
        )
    total = sum(member.file_size for member in members)
    if total > limits.uncompressed_bytes:
        raise _Refused(
            f"文件解压后为 {_size(total)}，超过上限 {_size(limits.uncompressed_bytes)}，"
            "不予读取（可能是恶意构造的文件）。"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= MB and ratio > limits.ratio:
            raise _Refused(
                f"文件中的“{member.filename}”压缩比为 {ratio:.0f}:1，超过上限 {limits.ratio}:1，"
                "不予读取（可能是恶意构造的“压缩炸弹”）。"
            )
        bulky = "worksheets/" in member.filename or member.filename.endswith("sharedStrings.xml")
        if not bulky and member.file_size > limits.part_bytes:
            raise _Refused(
                f"文件中的“{member.filename}”解压后为 {_size(member.file_size)}，"
                f"超过上限 {_size(limits.part_bytes)}，不予读取。"
            )


class _Prefixed:
    """A stream whose first bytes were already read (to tell XML from images)."""

    def __init__(self, head: bytes, stream):
        self.head, self.stream = head, stream

    def read(self, size: int) -> bytes:
        if self.head:
            head, self.head = self.head, b""
            return head
        return self.stream.read(size)


def sheet_bounds(sizes: dict[str, SheetSize], sheet) -> tuple[int, int]:
    """The last row and column to iterate on ``sheet``: what it really holds, as ``inspect_xlsx`` found
    (or, for a sheet it could not name, the limits it was checked against)."""
    size = sizes.get(sheet.title)
    if size is None:
        limits = XlsxLimits.current()
        return limits.rows, limits.columns
    return size.rows, size.columns


def open_xlsx(content: bytes, *, read_only: bool = False, data_only: bool = False):
    """``inspect_xlsx``, then openpyxl: the workbook and the real size of each of its sheets, by name.

    Every reader of an uploaded XLSX opens it here and iterates each sheet within its ``SheetSize``.
    """
    from openpyxl import load_workbook

    sizes = inspect_xlsx(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=read_only, data_only=data_only)
    except Exception:  # openpyxl raises many types for a damaged file
        raise ValidationError(BROKEN) from None
    if not workbook.worksheets:
        raise ValidationError("文件中没有工作表。")
    return workbook, sizes
