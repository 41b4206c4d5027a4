"""The rules of a monitoring form (domain.md §7): what it must report, and what a light requires.

Each light is also listed in words (a warning), so the preparer and the reviewer read why it is that
colour. A red or yellow light needs the unit's reasons and measures before submission; a form whose
round is not open cannot be submitted.
"""

from core.checks import Finding, blocking, empty, required_parts, warning
from monitoring.lights import lights_for
from monitoring.models import MonitoringForm, Reason


def monitoring_findings(form: MonitoringForm, data: dict) -> list[Finding]:
    stage = data["stage"]
    findings = []
    if not form.round.accepts_entries():
        findings.append(blocking(form.round.closed_message()))
    findings += required_parts([(f"年度总体目标1—{stage}月执行情况", data["goal_progress"])])
    lights = lights_for(data)
    for number, (item, light) in enumerate(zip(data["indicators"], lights.indicators, strict=True), start=1):
        where = f"绩效指标第{number}行“{item['name']}”"
        missing = [
            label
            for key, label in (
                ("progress_value", f"1—{stage}月完成值"),
                ("forecast_value", "全年预计完成值"),
                ("likelihood", "完成目标可能性"),
            )
            if empty(item.get(key))
        ]
        if missing:
            findings.append(blocking(f"{where}未填写{'、'.join(missing)}。"))
        if light.warns and not item.get("reasons"):
            findings.append(
                blocking(f"{where}为{light.label}，须选择偏差原因（{'、'.join(Reason.values)}）。")
            )
        if light.warns and empty(item.get("reason_text")):
            findings.append(blocking(f"{where}为{light.label}，须填写偏差原因分析。"))
        elif Reason.OTHER in (item.get("reasons") or []) and empty(item.get("reason_text")):
            findings.append(blocking(f"{where}偏差原因选择了“其他”，须说明具体原因。"))
    if lights.budget.warns and empty(data["deviation"]):
        findings.append(
            blocking(f"预算执行为{lights.budget.label}，须在监控分析中填写“偏差情况”（执行偏慢的原因）。")
        )
    if (lights.budget.warns or lights.target.warns) and empty(data["measures"]):
        colours = "、".join(
            f"{what}{light.label}"
            for what, light in (("预算执行", lights.budget), ("绩效目标", lights.target))
            if light.warns
        )
        findings.append(blocking(f"本表有{colours}，须在监控分析中填写“改进措施”。"))
    findings.append(warning(f"预算执行{lights.budget.text}。"))
    findings.append(warning(f"绩效目标{lights.target.text}。"))
    if lights.gap_flagged:
        findings.append(warning(f"目标与预算偏离提示：{'；'.join(lights.gap.reasons)}。"))
    return findings
