"""The scored 部门整体支出绩效评价评分表 (Hunan's layout of the department-wide self-evaluation, issue 18).

A 评分表 is a tree of criteria: 一级 (投入 15分, 过程 40分, …) over 二级 (预算配置 15分, …) over 三级 rows
with their 评分标准, 分值, 自评得分 and 扣分原因和其他说明, and a 合计 row. The rows are the optional
``criteria`` of a department evaluation's record (``DepartmentEvaluationCriterion``); this module draws
them (``scorecard_layout``), reads back the XLSX it writes (``scorecard_from_sheet``), says what the
rules find in them (``criteria_findings``) and gives the entry page its rows (``CriterionForm``).
"""

import re
from decimal import Decimal, InvalidOperation
from itertools import groupby

from core.checks import Finding, blocking, empty, warning
from core.exports.layout import Cell, Layout, Row, Style, Table, label
from core.exports.xlsx import ReadSheet
from core.forms import RowForm, ScoreField, row_formset, text_field
from core.kinds import Variant
from core.models import FormKind
from core.money import ZERO, amount_text, format_points
from declarations.layouts import sheet_form_fields

TITLE = "部门整体支出绩效评价评分表"
HEADINGS = ("一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分", "扣分原因和其他说明")
MARKER = "criterion"
# “投入（15分）”, “投  入\n(15分)”: a 一级 or 二级 cell with the 分值 the form states for it.
WEIGHTED = re.compile(r"^(?P<name>.*?)\s*[（(]\s*(?P<weight>\d+(?:\.\d+)?)\s*分\s*[)）]\s*$", re.DOTALL)


def _number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def weighted_name(name: str, weight) -> str:
    """A 一级 / 二级 cell as the form prints it: the name, and on a line of its own the 分值 stated."""
    points = format_points(_number(weight))
    return f"{name}\n（{points}分）" if points else name


def read_weighted(text: str) -> tuple[str, str | None]:
    """A printed 一级 / 二级 cell back to its name and stated 分值 (None where none is printed)."""
    text = str(text or "").strip()
    match = WEIGHTED.match(text)
    if match is None:
        return text, None
    return match["name"].strip(), amount_text(Decimal(match["weight"]))


def _group_weight(rows: list[dict], key: str) -> str | None:
    """The 分值 a 一级 / 二级 states: the first of its rows that states one."""
    return next((row[key] for row in rows if row.get(key) not in (None, "")), None)


# An empty 评分表 prints one blank row: a form to fill in, and the template a workbook we did not write
# is read by (``core/exports/foreign.py`` finds the repeating rows by it).
BLANK_CRITERION = dict.fromkeys(
    ("level1", "level1_weight", "level2", "level2_weight", "name", "standard", "weight", "score", "reason"),
    "",
)


def scorecard_layout(data: dict) -> Layout:
    criteria = data.get("criteria") or [BLANK_CRITERION]
    rows = [Row([label(text) for text in HEADINGS])]
    for (level1,), first_rows in groupby(criteria, key=lambda row: (row["level1"],)):
        first_rows = list(first_rows)
        level1_cell = Cell(
            weighted_name(level1, _group_weight(first_rows, "level1_weight")),
            rowspan=len(first_rows),
            field="level1",
            block=True,
            align="center",
        )
        second_groups = [list(group) for _name, group in groupby(first_rows, key=lambda row: row["level2"])]
        for second_rows in second_groups:
            level2_cell = Cell(
                weighted_name(second_rows[0]["level2"], _group_weight(second_rows, "level2_weight")),
                rowspan=len(second_rows),
                field="level2",
                block=True,
                align="center",
            )
            for index, row in enumerate(second_rows):
                cells = []
                if level1_cell is not None:
                    cells.append(level1_cell)
                    level1_cell = None
                if index == 0:
                    cells.append(level2_cell)
                cells += [
                    Cell(row["name"], field="name"),
                    Cell(row["standard"], field="standard"),
                    Cell(row["weight"], style=Style.NUMBER, field="weight", align="center"),
                    Cell(row["score"], style=Style.NUMBER, field="score", align="center"),
                    Cell(row["reason"], field="reason"),
                ]
                rows.append(Row(cells, marker=MARKER, repeats=True))
    total_weight = sum((_number(row["weight"]) or ZERO for row in criteria), ZERO)
    total_score = sum((_number(row["score"]) or ZERO for row in criteria), ZERO)
    rows.append(
        Row(
            [
                label("合计", colspan=4),
                Cell(total_weight, style=Style.NUMBER, align="center"),
                Cell(total_score, style=Style.NUMBER, align="center"),
                Cell(""),
            ]
        )
    )
    return Layout(
        kind=FormKind.SELF_EVALUATION,
        kind_label=FormKind.SELF_EVALUATION.label,
        title=TITLE,
        widths=[11, 12, 13, 40, 6, 7, 16],
        tables=[Table(rows, header_rows=1)],
        preamble=[data["attachment_label"]] if data.get("attachment_label") else [],
        preamble_field="attachment_label",
        subtitle_left=f"部门（单位）名称：{data['department']}",
        subtitle_right=f"评价年度：{data['year']}年",
        landscape=False,
        meta={"department": data["department"], "year": data["year"], "layout": HUNAN_NAME},
    )


