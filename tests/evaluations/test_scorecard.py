"""Issue 18: the scored 部门整体支出绩效评价评分表 (Hunan's layout of the department-wide self-evaluation).

The real form ``c-hunan-yueyang-shenjiju-zhengti-pingfen-2018`` (岳阳市审计局, 2018) is entered through
the entry page in the ``hunan`` layout its district chose, its PDF is compared with the stored copy's
text fragments (``pdftotext -raw``), its XLSX reads back to the same record, and the README's error —
资金结余 scored 2 of 3 with no 扣分原因 — is caught on submission.
"""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.checks import form_findings
from core.exports.registry import export_form, import_form
from core.kinds import REGISTRY
from core.models import Department, District, FormStatus, LayoutChoice, User
from evaluations.models import DepartmentEvaluation
from evaluations.services import department_evaluation_replace
from scripts.loadtest import form_values
from tests.conftest import REPO_DIR, TIANHE
from tests.declarations.test_layout_sets import admin_post
from tests.realforms import pdf_text, squash

pytestmark = pytest.mark.usefixtures("seeded")

HUNAN = REPO_DIR.parent / "shared" / "realforms" / "c-hunan-yueyang-shenjiju-zhengti-pingfen-2018.txt"
KIND = "self-evaluation"
AUDIT = "岳阳市审计局"


def under(level1: str, level1_weight: str, level2: str, level2_weight: str, *rows) -> list[tuple]:
    """Rows of one 二级: (三级, 评分标准, 分值, 自评得分, 扣分原因) each, under their 一级 / 二级 and 分值."""
    return [(level1, level1_weight, level2, level2_weight, *row) for row in rows]


# (一级, 一级分值, 二级, 二级分值, 三级, 评分标准, 分值, 自评得分, 扣分原因), transcribed from the stored copy.
ROWS = [
    *under(
        "投入",
        "15",
        "预算配置",
        "15",
        (
            "财政供养人员控制率",
            "以100%为标准。在职人员控制率100%,计5分;每超过一个百分点扣0.5分,扣完为止。",
            "5",
            "5",
            "",
        ),
        (
            "“三公经费”变动率",
            "“三公经费”变动率0,计5分;\n“三公经费”>0,每超过一个百分点扣0.5分,扣完为止。",
            "5",
            "5",
            "",
        ),
        (
            "重点支出安排率",
            "重点支出安排率≥90%,计5分;80%(含)-90%,计4分;70%(含)-80%,计3分;60%(含)-70%,计2分;低于60%不得分。",
            "5",
            "5",
            "",
        ),
    ),
    *under(
        "过程",
        "40",
        "预算执行",
        "15",
        (
            "预算调整率",
            "预算调整率=0,计3分;0-10%(含),计2分;10-20%(含),计1分;20-30%(含),计0.5分;大于30%不得分。",
            "3",
            "3",
            "",
        ),
        (
            "支付进度",
            "春节前下达全部专项资金的50%;6月底前所有专项资金指标全部下达完。\n"
            "每出现一个专项未按进度完成资金下达扣0.5分,扣完为止。",
            "3",
            "3",
            "",
        ),
        ("资金结余", "无结余,3分;有结余,但不超过上年结转,2分;结余超过上年结转,不得分。", "3", "2", ""),
        (
            "“三公经费”控制率",
            "以100%为标准。三公经费控制率100%,计6分;\n每超过一个百分点扣1分,扣完为止。",
            "6",
            "6",
            "",
        ),
    ),
    *under(
        "过程",
        "40",
        "预算管理",
        "15",
        (
            "管理制度健全性",
            "①已制定或具有预算资金管理办法,内部财务管理制度、会计核算制度等管理制度,1分;\n"
            "②相关管理制度合法、合规、完整,1分;\n③相关管理制度得到有效执行,1分。",
            "3",
            "3",
            "",
        ),
        # The stored copy is cut inside this row's 评分标准: no 分值, no 自评得分.
        (
            "资金使用合规性",
            "①支出符合国家财经法规和财务管理制度规定以及有关专项资金管理办法的规定;\n"
            "②资金拨付有完整的审批程序和手续;\n③项目支出按规",
            "",
            "",
            "",
        ),
    ),
]
FIELDS = (
    "level1",
    "level1_weight",
    "level2",
    "level2_weight",
    "name",
    "standard",
    "weight",
    "score",
    "reason",
)
THE_ERROR = (
    "评分表第6行“资金结余”（过程/预算执行）：自评得分2分低于分值3分，请在“扣分原因和其他说明”中写明扣分原因。"
)


def form_fragments() -> list[str]:
    """The stored copy's text fragments (each line of a cell) from the form's first line (附件3-1) on."""
    lines = HUNAN.read_text().splitlines()
    start = lines.index("附件3-1")
    fragments = []
    for line in lines[start:]:
        if line.startswith("[TRUNCATED"):
            break
        if piece := squash(line):
            fragments.append(piece)
    return fragments


@pytest.fixture
def audit_bureau() -> Department:
    district = District.objects.create(name="岳阳市")
    LayoutChoice.objects.create(district=district, kind=KIND, from_year=2018, layout="hunan")
    return Department.objects.create(name=AUDIT, district=district)


