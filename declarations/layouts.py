"""Official layouts of the declaration forms (§2.1–§2.3), built from records data, and read back."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from core.exports.layout import Cell, Layout, Row, Style, Table, indicator_tree_rows, label
from core.exports.xlsx import ReadSheet
from core.models import FormKind
from core.money import ZERO, amount_text
from declarations.models import DECLARATION_AMOUNTS, PROJECT_AMOUNTS, PROJECT_DETAILS, TARGET_TABLE_INCOMES
from indicators.models import Outline
from indicators.serialized import SerializedIndicator, serialize_indicators

BUDGET_ROWS = [
    # (left label, left field, right label, right field), under the two block headings of §2.1
    ("部门预算支出", None, "收入来源", None),
    ("基本支出", "basic_expenditure", "财政拨款", "fiscal_appropriation"),
    ("项目支出", "project_expenditure", "其他资金", "other_funds"),
    ("事业发展性支出", None, "按预算级次划分", None),
    ("财政专项资金", "special_funds", "区本级使用资金", "district_level"),
    ("其他事业发展性支出", "other_development", "拟用于对下转移支付资金", "transfer_payment"),
]


def _department_row(data: dict, label_text: str, columns: int) -> Row:
    """The 部门名称 row; the printed name may differ from the department's (“…司法局(部门)”)."""
    printed = data.get("department_label") or data["department"]
    return Row(
        [label(label_text), Cell(printed, colspan=columns - 1, field="department_label")], marker="name"
    )


# --- §2.1 部门整体预算绩效目标申报表 ------------------------------------------------------------


def declaration_layout(data: dict, outline: Outline) -> Layout:
    budget = data["budget"]
    rows = [_department_row(data, "部门名称", 6)]
    for index, (left, left_field, right, right_field) in enumerate(BUDGET_ROWS):
        cells = [label("预算整体情况", rowspan=len(BUDGET_ROWS))] if index == 0 else []
        if left_field is None:
            cells += [
                label(left, colspan=2),
                label("预算金额（万元）"),
                label(right),
                label("预算金额（万元）"),
            ]
            rows.append(Row(cells))
            continue
        cells += [
            label(left, colspan=2, align="left"),
            Cell(budget[left_field], style=Style.AMOUNT, field=left_field),
            label(right, align="left"),
            Cell(budget[right_field], style=Style.AMOUNT, field=right_field),
        ]
        rows.append(Row(cells, marker="budget"))
    rows.append(
        Row(
            [
                label("总体绩效目标"),
                Cell(data["overall_goal"], colspan=5, style=Style.RICH, field="overall_goal"),
            ],
            "form",
        )
    )
    tasks = data["tasks"]
    rows.append(
        Row(
            [
                label("年度重点工作任务", rowspan=len(tasks) + 1),
                label("名称", colspan=2),
                label("主要实施内容"),
                label("拟投入的资金（万元）"),
                label("期望达到的目标（概述）"),
            ]
        )
    )
    for task in tasks:
        rows.append(
            Row(
                [
                    Cell(task["name"], colspan=2, field="name"),
                    Cell(task["content"], style=Style.RICH, field="content"),
                    Cell(task["amount"], style=Style.AMOUNT, field="amount"),
                    Cell(task["expected_goal"], style=Style.RICH, field="expected_goal"),
                ],
                marker="task",
                repeats=True,
            )
        )
    rows.append(
        Row(
            [
                label("其他需完成的任务（可选填）"),
                Cell(data["other_tasks"], colspan=5, style=Style.RICH, field="other_tasks"),
            ],
            marker="form",
        )
    )
    header = Row(
        [
            label("绩效指标"),
            label("一级指标"),
            label("二级指标"),
            label("三级指标"),
            label("实施周期指标值"),
            label("年度指标值"),
        ]
    )
    indicator_rows = indicator_tree_rows(
        outline.tree,
        data["indicators"],
        leading=[label("", joined=True)],
        marker="indicator",
        cells=lambda item: [
            Cell(item["name"] if item else "", field="name"),
            Cell(item["period_value"] if item else "", field="period_value"),
            Cell(item["annual_value"] if item else "", field="annual_value"),
        ],
    )
    title = f"{data['department']}{data['year']}年部门整体预算绩效目标申报表"
    if data.get("disclosure_label"):
        title = "部门整体预算绩效目标申报表"
    return Layout(
        kind=FormKind.DECLARATION,
        kind_label=FormKind.DECLARATION.label,
        title=title,
        widths=[10, 11, 13, 34, 17, 30],
        tables=[Table(rows), Table([header, *indicator_rows], header_rows=1)],
        preamble=[data["disclosure_label"]] if data.get("disclosure_label") else [],
        preamble_field="disclosure_label",
        subtitle_right="单位：万元",
        meta={"department": data["department"], "year": data["year"]},
    )


