"""Bulk import of a department's 项目支出绩效目标表 in the seed-003 layout (pasted text or a file).

The table is read whole and checked before anything is written: every problem names its row and
column, and a table with any problem is not imported. The rows are the published layout: a header
(项目名称（资金使用单位）| 总计 | 财政拨款 | 财政专户拨款 | 其他资金 | 绩效目标 | 绩效指标), a 合计 row, a
subtotal row per 资金使用单位 (its name, amounts, no goal or indicators) followed by that unit's projects.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from core.exports.limits import open_xlsx, sheet_bounds
from core.models import FormKind
from core.money import ZERO, amount_text, format_exact_amount
from core.services import parse_amount
from core.text import control_message
from declarations.services import projects_replace
from indicators.models import Scheme
from indicators.services import CategoryIndex, parse_cell_rows

COLUMNS = ("项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标")
AMOUNTS = (("total", 1), ("fiscal_appropriation", 2), ("special_account", 3), ("other_funds", 4))


@dataclass
class ParsedTable:
    department: str = ""
    projects: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # any problem blocks the import
    warnings: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, project) for the preview

    @property
    def total(self) -> Decimal:
        return sum((Decimal(p["total"]) for p in self.projects), ZERO)


def _cell(number: int, column: int) -> str:
    return f"第{number}行“{COLUMNS[column]}”列"


def parse_project_table(text: str, index: CategoryIndex) -> ParsedTable:
    """Read the pasted table; problems name the row (as numbered in the pasted text) and the column."""
    table = ParsedTable()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header_at = next((n for n, line in enumerate(lines) if line.strip().startswith("项目名称")), None)
    for line in lines[: header_at or 0]:
        if line.strip().startswith("部门名称"):
            table.department = line.split("：", 1)[-1].split(":", 1)[-1].strip()
    if header_at is None:
        table.problems.append("没有找到表头行（以“项目名称（资金使用单位）”开头，各列以制表符分隔）。")
        return table
    stated_total = None
    unit, unit_rows = "", {}
    for number, line in enumerate(lines[header_at + 1 :], start=header_at + 2):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) > len(COLUMNS):
            table.problems.append(
                f"第{number}行有{len(cells)}列，应为{len(COLUMNS)}列（单元格内不能有制表符）。"
            )
            continue
        cells += [""] * (len(COLUMNS) - len(cells))
        controls = [control_message(_cell(number, c), cell) for c, cell in enumerate(cells)]
        if any(controls):
            table.problems.extend(message for message in controls if message)
            continue
        amounts = {}
        for key, column in AMOUNTS:
            try:
                amounts[key] = parse_amount(cells[column], label=_cell(number, column))
            except ValidationError as error:
                table.problems.extend(error.messages)
        if len(amounts) < len(AMOUNTS):
            continue
        name, goal, indicator_text = cells[0], cells[5], cells[6]
        if not name:
            table.problems.append(f"{_cell(number, 0)}为空。")
            continue
        parts = amounts["fiscal_appropriation"] + amounts["special_account"] + amounts["other_funds"]
        if parts != amounts["total"]:
            table.problems.append(
                f"{_cell(number, 1)}：总计{format_exact_amount(amounts['total'])}不等于财政拨款、财政专户拨款、"
                f"其他资金之和{format_exact_amount(parts)}。"
            )
        if name == "合计":
            stated_total = (number, amounts["total"])
            continue
        if not goal and not indicator_text:
            unit = name  # a 资金使用单位 subtotal row: the projects below belong to it
            unit_rows[unit] = (number, amounts["total"])
            continue
        project = {
            "name": name,
            "unit": unit,
            "fiscal_appropriation": amount_text(amounts["fiscal_appropriation"]),
            "special_account": amount_text(amounts["special_account"]),
            "other_funds": amount_text(amounts["other_funds"]),
            "goal": goal,
            "indicator_text": indicator_text,
            "total": amount_text(amounts["total"]),
        }
        if not indicator_text:
            table.problems.append(f"{_cell(number, 6)}为空。")
        else:
            try:
                rows, warnings = parse_cell_rows(indicator_text, index, row=f"第{number}行")
            except ValidationError as error:
                table.problems.extend(error.messages)
            else:
                if not rows:
                    table.problems.append(f"{_cell(number, 6)}：没有识别出指标。")
                table.warnings.extend(warnings)
                project["indicator_count"] = len(rows)
        table.projects.append(project)
        table.rows.append((number, project))
    _check_totals(table, stated_total, unit_rows)
    names = [p["name"] for p in table.projects]
    for name in sorted({n for n in names if names.count(n) > 1}):
        rows = [str(number) for number, project in table.rows if project["name"] == name]
        table.problems.append(f"项目“{name}”出现在第{'、'.join(rows)}行，同一年度的项目名称不能重复。")
    return table


def _check_totals(table: ParsedTable, stated_total, unit_rows) -> None:
    if stated_total is not None and stated_total[1] != table.total:
        table.problems.append(
            f"第{stated_total[0]}行“合计”{format_exact_amount(stated_total[1])}不等于各项目总计之和"
            f"{format_exact_amount(table.total)}。"
        )
    for unit, (number, subtotal) in unit_rows.items():
        actual = sum((Decimal(p["total"]) for p in table.projects if p["unit"] == unit), ZERO)
        if actual != subtotal:
            table.problems.append(
                f"第{number}行“{unit}”小计{format_exact_amount(subtotal)}不等于其项目总计之和{format_exact_amount(actual)}。"
            )


def table_text_from_xlsx(content: bytes) -> str:
    """The first sheet of an uploaded workbook as tab-separated text, so both inputs share one reader."""
    workbook, sizes = open_xlsx(content, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    # Within the rows and columns really present: a read-only sheet otherwise pads every row to the
    # dimension the file declares (A1:XFD1048576 is 17 billion empty cells).
    rows, columns = sheet_bounds(sizes, sheet)
    if not rows:
        return ""
    lines = []
    for row in sheet.iter_rows(max_row=rows, max_col=columns, values_only=True):
        cells = ["" if value is None else _text(value) for value in row]
        lines.append("\t".join(cells).rstrip("\t"))
    workbook.close()
    return "\n".join(lines)


def _text(value) -> str:
    if isinstance(value, float):
        return format(Decimal(str(value)), "f")  # never round here: the reader checks the decimals
    return str(value).replace("\t", " ")


def projects_import(*, department, year: int, text: str, user=None):
    """Create (or replace) one draft project per row of the table; nothing is saved if anything is wrong."""
    index = CategoryIndex.for_scheme(Scheme.objects.for_form(FormKind.PROJECTS, year))
    table = parse_project_table(text, index)
    if table.department and table.department != department.name:
        table.problems.insert(0, f"表中部门名称为“{table.department}”，不是{department.name}。")
    if table.problems:
        raise ValidationError(table.problems)
    projects = [{k: v for k, v in p.items() if k not in {"total", "indicator_count"}} for p in table.projects]
    return projects_replace(
        department=department, year=year, data={"projects": projects}, user=user, message="批量导入项目表"
    )