@pytest.fixture
def audit_preparer(audit_bureau) -> User:
    return User.objects.create_user(
        "yueyang-audit", password="pw-yueyang-2018", role=User.Role.PREPARER, department=audit_bureau
    )


@pytest.fixture
def evaluation(audit_bureau) -> DepartmentEvaluation:
    return department_evaluation_replace(department=audit_bureau, year=2018, data={})


def edit_url(evaluation) -> str:
    return reverse("form-edit", args=[KIND, evaluation.pk])


def enter(client, evaluation, rows, *, label="附件3-1"):
    """Fill the 评分表 on the entry page as a preparer would (one page row per 三级) and save it."""
    values = form_values(client.get(edit_url(evaluation)).content.decode())
    values["disclosure_label"] = label
    start = int(values["criteria-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for field, value in zip(FIELDS, row, strict=True):
            values[f"criteria-{start + offset}-{field}"] = value
    values["criteria-TOTAL_FORMS"] = str(start + len(rows))
    return client.post(edit_url(evaluation), {**values, "action": "save"})


def as_record_rows(rows) -> list[dict]:
    def points(value):
        return f"{value}.00" if value else None

    return [
        {
            **dict(zip(FIELDS, row, strict=True)),
            **{key: points(value) for key, value in zip(FIELDS, row, strict=True) if "weight" in key},
            "score": points(row[7]),
        }
        for row in rows
    ]


def test_the_hunan_form_entered_in_its_own_layout_prints_its_text(
    client, evaluation, audit_preparer, tmp_path
):
    client.force_login(audit_preparer)
    response = enter(client, evaluation, ROWS)
    assert response.status_code == 302, response.content.decode()[:3000]
    evaluation.refresh_from_db()
    assert evaluation.disclosure_label == "附件3-1"
    record = REGISTRY[KIND].record(evaluation)
    assert record["layout"] == "hunan"
    assert record["criteria"] == as_record_rows(ROWS)

    _name, _type, content = export_form(KIND, "pdf", evaluation.department, 2018)
    printed = squash(pdf_text(content, tmp_path))
    fragments = form_fragments()
    missing = [piece for piece in fragments if piece not in printed]
    coverage = (len(fragments) - len(missing)) / len(fragments)
    print(f"Hunan 评分表: {len(fragments) - len(missing)}/{len(fragments)} fragments = {coverage:.2%}")
    # The sample's own title note “(参考样表)” is not part of the layout's title.
    assert missing == ["部门整体支出绩效评价评分表(参考样表)"]
    assert coverage >= 0.97
    # The tree's 一级 / 二级 with their 分值, and the 合计 row.
    for piece in ("投入(15分)", "过程(40分)", "预算执行(15分)", "预算管理(15分)", "合计3332"):
        assert piece in printed
    # The preview draws the same layout.
    preview = client.get(reverse("form-preview", args=[KIND, evaluation.pk])).content.decode()
    assert "部门整体支出绩效评价评分表" in preview and "扣分原因和其他说明" in preview
    assert "部门资金情况" not in preview


def test_the_readme_error_is_caught_on_submission_and_the_reason_lets_it_through(
    client, evaluation, audit_preparer
):
    client.force_login(audit_preparer)
    assert enter(client, evaluation, ROWS).status_code == 302
    response = client.post(reverse("form-submit", args=[KIND, evaluation.pk]), follow=True)
    text = response.content.decode()
    assert "未提交" in text and THE_ERROR in text
    assert DepartmentEvaluation.objects.get(pk=evaluation.pk).status == FormStatus.DRAFT

    # The preparer gives the reason on the page: the form submits (the cut row only warns).
    values = form_values(client.get(edit_url(evaluation)).content.decode())
    assert values["criteria-5-name"] == "资金结余"
    values["criteria-5-reason"] = "年末有结余，未超过上年结转。"
    assert client.post(edit_url(evaluation), {**values, "action": "save"}).status_code == 302
    response = client.post(reverse("form-submit", args=[KIND, evaluation.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == "已提交审核。"
    assert DepartmentEvaluation.objects.get(pk=evaluation.pk).status == FormStatus.SUBMITTED


def test_the_checks_name_the_row_and_the_numbers_that_do_not_add_up(client, evaluation, audit_preparer):
    client.force_login(audit_preparer)
    assert enter(client, evaluation, ROWS).status_code == 302
    evaluation.refresh_from_db()
    found = sorted((finding.level, finding.message) for finding in form_findings(evaluation))
    assert found == [
        ("blocking", THE_ERROR),
        ("warning", "一级指标“过程”所列分值为40分，其下各三级指标分值合计18分。"),
        ("warning", "二级指标“过程/预算管理”所列分值为15分，其下各三级指标分值合计3分。"),
        ("warning", "评分表第9行“资金使用合规性”（过程/预算管理）：未填写分值。"),
    ]
    # The entry page shows them to the preparer.
    page = client.get(edit_url(evaluation)).content.decode()
    assert THE_ERROR in page and "其下各三级指标分值合计18分" in page


def test_a_score_above_its_weight_is_refused_on_the_page_and_nothing_is_saved(
    client, evaluation, audit_preparer
):
    client.force_login(audit_preparer)
    assert enter(client, evaluation, ROWS[:2]).status_code == 302
    before = REGISTRY[KIND].record(DepartmentEvaluation.objects.get(pk=evaluation.pk))
    wrong = (*ROWS[2][:7], "6", "")
    response = enter(client, evaluation, [wrong])
    assert response.status_code == 400
    assert "自评得分6分不能超过分值5分。" in response.content.decode()
    after = REGISTRY[KIND].record(DepartmentEvaluation.objects.get(pk=evaluation.pk))
    assert after == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("score", "6", "评分表第1行：自评得分不能超过分值。"),
        ("weight", "1,2", "评分表第1行“分值”："),
        ("weight", "150", "评分表第1行“分值”：确保该值小于或等于100。"),
        ("score", "-1", "评分表第1行“自评得分”："),
        ("name", "资金\x1b结余", "评分表第1行“三级指标”含有不可见的控制字符（U+001B）"),
        ("reason", "原因\x07", "评分表第1行“扣分原因和其他说明”含有不可见的控制字符（U+0007）"),
    ],
)
def test_the_service_refuses_bad_rows_naming_row_and_field_and_writes_nothing(
    evaluation, field, value, message
):
    good = as_record_rows(ROWS[:1])
    department_evaluation_replace(department=evaluation.department, year=2018, data={"criteria": good})
    bad = [{**good[0], field: value}]
    with pytest.raises(ValidationError) as error:
        department_evaluation_replace(department=evaluation.department, year=2018, data={"criteria": bad})
    assert any(text.startswith(message) for text in error.value.messages), error.value.messages
    evaluation.refresh_from_db()
    assert REGISTRY[KIND].record(evaluation)["criteria"] == good


def test_a_scored_record_keeps_what_the_scorecard_does_not_print(audit_bureau):
    form = department_evaluation_replace(
        department=audit_bureau,
        year=2018,
        data={
            "funds": {"adjusted_budget": "100", "initial_budget": "90", "actual_spending": "80"},
            "expected_goal": "<p>目标</p>",
            "tasks": [{"name": "审计任务", "indicators": [{"name": "审计项目数"}]}],
        },
    )
    department_evaluation_replace(
        department=audit_bureau, year=2018, data={"criteria": as_record_rows(ROWS[:1])}
    )
    form.refresh_from_db()
    assert (form.adjusted_budget, form.expected_goal) == (100, "<p>目标</p>")
    assert list(form.tasks.values_list("name", flat=True)) == ["审计任务"]
    assert form.criteria.count() == 1


def test_the_xlsx_in_the_hunan_layout_reads_back_to_the_same_record(client, evaluation, audit_preparer):
    client.force_login(audit_preparer)
    assert enter(client, evaluation, ROWS).status_code == 302
    spec = REGISTRY[KIND]
    evaluation.refresh_from_db()
    before = spec.record(evaluation)
    _name, _type, content = export_form(KIND, "xlsx", evaluation.department, 2018)
    evaluation.criteria.all().delete()
    DepartmentEvaluation.objects.filter(pk=evaluation.pk).update(disclosure_label="")
    import_form(content, department=evaluation.department, year=2018, user=audit_preparer, confirmed=None)
    evaluation.refresh_from_db()
    assert spec.record(evaluation) == before


def test_the_entry_page_asks_only_for_what_the_layout_prints(client, evaluation, audit_preparer, preparer):
    client.force_login(audit_preparer)
    page = client.get(edit_url(evaluation)).content.decode()
    assert "criteria-TOTAL_FORMS" in page and "扣分原因和其他说明" in page and "评分标准" in page
    assert 'name="adjusted_budget"' not in page and "tasks-TOTAL_FORMS" not in page
    assert 'name="expected_goal"' not in page
    # A Guangzhou evaluation: today's page, no 评分表.
    tianhe = DepartmentEvaluation.objects.filter(department__name=TIANHE).first()
    client.force_login(preparer)
    page = client.get(edit_url(tianhe)).content.decode()
    assert "tasks-TOTAL_FORMS" in page and 'name="adjusted_budget"' in page
    assert "criteria-TOTAL_FORMS" not in page


def test_guangzhou_evaluations_keep_their_record_and_layout():
    tianhe = DepartmentEvaluation.objects.filter(department__name=TIANHE).first()
    record = REGISTRY[KIND].record(tianhe)
    assert "criteria" not in record and "layout" not in record
    assert REGISTRY[KIND].draw(record).title.endswith("部门整体支出绩效自评表")
    assert not tianhe.scored


def test_the_district_chooses_the_scorecard_in_the_admin(client, superuser):
    district = District.objects.create(name="某市")
    client.force_login(superuser)
    assert admin_post(client, district, KIND, "hunan").status_code == 302
    assert LayoutChoice.objects.get(district=district).layout == "hunan"
    page = client.get(reverse("admin:core_district_change", args=[district.pk])).content.decode()
    assert "湖南省评分表格式" in page