def declaration_template(department: str, year: int) -> dict:
    """An empty declaration with one task: the map a workbook we did not write is read by."""
    return {
        "department": department,
        "year": year,
        "budget": dict.fromkeys(DECLARATION_AMOUNTS, "0"),
        "overall_goal": "",
        "tasks": [{"name": "", "content": "", "amount": "0", "expected_goal": ""}],
        "other_tasks": "",
        "indicators": [],
    }


LEVEL1_WEIGHT = re.compile(r"\s*[（(]\s*[\d.]+\s*分\s*[）)]\s*$")


def sheet_indicators(sheet: ReadSheet, *fields: str) -> list[dict]:
    result = []
    for row in sheet.rows:
        if row.kind != "indicator":
            continue
        item = {"level1": LEVEL1_WEIGHT.sub("", row.get("level1")), "level2": row.get("level2")}
        item.update({name: row.get(name) for name in fields})
        if any(item[name] not in ("", None) for name in fields):
            if not item["name"]:
                raise ValidationError(
                    f"工作表“{sheet.title}”单元格{row.fields['name'].coordinate}：三级指标名称不能为空。"
                )
            result.append(item)
    return result


def sheet_form_fields(sheet: ReadSheet, kinds: set[str]) -> dict:
    values = {}
    for row in sheet.rows:
        if row.kind in kinds:
            values.update({name: field.value for name, field in row.fields.items()})
    return values


def sheet_amount_text(value) -> str:
    """A number read from a sheet as the records write it: empty is 0, every decimal read is kept."""
    return amount_text(value if value is not None else ZERO)


def declaration_from_sheet(sheet: ReadSheet) -> dict:
    budget = {name: sheet_amount_text(value) for name, value in sheet_form_fields(sheet, {"budget"}).items()}
    form = sheet_form_fields(sheet, {"form"})
    tasks = [
        {
            "name": row.get("name"),
            "content": row.get("content"),
            "amount": sheet_amount_text(row.get("amount", None)),
            "expected_goal": row.get("expected_goal"),
        }
        for row in sheet.rows
        if row.kind == "task" and any(field.value not in ("", None) for field in row.fields.values())
    ]
    printed = sheet_form_fields(sheet, {"name"}).get("department_label", "")
    return {
        "kind": FormKind.DECLARATION.value,
        "department_label": "" if printed == sheet.meta.get("department") else printed,
        "disclosure_label": sheet_form_fields(sheet, {"preamble"}).get("disclosure_label", ""),
        "budget": budget,
        "overall_goal": form.get("overall_goal", ""),
        "other_tasks": form.get("other_tasks", ""),
        "tasks": tasks,
        "indicators": sheet_indicators(sheet, "name", "period_value", "annual_value"),
    }


# --- §2.2 部门整体绩效目标表 -------------------------------------------------------------------

RATE_LINE = "其中：部门年度整体预算完成率："
RATE_PREFIX = re.compile(r"^\s*其中\s*[：:]\s*部门年度整体预算完成率\s*[：:]\s*")
INCOME_ROWS = [
    ("总额（万元）", None),
    ("1.财政拨款收入", None),
    ("其中：一般公共预算", "general_public_budget"),
    ("      政府性基金预算", "government_fund"),
    ("2.财政专户管理资金", "special_account"),
    ("3.事业收入", "business_income"),
    ("4.经营收入", "operating_income"),
    ("5.其他收入", "other_income"),
]


