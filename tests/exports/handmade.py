"""Workbooks in the official layouts as somebody else would make them, built with openpyxl from seed data.

Not with our writer: no marker column, other columns and merges, labels typed with full-width or ASCII
brackets, spaces and line breaks, blank rows and columns, amounts as text with thousands separators or
as numbers, 一级/二级 and tasks written once for their block of rows, notes outside the form.
"""

import io
import json
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment

from core.richtext import rich_text_paragraphs
from tests.conftest import REPO_DIR

SEEDS = REPO_DIR / "fixtures" / "seeds"


def seed(prefix: str) -> dict:
    (path,) = SEEDS.glob(f"{prefix}_*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def paragraphs(text: str) -> str:
    """Rich text as a person types it in a cell: one paragraph a line, no markup."""
    return "\n".join(rich_text_paragraphs(text))


def thousands(amount: str) -> str:
    return f"{Decimal(amount):,.2f}"


class Sheet:
    """Writes rows starting at a column, skipping the columns listed as blank spacers."""

    def __init__(self, title: str = "Sheet1", first_column: int = 1, spacers: tuple[int, ...] = ()):
        self.book = Workbook()
        self.sheet = self.book.active
        self.sheet.title = title
        self.first_column = first_column
        self.spacers = spacers
        self.row = 1

    def column(self, index: int) -> int:
        """The sheet column of the index-th cell of a row (1-based), stepping over the spacers."""
        column = self.first_column - 1
        for _ in range(index):
            column += 1
            while column in self.spacers:
                column += 1
        return column

    def put(self, *values, merge: dict[int, int] | None = None, down: dict[int, int] | None = None):
        """One row; ``merge`` {index: width} merges across, ``down`` {index: rows} merges downwards."""
        for index, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = self.sheet.cell(self.row, self.column(index), value)
            cell.alignment = Alignment(wrap_text=True)
        for index, width in (merge or {}).items():
            start = self.column(index)
            self.sheet.merge_cells(
                start_row=self.row,
                start_column=start,
                end_row=self.row,
                end_column=self.column(index + width - 1),
            )
        for index, rows in (down or {}).items():
            column = self.column(index)
            self.sheet.merge_cells(
                start_row=self.row, start_column=column, end_row=self.row + rows - 1, end_column=column
            )
        self.row += 1
        return self

    def blank(self, count: int = 1):
        self.row += count
        return self

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def declaration(data: dict, *, variant: int = 0) -> bytes:
    """§2.1 as a district template: labels in their own cells, values to their right, no merges to match ours."""
    sheet = Sheet("申报表", first_column=2 if variant else 1, spacers=(4,) if variant else ())
    if data.get("disclosure_label"):
        sheet.put(data["disclosure_label"])
    title = "部门整体预算绩效目标申报表"
    if not data.get("disclosure_label"):
        title = f"{data['department']}{data['year']}年部门整体预算绩效目标申报表"
    sheet.put(title, merge={1: 6}).put(None, None, None, None, None, "单位： 万元").blank()
    sheet.put("部门名称", data.get("department_label") or data["department"], merge={2: 5})
    budget = data["budget"]
    amount = (lambda v: thousands(v)) if variant else (lambda v: float(v) if Decimal(v) else None)
    sheet.put("预算整体情况", "部门预算支出", "预算金额\n（万元）", "收入来源", "预算金额(万元)", down={1: 6})
    sheet.put(
        None,
        "基本支出",
        amount(budget["basic_expenditure"]),
        "财政拨款",
        amount(budget["fiscal_appropriation"]),
    )
    sheet.put(
        None, "项目 支出", amount(budget["project_expenditure"]), "其他资金", amount(budget["other_funds"])
    )
    sheet.put(None, "事业发展性支出", "预算金额（万元）", "按预算级次划分", "预算金额（万元）")
    sheet.put(
        None,
        "财政专项资金",
        amount(budget["special_funds"]),
        "区本级使用资金",
        amount(budget["district_level"]),
    )
    sheet.put(
        None,
        "其他事业发展性支出",
        amount(budget["other_development"]),
        "拟用于对下转移支付资金",
        amount(budget["transfer_payment"]),
    )
    sheet.put("总体绩效目标", paragraphs(data["overall_goal"]), merge={2: 5})
    if variant:
        sheet.blank(2)
    tasks = data["tasks"]
    sheet.put("年度重点工作任务", "名称", "主要实施内容", "拟投入的资金（万元）", "期望达到的目标(概述)")
    for task in tasks:
        sheet.put(
            None,
            task["name"],
            paragraphs(task["content"]),
            amount(task["amount"]),
            paragraphs(task["expected_goal"]),
        )
        if variant:
            sheet.blank()
    sheet.put("其他需完成的任务(可选填)", paragraphs(data["other_tasks"]) or None, merge={2: 5})
    sheet.put("绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值")
    last = (None, None)
    for item in data["indicators"]:
        level1 = item["level1"] if item["level1"] != last[0] else None
        level2 = item["level2"] if (item["level1"], item["level2"]) != last else None
        if variant and level2 and level2.endswith(("效益指标", "满意度指标")):
            level2 = level2.removesuffix("指标")  # the classic scheme's spelling: 社会效益
        sheet.put(None, level1, level2, item["name"], item["period_value"], item["annual_value"])
        last = (item["level1"], item["level2"])
    sheet.blank().put("填表人：张三", None, None, "联系电话：020-12345678")
    return sheet.content()
