"""The indicator library: built from the seeds and approved forms, curated, and suggested while typing."""

import pytest
from django.urls import reverse

from core.models import FormStatus
from declarations.models import Declaration
from indicators.library import library_rebuild
from indicators.models import LibraryIndicator
from tests.conftest import TIANHE, YUEXIU


@pytest.fixture(autouse=True)
def library(seeded):
    library_rebuild()


def test_the_library_built_from_the_seeds_knows_yuexius_mediation_indicator():
    indicator = LibraryIndicator.objects.get(name="人均年度调解案件数")
    assert indicator.level2 == "数量指标"
    values = {value.text: value for value in indicator.values.all()}
    # 越秀 wrote it as “≥55件” (seed 001), 天河 as “≥55” (seed 003): one indicator, both values.
    assert "≥55" in values and "≥55件" in values
    assert values["≥55件"].departments == YUEXIU
    assert values["≥55"].departments == TIANHE
    assert set(indicator.departments.values_list("name", flat=True)) == {YUEXIU, TIANHE}


def test_the_same_second_level_of_both_schemes_is_one_key():
    # 2025 scheme “社会效益指标” and the classic “社会效益” file under one 二级 key.
    keys = set(
        LibraryIndicator.objects.filter(level2__startswith="社会效益").values_list("level2_key", flat=True)
    )
    assert keys == {"社会效益"}


def test_approved_forms_feed_the_library_and_drafts_do_not():
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    row = declaration.indicators.first()
    row.name = "一个新写的三级指标"
    row.save()
    library_rebuild()
    assert not LibraryIndicator.objects.filter(name="一个新写的三级指标").exists()
    Declaration.objects.filter(pk=declaration.pk).update(status=FormStatus.APPROVED)
    library_rebuild()
    assert LibraryIndicator.objects.filter(name="一个新写的三级指标", uses=1).exists()


def test_curation_survives_a_rebuild_and_merges_count_for_the_target():
    target = LibraryIndicator.objects.get(name="人均年度调解案件数")
    other = LibraryIndicator.objects.exclude(pk=target.pk).filter(level2_key=target.level2_key).first()
    uses = target.uses + other.uses
    other.merged_into = target
    other.save()
    target.recommended = True
    target.save()
    library_rebuild()
    target.refresh_from_db()
    assert target.recommended and target.uses == uses
    assert LibraryIndicator.objects.get(pk=other.pk).merged_into == target


def test_suggestions_are_filtered_by_second_level_and_text(client, preparer):
    client.force_login(preparer)
    data = client.get(reverse("indicator-suggest"), {"level2": "数量指标", "q": "调解"}).json()
    names = [item["name"] for item in data["suggestions"]]
    assert "人均年度调解案件数" in names
    assert all("调解" in name for name in names)
    item = next(item for item in data["suggestions"] if item["name"] == "人均年度调解案件数")
    values = {value["text"]: value["departments"] for value in item["values"]}
    # A 天河 preparer sees their own department, not which other departments use a value.
    assert values == {"≥55": [TIANHE], "≥55件": []}


def test_suggestions_name_the_departments_a_reviewer_may_see(client, reviewer):
    client.force_login(reviewer)
    data = client.get(reverse("indicator-suggest"), {"level2": "数量指标", "q": "调解"}).json()
    item = next(item for item in data["suggestions"] if item["name"] == "人均年度调解案件数")
    values = {value["text"]: value["departments"] for value in item["values"]}
    assert values == {"≥55": [TIANHE], "≥55件": [YUEXIU]}


def test_retired_and_merged_indicators_are_not_suggested(client, preparer):
    LibraryIndicator.objects.filter(name="人均年度调解案件数").update(retired=True)
    client.force_login(preparer)
    data = client.get(reverse("indicator-suggest"), {"level2": "数量指标", "q": "调解"}).json()
    assert "人均年度调解案件数" not in [item["name"] for item in data["suggestions"]]


def test_the_suggestions_endpoint_runs_a_fixed_number_of_queries(client, preparer, django_assert_num_queries):
    client.force_login(preparer)
    # session, user, the indicators (limited), their values, the user's visible departments
    with django_assert_num_queries(5):
        client.get(reverse("indicator-suggest"), {"level2": "数量指标"})


def test_anonymous_visitors_get_no_suggestions(client):
    assert client.get(reverse("indicator-suggest"), {"level2": "数量指标"}).status_code == 302
