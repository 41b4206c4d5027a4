"""The quality rules of the self-evaluation kinds (domain.md §2.4, §2.5, §4)."""

from core.checks import Finding, blocking, required_parts
from core.models import FormKind
from indicators.checks import indicator_findings


def department_evaluation_findings(form, data: dict) -> list[Finding]:
    findings = required_parts(
        [
            ("部门整体支出的预期目标", data["expected_goal"]),
            ("部门整体支出的目标完成情况", data["goal_completion"]),
            ("主要任务", data["tasks"]),
        ]
    )
    for number, task in enumerate(data.get("tasks") or [], start=1):
        if not task.get("indicators"):
            findings.append(blocking(f"主要任务第{number}项“{task['name']}”没有关键指标。"))
    return findings


def project_evaluation_findings(form, data: dict) -> list[Finding]:
    findings = required_parts(
        [("年度总体目标：预期目标", data["expected_goal"]), ("实际完成情况", data["actual_completion"])]
    )
    return findings + indicator_findings(
        form, FormKind.PROJECT_SELF_EVALUATION, data["indicators"], actual=True
    )