def _block_rows(data: dict, period: str) -> list[Row]:
    block = data["blocks"].get(
        period, {"goal": "", "budget_completion_rate": "", "key_indicators": [], "tasks": []}
    )
    annual = period == "annual"
    rows: list[Row] = []
    if annual:
        income = {name: Decimal(value) for name, value in data["income"].items()}
        fiscal = income["general_public_budget"] + income["government_fund"]
        totals = {
            "总额（万元）": fiscal
            + sum(v for k, v in income.items() if k not in {"general_public_budget", "government_fund"}),
            "1.财政拨款收入": fiscal,
        }
        for index, (text, field) in enumerate(INCOME_ROWS):
            cells = [label("本年度部门预算收入", rowspan=len(INCOME_ROWS))] if index == 0 else []
            value = income[field] if field else totals[text]
            cells += [
                label(text, colspan=2, align="left"),
                Cell(value, colspan=3, style=Style.AMOUNT, field=field or ""),
            ]
            rows.append(Row(cells, marker="income" if field else ""))
    rows.append(
        Row(
            [
                label("年度目标" if annual else "三年期目标"),
                Cell(block["goal"], colspan=5, style=Style.RICH, field="goal"),
            ],
            marker=f"block-{period}",
        )
    )
    keys = block["key_indicators"]
    rows.append(
        Row(
            [
                label("部门整体支出目标", rowspan=len(keys) + 2),
                label("关键指标", colspan=3),
                label("预期实现值", colspan=2),
            ]
        )
    )
    for key in keys:
        rows.append(
            Row(
                [Cell(key["name"], colspan=3, field="name"), Cell(key["value"], colspan=2, field="value")],
                f"key-{period}",
                repeats=True,
            )
        )
    rate = block.get("budget_completion_rate", "")
    rows.append(
        Row([Cell(f"{RATE_LINE}{rate}", colspan=5, field="budget_completion_line")], f"block-{period}")
    )
    tasks = block["tasks"]
    plan_rows = sum(max(1, len(task["indicators"])) for task in tasks)
    rows.append(
        Row(
            [
                label(
                    "年度主要支出计划（对应任务、政策）"
                    if annual
                    else "三年期主要支出计划（对应任务、政策）",
                    rowspan=plan_rows + 1,
                ),
                label("任务"),
                label("任务（政策）的绩效目标"),
                label("任务（政策）关键性指标（产出、效益、公众满意度方面）"),
                label("绩效标准（指标解释及预期实现值）"),
                label("主要实施项目（项目名称）"),
            ]
        )
    )
    for task in tasks:
        indicators = task["indicators"] or [{"name": "", "standard": ""}]
        for index, indicator in enumerate(indicators):
            cells = []
            if index == 0:
                span = len(indicators)
                cells += [
                    Cell(task["name"], rowspan=span, field="task.name", block=True),
                    Cell(task["goal"], rowspan=span, style=Style.RICH, field="task.goal", block=True),
                ]
            cells += [Cell(indicator["name"], field="name"), Cell(indicator["standard"], field="standard")]
            if index == 0:
                cells.append(
                    Cell(task["projects"], rowspan=len(indicators), field="task.projects", block=True)
                )
            rows.append(Row(cells, marker=f"task-{period}", repeats=True))
    rows[0].cells.insert(0, label("本年" if annual else "三年期", rowspan=len(rows)))
    return rows


def target_table_layout(data: dict) -> Layout:
    rows = [
        Row(
            [label("部门职能概述："), Cell(data["duties"], colspan=6, style=Style.RICH, field="duties")],
            "form",
        ),
        *_block_rows(data, "annual"),
        *_block_rows(data, "three_year"),
        Row(
            [
                label("其他需要说明的情况"),
                Cell(data["other_notes"], colspan=6, style=Style.RICH, field="other_notes"),
            ],
            "form",
        ),
        Row([label("备注："), Cell(data["remark"], colspan=6, style=Style.RICH, field="remark")], "form"),
    ]
    return Layout(
        kind=FormKind.TARGET_TABLE,
        kind_label=FormKind.TARGET_TABLE.label,
        title=f"{data['year']}年部门整体绩效目标表",
        widths=[12, 12, 18, 30, 22, 24, 20],
        tables=[Table(rows)],
        subtitle_left=f"部门名称：{data['department']}",
        subtitle_right="单位：万元",
        meta={"department": data["department"], "year": data["year"]},
    )


def target_table_template(department: str, year: int) -> dict:
    """An empty 部门整体绩效目标表 with one key indicator and one task in each block."""
    block = {
        "goal": "",
        "budget_completion_rate": "",
        "key_indicators": [{"name": "", "value": ""}],
        "tasks": [{"name": "", "goal": "", "projects": "", "indicators": [{"name": "", "standard": ""}]}],
    }
    return {
        "department": department,
        "year": year,
        "duties": "",
        "income": dict.fromkeys(TARGET_TABLE_INCOMES, "0"),
        "blocks": {"annual": block, "three_year": block},
        "other_notes": "",
        "remark": "",
    }


