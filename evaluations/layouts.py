"""Official layouts of the self-evaluation forms (§2.4, §2.5), built from records data, and read back."""

import re
from dataclasses import dataclass
from decimal import Decimal

from core.exports.layout import Cell, Layout, Row, Style, Table, indicator_tree_rows, label
from core.exports.xlsx import ReadSheet
from core.models import FormKind
from core.money import HUNDRED, ZERO, format_points, percent, round_money
from declarations.layouts import (
    LEVEL1_WEIGHT,
    sheet_amount_text,
    sheet_form_fields,
    sheet_grouped_rows,
    sheet_indicators,
)
from evaluations.models import (
    DEPARTMENT_EVALUATION_AMOUNTS,
    EVALUATION_DETAILS,
    EVALUATION_RICH_DETAILS,
    FUND_COLUMNS,
    FUND_SOURCES,
    PROJECT_EVALUATION_AMOUNTS,
    grade_for,
)
from evaluations.services import NARRATIVE_FIELDS
from indicators.models import Outline

NARRATIVE_LABELS = {
    "key_project_performance": "重点项目绩效情况",
    "overall_performance": "部门整体绩效",
    "problems": "存在问题",
    "improvements": "改进措施或下一步计划",
}

# --- §2.4 部门整体支出绩效自评表 -------------------------------------------------------------


def department_evaluation_layout(data: dict) -> Layout:
    funds = {name: Decimal(value) for name, value in data["funds"].items()}
    adjustment = funds["adjusted_budget"] - funds["initial_budget"]
    rows = [
        Row(
            [
                label("部门名称（汇总）"),
                Cell(data["department"], colspan=2),
                label("被评价年度"),
                Cell(f"{data['year']}年", colspan=2),
            ]
        ),
        Row(
            [
                label("部门资金情况", rowspan=4),
                label("部门调整预算收入", align="left"),
                Cell(funds["adjusted_budget"], style=Style.AMOUNT, field="adjusted_budget"),
                label("部门年初预算收入", align="left"),
                Cell(funds["initial_budget"], colspan=2, style=Style.AMOUNT, field="initial_budget"),
            ],
            marker="funds",
        ),
        Row(
            [
                label("实际支出数", align="left"),
                Cell(funds["actual_spending"], style=Style.AMOUNT, field="actual_spending"),
                label("年度预算调整数", align="left"),
                Cell(adjustment, colspan=2, style=Style.AMOUNT),
            ],
            marker="funds",
        ),
        Row(
            [
                label("其中：一般公共预算", align="left"),
                Cell(funds["general_public_budget"], style=Style.AMOUNT, field="general_public_budget"),
                Cell(""),
                Cell("", colspan=2),
            ],
            marker="funds",
        ),
        Row(
            [
                label("预算完成率", align="left"),
                Cell(percent(funds["actual_spending"], funds["adjusted_budget"]), style=Style.PERCENT),
                label("预算调整率", align="left"),
                Cell(percent(abs(adjustment), funds["initial_budget"]), colspan=2, style=Style.PERCENT),
            ]
        ),
        Row(
            [
                label("年度目标", rowspan=2),
                label("部门整体支出的预期目标", colspan=2),
                label("部门整体支出的目标完成情况", colspan=3),
            ]
        ),
        Row(
            [
                Cell(data["expected_goal"], colspan=2, style=Style.RICH, field="expected_goal"),
                Cell(data["goal_completion"], colspan=3, style=Style.RICH, field="goal_completion"),
            ],
            marker="form",
        ),
    ]
    header = Row(
        [
            label(t)
            for t in ("主要任务", "预期目标", "目标完成情况", "关键指标", "指标完成情况", "任务涉及资金")
        ]
    )
    task_rows = []
    for task in data["tasks"]:
        indicators = task["indicators"] or [{"name": "", "completion": ""}]
        span = len(indicators)
        for index, indicator in enumerate(indicators):
            cells = []
            if index == 0:
                cells += [
                    Cell(task["name"], rowspan=span, field="task.name", block=True),
                    Cell(task["expected"], rowspan=span, style=Style.RICH, field="task.expected", block=True),
                    Cell(
                        task["completion"],
                        rowspan=span,
                        style=Style.RICH,
                        field="task.completion",
                        block=True,
                    ),
                ]
            cells += [
                Cell(indicator["name"], field="name"),
                Cell(indicator["completion"], style=Style.RICH, field="completion"),
            ]
            if index == 0:
                cells.append(
                    Cell(task["amount"], rowspan=span, style=Style.AMOUNT, field="task.amount", block=True)
                )
            task_rows.append(Row(cells, marker="task", repeats=True))
    narratives = [
        Row([label(text), Cell(data[field], colspan=5, style=Style.RICH, field=field)], marker="form")
        for field, text in NARRATIVE_LABELS.items()
    ]
    return Layout(
        kind=FormKind.SELF_EVALUATION,
        kind_label=FormKind.SELF_EVALUATION.label,
        title=f"{data['year']}年度{data['department']}部门整体支出绩效自评表",
        widths=[12, 22, 30, 22, 36, 11],
        tables=[Table(rows), Table([header, *task_rows], header_rows=1), Table(narratives)],
        preamble=[data["attachment_label"]] if data.get("attachment_label") else [],
        preamble_field="attachment_label",
        subtitle_right="单位：万元",
        meta={"department": data["department"], "year": data["year"]},
    )


