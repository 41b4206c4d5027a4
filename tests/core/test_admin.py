"""The admin shows every seed form with its numbers, in Chinese."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEntry
from declarations.models import Declaration, Project, TargetBlock, TargetTable, TargetTask
from evaluations.models import DepartmentEvaluation, EvaluationTask
from indicators.models import Scheme

pytestmark = pytest.mark.usefixtures("seeded")

MODELS = [
    Declaration,
    TargetTable,
    TargetBlock,
    TargetTask,
    Project,
    DepartmentEvaluation,
    EvaluationTask,
    Scheme,
]


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_pages_render(admin_client, model):
    opts = model._meta
    assert (
        admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    )
    obj = model.objects.first()
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_the_declaration_page_shows_amounts_and_derived_totals(admin_client):
    declaration = Declaration.objects.get(department__name="广州市天河区司法局")
    page = admin_client.get(
        reverse("admin:declarations_declaration_change", args=[declaration.pk])
    ).content.decode()
    assert "基本支出" in page and 'value="4,855.11"' in page  # read and shown as on the entry pages
    assert "6,449.47" in page  # derived totals
    assert "为区政府购买常年法律顾问服务" in page


def test_the_changelist_filters_by_department_year_and_status(admin_client):
    url = reverse("admin:declarations_declaration_changelist")
    page = admin_client.get(url, {"year": 2025, "status__exact": "draft"}).content.decode()
    assert "广州市越秀区司法局" in page and "状态" in page


def test_the_self_evaluation_page_shows_the_derived_rates(admin_client):
    evaluation = DepartmentEvaluation.objects.get()
    page = admin_client.get(
        reverse("admin:evaluations_departmentevaluation_change", args=[evaluation.pk])
    ).content
    page = page.decode()
    assert "99.91%" in page and "2.82%" in page and "-172.43" in page


def _form_data(form, data: dict) -> None:
    for name in form.fields:
        value = form[name].value()
        if value is False or value is None:
            continue
        data[form.add_prefix(name)] = "" if value is True and name != "DELETE" else value


def admin_post_data(response) -> dict:
    """The POST a browser would send back for an admin change page, unchanged."""
    data: dict = {}
    _form_data(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for form in formset.forms:
            _form_data(form, data)
    return data


def test_saving_in_the_admin_bumps_the_version_and_writes_history(admin_client):
    declaration = Declaration.objects.get(department__name="广州市越秀区司法局")
    url = reverse("admin:declarations_declaration_change", args=[declaration.pk])
    data = admin_post_data(admin_client.get(url))
    data["other_tasks"] = "新增的任务说明"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    declaration.refresh_from_db()
    assert (declaration.other_tasks, declaration.version) == ("新增的任务说明", 2)
    assert declaration.indicators.count() == 15  # the inline rows came back untouched
    entry = AuditEntry.objects.filter(object_id=declaration.pk, message="管理后台").first()
    assert entry.changes["other_tasks"] == ["", "新增的任务说明"]


def test_history_cannot_be_edited_in_the_admin(admin_client):
    entry = AuditEntry.objects.first()
    change = reverse("admin:core_auditentry_change", args=[entry.pk])
    assert admin_client.post(change, {"message": "篡改"}).status_code == 403
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403


def test_the_scoring_policy_reads_full_width_numbers(admin_client):
    from core.models import District
    from evaluations.models import ScoringPolicy

    district = District.objects.get(name="天河区")
    fields = {
        "district": district.pk,
        "year": "２０２６",
        "budget_weight": "１０",
        "output_weight": "４９．５",
        "benefit_weight": "３０．５",
        "satisfaction_weight": "10",
        "reverse_rule": "ratio",
        "over_achievement_percent": "１３０",
        "achieved_floor": "８０",
        "partial_floor": "６０",
        "excellent_floor": "９０",
        "good_floor": "８０",
        "fair_floor": "６０",
    }
    response = admin_client.post(reverse("admin:evaluations_scoringpolicy_add"), fields)
    assert response.status_code == 302, response.content.decode()[-2000:]
    policy = ScoringPolicy.objects.get(district=district, year=2026)
    assert (policy.output_weight, policy.benefit_weight) == (Decimal("49.5"), Decimal("30.5"))


def test_an_amount_above_the_bound_is_refused_in_the_admin_naming_the_bound(admin_client):
    declaration = Declaration.objects.get(department__name="广州市天河区司法局")
    page = admin_client.get(reverse("admin:declarations_declaration_change", args=[declaration.pk]))
    assert 'name="basic_expenditure" value="4,855.11"' in page.content.decode()
    field = Declaration._meta.get_field("basic_expenditure").formfield()
    with pytest.raises(ValidationError) as error:
        field.clean("99,999,999,999,999.99")
    assert error.value.messages == ["金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。"]
    assert field.clean("４，８５５．１１") == Decimal("4855.11")
    assert field.clean("—") == 0