def sheet_grouped_rows(sheet: ReadSheet, marker: str, parent, child) -> list[dict]:
    """Rows of ``marker`` grouped by the merged parent cell they share (a task and its indicators)."""
    groups: list[dict] = []
    last_origin = None
    for row in sheet.rows:
        if row.kind != marker:
            continue
        origin = row.fields["task.name"].origin
        if origin != last_origin:
            groups.append(parent(row))
            last_origin = origin
        item = child(row)
        if any(value not in ("", None) for value in item.values()):
            groups[-1]["indicators"].append(item)
    return [group for group in groups if group["name"] or group["indicators"]]


def sheet_grouped_tasks(sheet: ReadSheet, marker: str) -> list[dict]:
    return sheet_grouped_rows(
        sheet,
        marker,
        lambda row: {
            "name": row.get("task.name"),
            "goal": row.get("task.goal"),
            "projects": row.get("task.projects"),
            "indicators": [],
        },
        lambda row: {"name": row.get("name"), "standard": row.get("standard")},
    )


def target_table_from_sheet(sheet: ReadSheet) -> dict:
    form = sheet_form_fields(sheet, {"form"})
    blocks = {}
    for period in ("annual", "three_year"):
        block = sheet_form_fields(sheet, {f"block-{period}"})
        blocks[period] = {
            "goal": block.get("goal", ""),
            "budget_completion_rate": RATE_PREFIX.sub("", block.get("budget_completion_line", "")),
            "key_indicators": [
                {"name": row.get("name"), "value": row.get("value")}
                for row in sheet.rows
                if row.kind == f"key-{period}" and (row.get("name") or row.get("value"))
            ],
            "tasks": sheet_grouped_tasks(sheet, f"task-{period}"),
        }
    return {
        "kind": FormKind.TARGET_TABLE.value,
        "duties": form.get("duties", ""),
        "income": {
            name: sheet_amount_text(value) for name, value in sheet_form_fields(sheet, {"income"}).items()
        },
        "blocks": blocks,
        "other_notes": form.get("other_notes", ""),
        "remark": form.get("remark", ""),
    }


# --- §2.3 项目支出绩效目标表 -----------------------------------------------------------------


def serialized_indicators(indicators: list[dict], outline: Outline) -> str:
    """A project's indicators as the seed-003 cell text."""
    codes = outline.codes()
    names = {code: name for name, code in codes.items() if isinstance(name, str)}
    items = []
    for item in indicators:
        level1_code = item.get("stated_level1_code") or codes[item["level1"]]
        items.append(
            SerializedIndicator(
                level1_code=level1_code,
                level1_name=names[level1_code],
                level2_code=codes[(item["level1"], item["level2"])],
                level2_name=item["level2"],
                name=item["name"],
                period_value=item["period_value"],
                annual_value=item["annual_value"],
            )
        )
    return serialize_indicators(items)


def projects_layout(data: dict, outline: Outline) -> Layout:
    projects = data["projects"]
    fields = ("fiscal_appropriation", "special_account", "other_funds")

    def total(items, field=None):
        if field:
            return sum((Decimal(p[field]) for p in items), ZERO)
        return sum((Decimal(p[f]) for p in items for f in fields), ZERO)

    def amount_cells(items):
        return [Cell(total(items), style=Style.AMOUNT)] + [
            Cell(total(items, field), style=Style.AMOUNT, blank_zero=field != "fiscal_appropriation")
            for field in fields
        ]

    header = Row(
        [
            label(text)
            for text in (
                "项目名称（资金使用单位）",
                "总计",
                "财政拨款",
                "财政专户拨款",
                "其他资金",
                "绩效目标",
                "绩效指标",
            )
        ]
    )
    rows = [header, Row([label("合计", align="left"), *amount_cells(projects), Cell(""), Cell("")])]
    units: dict[str, list[dict]] = {}
    for project in projects:
        units.setdefault(project["unit"] or data["department"], []).append(project)
    for unit, items in units.items():
        rows.append(
            Row(
                [Cell(unit, field="unit"), *amount_cells(items), Cell(""), Cell("")],
                marker="unit",
                repeats=True,
            )
        )
        for project in items:
            rows.append(
                Row(
                    [
                        Cell(project["name"], field="name"),
                        Cell(total([project]), style=Style.AMOUNT),
                        *[
                            Cell(
                                project[field],
                                style=Style.AMOUNT,
                                field=field,
                                blank_zero=field != "fiscal_appropriation",
                            )
                            for field in fields
                        ],
                        Cell(project["goal"], style=Style.RICH, field="goal"),
                        Cell(serialized_indicators(project["indicators"], outline), field="indicator_text"),
                    ],
                    marker="project",
                    repeats=True,
                )
            )
    return Layout(
        kind=FormKind.PROJECTS,
        kind_label=FormKind.PROJECTS.label,
        title="项目支出绩效目标表（含转移支付项目）",
        widths=[22, 11, 11, 10, 10, 40, 70],
        tables=[Table(rows, header_rows=1)],
        subtitle_left=f"部门名称：{data['department']}",
        subtitle_right="单位：万元",
        meta={"department": data["department"], "year": data["year"]},
    )


