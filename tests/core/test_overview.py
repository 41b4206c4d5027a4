"""The finance bureau's overview of the district, on screen and as XLSX."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from core.workflow import form_submit
from declarations.models import Declaration
from tests.conftest import TIANHE, YUEXIU

pytestmark = pytest.mark.usefixtures("seeded")


def test_finance_sees_every_department_with_status_and_totals(client, finance):
    client.force_login(finance)
    page = client.get(reverse("overview"), {"year": 2025, "kind": "declaration"}).content.decode()
    assert TIANHE in page and YUEXIU in page
    assert "6,449.47" in page and "5,236.02" in page


def test_the_overview_filters_by_status(client, finance, preparer):
    form_submit(form=Declaration.objects.get(department__name=TIANHE, year=2025), user=preparer)
    client.force_login(finance)
    page = client.get(reverse("overview"), {"year": 2025, "status": "submitted"}).content.decode()
    assert TIANHE in page and YUEXIU not in page


def test_the_overview_downloads_as_xlsx_with_numbers(client, finance):
    client.force_login(finance)
    response = client.get(reverse("overview"), {"year": 2025, "kind": "declaration", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert Decimal(str(rows[TIANHE][7])) == Decimal("6449.47")
    assert rows[YUEXIU][3] == "草稿"


def test_a_reviewer_sees_only_their_departments(client, yuexiu):
    from core.models import User

    reviewer = User.objects.create_user("reviewer-yuexiu", role=User.Role.REVIEWER)
    reviewer.reviewed_departments.set([yuexiu])
    client.force_login(reviewer)
    page = client.get(reverse("overview"), {"year": 2025}).content.decode()
    assert YUEXIU in page and TIANHE not in page
