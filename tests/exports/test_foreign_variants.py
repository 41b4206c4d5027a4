"""Issue 18: a workbook we did not write, in a layout a district chose, is read by that layout's labels.

Each form is entered through its entry page in its district's layout (the real-form tests' data), its
XLSX exported and its hidden marker column emptied (a copy another program saved), the form deleted
and the workbook imported through the label reader: the stored record is the same.
"""

import pytest

from core.exports.foreign import import_foreign
from core.exports.registry import export_form
from core.kinds import REGISTRY
from declarations.models import Project
from declarations.services import project_replace
from evaluations.services import project_evaluation_replace
from tests.declarations import test_layout_sets as projects
from tests.evaluations import test_layout_sets as evaluations
from tests.evaluations import test_scorecard as scorecard
from tests.exports.test_foreign_import import without_markers

pytestmark = pytest.mark.usefixtures("seeded")

county, county_preparer = projects.county, projects.county_preparer
city, city_preparer = evaluations.city, evaluations.city_preparer
institute, institute_preparer = evaluations.institute, evaluations.institute_preparer
audit_bureau, audit_preparer, evaluation = (
    scorecard.audit_bureau,
    scorecard.audit_preparer,
    scorecard.evaluation,
)


def round_trip(kind: str, department, year: int, name: str, form, user) -> tuple[dict, dict, object]:
    spec = REGISTRY[kind]
    form.refresh_from_db()
    before = spec.record(form)
    content = without_markers(export_form(kind, "xlsx", department, year, name)[2])
    spec.forms_of(department, year).delete()
    result = import_foreign(content, department=department, year=year, user=user, commit=True)
    assert [str(p) for p in result.problems] == []
    after = spec.record(spec.forms_of(department, year).get())
    return before, after, result


@pytest.mark.parametrize("layout", ["anhui", "national", "hunan-project"])
def test_a_project_in_a_chosen_layout_is_read_back_by_its_labels(client, county, county_preparer, layout):
    county.district.layout_choices.update(layout=layout)
    project, _ = project_replace(department=county, year=2025, data={"name": projects.FIRST["name"]})
    client.force_login(county_preparer)
    projects.enter(client, project, projects.FIRST, projects.FIRST_INDICATORS)
    before, after, _result = round_trip("projects", county, 2025, project.name, project, county_preparer)
    assert after == before
    assert after["layout"] == layout
    assert Project.objects.get(department=county).indicators.count() == len(projects.FIRST_INDICATORS)


def test_the_national_evaluation_is_read_back_by_its_labels(client, city, city_preparer):
    client.force_login(city_preparer)
    form = project_evaluation_replace(department=city, year=2022, data={"project_name": evaluations.PROJECT})
    evaluations.enter(
        client, form, evaluations.TIANCHANG_HEADER, evaluations.TIANCHANG_WEIGHTS, evaluations.TIANCHANG_ROWS
    )
    before, after, _result = round_trip(
        "project-self-evaluation", city, 2022, evaluations.PROJECT, form, city_preparer
    )
    # The stated 一级 weights are printed in the 一级 cells, not read back as data: the policy's apply.
    assert {**after, "level1_weights": None} == {**before, "level1_weights": None}


def test_the_hubei_evaluation_is_read_back_by_its_labels(client, institute, institute_preparer):
    form = evaluations.hubei_form(client, institute, institute_preparer)
    before, after, _result = round_trip(
        "project-self-evaluation", institute, 2020, evaluations.MONITORING, form, institute_preparer
    )
    assert after == before


def test_the_hunan_scorecard_is_read_back_by_its_labels(client, evaluation, audit_preparer):
    client.force_login(audit_preparer)
    assert scorecard.enter(client, evaluation, scorecard.ROWS).status_code == 302
    before, after, _result = round_trip(
        scorecard.KIND, evaluation.department, 2018, "", evaluation, audit_preparer
    )
    assert after["criteria"] == before["criteria"]