def projects_template(department: str, year: int) -> dict:
    """A 项目支出绩效目标表 of one empty project."""
    project = {"name": "", "unit": "", "goal": "", "indicators": [], **dict.fromkeys(PROJECT_AMOUNTS, "0")}
    return {"department": department, "year": year, "projects": [project]}


def projects_from_sheet(sheet: ReadSheet) -> dict:
    projects = []
    unit = ""
    for row in sheet.rows:
        if row.kind == "unit":
            unit = row.get("unit")
        elif row.kind == "project" and row.get("name"):
            projects.append(
                {
                    "name": row.get("name"),
                    "unit": unit,
                    **{
                        f: sheet_amount_text(row.get(f, None))
                        for f in ("fiscal_appropriation", "special_account", "other_funds")
                    },
                    "goal": row.get("goal"),
                    "indicator_text": row.get("indicator_text"),
                }
            )
    return {"kind": FormKind.PROJECTS.value, "projects": projects}


# --- one project on its own page: the 项目支出绩效目标申报表 of the national and provincial layouts -------


@dataclass(frozen=True, kw_only=True)
class ProjectSheet:
    """How one province prints one project's targets, as data: which fields, their labels, their order.

    ``details`` are the label/value rows above the funds (a value of ``None`` is a printed blank, e.g.
    “单位(盖章)”); ``funds`` the rows of the 项目资金 block (``"total"`` is the computed 年度资金总额);
    ``goals`` the goal rows; ``value_label`` heads the one 指标值 column; ``level2_suffix`` is what the
    province appends to a 二级 name (“经济效益” prints as “经济效益指标”). ``split_value`` prints the
    value in three columns, 指标性质 / 指标值 / 度量单位 (“≥95%” as ≥ / 95 / %; a value that is not one
    comparison, e.g. “2025年年底前”, as 定性 / the text), which a sheet reads back joined. ``stamps``
    are rows printed for signatures and seals (“主管部门审核意见（盖章）”), left blank.
    """

    name: str
    label: str
    title: str
    details: tuple[tuple[tuple[str, str | None], ...], ...]
    funds: tuple[tuple[str, str], ...]
    goals: tuple[tuple[str, str], ...]
    value_label: str = "指标值"
    level2_suffix: str = "指标"
    split_value: bool = False
    stamps: tuple[str, ...] = ()

    def printed_level2(self, name: str) -> str:
        return name if name.endswith(self.level2_suffix) else f"{name}{self.level2_suffix}"

    @property
    def columns(self) -> int:
        return 7 if self.split_value else 5

    @property
    def fields(self) -> frozenset[str]:
        """The optional fields (``PROJECT_DETAILS``) this layout prints."""
        named = {field for row in self.details for _label, field in row if field}
        named |= {field for _label, field in self.goals}
        return frozenset(named & set(PROJECT_DETAILS))


NATIONAL_PROJECT = ProjectSheet(
    name="national",
    label="财政部标准格式",
    title="项目支出绩效目标申报表",
    details=(
        (("项目名称", "name"),),
        (("主管部门及代码", "competent"), ("实施单位", "unit")),
        (("项目负责人及电话", "manager"), ("项目类别", "category")),
        (("项目属性", "attribute"), ("项目期", "period")),
    ),
    funds=(
        ("年度资金总额", "total"),
        ("其中：财政拨款", "fiscal_appropriation"),
        ("财政专户管理资金", "special_account"),
        ("其他资金", "other_funds"),
    ),
    goals=(("总体目标（实施期）", "overall_goal"), ("年度目标", "goal")),
)