def department_evaluation_template(department: str, year: int) -> dict:
    """An empty 部门整体支出绩效自评表 with one task of one key indicator."""
    return {
        "department": department,
        "year": year,
        "funds": dict.fromkeys(DEPARTMENT_EVALUATION_AMOUNTS, "0"),
        **dict.fromkeys(NARRATIVE_FIELDS, ""),
        "tasks": [
            {
                "name": "",
                "expected": "",
                "completion": "",
                "amount": "0",
                "indicators": [{"name": "", "completion": ""}],
            }
        ],
    }


def department_evaluation_from_sheet(sheet: ReadSheet) -> dict:
    form = sheet_form_fields(sheet, {"form"})
    tasks = sheet_grouped_rows(
        sheet,
        "task",
        lambda row: {
            "name": row.get("task.name"),
            "expected": row.get("task.expected"),
            "completion": row.get("task.completion"),
            "amount": sheet_amount_text(row.get("task.amount", None)),
            "indicators": [],
        },
        lambda row: {"name": row.get("name"), "completion": row.get("completion")},
    )
    return {
        "kind": FormKind.SELF_EVALUATION.value,
        "attachment_label": sheet_form_fields(sheet, {"preamble"}).get("attachment_label", ""),
        "funds": {
            name: sheet_amount_text(value) for name, value in sheet_form_fields(sheet, {"funds"}).items()
        },
        **{field: form.get(field, "") for field in NARRATIVE_FIELDS},
        "tasks": tasks,
    }


# --- §2.5 项目支出绩效自评表 -------------------------------------------------------------------


def _final_score(item: dict):
    """The score a row prints: the reviewer's once given (records before reviewer scores have none)."""
    reviewer = item.get("reviewer_score")
    return reviewer if reviewer not in (None, "") else item["score"]


@dataclass(frozen=True)
class EvaluationSheet:
    """How one official layout prints a 项目支出绩效自评表 in the shared grid, as data: its labels.

    Guangzhou's (the default) and the 财政部 standard form of 财预〔2020〕10号 differ in wording only:
    the fund columns name their letters (全年预算数（A）, 执行率（B/A）), the blocks are “…完成情况”, a
    二级 prints with “指标” appended (“经济效益指标”), and a note states the 一级 weights.
    """

    name: str
    label: str
    fund_labels: tuple[str, str, str] = tuple(text for _, text in FUND_COLUMNS)
    total_label: str = "年度资金总额"
    rate_label: str = "执行率"
    goal_label: str = "年度总体目标"
    indicator_label: str = "绩效指标"
    level2_suffix: str = ""
    # Printed under the table: the 一级 weights the form states, in the national form's words.
    weights_note: bool = False
    # Printed decimals of amounts: 2 (Guangzhou's #,##0.00), or None for the decimals an amount has.
    amount_places: int | None = 2
    # The optional fields this layout prints (the entry page shows those and no others).
    fields: frozenset[str] = frozenset()

    def printed_level2(self, name: str) -> str:
        if not self.level2_suffix or name.endswith(self.level2_suffix):
            return name
        return f"{name}{self.level2_suffix}"


