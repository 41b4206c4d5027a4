"""Amount cells of an XLSX edited offline: the bound, six decimals, full-width input, “—” for empty."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from core.exports.registry import ImportNeedsConfirmation, document, export_form
from core.exports.registry import import_form as import_asking
from core.models import Department
from declarations.models import Declaration
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


def import_form(content, **kwargs):
    """Import, confirming what the import asks first (clearing a cell): these tests read the amounts."""
    try:
        return import_asking(content, **kwargs)
    except ImportNeedsConfirmation as asked:
        return import_asking(content, confirmed=asked.versions, **kwargs)


BOUND_MESSAGE = "金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。"
SHEET = "工作表“部门整体预算绩效目标申报表”"


def declaration_file(**cells) -> tuple[bytes, dict[str, str]]:
    """The 天河 2025 declaration's XLSX with the cells of budget fields set: ``basic_expenditure="…"``.

    Returns the file and each field's cell coordinate, found through the row markers of column A.
    """
    content = export_form("declaration", "xlsx", Department.objects.get(name=TIANHE), 2025)[2]
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    where = {}
    for (marker,) in sheet.iter_rows(min_col=1, max_col=1):
        if str(marker.value or "").startswith("budget|"):
            for spec in marker.value.split("|")[1:]:
                name, _, column = spec.partition("=")
                where[name] = f"{column.partition(':')[0]}{marker.row}"
    for name, value in cells.items():
        sheet[where[name]].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), where


def budget() -> dict:
    return document("declaration", Department.objects.get(name=TIANHE), 2025).record()["budget"]


@pytest.mark.parametrize("value", [99999999999999.99, "99,999,999,999,999.99", "1000000000.01", 1e20])
def test_an_amount_above_the_bound_is_refused_naming_the_cell_and_nothing_is_saved(value):
    before = budget()
    content, where = declaration_file(basic_expenditure=value)
    with pytest.raises(ValidationError) as error:
        import_form(content)
    assert error.value.messages == [f"{SHEET}单元格{where['basic_expenditure']}：{BOUND_MESSAGE}"]
    assert budget() == before


def test_the_bound_itself_is_read():
    import_form(declaration_file(basic_expenditure=1000000000)[0])
    assert budget()["basic_expenditure"] == "1000000000.00"


def test_full_width_digits_and_punctuation_are_read_as_ascii():
    import_form(declaration_file(basic_expenditure="４，８５５．１１", other_development="１０９．４０")[0])
    assert (budget()["basic_expenditure"], budget()["other_development"]) == ("4855.11", "109.40")


@pytest.mark.parametrize("mark", ["—", "－", "/", "——", "-"])
def test_a_dash_or_a_slash_in_an_amount_cell_means_empty(mark):
    import_form(declaration_file(other_development=mark)[0])
    assert budget()["other_development"] == "0.00"


def test_amounts_to_the_fen_are_read_and_kept_exactly_through_a_round_trip():
    import_form(
        declaration_file(basic_expenditure=132.912, other_development=968.1918, special_funds="0.000001")[0]
    )
    stored = Declaration.objects.get(department__name=TIANHE, year=2025)
    assert (stored.basic_expenditure, stored.other_development) == (Decimal("132.912"), Decimal("968.1918"))
    assert stored.special_funds == Decimal("0.000001")
    # Exported again, the cells hold the exact values under a two-decimal format, and read back unchanged.
    content = export_form("declaration", "xlsx", stored.department, 2025)[2]
    values = [c.value for row in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows() for c in row]
    assert 132.912 in values and 968.1918 in values
    before = budget()
    import_form(content)
    assert budget() == before
    assert (before["basic_expenditure"], before["other_development"]) == ("132.912", "968.1918")
    assert before["special_funds"] == "0.000001"


def test_binary_noise_from_excel_arithmetic_is_dropped():
    import_form(declaration_file(other_development=0.1 + 0.2)[0])  # 0.30000000000000004
    assert budget()["other_development"] == "0.30"


@pytest.mark.parametrize("value", ["1.2345678", 1.2345678])
def test_more_than_six_decimals_are_refused_naming_the_cell(value):
    content, where = declaration_file(basic_expenditure=value)
    with pytest.raises(ValidationError) as error:
        import_form(content)
    assert error.value.messages == [
        f"{SHEET}单元格{where['basic_expenditure']}：“{value}”：金额最多保留六位小数（万元精确到分）。"
    ]


def test_a_negative_amount_is_refused_naming_the_cell():
    content, where = declaration_file(other_development=-5)
    with pytest.raises(ValidationError) as error:
        import_form(content)
    assert error.value.messages == [f"{SHEET}单元格{where['other_development']}：金额不能为负数。"]
