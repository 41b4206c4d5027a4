"""First screens land on data, every empty page says what to do next, pages that help (issue 15)."""

import pytest
from django.urls import reverse

from core.models import District
from core.workflow import form_submit
from declarations.forms import DeclarationTaskForm
from declarations.models import Declaration
from tests.conftest import TIANHE, YUEXIU

pytestmark = pytest.mark.usefixtures("seeded")


def test_the_overview_opens_on_the_latest_year_with_forms_and_every_district(client, finance):
    client.force_login(finance)
    page = client.get(reverse("overview"))
    assert page.context["year"] == 2025 and page.context["district"] == 0
    text = page.content.decode()
    assert TIANHE in text and YUEXIU in text
    target = client.get(reverse("overview"), {"kind": "target-table"})
    assert target.context["year"] == 2019


def test_an_empty_overview_says_what_to_do_and_which_years_have_forms(client, finance):
    client.force_login(finance)
    text = client.get(reverse("overview"), {"kind": "declaration", "year": 2031}).content.decode()
    assert "2031年还没有部门填报部门整体预算绩效目标申报表" in text
    assert 'href="?kind=declaration&amp;year=2025"' in text or 'href="?kind=declaration&year=2025"' in text


def test_the_results_open_on_the_latest_evaluated_year_and_every_district(client, finance):
    client.force_login(finance)
    page = client.get(reverse("results"))
    assert page.context["year"] == 2022 and page.context["district"] == 0
    assert TIANHE in page.content.decode() and YUEXIU in page.content.decode()
    empty = client.get(reverse("results"), {"year": 2030}).content.decode()
    assert 'id="results-empty"' in empty and "2022年" in empty


def test_one_district_selector_per_page(client, finance):
    District.objects.create(name="海珠区").departments.create(name="广州市海珠区司法局")
    client.force_login(finance)
    for url in (reverse("overview"), reverse("results")):
        text = client.get(url).content.decode()
        assert text.count('name="district"') == 1, url  # the filter's; the job takes the page's district
        assert "请先在上方“区”中选择一个区" in text
        one = client.get(url, {"district": District.objects.get(name="天河区").pk}).content.decode()
        assert 'type="hidden" name="district"' in one and "天河区：后台" in one


def test_the_reviewer_opens_on_what_waits_for_them(client, reviewer, preparer):
    form_submit(form=Declaration.objects.get(department__name=TIANHE, year=2025), user=preparer)
    client.force_login(reviewer)
    page = client.get(reverse("workspace"))
    assert page.context["department"].name == TIANHE and page.context["year"] == 2025
    assert "待审核（1）" in page.content.decode()


def test_a_reviewer_with_nothing_waiting_is_told_so(client, reviewer):
    client.force_login(reviewer)
    assert "目前没有等待您审核的表格" in client.get(reverse("workspace")).content.decode()


def test_refusing_to_create_an_existing_form_links_to_it(client, preparer):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(preparer)
    response = client.post(reverse("form-create"), {"kind": "declaration", "year": 2025}, follow=True)
    text = response.content.decode()
    assert "2025年已有部门整体预算绩效目标申报表，未新建" in text
    assert f'href="{reverse("form-edit", args=["declaration", declaration.pk])}">打开这张表</a>' in text


def test_the_review_page_offers_the_xlsx(client, reviewer, preparer):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    form_submit(form=declaration, user=preparer)
    client.force_login(reviewer)
    text = client.get(reverse("form-review", args=["declaration", declaration.pk])).content.decode()
    assert reverse("form-download", args=["declaration", declaration.pk, "xlsx"]) in text


def test_amounts_start_blank_and_a_blank_amount_is_saved_as_zero(client, preparer):
    client.force_login(preparer)
    client.post(reverse("form-create"), {"kind": "declaration", "year": 2027})
    declaration = Declaration.objects.get(department__name=TIANHE, year=2027)
    text = client.get(reverse("form-edit", args=["declaration", declaration.pk])).content.decode()
    assert 'name="basic_expenditure" inputmode="decimal"' in text
    assert 'value="0.00"' not in text and 'placeholder="0.00"' in text


def test_a_one_line_name_drops_line_breaks():
    form = DeclarationTaskForm({"name": "规范行政执法，全力推\r\n进法治政府建设", "amount": ""})
    assert form.is_valid() and form.cleaned_data["name"] == "规范行政执法，全力推进法治政府建设"


def test_an_empty_project_list_says_how_to_fill_it(client, preparer, tianhe):
    client.force_login(preparer)
    text = client.get(reverse("project-list", args=[tianhe.pk, 2031])).content.decode()
    assert "本年度尚无项目。在工作台“新建表格”中选“项目支出绩效目标表”" in text
