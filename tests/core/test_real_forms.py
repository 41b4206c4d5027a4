"""Issue 13: the rules on real forms — the five Guangzhou seeds and four forms from other provinces.

Each form is entered through the services (the path the entry pages and the import take) as far as
today's kinds hold it, and its findings are compared with a golden list: what a reviewer would raise,
naming row and field. For self-evaluations, the scores the rules give are compared with the scores the
form printed. No real, accepted form is blocked except where the README of ``../shared/realforms``
names an error a checker must catch.

What today's kinds cannot hold is said in each test's docstring.
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.checks import form_findings
from core.models import Department, District, FormKind, FormStatus, LayoutChoice, User
from declarations.models import Declaration, Project, TargetTable
from declarations.services import project_replace
from evaluations.models import DepartmentEvaluation, policy_for
from evaluations.scoring import score_indicator
from evaluations.services import department_evaluation_replace, project_evaluation_replace
from tests.conftest import REPO_DIR, TIANHE, YUEXIU

pytestmark = pytest.mark.usefixtures("seeded")

REALFORMS = REPO_DIR.parent / "shared" / "realforms"


def findings(form) -> list[tuple[str, str]]:
    return sorted((finding.level, finding.message) for finding in form_findings(form))


def blocking(form) -> list[str]:
    return [finding.message for finding in form_findings(form) if finding.blocking]


def department(name: str, district: str = "外省示例区") -> Department:
    district_obj, _ = District.objects.get_or_create(name=district)
    return Department.objects.get_or_create(name=name, defaults={"district": district_obj})[0]


def scores_by_rule(record_rows, policy) -> list[Decimal | None]:
    return [
        score_indicator(
            row["annual_value"], row["actual_value"], Decimal(row["weight"]), name=row["name"], policy=policy
        ).score
        for row in record_rows
    ]


# --- the five seeds ---------------------------------------------------------------------------------------


def test_seed_000_tianhe_declaration_has_no_finding():
    assert findings(Declaration.objects.get(department__name=TIANHE, year=2025)) == []


def test_seed_001_yuexiu_declaration_warns_of_its_missing_cost_level_and_submits(client):
    """Seed 001 as published has no 成本指标: a warning for the reviewer, never a block."""
    form = Declaration.objects.get(department__name=YUEXIU, year=2025)
    assert findings(form) == [("warning", "一级指标“成本指标”下没有三级指标，请确认是否不适用。")]
    # Through the pages: the 越秀 preparer submits it as published and the reviewer approves it.
    client.force_login(User.objects.get(username="yuexiu"))
    response = client.post(reverse("form-submit", args=["declaration", form.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["已提交审核。"]
    client.force_login(User.objects.get(username="reviewer"))
    response = client.post(
        reverse("form-review", args=["declaration", form.pk]), {"grade": "良", "entry_complete": "1"}
    )
    assert response.status_code == 302
    assert Declaration.objects.get(pk=form.pk).status == FormStatus.APPROVED


def test_seed_002_tianhe_target_table_has_no_finding():
    assert findings(TargetTable.objects.get(department__name=TIANHE, year=2019)) == []


def test_seed_003_tianhe_projects_raise_what_a_reviewer_flags_and_block_none():
    """22 projects: the published table's unmeasurable values, a duplicate name, 一级 left out, one row
    with only 实施周期指标值 — all warnings; none blocks."""
    projects = list(Project.objects.filter(department__name=TIANHE, year=2024))
    assert len(projects) == 22
    assert [message for project in projects for message in blocking(project)] == []
    messages = {message for project in projects for _level, message in findings(project)}
    expected = {
        "绩效指标第3行“法律援助机构指派律师数”（产出指标/数量指标）：年度指标值“当年指派律师人数”难以衡量，建议写成可考核的数值或标准。",
        "绩效指标第9行“法律援助受益人数”（效益指标/社会效益）：年度指标值“全年受援人数”难以衡量，建议写成可考核的数值或标准。",
        "绩效指标第10行“提升法律援助的影响力”（效益指标/可持续影响）：年度指标值“长期”难以衡量，建议写成可考核的数值或标准。",
        "绩效指标第4行“信息化系统正常运行率”（效益指标/社会效益）：三级指标名称重复。",
        "绩效指标第5行“信息化系统正常运行率”（效益指标/社会效益）：三级指标名称重复。",
        "绩效指标第5行“国家工作人员统一学法考试参考率、考试及格率”（产出指标/质量指标）：年度指标值未填写"
        "（只填了实施周期指标值“公职人员统一学法考试参考率不低于85%、及格率不低于85%”）。",
        "一级指标“满意度指标”下没有三级指标，请确认是否不适用。",
        "一级指标“效益指标”下没有三级指标，请确认是否不适用。",
    }
    assert messages == expected


def test_seed_004_tianhe_department_evaluation_has_no_finding():
    assert findings(DepartmentEvaluation.objects.get(department__name=TIANHE, year=2022)) == []


# --- four real forms from other provinces ----------------------------------------------------------------


def test_anhui_luan_project_targets_flag_a_reason_given_as_a_target():
    """b-anhui-luan-jinan-tiyuju-2025: two projects of the 项目支出绩效目标表. Held: name, unit, funds
    (1000.00 = 1000.00 + 0.00), 年度目标, the indicators (one 指标值 column → 年度指标值; the 2025 spelling
    “经济效益指标” filed under the classic 二级). 项目责任人, 主管部门及代码, 项目来源, 项目期 are held in the Anhui layout
    (``tests/declarations/test_layout_sets.py``, issue 18).
    Project 2's page is cut after its first heading, so it has no indicators here."""
    anhui = department("六安市金安区体育局", "六安市金安区")
    rows = [
        ("产出指标", "数量指标", "开展运动种类", "1种"),
        ("产出指标", "数量指标", "打造品牌赛事种类", "1种"),
        ("产出指标", "质量指标", "经费支出合规率", "100%"),
        ("产出指标", "质量指标", "赛事完成率", "100%"),
        ("产出指标", "时效指标", "完成时间", "2025年年底前"),
        ("产出指标", "成本指标", "项目总成本", "≤1000万元"),
        (
            "效益指标",
            "经济效益",
            "提升六安城市知名度和美誉度,推动体育消费、“网球+”产业深度融合",
            "经济效益良好",
        ),
        (
            "效益指标",
            "社会效益",
            "打造金安国际网球公开赛等系列品牌赛事,提升六安城市的知名度和美誉度。",
            "效果良好",
        ),
        ("效益指标", "生态效益", "本项目不适用此指标", "无"),
        ("效益指标", "可持续影响", "打造金安国际网球公开赛等系列品牌赛事", "影响可持续"),
        ("满意度指标", "服务对象满意度", "群众满意度", "≥95%"),
    ]
    first, _ = project_replace(
        department=anhui,
        year=2025,
        data={
            "name": "2025金安国际网球公开赛(国际系列赛事)",
            "fiscal_appropriation": "1000.00",
            "other_funds": "0.00",
            "goal": "打造金安国际网球公开赛等一系列的品牌赛事,提升六安城市的知名度和美誉度。",
            "indicators": [
                {"level1": a, "level2": b, "name": c, "period_value": "", "annual_value": d}
                for a, b, c, d in rows
            ],
        },
    )
    assert first.total == Decimal("1000.00")
    assert blocking(first) == []
    assert findings(first) == [
        (
            "warning",
            "绩效指标第10行“打造金安国际网球公开赛等系列品牌赛事”（效益指标/可持续影响）："
            "年度指标值“影响可持续”难以衡量，建议写成可考核的数值或标准。",
        ),
        (
            "warning",
            "绩效指标第9行“本项目不适用此指标”（效益指标/生态效益）：是“不适用”标记，不是可考核的指标；"
            "该二级指标不适用时可不填此行。",
        ),
    ]
    second, _ = project_replace(
        department=anhui,
        year=2025,
        data={
            "name": "安徽省常规赛费用",
            "fiscal_appropriation": "1200.00",
            "other_funds": "0.00",
            "goal": "因财政资金紧张,结转2024年六运会项目资金",
        },
    )
    assert (
        "warning",
        "“项目绩效目标”写的是原因（“因财政资金紧张,结转2024年六运会项目资金”），不是可考核的绩效目标。",
    ) in findings(second)


