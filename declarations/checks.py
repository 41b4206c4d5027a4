"""The quality rules of the declaration kinds (domain.md §3.4, §5), beside the arithmetic of the models."""

from core.checks import Finding, required_parts
from core.models import FormKind
from indicators.checks import indicator_findings, reason_instead_of_target


def declaration_findings(form, data: dict) -> list[Finding]:
    findings = required_parts([("总体绩效目标", data["overall_goal"]), ("年度重点工作任务", data["tasks"])])
    return findings + indicator_findings(form, FormKind.DECLARATION, data["indicators"], actual=False)


def target_table_findings(form, data: dict) -> list[Finding]:
    annual = data["blocks"].get("annual", {})
    return required_parts(
        [
            ("部门职能概述", data["duties"]),
            ("年度目标", annual.get("goal")),
            ("本年部门整体支出目标", annual.get("key_indicators")),
            ("本年主要支出计划", annual.get("tasks")),
        ]
    )


def project_findings(form, data: dict) -> list[Finding]:
    project = data["projects"][0]
    findings = required_parts([("项目绩效目标", project["goal"])])
    findings += reason_instead_of_target("项目绩效目标", project["goal"])
    return findings + indicator_findings(form, FormKind.PROJECTS, project["indicators"], actual=False)