GUANGZHOU_EVALUATION = EvaluationSheet(name="guangzhou", label="广州市格式")
NATIONAL_EVALUATION = EvaluationSheet(
    name="national",
    label="财政部标准格式",
    fund_labels=("年初预算数", "全年预算数（A）", "全年执行数（B）"),
    total_label="年度资金总额：",
    rate_label="执行率（B/A）",
    goal_label="年度总体目标完成情况",
    indicator_label="年度绩效指标完成情况",
    level2_suffix="指标",
    weights_note=True,
    amount_places=None,  # the real form (Tianchang's) prints 880, not 880.00
)


# 财预〔2020〕10号's note, printed as it stands where the form keeps the standard weights.
STANDARD_WEIGHTS = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
STANDARD_NOTE = (
    "注：1.一级指标分值统一设置为：产出指标50分、效益指标30分、服务对象满意度指标10分、预算资金执行率10分。"
    "如有特殊情况，一级指标权重可做适当调整。"
)


EVALUATION_SHEETS = (NATIONAL_EVALUATION,)


def _weights_note(budget_weight: Decimal, level1_weights: dict[str, Decimal]) -> str:
    """The note under the national table: the standard one, or the weights this form states."""
    if budget_weight == 10 and level1_weights == STANDARD_WEIGHTS:
        return STANDARD_NOTE
    parts = [f"{name}{format_points(weight)}分" for name, weight in level1_weights.items()]
    parts.append(f"预算资金执行率{format_points(budget_weight)}分")
    return f"注：1.本表一级指标分值为：{'、'.join(parts)}。"


def _scored_cells(item: dict | None) -> list[Cell]:
    """三级, 年度指标值, 实际完成值, 分值 and 得分 of one row (blank cells for an empty 二级)."""
    return [
        Cell(item["name"] if item else "", field="name"),
        Cell(item["annual_value"] if item else "", field="annual_value"),
        Cell(item["actual_value"] if item else "", field="actual_value"),
        Cell(item["weight"] if item else "", style=Style.NUMBER, field="weight"),
        Cell(_final_score(item) if item else "", style=Style.NUMBER, field="score"),
    ]


def _total_score(budget_score, indicators: list[dict]) -> Decimal | None:
    """总分: the budget's and every scored row's points; none while a row with points is unscored."""
    scores = [
        budget_score,
        *(
            None if _final_score(item) is None else Decimal(_final_score(item))
            for item in indicators
            if Decimal(item["weight"] or 0) or _final_score(item) is not None
        ),
    ]
    return None if any(s is None for s in scores) else round_money(sum(scores, ZERO))


