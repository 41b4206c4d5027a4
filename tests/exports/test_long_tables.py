"""Long tables (issue 14 item 2): a form holds at most MAX_TABLE_ROWS rows per table, said on the page
that would store more, and a cell longer than a page continues over the following pages, losing
nothing (docs/benchmarks.md has the times — none asserted)."""

import copy
import re
import subprocess

import pytest
from django.urls import reverse

from core.exports.pdf import render_pdf
from core.exports.stamp import LIVE_NOTE
from core.kinds import REGISTRY
from core.services import MAX_TABLE_ROWS
from declarations.models import Project
from scripts.loadtest import form_values
from tests.conftest import TIANHE, seed_text

pytestmark = pytest.mark.usefixtures("seeded")


def project() -> Project:
    return Project.objects.filter(department__name=TIANHE, year=2024).order_by("pk").first()


def test_the_entry_page_refuses_more_indicator_rows_than_the_limit_naming_it(client, preparer):
    form = project()
    before = REGISTRY["projects"].record(form)
    url = reverse("form-edit", args=["projects", form.pk])
    client.force_login(preparer)
    values = form_values(client.get(url).content.decode())
    prefix = next(key for key in values if key.startswith("ind") and key.endswith("-TOTAL_FORMS"))[
        : -len("-TOTAL_FORMS")
    ]
    others = sum(int(values[key]) for key in values if key.endswith("-TOTAL_FORMS") and key.startswith("ind"))
    extra = MAX_TABLE_ROWS + 1 - others
    start = int(values[f"{prefix}-TOTAL_FORMS"])
    for n in range(start, start + extra):
        values[f"{prefix}-{n}-name"] = f"新增指标{n}"
        values[f"{prefix}-{n}-period_value"] = values[f"{prefix}-{n}-annual_value"] = "100%"
    values[f"{prefix}-TOTAL_FORMS"] = str(start + extra)
    response = client.post(url, {**values, "action": "save"})
    assert response.status_code == 400
    assert (
        f"项目“{form.name}”绩效指标最多 {MAX_TABLE_ROWS} 行（现有 {MAX_TABLE_ROWS + 1} 行），未保存"
        in response.content.decode()
    )
    stored = Project.objects.get(pk=form.pk)
    assert stored.version == form.version
    assert REGISTRY["projects"].record(stored) == before


def test_a_bulk_import_of_more_projects_than_the_limit_is_refused(client, preparer):
    department = project().department
    before = Project.objects.filter(department=department, year=2024).count()
    lines = seed_text("003").splitlines()
    header = next(n for n, line in enumerate(lines) if line.startswith("项目名称"))
    row = next(line for line in lines[header + 1 :] if line.count("\t") == 6 and "1、" in line)
    name = row.split("\t")[0]
    table = [lines[header], *(row.replace(name, f"{name}{n}", 1) for n in range(MAX_TABLE_ROWS + 1))]
    client.force_login(preparer)
    response = client.post(
        reverse("project-import", args=[department.pk, 2024]), {"text": "\n".join(table), "action": "import"}
    )
    assert response.status_code == 400
    assert (
        f"2024年的项目支出绩效目标表最多 {MAX_TABLE_ROWS} 行（现有 {MAX_TABLE_ROWS + 1} 行）"
        in response.content.decode()
    )
    assert Project.objects.filter(department=department, year=2024).count() == before


def test_a_long_indicator_cell_continues_over_pages_and_loses_nothing(tmp_path):
    spec = REGISTRY["projects"]
    record = copy.deepcopy(spec.record(project()))
    rows = record["projects"][0]["indicators"]
    record["projects"][0]["indicators"] = [
        {**rows[n % len(rows)], "name": f"{rows[n % len(rows)]['name']}第{n}条"}
        for n in range(MAX_TABLE_ROWS)
    ]
    layout = spec.layout(record)
    path = tmp_path / "long.pdf"
    path.write_bytes(render_pdf(layout))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    # Without the footers and the repeated table headers, a line cut by a page's end joins the next
    # page's first line.
    flat = re.sub(r"第\d+页共\d+页", "", re.sub(r"\s+", "", text).replace(LIVE_NOTE, ""))
    for table in layout.tables:
        for row in table.rows[: table.header_rows]:
            for cell in row.cells:
                flat = flat.replace(re.sub(r"\s+", "", cell.text), "") if cell.text else flat
    assert all(f"第{n}条" in flat for n in range(MAX_TABLE_ROWS))
    # The one cell runs over many pages, each of them full: its text continues, not one page of it.
    holding = [n for n, page in enumerate(pages) if "条" in page]
    assert len(holding) > 10 and holding == list(range(holding[0], holding[-1] + 1))


def test_a_declaration_of_many_indicator_rows_prints_every_row(tmp_path):
    from declarations.models import Declaration

    spec = REGISTRY["declaration"]
    record = copy.deepcopy(spec.record(Declaration.objects.get(department__name=TIANHE, year=2025)))
    rows = record["indicators"]
    record["indicators"] = [{**rows[n % len(rows)], "name": f"指标行第{n}条"} for n in range(MAX_TABLE_ROWS)]
    path = tmp_path / "rows.pdf"
    path.write_bytes(render_pdf(spec.layout(record)))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert all(f"指标行第{n}条" in flat for n in range(MAX_TABLE_ROWS))
