"""The rules of an indicator table (domain.md §3.4), shared by every kind that has one."""

from collections import Counter

from core.checks import BLOCKING, WARNING, Finding, empty
from indicators.models import form_scheme
from indicators.target_values import Comparator, Direction, is_percentage_over_100, read_target

PLACEHOLDERS = ("**", "XX", "xx", "ＸＸ")


def indicator_findings(form, kind: str, rows: list[dict], *, actual: bool) -> list[Finding]:
    """Findings of the 三级 rows of ``form`` against its scheme; ``actual``: rows carry 实际完成值."""
    findings = []
    scheme = form_scheme(form, kind)
    covered = {row["level1"] for row in rows}
    for first, _children in scheme.tree():
        if first.name not in covered:
            findings.append(Finding(BLOCKING, f"一级指标“{first.name}”下没有三级指标。"))
    names = Counter(row["name"].strip() for row in rows)
    for number, row in enumerate(rows, start=1):
        where = f"绩效指标第{number}行“{row['name']}”（{row['level1']}/{row['level2']}）"
        annual = row.get("annual_value", "")
        if empty(annual):
            findings.append(Finding(BLOCKING, f"{where}：年度指标值未填写。"))
            continue
        if actual and empty(row.get("actual_value")):
            findings.append(Finding(BLOCKING, f"{where}：实际完成值未填写。"))
        findings += [Finding(WARNING, f"{where}：{message}") for message in _value_warnings(row)]
        if names[row["name"].strip()] > 1:
            findings.append(Finding(WARNING, f"{where}：三级指标名称重复。"))
    return findings


def _value_warnings(row: dict) -> list[str]:
    messages = []
    annual_text = row["annual_value"]
    annual = read_target(annual_text, row["name"])
    if annual.placeholder or any(mark in annual_text for mark in PLACEHOLDERS) or annual_text.strip() == "*":
        messages.append(f"年度指标值“{annual_text}”像是未替换的模板占位符。")
    elif not annual.measurable:
        messages.append(f"年度指标值“{annual_text}”难以衡量，建议写成可考核的数值或标准。")
    if is_percentage_over_100(annual):
        messages.append(f"年度指标值“{annual_text}”超过100%。")
    is_cost = "成本" in row["level1"] or "成本" in row["level2"]
    if is_cost and annual.comparator in {Comparator.GE, Comparator.GT}:
        messages.append(f"成本指标“{annual_text}”用了“≥”，成本一般应为“≤”。")
    period_text = row.get("period_value") or ""
    if period_text.strip():
        period = read_target(period_text, row["name"])
        if _contradict(period, annual):
            messages.append(f"实施周期指标值“{period_text}”与年度指标值“{annual_text}”相互矛盾。")
    return messages


def _contradict(period, annual) -> bool:
    """Opposite directions, or a yearly count above the count of the whole period."""
    if not (period.quantitative and annual.quantitative) or period.compound or annual.compound:
        return False
    if period.direction and annual.direction and period.direction != annual.direction:
        return True
    return (
        period.unit == annual.unit
        and period.unit not in {"%", "％"}
        and period.direction == annual.direction == Direction.POSITIVE
        and annual.number > period.number
    )