ANHUI_PROJECT = ProjectSheet(
    name="anhui",
    label="安徽省格式（项目支出绩效目标表）",
    title="项目支出绩效目标表",
    details=(
        (("项目责任人：", "manager"), ("单位(盖章)：", None)),
        (("项目名称", "name"),),
        (("主管部门及代码", "competent"), ("实施单位", "unit")),
        (("项目来源", "source"), ("项目期", "period")),
    ),
    funds=(
        ("年度资金总额：", "total"),
        ("其中：财政拨款", "fiscal_appropriation"),
        ("财政专户管理资金", "special_account"),
        ("其他资金", "other_funds"),
    ),
    goals=(("年度目标", "goal"),),
)

# A Hunan-style 项目支出绩效目标申报表 as the issue describes it (its real form is not among the stored
# copies): 项目负责人 and 联系电话 apart, 财务负责人, the value as 指标性质 / 指标值 / 度量单位, and the
# three 审核意见 rows for the seals.
HUNAN_PROJECT = ProjectSheet(
    name="hunan-project",
    label="湖南省格式（项目支出绩效目标申报表）",
    title="项目支出绩效目标申报表",
    details=(
        (("项目名称", "name"),),
        (("主管部门及代码", "competent"), ("实施单位", "unit")),
        (("项目负责人", "manager"), ("联系电话", "phone")),
        (("财务负责人", "finance_officer"), ("项目属性", "attribute")),
        (("项目类别", "category"), ("项目期", "period")),
    ),
    funds=(
        ("年度资金总额", "total"),
        ("其中：财政拨款", "fiscal_appropriation"),
        ("财政专户管理资金", "special_account"),
        ("其他资金", "other_funds"),
    ),
    goals=(("总体目标", "overall_goal"), ("年度目标", "goal")),
    split_value=True,
    stamps=("单位审核意见（盖章）", "主管部门审核意见（盖章）", "财政部门审核意见（盖章）"),
)

PROJECT_SHEETS = (NATIONAL_PROJECT, ANHUI_PROJECT, HUNAN_PROJECT)
PROJECT_SHEET_MARKERS = frozenset({"detail", "fund", "goal", "indicator"})


# One comparison: a comparator (or none), a number, a unit — “≥95%”, “1种”, “≤1000万元”.
SPLIT_VALUE = re.compile(r"^(≥|≤|>|<|=|＞|＜|＝)?\s*(\d+(?:\.\d+)?)\s*([^\d\s≥≤<>=＞＜＝]{0,4})$")
# A “unit” with these is a time or a condition (“2025年年底前”, “3日内”): the value is qualitative.
NOT_A_UNIT = frozenset("前后底内起止以")
QUALITATIVE = "定性"


def split_value(text: str) -> tuple[str, str, str]:
    """(指标性质, 指标值, 度量单位) of a target value as one layout prints it; joined back by
    :func:`joined_value`. A value without a comparator is “=”."""
    match = SPLIT_VALUE.match((text or "").strip())
    if not text:
        return "", "", ""
    if match is None or NOT_A_UNIT & set(match.group(3)):
        return QUALITATIVE, text, ""
    return match.group(1) or "=", match.group(2), match.group(3)


def joined_value(nature, value, unit) -> str:
    nature, value, unit = (str(part or "").strip() for part in (nature, value, unit))
    if nature in ("", "=", QUALITATIVE):
        nature = ""
    return f"{nature}{value}{unit}"


