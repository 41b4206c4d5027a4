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


def target_table(data: dict, *, variant: int = 0) -> bytes:
    """§2.2 with 本年/三年期 and the row headings written once, tasks written once over their indicators."""
    sheet = Sheet("目标表", first_column=3 if variant else 1)
    sheet.put(f"{data['year']}年 部门整体绩效目标表", merge={1: 7})
    sheet.put(f"部门名称:{data['department']}", None, None, None, None, None, "单位：万元")
    sheet.put("部门职能概述", paragraphs(data["duties"]), merge={2: 6})
    income = data["income"]
    total = sum(Decimal(v) for v in income.values())
    fiscal = Decimal(income["general_public_budget"]) + Decimal(income["government_fund"])
    lines = [
        ("总额（万元）", total),
        ("1. 财政拨款收入", fiscal),
        ("其中：一般公共预算", income["general_public_budget"]),
        ("      政府性基金预算", income["government_fund"]),
        ("2.财政专户管理资金", income["special_account"]),
        ("3.事业收入", income["business_income"]),
        ("4.经营收入", income["operating_income"]),
        ("5.其他收入", income["other_income"]),
    ]
    for period, first, plan in (
        ("annual", "本年", "年度主要支出计划\n（对应任务、政策）"),
        ("three_year", "三年期", "三年期主要支出计划(对应任务、政策)"),
    ):
        block = data["blocks"][period]
        lead = first
        if period == "annual":
            for index, (text, value) in enumerate(lines):
                sheet.put(
                    lead, "本年度部门预算收入" if index == 0 else None, text, None, thousands(str(value))
                )
                lead = None
        sheet.put(
            lead, "年度目标" if period == "annual" else "三年期目标", paragraphs(block["goal"]), merge={3: 5}
        )
        sheet.put(None, "部门整体支出目标", "关键指标", None, None, "预期实现值", merge={3: 3})
        for key in block["key_indicators"]:
            sheet.put(None, None, key["name"], None, None, key["value"], merge={3: 3})
        sheet.put(None, None, f"其中:部门年度整体预算完成率: {block['budget_completion_rate']}", merge={3: 5})
        sheet.put(
            None,
            plan,
            "任务",
            "任务（政策）的绩效目标",
            "任务（政策）关键性指标\n（产出、效益、公众满意度方面）",
            "绩效标准（指标解释及预期实现值）",
            "主要实施项目（项目名称）",
        )
        for task in block["tasks"]:
            for index, item in enumerate(task["indicators"] or [{"name": "", "standard": ""}]):
                first_row = index == 0
                sheet.put(
                    None,
                    None,
                    task["name"] if first_row else None,
                    paragraphs(task["goal"]) if first_row else None,
                    item["name"],
                    item["standard"],
                    task["projects"] if first_row else None,
                )
        if variant:
            sheet.blank()
    sheet.put("其他需要说明的情况", paragraphs(data["other_notes"]) or None, merge={2: 6})
    sheet.put("备注：", paragraphs(data["remark"]), merge={2: 6})
    return sheet.content()


def projects(data: dict, *, variant: int = 0) -> bytes:
    """§2.3 with its 合计 and unit rows; amounts left blank where zero, indicator cells as published."""
    sheet = Sheet("项目表", first_column=2 if variant else 1, spacers=(3,) if variant else ())
    sheet.put("项目支出绩效目标表（含转移支付项目）", merge={1: 7})
    sheet.put("部门名称：", data["department"], None, None, None, None, "单位:万元")
    sheet.put(
        "项目名称\n（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"
    )
    fields = ("fiscal_appropriation", "special_account", "other_funds")
    rows = data["projects"]

    def amounts(items):
        sums = [sum(Decimal(p[f]) for p in items) for f in fields]
        return [float(sum(sums)), *(float(v) if v else None for v in sums)]

    sheet.put("合计", *amounts(rows))
    units: dict[str, list[dict]] = {}
    for project in rows:
        units.setdefault(project["unit"], []).append(project)
    for unit, items in units.items():
        sheet.put(unit, *amounts(items))
        for project in items:
            values = [thousands(project[f]) if Decimal(project[f]) else None for f in fields]
            total = thousands(str(sum(Decimal(project[f]) for f in fields)))
            sheet.put(project["name"], total, *values, paragraphs(project["goal"]), project["indicator_text"])
            if variant:
                sheet.blank()
    return sheet.content()


