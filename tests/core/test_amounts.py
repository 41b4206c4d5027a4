"""Amounts that cannot break anything (issue 13, item 4).

One bound on every amount (``core.money.AMOUNT_MAX``), enforced by the entry pages, the imports, the
services and the database; a form holding an amount past it (as forms were saved before it) still shows
on every page and cannot be saved or submitted so; full-width input is read; amounts keep six decimals
and print two.
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from core.models import FormStatus
from core.money import format_amount
from declarations.models import (
    DECLARATION_AMOUNTS,
    PROJECT_AMOUNTS,
    TARGET_TABLE_INCOMES,
    Declaration,
    DeclarationTask,
    Project,
    TargetTable,
)
from evaluations.models import (
    DEPARTMENT_EVALUATION_AMOUNTS,
    PROJECT_EVALUATION_AMOUNTS,
    DepartmentEvaluation,
    EvaluationTask,
    ProjectEvaluation,
)
from tests.conftest import TIANHE
from tests.core.test_views import _post_data

pytestmark = pytest.mark.usefixtures("seeded")

BOUND_MESSAGE = "金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。"
# The amount of the issue: accepted and saved before the bound, then every page answered 500.
ABSURD = Decimal("99999999999999.99")

KINDS = {
    "declaration": (Declaration, DECLARATION_AMOUNTS),
    "target-table": (TargetTable, TARGET_TABLE_INCOMES),
    "projects": (Project, PROJECT_AMOUNTS),
    "self-evaluation": (DepartmentEvaluation, DEPARTMENT_EVALUATION_AMOUNTS),
    "project-self-evaluation": (ProjectEvaluation, PROJECT_EVALUATION_AMOUNTS),
}


def store_as_before_the_bound(queryset, **values) -> None:
    """Write ``values`` past validation and past the bound's constraints, as forms were saved before them.

    The migration clears such amounts (tests/declarations/test_migrations.py); the pages must cope with
    them all the same, for whatever gets past the bound (a SQLite file edited by hand, a bug). SQLite
    ignores CHECK for this write; PostgreSQL drops the bound's constraints and adds them back
    ``NOT VALID`` (inside the test's transaction).
    """
    model = queryset.model
    bounded = [c for c in model._meta.constraints if c.name.endswith("_bounded")]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                queryset.update(**values)
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
            return
        # The test's own inserts leave deferred foreign-key checks pending, which ALTER TABLE refuses.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        table = connection.ops.quote_name(model._meta.db_table)
        for constraint in bounded:
            cursor.execute(
                f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(constraint.name)}"
            )
        queryset.update(**values)
    with connection.schema_editor() as editor:
        for constraint in bounded:
            editor.execute(f"{constraint.create_sql(model, editor)} NOT VALID")


@pytest.fixture
def project_evaluation(client, preparer):
    client.force_login(preparer)
    client.post(
        reverse("form-create"),
        {"kind": "project-self-evaluation", "year": 2024, "name": "法律援助补贴和业务经费"},
    )
    client.logout()
    return ProjectEvaluation.objects.get(department__name=TIANHE)


@pytest.fixture
def absurd(project_evaluation):
    """Every amount of every 天河 form (and task) at the issue's 99,999,999,999,999.99, past the bound."""
    for model, fields in KINDS.values():
        store_as_before_the_bound(
            model.objects.filter(department__name=TIANHE), **dict.fromkeys(fields, ABSURD)
        )
    store_as_before_the_bound(
        DeclarationTask.objects.filter(declaration__department__name=TIANHE), amount=ABSURD
    )
    store_as_before_the_bound(
        EvaluationTask.objects.filter(evaluation__department__name=TIANHE), amount=ABSURD
    )
    # Small denominators make the rates as large as they can be.
    store_as_before_the_bound(
        DepartmentEvaluation.objects.filter(department__name=TIANHE),
        adjusted_budget=Decimal("0.000001"),
        initial_budget=Decimal("0.000001"),
    )
    forms = {
        kind: model.objects.filter(department__name=TIANHE).first() for kind, (model, _) in KINDS.items()
    }
    # SQLite keeps 15 significant digits: it reads 100,000,000,000,000 back.
    assert forms["declaration"].basic_expenditure in {ABSURD, Decimal("100000000000000")}
    return forms


def shown(value: Decimal) -> str:
    """How the absurd amount this database kept prints."""
    return format_amount(value)


def field_error(page: str, name: str) -> str:
    """The message the entry page shows under the input ``name`` ("" when it shows none)."""
    match = re.search(
        rf'<input[^>]*name="{re.escape(name)}"[^>]*>\s*<div[^>]*class="invalid-feedback[^"]*"[^>]*>(.*?)</div>',
        page,
        re.S,
    )
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def _get(client, url):
    client.raise_request_exception = False
    return client.get(url).status_code


# --- forms holding amounts past the bound still show everywhere ---------------------------------------


@pytest.mark.parametrize("view", ["form-edit", "form-preview", "form-history"])
def test_every_form_page_renders_for_forms_stored_with_absurd_amounts(client, preparer, absurd, view):
    client.force_login(preparer)
    statuses = {kind: _get(client, reverse(view, args=[kind, form.pk])) for kind, form in absurd.items()}
    assert statuses == dict.fromkeys(absurd, 200)


def test_the_comparison_with_an_approved_version_holding_absurd_amounts_renders(
    client, preparer, reviewer, absurd
):
    from django.contrib.contenttypes.models import ContentType

    from core.kinds import REGISTRY
    from core.models import Review

    client.force_login(preparer)
    statuses = {}
    for kind, form in absurd.items():
        snapshot = REGISTRY[kind].record(form)
        if kind == "declaration":
            snapshot["budget"]["basic_expenditure"] = str(ABSURD)  # as approved, before SQLite rounded it
        Review.objects.create(
            content_type=ContentType.objects.get_for_model(form),
            object_id=form.pk,
            form_version=form.version,
            reviewer=reviewer,
            decision=Review.Decision.APPROVE,
            grade=Review.Grade.EXCELLENT,
            snapshot=snapshot,
        )
        statuses[kind] = _get(client, reverse("form-compare", args=[kind, form.pk]))
    assert statuses == dict.fromkeys(absurd, 200)


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_downloads_render_for_forms_stored_with_absurd_amounts(client, preparer, absurd, fmt):
    client.force_login(preparer)
    statuses = {
        kind: _get(client, reverse("form-download", args=[kind, form.pk, fmt]))
        for kind, form in absurd.items()
    }
    assert statuses == dict.fromkeys(absurd, 200)


def test_the_preview_prints_the_stored_absurd_amount(client, preparer, absurd):
    client.force_login(preparer)
    page = client.get(
        reverse("form-preview", args=["declaration", absurd["declaration"].pk])
    ).content.decode()
    assert shown(absurd["declaration"].basic_expenditure) in page


def test_the_workspaces_render_for_forms_stored_with_absurd_amounts(
    client, preparer, reviewer, finance, absurd
):
    pages = {}
    for user in (preparer, reviewer, finance):
        client.force_login(user)
        for year in (2019, 2022, 2024, 2025):
            pages[(user.username, year)] = _get(client, reverse("workspace") + f"?year={year}")
    assert set(pages.values()) == {200}, pages


def test_the_overview_and_results_render_for_forms_stored_with_absurd_amounts(client, finance, absurd):
    client.force_login(finance)
    pages = {
        (kind, year, fmt): _get(client, reverse("overview") + f"?kind={kind}&year={year}&format={fmt}")
        for kind, year in (("declaration", 2025), ("target-table", 2019), ("projects", 2024),
                           ("self-evaluation", 2022), ("project-self-evaluation", 2024))
        for fmt in ("", "xlsx")
    }  # fmt: skip
    pages["results"] = _get(client, reverse("results") + "?year=2024")
    pages["project-list"] = _get(
        client, reverse("project-list", args=[absurd["projects"].department_id, 2024])
    )
    assert set(pages.values()) == {200}, pages


def test_the_review_page_renders_and_names_the_amount_above_the_bound(client, reviewer, absurd):
    store_as_before_the_bound(
        Declaration.objects.filter(pk=absurd["declaration"].pk), status=FormStatus.SUBMITTED, review_tier=1
    )
    client.force_login(reviewer)
    response = client.get(reverse("form-review", args=["declaration", absurd["declaration"].pk]))
    assert response.status_code == 200
    amount = shown(absurd["declaration"].basic_expenditure)
    assert f"“基本支出”为{amount}万元：{BOUND_MESSAGE}" in response.content.decode()


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_admin_pages_render_for_forms_stored_with_absurd_amounts(client, superuser, absurd, kind):
    client.force_login(superuser)
    opts = KINDS[kind][0]._meta
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[absurd[kind].pk])
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert (_get(client, change), _get(client, changelist)) == (200, 200)


