"""The rules of an indicator table (domain.md §3.4), shared by every kind that has one."""

import re
from collections import Counter

from core.checks import BLOCKING, WARNING, Finding, empty, warning
from indicators.models import form_scheme
from indicators.target_values import Comparator, Direction, is_percentage_over_100, read_target

PLACEHOLDERS = ("**", "XX", "xx", "ＸＸ")
# Template scaffolding left in a row: “指标1:”, “……”, “三级指标”.
SCAFFOLDING = re.compile(r"^\s*(指标\s*[0-9０-９一二三四五六七八九十]+\s*[:：]?|三级指标)\s*$|…{2,}|\.{6,}")
# “本项目不适用此指标 / 无”, “/”: a row that says the 二级 does not apply, not an indicator.
NOT_APPLICABLE = re.compile(r"不适用|^\s*[/／—－]\s*$")
ASCII_COMPARATORS = {">=": "≥", "<=": "≤", "=>": "≥", "=<": "≤"}
# A 目标 that states why there is none (“因财政资金紧张，结转至下年”) rather than a target.
REASON = re.compile(r"^\s*(因|由于|鉴于)[^。；;]*(结转|调整|取消|暂停|暂缓|未安排|不再|紧张|压减)")


def indicator_findings(form, kind: str, rows: list[dict], *, actual: bool) -> list[Finding]:
    """Findings of the 三级 rows of ``form`` against its scheme; ``actual``: rows carry 实际完成值."""
    findings = []
    scheme = form_scheme(form, kind)
    covered = {row["level1"] for row in rows}
    for first, _children in scheme.tree():
        # A warning, not a block: published, accepted forms leave a 一级 out (seed 001 has no 成本).
        if first.name not in covered:
            findings.append(Finding(WARNING, f"一级指标“{first.name}”下没有三级指标，请确认是否不适用。"))
    names = Counter(row["name"].strip() for row in rows)
    for number, row in enumerate(rows, start=1):
        where = f"绩效指标第{number}行“{row['name']}”（{row['level1']}/{row['level2']}）"
        if NOT_APPLICABLE.search(row["name"]) or NOT_APPLICABLE.search(row.get("annual_value") or "x"):
            findings.append(
                Finding(WARNING, f"{where}：是“不适用”标记，不是可考核的指标；该二级指标不适用时可不填此行。")
            )
            continue
        name_messages = _name_warnings(row["name"])
        findings += [Finding(WARNING, f"{where}：{message}") for message in name_messages]
        annual = row.get("annual_value", "")
        if empty(annual):
            if SCAFFOLDING.search(row["name"]):
                continue  # a template row left in: said above, nothing more to check
            if actual:
                # A self-evaluation takes its targets from the approved targets; what is missing there
                # is for the reviewer to see, and scoring (which blocks) decides the row.
                findings.append(Finding(WARNING, f"{where}：年度指标值未填写，无法按评分规则核对得分。"))
            elif not empty(row.get("period_value")):
                findings.append(
                    Finding(
                        WARNING, f"{where}：年度指标值未填写（只填了实施周期指标值“{row['period_value']}”）。"
                    )
                )
            elif read_target(row["name"], "").quantitative:
                findings.append(
                    Finding(
                        WARNING, f"{where}：年度指标值未填写，目标值写在了指标名称中，建议移到年度指标值。"
                    )
                )
            else:
                findings.append(Finding(BLOCKING, f"{where}：年度指标值未填写。"))
            continue
        if actual and empty(row.get("actual_value")):
            findings.append(Finding(WARNING, f"{where}：实际完成值未填写。"))
        findings += [Finding(WARNING, f"{where}：{message}") for message in _value_warnings(row)]
        if names[row["name"].strip()] > 1:
            findings.append(Finding(WARNING, f"{where}：三级指标名称重复。"))
    return findings


def _name_warnings(name: str) -> list[str]:
    messages = []
    if SCAFFOLDING.search(name):
        messages.append(f"指标名称“{name}”是模板示例或占位，未替换为实际指标。")
    elif name.strip().startswith(("*", "＊")) or any(mark in name for mark in PLACEHOLDERS):
        messages.append(f"指标名称“{name}”含有未替换的模板占位符（如“**”）。")
    messages += _ascii_comparator_messages("指标名称", name)
    return messages


def _ascii_comparator_messages(label: str, text: str) -> list[str]:
    return [
        f"{label}“{text}”用了半角“{ascii_mark}”，已按“{symbol}”理解，建议改为“{symbol}”。"
        for ascii_mark, symbol in ASCII_COMPARATORS.items()
        if ascii_mark in text
    ]


def reason_instead_of_target(label: str, text) -> list[Finding]:
    """A 目标 that gives the reason there is none (“因…结转…”) is no target a reviewer can check."""
    plain = re.sub(r"<[^>]+>", "", str(text or ""))
    if REASON.search(plain):
        return [warning(f"“{label}”写的是原因（“{plain.strip()[:40]}”），不是可考核的绩效目标。")]
    return []


def _value_warnings(row: dict) -> list[str]:
    messages = []
    annual_text = row["annual_value"]
    annual = read_target(annual_text, row["name"])
    if annual.placeholder or any(mark in annual_text for mark in PLACEHOLDERS) or annual_text.strip() == "*":
        messages.append(f"年度指标值“{annual_text}”像是未替换的模板占位符。")
    elif not annual.measurable:
        messages.append(f"年度指标值“{annual_text}”难以衡量，建议写成可考核的数值或标准。")
    messages += _ascii_comparator_messages("年度指标值", annual_text)
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