def project_evaluation_layout(
    data: dict, outline: Outline, sheet: EvaluationSheet = GUANGZHOU_EVALUATION
) -> Layout:
    funds = {name: Decimal(value) for name, value in data["funds"].items()}
    weight = Decimal(data["budget_weight"])
    totals = {
        column: sum((funds[f"{column}_{source}"] for source, _ in FUND_SOURCES), ZERO)
        for column, _ in FUND_COLUMNS
    }
    rate = percent(totals["executed"], totals["annual"])
    budget_score = None if rate is None else round_money(min(rate, HUNDRED) / HUNDRED * weight)
    rows = [
        Row([label("项目名称"), Cell(data["project_name"], colspan=8, field="project_name")], marker="form"),
        Row(
            [
                label("主管部门"),
                Cell(data["competent_department"], colspan=3, field="competent_department"),
                label("实施单位"),
                Cell(data["implementing_unit"], colspan=4, field="implementing_unit"),
            ],
            marker="form",
        ),
        Row(
            [
                label("项目资金（万元）", rowspan=5),
                label("", colspan=2),
                *[label(text) for text in sheet.fund_labels],
                label("分值"),
                label(sheet.rate_label),
                label("得分"),
            ]
        ),
        Row(
            [
                label(sheet.total_label, colspan=2, align="left"),
                *[
                    Cell(totals[column], style=Style.AMOUNT, places=sheet.amount_places)
                    for column, _ in FUND_COLUMNS
                ],
                Cell(weight, style=Style.NUMBER, field="budget_weight"),
                Cell(rate, style=Style.PERCENT),
                Cell(budget_score, style=Style.NUMBER),
            ],
            marker="form",
        ),
    ]
    for source, text in FUND_SOURCES:
        rows.append(
            Row(
                [
                    label(text, colspan=2, align="left"),
                    *[
                        Cell(
                            funds[f"{column}_{source}"],
                            style=Style.AMOUNT,
                            field=f"{column}_{source}",
                            places=sheet.amount_places,
                        )
                        for column, _ in FUND_COLUMNS
                    ],
                    label("—"),
                    label("—"),
                    label("—"),
                ],
                marker="funds",
            )
        )
    rows += [
        Row(
            [
                label(sheet.goal_label, rowspan=2),
                label("预期目标", colspan=4),
                label("实际完成情况", colspan=4),
            ]
        ),
        Row(
            [
                Cell(data["expected_goal"], colspan=4, style=Style.RICH, field="expected_goal"),
                Cell(data["actual_completion"], colspan=4, style=Style.RICH, field="actual_completion"),
            ],
            marker="form",
        ),
    ]
    indicators = data["indicators"]
    # The 一级 weights the form states; a record approved before forms stated them prints the sums.
    level1_weights: dict[str, Decimal] = {
        name: Decimal(weight) for name, weight in (data.get("level1_weights") or {}).items()
    }
    if not level1_weights:
        for item in indicators:
            level1_weights[item["level1"]] = level1_weights.get(item["level1"], ZERO) + Decimal(
                item["weight"]
            )
    header = Row(
        [
            label(t)
            for t in (
                sheet.indicator_label,
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            )
        ]
    )
    indicator_rows = indicator_tree_rows(
        outline.tree,
        indicators,
        leading=[label("", joined=True)],
        marker="indicator",
        level1_text=lambda name: (
            f"{name}（{format_points(level1_weights[name])}分）" if name in level1_weights else name
        ),
        level2_text=sheet.printed_level2,
        cells=lambda item: [
            *_scored_cells(item),
            Cell(item["deviation_reason"] if item else "", style=Style.RICH, field="deviation_reason"),
        ],
    )
    total = _total_score(budget_score, indicators)
    total_weight = weight + sum(level1_weights.values(), ZERO)
    indicator_rows.append(
        Row(
            [
                label("总分", colspan=6),
                Cell(total_weight, style=Style.NUMBER),
                Cell(total, style=Style.NUMBER),
                # The grade bands are the district's scoring policy, carried in the data.
                label(
                    f"自评等级：{(data.get('grade') if 'grade' in data else grade_for(total)) or '未评定'}",
                    align="left",
                ),
            ]
        )
    )
    tables = [Table(rows), Table([header, *indicator_rows], header_rows=1)]
    if sheet.weights_note:
        # Its own table: the note follows the grid, not under a repeated header on a page of its own.
        tables.append(Table([Row([label(_weights_note(weight, level1_weights), colspan=9, align="left")])]))
    meta = {"department": data["department"], "year": data["year"], "project": data["project_name"]}
    if sheet is not GUANGZHOU_EVALUATION:
        meta["layout"] = sheet.name
    return Layout(
        kind=FormKind.PROJECT_SELF_EVALUATION,
        kind_label=FormKind.PROJECT_SELF_EVALUATION.label,
        title="项目支出绩效自评表",
        widths=[9, 11, 13, 26, 16, 16, 8, 8, 26],
        tables=tables,
        subtitle_left=f"（{data['year']}年度）",
        subtitle_right="单位：万元",
        meta=meta,
    )


def project_evaluation_template(department: str, year: int) -> dict:
    """An empty 项目支出绩效自评表 (its indicator table is the scheme's tree)."""
    return {
        "department": department,
        "year": year,
        "project_name": "",
        "competent_department": "",
        "implementing_unit": "",
        "budget_weight": "0",
        "funds": dict.fromkeys(PROJECT_EVALUATION_AMOUNTS, "0"),
        "expected_goal": "",
        "actual_completion": "",
        "indicators": [],
    }


