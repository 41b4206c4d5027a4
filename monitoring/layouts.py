"""The official layout of the 项目支出绩效目标执行监控表 (domain.md §7), built from a record, and read back.

One description (``core/exports/layout.py``) draws the preview, the PDF and the XLSX; the XLSX is read
back through the markers of the rows that hold data. The lights are printed under the form with their
reasons: they are computed from the same record.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError

from core.exports.layout import Cell, Layout, Row, Style, Table, indicator_tree_rows, label
from core.exports.xlsx import ReadSheet
from core.money import ZERO, percent
from declarations.layouts import sheet_amount_text, sheet_form_fields, sheet_indicators
from indicators.models import Outline
from monitoring.lights import lights_for
from monitoring.models import ANALYSIS_FIELDS, FUND_SOURCES, Likelihood, RoundType, stage_label
from monitoring.records import KIND

TITLE = "项目支出绩效目标执行监控表"
LIKELIHOOD_LABELS = dict(Likelihood.choices)
REASONS_CELL = re.compile(r"^【([^】]*)】\s*(.*)$", re.S)


def reasons_text(item: dict) -> str:
    """“【经费保障、其他】说明文字”: the chosen reasons in brackets, then the analysis."""
    chosen = "、".join(item.get("reasons") or [])
    text = item.get("reason_text") or ""
    return f"【{chosen}】{text}" if chosen else text


def _columns(stage: int):
    return (
        ("initial", "年初预算数"),
        ("adjusted", "调整后预算数"),
        ("executed", f"{stage_label(stage)}执行数"),
    )


def monitoring_layout(data: dict, outline: Outline) -> Layout:
    stage = int(data["stage"])
    span = stage_label(stage)
    funds = {name: Decimal(value) for name, value in data["funds"].items()}

    def total(column: str) -> Decimal:
        return sum((funds[f"{column}_{source}"] for source, _ in FUND_SOURCES), ZERO)

    rows = [
        Row(
            [label("项目名称", colspan=2), Cell(data["project_name"], colspan=8, field="project_name")],
            marker="form",
        ),
        Row(
            [
                label("主管部门", colspan=2),
                Cell(data["competent_department"], colspan=3, field="competent_department"),
                label("实施单位", colspan=2),
                Cell(data["implementing_unit"], colspan=3, field="implementing_unit"),
            ],
            marker="form",
        ),
        Row(
            [
                label("项目资金（万元）", rowspan=4),
                label("", colspan=2),
                *[label(text) for _, text in _columns(stage)],
                label(f"{span}执行率"),
                label("全年预计执行数", colspan=3),
            ]
        ),
        Row(
            [
                label("年度资金总额", colspan=2, align="left"),
                *[Cell(total(column), style=Style.AMOUNT) for column, _ in _columns(stage)],
                Cell(percent(total("executed"), total("adjusted")), style=Style.PERCENT),
                Cell(total("forecast"), colspan=3, style=Style.AMOUNT),
            ]
        ),
    ]
    for source, text in FUND_SOURCES:
        rows.append(
            Row(
                [
                    label(text, colspan=2, align="left"),
                    *[
                        Cell(funds[f"{column}_{source}"], style=Style.AMOUNT, field=f"{column}_{source}")
                        for column, _ in _columns(stage)
                    ],
                    Cell(
                        percent(funds[f"executed_{source}"], funds[f"adjusted_{source}"]), style=Style.PERCENT
                    ),
                    Cell(
                        funds[f"forecast_{source}"], colspan=3, style=Style.AMOUNT, field=f"forecast_{source}"
                    ),
                ],
                marker="funds",
            )
        )
    rows += [
        Row(
            [
                label("年度总体目标", rowspan=2),
                label("年度目标", colspan=4),
                label(f"{span}执行情况", colspan=5),
            ]
        ),
        Row(
            [
                Cell(data["goal"], colspan=4, style=Style.RICH),
                Cell(data["goal_progress"], colspan=5, style=Style.RICH, field="goal_progress"),
            ],
            marker="form",
        ),
    ]
    header = Row(
        [
            label(text)
            for text in (
                "绩效指标",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                f"{span}完成值",
                "全年预计完成值",
                "偏差原因分析",
                "完成目标可能性",
                "备注",
            )
        ]
    )
    indicator_rows = indicator_tree_rows(
        outline.tree,
        data["indicators"],
        leading=[label("", joined=True)],
        marker="indicator",
        cells=lambda item: [
            Cell(item["name"] if item else "", field="name"),
            Cell(item["annual_value"] if item else "", field="annual_value"),
            Cell(item["progress_value"] if item else "", field="progress_value"),
            Cell(item["forecast_value"] if item else "", field="forecast_value"),
            Cell(reasons_text(item) if item else "", field="reasons"),
            Cell(
                LIKELIHOOD_LABELS.get(item["likelihood"], "") if item else "",
                field="likelihood",
                align="center",
            ),
            Cell(item["remark"] if item else "", field="remark"),
        ],
    )
    analysis = [
        Row(
            [
                *([label("监控分析", rowspan=len(ANALYSIS_FIELDS))] if index == 0 else []),
                label(text, colspan=2),
                Cell(data[name], colspan=7, style=Style.RICH, field=name),
            ],
            marker="form",
        )
        for index, (name, text) in enumerate(ANALYSIS_FIELDS)
    ]
    lights = lights_for(data)
    results = [
        Row(
            [
                label("监控结果（系统计算）", rowspan=3),
                label("预算执行", colspan=2),
                Cell(lights.budget.text, colspan=7),
            ]
        ),
        Row([label("绩效目标", colspan=2), Cell(lights.target.text, colspan=7)]),
        Row([label("目标与预算偏离", colspan=2), Cell(lights.gap_text, colspan=7)]),
    ]
    type_label = "重点监控" if data.get("round_type") == RoundType.KEY else "自行监控"
    return Layout(
        kind=KIND,
        kind_label=TITLE,
        title=TITLE,
        widths=[9, 10, 12, 24, 14, 14, 14, 26, 11, 12],
        tables=[
            Table(rows),
            Table([header, *indicator_rows], header_rows=1),
            Table(analysis),
            Table(results),
        ],
        subtitle_left=f"（{data['year']}年度 {span} · {type_label}）",
        subtitle_right="单位：万元",
        meta={
            "department": data["department"],
            "year": data["year"],
            "name": data["name"],
            "project": data["project_name"],
        },
    )


def _reasons_from_cell(text: str) -> tuple[list[str], str]:
    match = REASONS_CELL.match(text or "")
    if match is None:
        return [], (text or "").strip()
    return [part.strip() for part in match.group(1).split("、") if part.strip()], match.group(2).strip()


def monitoring_from_sheet(sheet: ReadSheet) -> dict:
    """One monitoring record from our XLSX; the service checks the values against the stored form."""
    form = sheet_form_fields(sheet, {"form"})
    indicators = sheet_indicators(
        sheet, "name", "annual_value", "progress_value", "forecast_value", "reasons", "likelihood", "remark"
    )
    by_label = {text: key for key, text in Likelihood.choices}
    for item in indicators:
        item["reasons"], item["reason_text"] = _reasons_from_cell(item["reasons"])
        likelihood = item["likelihood"]
        if likelihood and likelihood not in by_label:
            raise ValidationError(
                f"工作表“{sheet.title}”：三级指标“{item['name']}”的完成目标可能性“{likelihood}”不是可选项"
                f"（可选：{'、'.join(by_label)}）。"
            )
        item["likelihood"] = by_label.get(likelihood, "")
    name = sheet.meta.get("name") or ""
    if not name:
        raise ValidationError(f"工作表“{sheet.title}”单元格A2：缺少监控表名称，请从本系统重新导出。")
    return {
        "kind": KIND,
        "name": name,
        "project_name": form.get("project_name", ""),
        "competent_department": form.get("competent_department", ""),
        "implementing_unit": form.get("implementing_unit", ""),
        "funds": {
            name: sheet_amount_text(value) for name, value in sheet_form_fields(sheet, {"funds"}).items()
        },
        "goal_progress": form.get("goal_progress", ""),
        **{field: form.get(field, "") for field, _label in ANALYSIS_FIELDS},
        "indicators": indicators,
    }
