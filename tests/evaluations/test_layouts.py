"""The 项目支出绩效自评表 layout prints weights and scores with the decimals they have (39.2分, 6.25, 10)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.exports.registry import ImportNeedsConfirmation, export_form
from core.exports.registry import import_form as import_asking
from core.kinds import get_kind
from evaluations.models import ProjectEvaluation
from evaluations.services import project_evaluation_replace
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


def import_form(content, **kwargs):
    """Import, confirming what the import asks first (clearing a cell): these tests read the amounts."""
    try:
        return import_asking(content, **kwargs)
    except ImportNeedsConfirmation as asked:
        return import_asking(content, confirmed=asked.versions, **kwargs)


NAME = "法律援助补贴和业务经费"
INDICATORS = [
    {"level1": "产出指标", "level2": "数量指标", "name": "宣传活动", "annual_value": "≥1场",
     "actual_value": "2场", "weight": "39.2", "score": "39.2"},
    {"level1": "产出指标", "level2": "质量指标", "name": "合格率", "annual_value": "100%",
     "actual_value": "100%", "weight": "10.8", "score": "10.8"},
    {"level1": "效益指标", "level2": "社会效益", "name": "受益人数", "annual_value": "≥100人",
     "actual_value": "90人", "weight": "6.25", "score": "5.63"},
    {"level1": "效益指标", "level2": "社会效益", "name": "覆盖率", "annual_value": "≥90%",
     "actual_value": "95%", "weight": "23.75", "score": "23.75"},
    {"level1": "满意度指标", "level2": "服务对象满意度", "name": "满意度", "annual_value": "≥90%",
     "actual_value": "95%", "weight": "10", "score": "9.5"},
]  # fmt: skip


@pytest.fixture
def evaluation(tianhe):
    return project_evaluation_replace(
        department=tianhe,
        year=2022,
        data={
            "project_name": NAME,
            "funds": {"annual_current": "132.912", "executed_current": "132.912"},
            "indicators": INDICATORS,
        },
    )


def layout_texts(evaluation) -> list[str]:
    spec = get_kind("project-self-evaluation")
    layout = spec.layout(spec.record(evaluation))
    return [cell.text for table in layout.tables for row in table.rows for cell in row.cells]


def test_a_level1_weight_prints_with_its_decimals(evaluation):
    texts = layout_texts(evaluation)
    assert "产出指标（50分）" in texts
    assert "效益指标（30分）" in texts
    assert "满意度指标（10分）" in texts
    # The form states its own 一级 weights (issue 13): one with decimals prints them.
    ProjectEvaluation.objects.filter(pk=evaluation.pk).update(
        level1_weights={"产出指标": "49.2", "效益指标": "30", "满意度指标": "10"}
    )
    texts = layout_texts(ProjectEvaluation.objects.get(pk=evaluation.pk))
    assert "产出指标（49.2分）" in texts and "产出指标（49分）" not in texts


def test_weights_and_scores_print_the_decimals_they_have(evaluation):
    texts = layout_texts(evaluation)
    for printed in ("39.2", "10.8", "6.25", "5.63", "23.75", "9.5"):
        assert printed in texts
    assert "10" in texts and "10.00" not in texts  # the 满意度 weight and the 预算执行率 分值
    assert "39.20" not in texts


def test_the_preview_prints_a_weight_of_39_2_as_39_2(client, preparer, evaluation):
    ProjectEvaluation.objects.filter(pk=evaluation.pk).update(
        level1_weights={"产出指标": "39.2", "效益指标": "30", "满意度指标": "10"}
    )
    client.force_login(preparer)
    page = client.get(
        reverse("form-preview", args=["project-self-evaluation", evaluation.pk])
    ).content.decode()
    assert "产出指标（39.2分）" in page and "产出指标（39分）" not in page


def test_the_xlsx_shows_weights_with_their_decimals_and_reads_them_back(evaluation):
    content = export_form("project-self-evaluation", "xlsx", evaluation.department, 2022, project=NAME)[2]
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    weights = {
        cell.value: cell.number_format
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float) and cell.value in (39.2, 6.25)
    }
    assert weights == {39.2: "General", 6.25: "General"}
    assert "产出指标（50分）" in [cell.value for row in sheet.iter_rows() for cell in row]
    before = get_kind("project-self-evaluation").record(evaluation)
    import_form(content)
    after = get_kind("project-self-evaluation").record(ProjectEvaluation.objects.get(pk=evaluation.pk))
    assert after["indicators"] == before["indicators"]
    assert after["funds"]["annual_current"] == "132.912"


def test_weights_typed_full_width_in_the_xlsx_are_read_and_a_dash_is_no_score(evaluation):
    content = export_form("project-self-evaluation", "xlsx", evaluation.department, 2022, project=NAME)[2]
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    next(cell for cell in cells if cell.value == 39.2).value = "３９．２"
    next(cell for cell in cells if cell.value == 9.5).value = "—"
    buffer = io.BytesIO()
    book.save(buffer)
    import_form(buffer.getvalue())
    stored = ProjectEvaluation.objects.get(pk=evaluation.pk)
    assert stored.indicators.get(name="宣传活动").weight == Decimal("39.2")
    assert stored.indicators.get(name="满意度").score is None
    assert stored.department.name == TIANHE