def project_evaluation_from_sheet(
    sheet: ReadSheet, outline: Outline | None = None, layout: EvaluationSheet = GUANGZHOU_EVALUATION
) -> dict:
    """One evaluation read back from the XLSX its layout writes (a 二级 printed with the layout's suffix
    is read as the scheme's name, which needs the year's ``outline``)."""
    form = sheet_form_fields(sheet, {"form"})
    indicators = sheet_indicators(
        sheet, "name", "annual_value", "actual_value", "weight", "score", "deviation_reason"
    )
    if outline is not None:
        scheme_names = {
            (level1, layout.printed_level2(level2)): level2
            for level1, children in outline.tree
            for level2 in children
        }
        for item in indicators:
            item["level2"] = scheme_names.get((item["level1"], item["level2"]), item["level2"])
    for item in indicators:
        item["weight"] = sheet_amount_text(item["weight"])
        item["score"] = None if item["score"] in ("", None) else sheet_amount_text(item["score"])
    return {
        "kind": FormKind.PROJECT_SELF_EVALUATION.value,
        **({} if layout is GUANGZHOU_EVALUATION else {"layout": layout.name}),
        "project_name": form.get("project_name", ""),
        "competent_department": form.get("competent_department", ""),
        "implementing_unit": form.get("implementing_unit", ""),
        "budget_weight": sheet_amount_text(form.get("budget_weight")),
        "funds": {
            name: sheet_amount_text(value) for name, value in sheet_form_fields(sheet, {"funds"}).items()
        },
        "expected_goal": form.get("expected_goal", ""),
        "actual_completion": form.get("actual_completion", ""),
        "indicators": indicators,
    }


# --- the same kind grouped by 年度绩效目标 (Hubei's 项目绩效自评表) ------------------------------------------


@dataclass(frozen=True)
class GoalGroupedSheet:
    """A 项目支出绩效自评表 whose indicators are grouped by the form's 年度绩效目标, each goal with its own
    table and points (Hubei's: 年度绩效目标1（40分）, 年度绩效目标2（40分）), budget execution scored as
    ``分值 × 执行率`` of the 财政资金, and the analysis written once for the form.

    ``options`` are the printed choices of a field (the chosen one is ticked); ``level2_labels`` are the
    province's names of the scheme's 二级 (时效指标 → 进度指标), before ``level2_suffix``.
    The scheme's rules need each row's 分值, which Hubei's printed form leaves implicit: it is printed
    in its own column beside 得分.
    """

    name: str
    label: str
    options: dict[str, tuple[str, ...]]
    level2_labels: dict[str, str]
    level2_suffix: str = "指标"
    # The fund cells the form has (the 财政资金 of the year): the page asks for these and no others.
    fund_fields: tuple[str, str] = ("annual_current", "executed_current")
    fields: frozenset[str] = frozenset({*EVALUATION_DETAILS, "goal"})
    amount_places: int | None = None  # the real form prints 10, not 10.00

    def printed_level2(self, name: str) -> str:
        name = self.level2_labels.get(name, name)
        return name if name.endswith(self.level2_suffix) else f"{name}{self.level2_suffix}"

    def options_text(self, field: str, value: str) -> str:
        """“√1、上级专项  2、本级专项”: the choices as printed, the form's ticked; a value that is not one
        of them is printed after them."""
        choices = self.options[field]
        text = "  ".join(
            f"{'√' if choice == value else ''}{n}、{choice}" for n, choice in enumerate(choices, 1)
        )
        return text if not value or value in choices else f"{text}  其他：{value}"

    def chosen(self, field: str, printed) -> str:
        """The value read back from ``options_text``'s cell."""
        text = str(printed or "")
        if "其他：" in text:
            return text.split("其他：", 1)[1].strip()
        match = re.search(r"√\d+、(\S+)", text)
        return match.group(1) if match else ""


HUBEI_EVALUATION = GoalGroupedSheet(
    name="hubei",
    label="湖北省格式（项目绩效自评表）",
    options={
        "category": ("上级专项", "本级专项"),
        "attribute": ("持续性项目", "新增性项目"),
        "project_type": ("常年性项目", "延续性项目", "一次性项目"),
    },
    level2_labels={"时效指标": "进度指标"},
)