def _evaluation(department_obj, year, name, budget_weight, level1_weights, funds, rows, **extra):
    return project_evaluation_replace(
        department=department_obj,
        year=year,
        data={
            "project_name": name,
            "budget_weight": budget_weight,
            "level1_weights": level1_weights,
            "funds": funds,
            "indicators": [
                {
                    "level1": level1,
                    "level2": level2,
                    "name": row_name,
                    "annual_value": annual,
                    "actual_value": actual,
                    "weight": weight,
                    "score": score,
                    "deviation_reason": "",
                }
                for level1, level2, row_name, annual, actual, weight, score in rows
            ],
            **extra,
        },
    )


def test_anhui_tianchang_project_self_evaluation_scaffolding_and_folded_targets_are_named():
    """d-anhui-tianchang-shuiliju-shuihanzaihai-2022, the 财政部 standard 项目支出绩效自评表: 880/880/880,
    10 points for the budget; the lost 一级 names restored from “(50分)”/“(30分)”/“(10分)”; the template
    rows “指标2:” / “……” kept as typed; “/” for not applicable. 总分 100 as printed. Its own (national)
    layout, entered through the page: ``tests/evaluations/test_layout_sets.py`` (issue 18)."""
    tianchang = department("天长市水利局", "天长市")
    o, b, s = "产出指标", "效益指标", "满意度指标"
    rows = [
        (o, "数量指标", "指标1:完成中型灌区节水改造项目数量", "1", "1", "10", "10"),
        (o, "数量指标", "指标2:完成农业综合水价改革项目", "1", "1", "10", "10"),
        (o, "数量指标", "……", "", "", "0", None),
        (o, "质量指标", "指标1:工程质量合格", "", "", "10", "10"),
        (o, "质量指标", "指标2:", "", "", "0", None),
        (o, "时效指标", "指标1:年度资金支付完成率100%", "", "", "10", "10"),
        (o, "成本指标", "指标1:资金执行在预算范围内", "", "", "10", "10"),
        (b, "经济效益", "指标1:全市安全度汛", "", "", "10", "10"),
        (b, "社会效益", "指标1:保护全市人口财产不受损失", "", "", "10", "10"),
        (b, "生态效益", "指标1:/", "/", "/", "0", None),
        (b, "可持续影响", "指标1:已建工程良性运行", "", "", "10", "10"),
        (s, "服务对象满意度", "指标1:服务对象满意度", "90%", "100%", "10", "10"),
    ]
    form = _evaluation(
        tianchang,
        2022,
        "水旱灾害防御经费",
        "10",
        {o: "50", b: "30", s: "10"},
        {"initial_current": "880", "annual_current": "880", "executed_current": "880"},
        rows,
        expected_goal="完成年度防汛工作,完成中型灌区节水改造项目和农业综合水价改革项目。",
        actual_completion="完成年度目标。",
    )
    assert form.total_score() == Decimal("100.00")  # as printed: 总分 100
    assert blocking(form) == []  # a real, accepted form: named, not blocked
    messages = [message for _level, message in findings(form)]
    assert any("“……”" in m and "模板示例或占位" in m for m in messages)
    assert any("“指标2:”" in m and "模板示例或占位" in m for m in messages)
    assert any("“指标1:/”" in m and "不适用" in m for m in messages)
    assert any("“指标1:工程质量合格”" in m and "年度指标值未填写" in m for m in messages)
    assert any("“指标1:年度资金支付完成率100%”" in m and "年度指标值未填写" in m for m in messages)
    # The rules give what the form printed where they can read the values; the rest is a person's.
    record_rows = [{"name": r[2], "annual_value": r[3], "actual_value": r[4], "weight": r[5]} for r in rows]
    by_rule = scores_by_rule(record_rows, policy_for(tianchang.district, 2022))
    printed = [None if r[6] is None else Decimal(r[6]) for r in rows]
    assert [(rule, typed) for rule, typed in zip(by_rule, printed, strict=True) if rule is not None] == [
        (Decimal("10.00"), Decimal("10")),
        (Decimal("10.00"), Decimal("10")),
        (Decimal("10.00"), Decimal("10")),
    ]


