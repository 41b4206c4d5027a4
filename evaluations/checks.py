"""The quality rules of the self-evaluation kinds (domain.md §2.4, §2.5, §4).

The scoring rules of a 项目支出绩效自评表 are checked against the weights the form itself states (its
预算执行率 and 一级 分值, defaults from the district's policy): they block a submission where §4 makes
them a condition of a valid form, and warn where a person must look (a typed score that differs from
the rule's).
"""

from decimal import Decimal, InvalidOperation

from core.checks import Finding, blocking, empty, required_parts, warning
from core.models import FormKind
from core.money import HUNDRED, ZERO, round_money
from evaluations import scorecard
from evaluations.layouts import goal_grouped
from evaluations.models import policy_for
from evaluations.scoring import score_indicator
from indicators.checks import indicator_findings, reason_instead_of_target
from indicators.target_values import read_target


def department_evaluation_findings(form, data: dict) -> list[Finding]:
    if data.get("layout") == scorecard.HUNAN.name or data.get("criteria"):
        # A scored 评分表 prints its criteria only (evaluations/scorecard.py).
        criteria = data.get("criteria") or []
        return required_parts([("评分表", criteria)]) + scorecard.criteria_findings(criteria)
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
    if goal_grouped(data):
        # A form grouped by 年度绩效目标 (Hubei's) has no 年度总体目标 block: its goals are the groups.
        findings = []
    else:
        findings = required_parts(
            [("年度总体目标：预期目标", data["expected_goal"]), ("实际完成情况", data["actual_completion"])]
        )
        findings += reason_instead_of_target("年度总体目标：预期目标", data["expected_goal"])
    findings += indicator_findings(form, FormKind.PROJECT_SELF_EVALUATION, data["indicators"], actual=True)
    return findings + scoring_findings(data, policy_for(form.department.district, form.year))


def _number(value) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        return ZERO
    return number if number.is_finite() else ZERO


def _points(value: Decimal) -> str:
    """Points with the decimals they have: 30 → "30", 39.2 → "39.2", 6.25 → "6.25"."""
    text = f"{round_money(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def scoring_findings(data: dict, policy) -> list[Finding]:
    """§4 on one 项目支出绩效自评表's record: weights, scores and 偏差原因."""
    findings = []
    budget_weight = _number(data.get("budget_weight"))
    rows = data["indicators"]
    if goal_grouped(data):
        # Rows are named as the form prints them: by goal, then in the goal's table.
        findings = _goal_weight_findings(budget_weight, rows)
        counts: dict[int, int] = {}
        for row in rows:
            goal = row.get("goal") or 1
            counts[goal] = counts.get(goal, 0) + 1
            findings += _row_findings(
                f"年度绩效目标{goal}第{counts[goal]}行",
                row,
                policy,
                form_reason=data.get("deviation_analysis") or "",
            )
        return findings
    weights = {name: _number(weight) for name, weight in (data.get("level1_weights") or {}).items()}
    used = {row["level1"] for row in rows}
    weights = {name: weight for name, weight in weights.items() if name in used or weight}
    total = budget_weight + sum(weights.values(), ZERO)
    if round_money(total) != HUNDRED:
        parts = "、".join(f"{name}{_points(weight)}分" for name, weight in weights.items())
        findings.append(
            blocking(
                f"预算执行率分值{_points(budget_weight)}分与各一级指标分值（{parts}）合计为{_points(total)}分，"
                "应为100分。"
            )
        )
    sums: dict[str, Decimal] = {}
    for row in rows:
        sums[row["level1"]] = sums.get(row["level1"], ZERO) + _number(row.get("weight"))
    for name, weight in weights.items():
        stated = round_money(sums.get(name, ZERO))
        if stated != round_money(weight):
            findings.append(
                blocking(
                    f"一级指标“{name}”下各三级指标分值合计{_points(stated)}分，应为本表该一级分值{_points(weight)}分。"
                )
            )
    for number, row in enumerate(rows, start=1):
        findings += _row_findings(f"绩效指标第{number}行", row, policy)
    return findings


def _goal_weight_findings(budget_weight: Decimal, rows: list[dict]) -> list[Finding]:
    """A form grouped by 年度绩效目标 states each goal's points as the sum of its rows' 分值."""
    goals: dict[int, Decimal] = {}
    for row in rows:
        goals[row.get("goal") or 1] = goals.get(row.get("goal") or 1, ZERO) + _number(row.get("weight"))
    total = budget_weight + sum(goals.values(), ZERO)
    if round_money(total) == HUNDRED:
        return []
    parts = "、".join(f"年度绩效目标{number}{_points(points)}分" for number, points in sorted(goals.items()))
    return [blocking(f"预算执行分值{_points(budget_weight)}分与{parts}合计为{_points(total)}分，应为100分。")]


def _row_findings(place: str, row: dict, policy, form_reason=None) -> list[Finding]:
    """One row's score. ``form_reason`` is the form's own analysis where the layout has no reason per
    row (Hubei's 偏差大或目标未完成原因分析): it then answers for every row."""
    where = f"{place}“{row['name']}”（{row['level1']}/{row['level2']}）"
    weight = _number(row.get("weight"))
    if row.get("score") in (None, ""):
        if not weight:
            # A template row or a “/” (not applicable) row carries no points: nothing to score.
            return []
        return [blocking(f"{where}：未打分（分值{_points(weight)}分）。")]
    score = _number(row["score"])
    findings = []
    proposal = score_indicator(
        row.get("annual_value", ""), row.get("actual_value", ""), weight, name=row["name"], policy=policy
    )
    per_form = form_reason is not None
    reason_missing = empty(form_reason) if per_form else empty(row.get("deviation_reason"))
    if score < weight and reason_missing:
        where_reason = (
            "需在“偏差大或目标未完成原因分析”中说明原因" if per_form else "需填写偏差原因分析及改进措施"
        )
        findings.append(
            blocking(f"{where}：得分{_points(score)}分低于分值{_points(weight)}分，{where_reason}。")
        )
    elif proposal.needs_reason and proposal.score is not None and score >= weight and reason_missing:
        findings.append(blocking(f"{where}：{proposal.reason_why}"))
    if proposal.score is not None and round_money(score) != round_money(proposal.score):
        findings.append(warning(f"{where}：{_differs(score, weight, row, proposal)}"))
    return findings


def _differs(score: Decimal, weight: Decimal, row: dict, proposal) -> str:
    """Why a typed score and the rule's score differ, in words, naming both numbers."""
    actual = read_target(row.get("actual_value", ""), row["name"])
    if actual.quantitative and actual.number is not None and actual.unit in {"%", "％"}:
        as_product = round_money(weight * actual.number / HUNDRED)
        if round_money(score) == as_product:
            return (
                f"填写的得分{_points(score)}分等于分值×实际完成值（{_points(weight)}×{actual.number.normalize():f}%），"
                f"应按完成比例（实际÷目标）计分：按评分规则应得{_points(proposal.score)}分。"
            )
    return f"填写的得分{_points(score)}分，按评分规则应得{_points(proposal.score)}分（{proposal.explanation}），请核实。"