GOAL_GROUPED_SHEETS = (HUBEI_EVALUATION,)


def goal_grouped_sheet(layout: str | None) -> GoalGroupedSheet | None:
    """The description of ``layout`` if it groups its rows by 年度绩效目标, else None."""
    return next((sheet for sheet in GOAL_GROUPED_SHEETS if sheet.name == layout), None)


def goal_grouped(data: dict) -> bool:
    """Whether ``data`` prints in a layout that groups its rows by 年度绩效目标."""
    return goal_grouped_sheet(data.get("layout")) is not None


GOAL_HEADING = re.compile(r"年度绩效目标(\d+)")
POINTS = re.compile(r"（(\d+(?:\.\d+)?)分）")


def printed_date(value: str) -> str:
    """2021-03-10 → 2021年3月10日 (a record keeps the ISO date)."""
    if not value:
        return ""
    year, month, day = (int(part) for part in value.split("-"))
    return f"{year}年{month}月{day}日"


def goal_groups(indicators: list[dict]) -> list[tuple[int, list[dict]]]:
    """The rows of each 年度绩效目标, in its number's order (a row naming none belongs to the first)."""
    groups: dict[int, list[dict]] = {}
    for item in indicators:
        groups.setdefault(item.get("goal") or 1, []).append(item)
    return sorted(groups.items()) or [(1, [])]


def goal_grouped_layout(data: dict, outline: Outline, sheet: GoalGroupedSheet) -> Layout:
    funds = data["funds"]
    annual, executed = (Decimal(funds[field]) for field in sheet.fund_fields)
    weight = Decimal(data["budget_weight"])
    rate = percent(executed, annual)
    budget_score = None if rate is None else round_money(min(rate, HUNDRED) / HUNDRED * weight)
    points = format_points(weight)

    def pair(left: str, left_cell: Cell, right: str, right_cell: Cell) -> Row:
        return Row([label(left), left_cell, label(right), right_cell], marker="form")

    def chosen(field: str, colspan: int) -> Cell:
        return Cell(sheet.options_text(field, data.get(field, "")), colspan=colspan, field=field)

    rows = [
        pair(
            "单位名称：",
            Cell(data["department"], colspan=2),
            "填报日期：",
            Cell(printed_date(data.get("filled_on", "")), colspan=3, field="filled_on"),
        ),
        pair(
            "项目名称",
            Cell(data["project_name"], colspan=2, field="project_name"),
            "主管部门",
            Cell(data["competent_department"], colspan=3, field="competent_department"),
        ),
        pair(
            "项目实施单位",
            Cell(data["implementing_unit"], colspan=2, field="implementing_unit"),
            "项目类别",
            chosen("category", 3),
        ),
        pair("项目属性", chosen("attribute", 2), "项目类型", chosen("project_type", 3)),
        Row(
            [
                # The heading states the weight: it is the field a sheet reads it back from.
                Cell(
                    f"预算执行情况（万元）（{points}分）",
                    rowspan=2,
                    style=Style.LABEL,
                    field="budget_heading",
                ),
                label("", colspan=2),
                label("预算数（A）"),
                label("执行数（B）"),
                label("执行率（B/A）"),
                label(f"得分（{points}分*执行率）"),
            ],
            marker="form",
        ),
        Row(
            [
                label("年度财政资金总额", colspan=2, align="left"),
                *[
                    Cell(Decimal(funds[field]), style=Style.AMOUNT, field=field, places=sheet.amount_places)
                    for field in sheet.fund_fields
                ],
                Cell(rate, style=Style.PERCENT),
                Cell(budget_score, style=Style.NUMBER),
            ],
            marker="funds",
        ),
    ]
    goal_tables = []
    for number, items in goal_groups(data["indicators"]):
        goal_points = sum((Decimal(item["weight"] or 0) for item in items), ZERO)
        heading = f"年度绩效目标{number}（{format_points(goal_points)}分）"
        indicator_rows = indicator_tree_rows(
            outline.tree,
            items,
            leading=[],
            marker="indicator",
            level2_text=sheet.printed_level2,
            cells=_scored_cells,
        )
        columns = ("一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）", "分值", "得分")
        goal_tables.append(
            Table(
                [
                    Row([Cell(heading, colspan=7, style=Style.LABEL, field="goal_heading")], marker="goal"),
                    Row([label(text) for text in columns]),
                    *indicator_rows,
                ],
                header_rows=2,
            )
        )
    total = _total_score(budget_score, data["indicators"])
    closing = [
        Row([label("总分", colspan=6), Cell(total, style=Style.NUMBER)]),
        *[
            Row(
                [label(text, colspan=2), Cell(data.get(field, ""), colspan=5, style=Style.RICH, field=field)],
                marker="form",
            )
            for field, text in (
                ("deviation_analysis", "偏差大或目标未完成原因分析"),
                ("improvement_plan", "改进措施及结果应用方案"),
            )
        ],
    ]
    return Layout(
        kind=FormKind.PROJECT_SELF_EVALUATION,
        kind_label=FormKind.PROJECT_SELF_EVALUATION.label,
        title=f"{data['year']}年度{data['project_name']}项目绩效自评表",
        widths=[13, 13, 28, 14, 14, 8, 10],
        tables=[Table(rows), *goal_tables, Table(closing)],
        landscape=False,
        meta={
            "department": data["department"],
            "year": data["year"],
            "project": data["project_name"],
            "layout": sheet.name,
        },
    )