def test_hubei_huanggang_self_evaluation_weight_times_actual_score_is_caught():
    """d-hubei-huanggang-shuitubaochi-jiance-2020: 预算执行 weighs 20 (10/10, 100% → 20); the two
    年度绩效目标 of 40 points are held as the scheme's 一级 (产出 60, 满意度 20; 进度 → 时效). The row
    整编资料审核 (A = B = 98%, weight 20) is scored 19.6 = 20 × 98% where the rule gives full marks,
    with no reason: the README's error a checker must catch — it blocks (below full weight, no 偏差原因)
    and the warning names both numbers. 总分 printed 99.6; by the rules 100. Held here in Guangzhou's
    layout; in Hubei's own (goals as groups, the reason once per form) through the page:
    ``tests/evaluations/test_layout_sets.py`` (issue 18)."""
    hubei = department("黄冈市水土保持与农田水利科研所", "黄冈市")
    o, s = "产出指标", "满意度指标"
    rows = [
        (o, "质量指标", "监测数据必须合格", "100%", "100%", "10", "10"),
        (o, "时效指标", "取得2018-2022监测资料", "100%", "100%", "10", "10"),
        (s, "服务对象满意度", "整编资料审核", "98%", "98%", "20", "19.6"),
        (o, "质量指标", "监测数据资料整编", "100%", "100%", "20", "20"),
        (o, "时效指标", "完成年度资料上报", "100%", "100%", "20", "20"),
    ]
    form = _evaluation(
        hubei,
        2020,
        "水土保持监测",
        "20",
        {o: "60", s: "20"},
        {"annual_current": "10", "executed_current": "10"},
        rows,
        competent_department="黄冈市水利和湖泊局",
        expected_goal="完成水土保持监测。",
        actual_completion="完成年度监测任务。",
    )
    assert form.budget_score == Decimal("20.00")
    assert form.total_score() == Decimal("99.60")  # as printed
    where = "绩效指标第3行“整编资料审核”（满意度指标/服务对象满意度）"
    assert blocking(form) == [f"{where}：得分19.6分低于分值20分，需填写偏差原因分析及改进措施。"]
    assert (
        "warning",
        f"{where}：填写的得分19.6分等于分值×实际完成值（20×98%），应按完成比例（实际÷目标）计分：按评分规则应得20分。",
    ) in findings(form)
    record_rows = [{"name": r[2], "annual_value": r[3], "actual_value": r[4], "weight": r[5]} for r in rows]
    by_rule = scores_by_rule(record_rows, policy_for(hubei.district, 2020))
    assert sum(by_rule, Decimal("20")) == Decimal("100.00")