def project_sheet_layout(sheet: ProjectSheet):
    """The builder of ``sheet``: ``build(record, outline) -> Layout`` of the record's one project."""

    def build(data: dict, outline: Outline) -> Layout:
        project = data["projects"][0]
        values = {**project, "competent": project.get("competent") or data["department"]}
        width = sheet.columns
        rows = []
        for pairs in sheet.details:
            cells = []
            # One pair spans the row; two share it, the second value taking what the first leaves.
            first = (width - 2) // 2
            spans = [width - 1] if len(pairs) == 1 else [first, width - 2 - first]
            for (text, field), span in zip(pairs, spans, strict=True):
                cells.append(label(text, align="left" if text.endswith("：") else ""))
                cells.append(Cell(values.get(field, "") if field else "", colspan=span, field=field or ""))
            rows.append(Row(cells, marker="detail"))
        for index, (text, field) in enumerate(sheet.funds):
            cells = [label("项目资金（万元）", rowspan=len(sheet.funds))] if index == 0 else []
            amount = total_of(project) if field == "total" else project.get(field, "0")
            cells += [
                label(text, colspan=2, align="left"),
                Cell(amount, colspan=width - 3, style=Style.AMOUNT, field="" if field == "total" else field),
            ]
            rows.append(Row(cells, marker="fund"))
        for text, field in sheet.goals:
            rows.append(
                Row(
                    [
                        label(text),
                        Cell(values.get(field, ""), colspan=width - 1, style=Style.RICH, field=field),
                    ],
                    "goal",
                )
            )

        def value_cells(item):
            if not sheet.split_value:
                return [Cell(item["annual_value"] if item else "", field="annual_value")]
            nature, value, unit = split_value(item["annual_value"]) if item else ("", "", "")
            return [
                Cell(nature, field="value_nature", align="center"),
                Cell(value, field="annual_value"),
                Cell(unit, field="value_unit", align="center"),
            ]

        indicator_rows = indicator_tree_rows(
            outline.tree,
            project["indicators"],
            leading=[],
            marker="indicator",
            level2_text=sheet.printed_level2,
            cells=lambda item: [Cell(item["name"] if item else "", field="name"), *value_cells(item)],
        )
        value_heads = (
            ("指标性质", sheet.value_label, "度量单位") if sheet.split_value else (sheet.value_label,)
        )
        heading = Row(
            [
                label("绩效指标", rowspan=len(indicator_rows) + 1),
                label("一级指标"),
                label("二级指标"),
                label("三级指标"),
                *[label(text) for text in value_heads],
            ]
        )
        rows += [heading, *indicator_rows]
        rows += [Row([label(text), Cell("", colspan=width - 1)]) for text in sheet.stamps]
        return Layout(
            kind=FormKind.PROJECTS,
            kind_label=FormKind.PROJECTS.label,
            title=sheet.title,
            widths=[12, 18, 16, 30, 10, 14, 10] if sheet.split_value else [12, 18, 16, 30, 24],
            tables=[Table(rows)],
            subtitle_left=f"（{data['year']}年度）",
            subtitle_right="单位：万元",
            landscape=False,
            meta={"department": data["department"], "year": data["year"], "layout": sheet.name},
        )

    return build


def total_of(project: dict) -> Decimal:
    return sum((Decimal(project.get(field) or "0") for field in PROJECT_AMOUNTS), ZERO)


def _sheet_values(read_sheet: ReadSheet, sheet: ProjectSheet) -> list[dict]:
    """The indicator rows of a project sheet, a split value joined back into one 指标值."""
    if not sheet.split_value:
        return sheet_indicators(read_sheet, "name", "annual_value")
    rows = sheet_indicators(read_sheet, "name", "value_nature", "annual_value", "value_unit")
    for row in rows:
        row["annual_value"] = joined_value(
            row.pop("value_nature"), row["annual_value"], row.pop("value_unit")
        )
    return rows


def project_sheet_reader(sheet: ProjectSheet):
    """The reader of the XLSX ``project_sheet_layout(sheet)`` writes: ``read(sheet, outline)``, one
    project's record (a 二级 printed with the province's suffix is read as the scheme's name)."""

    def read(read_sheet: ReadSheet, outline: Outline) -> list[dict]:
        values = sheet_form_fields(read_sheet, {"detail", "fund", "goal"})
        if not values.get("name"):
            return []
        scheme_names = {
            (level1, sheet.printed_level2(level2)): level2
            for level1, children in outline.tree
            for level2 in children
        }
        indicators = [
            {
                **item,
                "level2": scheme_names.get((item["level1"], item["level2"]), item["level2"]),
                "period_value": "",
            }
            for item in _sheet_values(read_sheet, sheet)
        ]
        project = {
            "name": values["name"],
            "unit": values.get("unit", ""),
            **{field: sheet_amount_text(values.get(field)) for field in PROJECT_AMOUNTS},
            **{field: values.get(field) or "" for field in sheet.fields},
            "goal": values.get("goal", ""),
            "indicators": indicators,
        }
        return [{"kind": FormKind.PROJECTS.value, "layout": sheet.name, "projects": [project]}]

    return read