def _sheet_points(value) -> str | None:
    return None if value in (None, "") else amount_text(value)


def scorecard_from_sheet(sheet: ReadSheet) -> list[dict]:
    """The record of a 评分表 sheet we wrote: its 附件 line and its criteria (nothing else is printed)."""
    criteria = []
    for row in sheet.rows:
        if row.kind != MARKER:
            continue
        level1, level1_weight = read_weighted(row.get("level1"))
        level2, level2_weight = read_weighted(row.get("level2"))
        item = {
            "level1": level1,
            "level1_weight": level1_weight,
            "level2": level2,
            "level2_weight": level2_weight,
            "name": row.get("name"),
            "standard": row.get("standard"),
            "weight": _sheet_points(row.get("weight", None)),
            "score": _sheet_points(row.get("score", None)),
            "reason": row.get("reason"),
        }
        if any(item[key] not in ("", None) for key in ("name", "standard", "weight", "score", "reason")):
            criteria.append(item)
    return [
        {
            "kind": FormKind.SELF_EVALUATION.value,
            "layout": HUNAN_NAME,
            "attachment_label": sheet_form_fields(sheet, {"preamble"}).get("attachment_label", ""),
            "criteria": criteria,
        }
    ]


HUNAN_NAME = "hunan"
HUNAN = Variant(
    name=HUNAN_NAME,
    label="湖南省评分表格式（部门整体支出绩效评价评分表）",
    build=scorecard_layout,
    read_sheet=scorecard_from_sheet,
    fields=frozenset({"criteria", "attachment_label"}),
    sheet_markers=frozenset({MARKER}),
)


# --- the rules --------------------------------------------------------------------------------------


def _points(value: Decimal) -> str:
    return format_points(value)


def criteria_findings(criteria: list[dict]) -> list[Finding]:
    """§2.4 scored: every 三级 scored within its 分值, a deduction with its reason, the parts adding up."""
    findings = []
    for number, row in enumerate(criteria, start=1):
        where = f"评分表第{number}行“{row['name']}”（{row['level1']}/{row['level2']}）"
        weight, score = _number(row.get("weight")), _number(row.get("score"))
        if weight is None:
            findings.append(warning(f"{where}：未填写分值。"))
            continue
        if score is None:
            findings.append(blocking(f"{where}：未填写自评得分（分值{_points(weight)}分）。"))
        elif score > weight:
            findings.append(blocking(f"{where}：自评得分{_points(score)}分超过分值{_points(weight)}分。"))
        elif score < weight and empty(row.get("reason")):
            findings.append(
                blocking(
                    f"{where}：自评得分{_points(score)}分低于分值{_points(weight)}分，"
                    "请在“扣分原因和其他说明”中写明扣分原因。"
                )
            )
    findings += _sum_findings(criteria, ("level1",), "level1_weight", "一级指标")
    findings += _sum_findings(criteria, ("level1", "level2"), "level2_weight", "二级指标")
    return findings


def _sum_findings(criteria: list[dict], keys: tuple[str, ...], weight_key: str, noun: str) -> list[Finding]:
    """Where a 一级 / 二级 states a 分值, its rows' 分值 should add up to it (a warning naming both)."""
    findings = []
    for group_key, rows in groupby(criteria, key=lambda row: tuple(row[key] for key in keys)):
        rows = list(rows)
        stated = {_number(row.get(weight_key)) for row in rows} - {None}
        name = "/".join(group_key)
        if len(stated) > 1:
            listed = "、".join(f"{_points(value)}分" for value in sorted(stated))
            findings.append(warning(f"{noun}“{name}”所列分值前后不一致（{listed}）。"))
            continue
        if not stated:
            continue
        expected = stated.pop()
        total = sum((_number(row.get("weight")) or ZERO for row in rows), ZERO)
        if total != expected:
            findings.append(
                warning(
                    f"{noun}“{name}”所列分值为{_points(expected)}分，其下各三级指标分值合计{_points(total)}分。"
                )
            )
    return findings


# --- the entry page's rows ----------------------------------------------------------------------------


class CriterionForm(RowForm):
    """One 三级 row of the 评分表 as the preparer types it (一级 / 二级 with their 分值 on each row)."""

    verbose_name = "评分指标"
    level1 = text_field("一级指标", line=True, max_length=100)
    level1_weight = ScoreField("一级分值")
    level2 = text_field("二级指标", line=True, max_length=100)
    level2_weight = ScoreField("二级分值")
    name = text_field("三级指标", line=True)
    standard = text_field("评分标准", required=False, max_length=20000, rows=2)
    weight = ScoreField("分值")
    score = ScoreField("自评得分")
    reason = text_field("扣分原因和其他说明", required=False, max_length=20000, rows=2)

    def clean(self):
        cleaned = super().clean()
        weight, score = cleaned.get("weight"), cleaned.get("score")
        if score is not None and weight is not None and score > weight:
            self.add_error("score", f"自评得分{_points(score)}分不能超过分值{_points(weight)}分。")
        return cleaned

    def row_data(self) -> dict:
        data = super().row_data()
        for key in ("level1_weight", "level2_weight", "weight", "score"):
            data[key] = None if data[key] is None else amount_text(data[key])
        return data


CriterionFormSet = row_formset(CriterionForm)