# --- … and cannot be saved or submitted as they are ----------------------------------------------------


def test_saving_a_form_stored_with_an_absurd_amount_names_the_field(client, preparer, absurd):
    client.force_login(preparer)
    url = reverse("form-edit", args=["declaration", absurd["declaration"].pk])
    response = client.post(url, {**_post_data(client.get(url)), "action": "save"})
    assert response.status_code == 400
    page = response.content.decode()
    assert field_error(page, "basic_expenditure") == BOUND_MESSAGE
    assert f'value="{shown(absurd["declaration"].basic_expenditure)}"' in page
    assert Declaration.objects.get(pk=absurd["declaration"].pk).version == absurd["declaration"].version


def test_submitting_a_form_stored_with_an_absurd_amount_is_refused_naming_the_field(client, preparer, absurd):
    client.force_login(preparer)
    project = absurd["projects"]
    client.post(reverse("form-submit", args=["projects", project.pk]))
    assert Project.objects.get(pk=project.pk).status == FormStatus.DRAFT
    page = client.get(reverse("form-edit", args=["projects", project.pk])).content.decode()
    assert f"“财政拨款”为{shown(project.fiscal_appropriation)}万元：{BOUND_MESSAGE}" in page


# --- the bound, through the entry page -------------------------------------------------------------------


