"""Workbooks we did not write, in the official layout of each kind, are read by their printed labels.

The workbooks are built with openpyxl from the seed data (``tests/exports/handmade.py``), not with our
writer, and imported back to the same data ``loadseeds`` stores.
"""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.exports.foreign import import_foreign
from core.exports.registry import document, export_form
from core.kinds import get_kind
from core.models import Department
from tests.conftest import TIANHE, YUEXIU
from tests.exports import handmade
from tests.exports.test_seed_exports import normalised

pytestmark = pytest.mark.usefixtures("seeded")

CASES = [
    ("000", "declaration", TIANHE, 2025, handmade.declaration),
    ("001", "declaration", YUEXIU, 2025, handmade.declaration),
    ("002", "target-table", TIANHE, 2019, handmade.target_table),
    ("003", "projects", TIANHE, 2024, handmade.projects),
    ("004", "self-evaluation", TIANHE, 2022, handmade.self_evaluation),
]


def stored(kind, name, year):
    return document(kind, Department.objects.get(name=name), year).record()


def same_data(after: dict, before: dict) -> None:
    after, before = normalised(after), normalised(before)
    for key in before:
        assert after[key] == before[key], key


@pytest.mark.parametrize("variant", [0, 1])
@pytest.mark.parametrize(("prefix", "kind", "name", "year", "build"), CASES, ids=[c[0] for c in CASES])
def test_a_handmade_workbook_is_read_to_what_loadseeds_stores(prefix, kind, name, year, build, variant):
    before = stored(kind, name, year)
    department = Department.objects.get(name=name)
    get_kind(kind).forms_of(department, year).delete()
    content = build(handmade.seed(prefix), variant=variant)
    # 越秀's copy (表13) and the project table print no year: the importer chooses it.
    chosen = year if prefix in {"001", "003"} else None
    result = import_foreign(content, department=department, year=chosen, commit=True)
    assert [str(p) for p in result.problems] == []
    assert result.spec.slug == kind and result.year == year
    same_data(stored(kind, name, year), before)


def test_a_project_self_evaluation_is_read_to_what_was_stored(tianhe):
    spec = get_kind("project-self-evaluation")
    name = "机关业务用房和司法所维修维护费"
    data = spec.start_data(tianhe, 2024, name)
    data["funds"] = {"initial_current": "82.60", "annual_current": "82.60", "executed_current": "80.10"}
    data["actual_completion"] = "完成维修项目12项。\n群众满意。"
    for number, item in enumerate(data["indicators"]):
        item.update(
            actual_value=f"实际{number}", score=item["weight"], deviation_reason="" if number else "无偏差"
        )
    form = spec.load(department=tianhe, year=2024, data=data).form
    before = spec.record(form)
    ours = without_markers(export_form("project-self-evaluation", "xlsx", tianhe, 2024, name)[2])
    for content in (handmade.project_evaluation(before, variant=1), ours):
        spec.forms_of(tianhe, 2024).delete()
        result = import_foreign(content, department=tianhe, commit=True)
        assert [str(p) for p in result.problems] == []
        after = spec.record(spec.forms_of(tianhe, 2024).get(project_name=name))
        same_data(after, before)
        assert Decimal(after["funds"]["executed_current"]) == Decimal("80.10")


def without_markers(content: bytes) -> bytes:
    """Our own export with its hidden marker column emptied: a copy another program saved."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    for row in range(1, sheet.max_row + 1):
        sheet.cell(row, 1).value = None
    sheet.column_dimensions["A"].hidden = False
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("prefix", "kind", "name", "year", "build"), CASES, ids=[c[0] for c in CASES])
def test_our_layout_without_our_markers_is_read_by_its_labels(prefix, kind, name, year, build):
    department = Department.objects.get(name=name)
    before = stored(kind, name, year)
    content = without_markers(export_form(kind, "xlsx", department, year)[2])
    get_kind(kind).forms_of(department, year).delete()
    chosen = year if prefix in {"001", "003"} else None
    result = import_foreign(content, department=department, year=chosen, commit=True)
    assert [str(p) for p in result.problems] == []
    assert [str(n) for n in result.notes if "未导入" in str(n)] == []
    same_data(stored(kind, name, year), before)


def test_headings_worded_a_little_differently_still_find_their_columns(tianhe):
    book = load_workbook(io.BytesIO(handmade.declaration(handmade.seed("000"))))
    sheet = book.active
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "名称":
                cell.value = "任务名称"
            elif cell.value == "年度指标值":
                cell.value = "年度\n指标值（2025年）"
    buffer = io.BytesIO()
    book.save(buffer)
    before = stored("declaration", TIANHE, 2025)
    result = import_foreign(buffer.getvalue(), department=tianhe, commit=True)
    assert [str(p) for p in result.problems] == []
    same_data(stored("declaration", TIANHE, 2025), before)