def self_evaluation(data: dict, *, variant: int = 0) -> bytes:
    """§2.4 with the task cells written once above their key indicator rows."""
    sheet = Sheet("自评表", first_column=2 if variant else 1)
    if data.get("attachment_label"):
        sheet.put(data["attachment_label"])
    sheet.put(f"{data['year']}年度{data['department']}部门整体支出绩效自评表", merge={1: 6})
    sheet.put(None, None, None, None, None, "单位：万元")
    sheet.put("部门名称(汇总)", data["department"], None, "被评价年度", f"{data['year']}年", merge={2: 2})
    funds = data["funds"]
    adjusted, initial = Decimal(funds["adjusted_budget"]), Decimal(funds["initial_budget"])
    actual = Decimal(funds["actual_spending"])
    sheet.put(
        "部门资金情况", "部门调整预算收入", float(adjusted), "部门年初预算收入", float(initial), down={1: 4}
    )
    sheet.put(None, "实际支出数", thousands(str(actual)), "年度预算调整数", float(adjusted - initial))
    sheet.put(None, "其中：一般公共预算", thousands(funds["general_public_budget"]))
    sheet.put(
        None,
        "预算完成率",
        f"{actual / adjusted * 100:.2f}%",
        "预算调整率",
        f"{abs(adjusted - initial) / initial * 100:.2f}%",
    )
    sheet.put("年度目标", "部门整体支出的预期目标", None, "部门整体支出的目标完成情况", merge={2: 2, 4: 3})
    sheet.put(
        None, paragraphs(data["expected_goal"]), None, paragraphs(data["goal_completion"]), merge={2: 2, 4: 3}
    )
    if variant:
        sheet.blank(3)
    sheet.put("主要任务", "预期目标", "目标完成情况", "关键指标", "指标完成情况", "任务涉及资金")
    for task in data["tasks"]:
        for index, item in enumerate(task["indicators"] or [{"name": "", "completion": ""}]):
            first_row = index == 0
            sheet.put(
                task["name"] if first_row else None,
                paragraphs(task["expected"]) if first_row else None,
                paragraphs(task["completion"]) if first_row else None,
                item["name"],
                paragraphs(item["completion"]),
                float(task["amount"]) if first_row else None,
            )
    for field, text in (
        ("key_project_performance", "重点项目绩效情况"),
        ("overall_performance", "部门整体绩效"),
        ("problems", "存在问题"),
        ("improvements", "改进措施或下一步计划"),
    ):
        sheet.put(text, paragraphs(data[field]), merge={2: 5})
    return sheet.content()


def project_evaluation(data: dict, *, variant: int = 0) -> bytes:
    """§2.5, the national standard layout as a district sends it: 一级 with its weight, written once."""
    sheet = Sheet("项目自评表", first_column=2 if variant else 1)
    sheet.put("项目支出绩效自评表", merge={1: 9})
    sheet.put(f"（ {data['year']} 年度）", None, None, None, None, None, None, None, "单位：万元")
    sheet.put("项目名称", data["project_name"], merge={2: 8})
    sheet.put(
        "主管部门",
        data["competent_department"],
        None,
        None,
        "实施单位",
        data["implementing_unit"],
        merge={2: 3, 6: 4},
    )
    sheet.put(
        "项目资金\n（万元）",
        None,
        None,
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
        down={1: 5},
    )
    funds = data["funds"]
    totals = [
        sum(Decimal(funds[f"{c}_{s}"]) for s in ("current", "carryover", "other"))
        for c in ("initial", "annual", "executed")
    ]
    sheet.put(None, "年度资金总额", None, *map(float, totals), float(data["budget_weight"]), None, None)
    for source, text in (
        ("current", "其中：本年财政拨款"),
        ("carryover", "上年结转资金"),
        ("other", "其他资金"),
    ):
        sheet.put(
            None,
            text,
            None,
            *(thousands(funds[f"{c}_{source}"]) for c in ("initial", "annual", "executed")),
            "—",
            "—",
            "—",
        )
    sheet.put("年度总体目标", "预期目标", None, None, None, "实际完成情况", merge={2: 4, 6: 4}, down={1: 2})
    sheet.put(
        None,
        paragraphs(data["expected_goal"]),
        None,
        None,
        None,
        paragraphs(data["actual_completion"]),
        merge={2: 4, 6: 4},
    )
    sheet.put(
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    )
    weights = data["level1_weights"]
    last = (None, None)
    for item in data["indicators"]:
        level1 = f"{item['level1']}({weights[item['level1']]}分)" if item["level1"] != last[0] else None
        level2 = item["level2"] if (item["level1"], item["level2"]) != last else None
        score = item.get("reviewer_score") or item.get("score")
        sheet.put(
            None,
            level1,
            level2,
            item["name"],
            item["annual_value"],
            item["actual_value"],
            float(item["weight"]),
            float(score) if score else None,
            item["deviation_reason"] or None,
        )
        last = (item["level1"], item["level2"])
    sheet.put("总分", None, None, None, None, None, 100, None, "自评等级：优", merge={1: 6})
    return sheet.content()