def goal_grouped_from_sheet(read_sheet: ReadSheet, outline: Outline, sheet: GoalGroupedSheet) -> dict:
    """One evaluation read back from the XLSX ``goal_grouped_layout`` writes."""
    form = sheet_form_fields(read_sheet, {"form"})
    weight = POINTS.search(str(form.get("budget_heading") or ""))
    scheme_names = {
        (level1, sheet.printed_level2(level2)): level2
        for level1, children in outline.tree
        for level2 in children
    }
    indicators, goal = [], 1
    for row in read_sheet.rows:
        if row.kind == "goal":
            match = GOAL_HEADING.search(str(row.get("goal_heading") or ""))
            goal = int(match.group(1)) if match else goal
        elif row.kind == "indicator":
            # A workbook we did not write is read by one goal's template: a later goal's heading
            # comes as a row of it, in the 一级 column.
            heading = GOAL_HEADING.match(str(row.get("level1") or "").strip())
            if heading:
                goal = int(heading.group(1))
                continue
            item = {
                name: row.get(name) for name in ("name", "annual_value", "actual_value", "weight", "score")
            }
            if all(value in ("", None) for value in item.values()):
                continue
            level1, level2 = LEVEL1_WEIGHT.sub("", row.get("level1")), row.get("level2")
            indicators.append(
                {
                    "level1": level1,
                    "level2": scheme_names.get((level1, level2), level2),
                    **item,
                    "weight": sheet_amount_text(item["weight"]),
                    "score": None if item["score"] in ("", None) else sheet_amount_text(item["score"]),
                    "goal": goal,
                }
            )
    # The record keeps rows in the scheme's order (the entry page's), each goal's after the other's.
    position = {
        (level1, level2): n
        for n, (level1, level2) in enumerate(
            (level1, level2) for level1, children in outline.tree for level2 in children
        )
    }
    indicators.sort(key=lambda item: position.get((item["level1"], item["level2"]), len(position)))
    filled = str(form.get("filled_on") or "").strip()
    return {
        "kind": FormKind.PROJECT_SELF_EVALUATION.value,
        "layout": sheet.name,
        "project_name": form.get("project_name", ""),
        "competent_department": form.get("competent_department", ""),
        "implementing_unit": form.get("implementing_unit", ""),
        "budget_weight": weight.group(1) if weight else "0",
        "funds": {
            name: sheet_amount_text(value)
            for name, value in sheet_form_fields(read_sheet, {"funds"}).items()
            if name in sheet.fund_fields
        },
        **{field: sheet.chosen(field, form.get(field)) for field in sheet.options},
        "filled_on": filled,
        **{field: form.get(field) or "" for field in EVALUATION_RICH_DETAILS},
        "indicators": indicators,
    }
