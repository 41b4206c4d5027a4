"""Quality checks of a form (domain.md §3.4 and §5, the reviewers' “四性”), run on demand and on submission.

Blocking findings stop a submission; warnings are shown to the preparer and beside the form to the
reviewer. Every finding names where it is (the row, the field). The checks read a form's interchange
data (``KindSpec.record``), so they see exactly what the layout prints.
"""

from collections import Counter
from dataclasses import dataclass

from core.kinds import REGISTRY
from core.models import FormBase, FormKind
from indicators.models import Scheme
from indicators.target_values import Comparator, Direction, is_percentage_over_100, read_target

BLOCKING = "blocking"
WARNING = "warning"

PLACEHOLDERS = ("**", "XX", "xx", "ＸＸ")


@dataclass(frozen=True)
class Finding:
    level: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.level == BLOCKING


def form_findings(form: FormBase) -> list[Finding]:
    """Every finding of ``form``, blocking ones first."""
    kind = _kind_of(form)
    data = REGISTRY[kind].record(form)
    findings = [Finding(BLOCKING, problem) for problem in form.arithmetic_problems()]
    findings += _required_parts(kind, data)
    indicators = _indicators(kind, data)
    if indicators is not None:
        findings += _indicator_findings(
            kind, form.year, indicators, actual=kind == FormKind.PROJECT_SELF_EVALUATION
        )
    return sorted(findings, key=lambda finding: not finding.blocking)


def _kind_of(form: FormBase) -> str:
    for spec in REGISTRY.values():
        if spec.model is type(form):
            return spec.kind.value
    raise LookupError(type(form).__name__)


def _indicators(kind: str, data: dict) -> list[dict] | None:
    if kind == FormKind.PROJECTS:
        return data["projects"][0]["indicators"]
    return data.get("indicators")


def _empty(text) -> bool:
    return not str(text or "").strip()


def _required_parts(kind: str, data: dict) -> list[Finding]:
    required: list[tuple[str, object]] = []
    if kind == FormKind.DECLARATION:
        required = [("总体绩效目标", data["overall_goal"]), ("年度重点工作任务", data["tasks"])]
    elif kind == FormKind.TARGET_TABLE:
        annual = data["blocks"].get("annual", {})
        required = [
            ("部门职能概述", data["duties"]),
            ("年度目标", annual.get("goal")),
            ("本年部门整体支出目标", annual.get("key_indicators")),
            ("本年主要支出计划", annual.get("tasks")),
        ]
    elif kind == FormKind.PROJECTS:
        required = [("项目绩效目标", data["projects"][0]["goal"])]
    elif kind == FormKind.SELF_EVALUATION:
        required = [
            ("部门整体支出的预期目标", data["expected_goal"]),
            ("部门整体支出的目标完成情况", data["goal_completion"]),
            ("主要任务", data["tasks"]),
        ]
    elif kind == FormKind.PROJECT_SELF_EVALUATION:
        required = [
            ("年度总体目标：预期目标", data["expected_goal"]),
            ("实际完成情况", data["actual_completion"]),
        ]
    findings = [
        Finding(BLOCKING, f"“{label}”未填写。") for label, value in required if not value or _empty(value)
    ]
    for number, task in enumerate(data.get("tasks") or [], start=1):
        if kind == FormKind.SELF_EVALUATION and not task.get("indicators"):
            findings.append(Finding(BLOCKING, f"主要任务第{number}项“{task['name']}”没有关键指标。"))
    return findings


def _indicator_findings(kind: str, year: int, rows: list[dict], *, actual: bool) -> list[Finding]:
    findings = []
    scheme = Scheme.objects.for_form(kind, year)
    covered = {row["level1"] for row in rows}
    for first, _children in scheme.tree():
        if first.name not in covered:
            findings.append(Finding(BLOCKING, f"一级指标“{first.name}”下没有三级指标。"))
    names = Counter(row["name"].strip() for row in rows)
    for number, row in enumerate(rows, start=1):
        where = f"绩效指标第{number}行“{row['name']}”（{row['level1']}/{row['level2']}）"
        annual = row.get("annual_value", "")
        if _empty(annual):
            findings.append(Finding(BLOCKING, f"{where}：年度指标值未填写。"))
            continue
        if actual and _empty(row.get("actual_value")):
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
