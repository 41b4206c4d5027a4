"""Issue 14 item 12: one grammar for every number typed or imported; nothing is silently reinterpreted."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from core.exports.registry import export_form, import_form
from core.models import Department
from core.services import parse_amount
from declarations.models import Declaration
from scripts.loadtest import form_values
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")

REFUSED = ["1,2", "12,34,5", "5e2", "1_000", "50%", "+5", "1.2.3"]


@pytest.mark.parametrize("typed", REFUSED)
def test_the_entry_page_refuses_an_ambiguous_amount_and_saves_nothing(client, preparer, typed):
    form = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(preparer)
    url = reverse("form-edit", args=["declaration", form.pk])
    values = form_values(client.get(url).content.decode())
    response = client.post(url, {**values, "basic_expenditure": typed, "action": "save"})
    assert response.status_code == 400
    assert "请输入数字（如 4,855.11）。" in response.content.decode()
    stored = Declaration.objects.get(pk=form.pk)
    assert (stored.version, stored.basic_expenditure) == (form.version, form.basic_expenditure)


@pytest.mark.parametrize("typed", REFUSED)
def test_the_services_refuse_an_ambiguous_amount_naming_the_field(typed):
    with pytest.raises(ValidationError, match=re.escape(f"基本支出：“{typed}”不是数字")):
        parse_amount(typed, label="基本支出")


@pytest.mark.parametrize(
    ("typed", "read"), [("4,855.11", "4855.11"), ("４，８５５．１１", "4855.11"), ("1,234,567", "1234567")]
)
def test_thousands_separators_in_groups_of_three_and_full_width_are_read(typed, read):
    assert str(parse_amount(typed, label="x")) == read


@pytest.mark.parametrize("typed", ["5e2", "1,2", "50%"])
def test_an_xlsx_amount_cell_with_an_ambiguous_text_is_refused_naming_the_cell(typed):
    department = Department.objects.get(name=TIANHE)
    content = export_form("declaration", "xlsx", department, 2025)[2]
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    cell = next(
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, int | float) and c.value == 4855.11
    )
    cell.value = typed
    buffer = io.BytesIO()
    book.save(buffer)
    before = Declaration.objects.get(department=department, year=2025).version
    with pytest.raises(ValidationError, match=f"单元格{cell.coordinate}：“{typed}”不是数字"):
        import_form(buffer.getvalue(), department=department)
    assert Declaration.objects.get(department=department, year=2025).version == before