def _entry(client, preparer, kind="declaration"):
    client.force_login(preparer)
    form = KINDS[kind][0].objects.filter(department__name=TIANHE).first()
    url = reverse("form-edit", args=[kind, form.pk])
    return form, url, _post_data(client.get(url))


def test_the_entry_page_refuses_the_overflow_amount_with_the_bound_and_saves_nothing(client, preparer):
    form, url, fields = _entry(client, preparer)
    fields.update({"basic_expenditure": "99,999,999,999,999.99", "overall_goal": "改过的目标"})
    response = client.post(url, {**fields, "action": "save"})
    assert response.status_code == 400
    page = response.content.decode()
    assert field_error(page, "basic_expenditure") == BOUND_MESSAGE
    assert 'value="99,999,999,999,999.99"' in page  # what was typed stays on the page
    stored = Declaration.objects.get(pk=form.pk)
    assert (stored.version, stored.basic_expenditure) == (form.version, form.basic_expenditure)
    assert stored.overall_goal == form.overall_goal


def test_the_entry_page_refuses_an_overflow_task_amount(client, preparer):
    form, url, fields = _entry(client, preparer)
    fields["tasks-0-amount"] = "10,000,000,000"
    response = client.post(url, {**fields, "action": "save"})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "tasks-0-amount") == BOUND_MESSAGE
    assert Declaration.objects.get(pk=form.pk).version == form.version