def test_hunan_yueyang_scored_department_evaluation_is_held_in_its_scored_layout():
    """c-hunan-yueyang-shenjiju-zhengti-pingfen-2018, a *scored* 部门整体支出绩效评价评分表, held in the
    ``hunan`` layout its district chooses (evaluations/scorecard.py): each 三级 is a 评分表 row under its
    一级 / 二级 with the 分值 the form states (投入 15分, 预算配置 15分, 过程 40分, 预算执行 15分), its
    评分标准, 分值, 自评得分 and 扣分原因. The README's error — 资金结余 scored 2 of 3 with the 扣分原因
    left empty — is the one blocking finding. The stored copy is cut inside 预算管理 (the second 三级 has
    no 分值, and 过程's other 二级 are missing): the only other findings are warnings saying so. The
    entry page, PDF text coverage and XLSX round trip are tests/evaluations/test_scorecard.py's."""
    yueyang = department("岳阳市审计局", "岳阳市")
    LayoutChoice.objects.create(
        district=yueyang.district, kind=FormKind.SELF_EVALUATION.value, from_year=2018, layout="hunan"
    )

    def row(level1, level1_weight, level2, name, weight, score):
        return {
            "level1": level1,
            "level1_weight": level1_weight,
            "level2": level2,
            "level2_weight": "15",
            "name": name,
            "standard": "",
            "weight": weight,
            "score": score,
            "reason": "",
        }

    form = department_evaluation_replace(
        department=yueyang,
        year=2018,
        data={
            "attachment_label": "附件3-1",
            "criteria": [
                row("投入", "15", "预算配置", "财政供养人员控制率", "5", "5"),
                row("投入", "15", "预算配置", "“三公经费”变动率", "5", "5"),
                row("投入", "15", "预算配置", "重点支出安排率", "5", "5"),
                row("过程", "40", "预算执行", "预算调整率", "3", "3"),
                row("过程", "40", "预算执行", "支付进度", "3", "3"),
                row("过程", "40", "预算执行", "资金结余", "3", "2"),
                row("过程", "40", "预算执行", "“三公经费”控制率", "6", "6"),
                row("过程", "40", "预算管理", "管理制度健全性", "3", "3"),
                row("过程", "40", "预算管理", "资金使用合规性", "", ""),
            ],
        },
    )
    assert form.criteria.count() == 9
    assert findings(form) == [
        (
            "blocking",
            "评分表第6行“资金结余”（过程/预算执行）：自评得分2分低于分值3分，"
            "请在“扣分原因和其他说明”中写明扣分原因。",
        ),
        ("warning", "一级指标“过程”所列分值为40分，其下各三级指标分值合计18分。"),
        ("warning", "二级指标“过程/预算管理”所列分值为15分，其下各三级指标分值合计3分。"),
        ("warning", "评分表第9行“资金使用合规性”（过程/预算管理）：未填写分值。"),
    ]