def test_the_entry_page_accepts_the_bound_itself(client, preparer):
    form, url, fields = _entry(client, preparer)
    fields["transfer_payment"] = "1,000,000,000"
    assert client.post(url, {**fields, "action": "save"}).status_code == 302
    assert Declaration.objects.get(pk=form.pk).transfer_payment == Decimal("1000000000")


def test_the_entry_page_reads_full_width_digits_and_punctuation(client, preparer):
    form, url, fields = _entry(client, preparer)
    fields.update(
        {"basic_expenditure": "４，８５５．１１", "other_funds": "１０９．４", "tasks-0-amount": "８１。６"}
    )
    assert client.post(url, {**fields, "action": "save"}).status_code == 302
    stored = Declaration.objects.get(pk=form.pk)
    assert (stored.basic_expenditure, stored.other_funds) == (Decimal("4855.11"), Decimal("109.4"))
    assert stored.tasks.first().amount == Decimal("81.6")


def test_the_entry_page_reads_a_dash_or_a_slash_as_an_empty_amount(client, preparer):
    form, url, fields = _entry(client, preparer)
    fields.update({"special_funds": "—", "other_funds": "－", "transfer_payment": "/"})
    assert client.post(url, {**fields, "action": "save"}).status_code == 302
    stored = Declaration.objects.get(pk=form.pk)
    assert (stored.special_funds, stored.other_funds, stored.transfer_payment) == (0, 0, 0)


def test_the_entry_page_stores_amounts_to_the_fen_exactly_and_shows_them(client, preparer):
    form, url, fields = _entry(client, preparer, "projects")
    fields.update({"fiscal_appropriation": "132.912", "other_funds": "968.1918"})
    assert client.post(url, {**fields, "action": "save"}).status_code == 302
    stored = Project.objects.get(pk=form.pk)
    assert (stored.fiscal_appropriation, stored.other_funds) == (Decimal("132.912"), Decimal("968.1918"))
    page = client.get(url).content.decode()
    assert 'value="132.912"' in page and 'value="968.1918"' in page
    # The official layout prints two decimals, half-up, on the stored values: 1,101.1038 → 1,101.10.
    preview = client.get(reverse("form-preview", args=["projects", form.pk])).content.decode()
    assert "132.91" in preview and "968.19" in preview and "1,101.10" in preview
    assert "132.912" not in preview


def test_more_than_six_decimals_are_refused_on_the_entry_page(client, preparer):
    _form, url, fields = _entry(client, preparer)
    fields["basic_expenditure"] = "4855.1100001"
    response = client.post(url, {**fields, "action": "save"})
    assert response.status_code == 400
    assert (
        field_error(response.content.decode(), "basic_expenditure")
        == "金额最多保留六位小数（万元精确到分）。"
    )


def test_a_weight_typed_full_width_is_read_and_a_dash_leaves_a_score_blank(
    client, preparer, project_evaluation
):
    client.force_login(preparer)
    url = reverse("form-edit", args=["project-self-evaluation", project_evaluation.pk])
    fields = _post_data(client.get(url))
    weight = next(name for name in fields if name.endswith("-weight"))
    fields.update({weight: "３９．２", weight.replace("-weight", "-score"): "—", "budget_weight": "１０"})
    assert client.post(url, {**fields, "action": "save"}).status_code == 302
    row = project_evaluation.indicators.get(weight=Decimal("39.2"))
    assert row.score is None
    assert ProjectEvaluation.objects.get(pk=project_evaluation.pk).budget_weight == Decimal("10")


@pytest.mark.parametrize(
    ("value", "places", "printed"),
    [
        ("880", None, "880"),
        ("12.50", None, "12.5"),
        ("1234.567", None, "1,234.57"),
        ("1234.5", 4, "1,234.5000"),
        ("1234.5", 0, "1,235"),
        ("0.125", 2, "0.13"),
    ],
)
def test_a_layout_s_amount_precision(value, places, printed):
    """Issue 18: a layout prints amounts at its precision (half-up), or as typed where places is None."""
    assert format_amount(Decimal(value), places) == printed
