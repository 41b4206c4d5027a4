"""The monitoring form's official layout: preview, real PDF, real XLSX read back, the ZIPs (through the registry)."""

import io
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.exports.bundle import department_year_zip
from core.exports.registry import document_for, import_form
from core.models import Department, ExportJob
from monitoring.kinds import monitoring_layout
from monitoring.models import MonitoringForm
from monitoring.records import monitoring_data
from monitoring.services import monitoring_replace
from tests.conftest import TIANHE


def reported(form: MonitoringForm) -> MonitoringForm:
    """A form with every part reported, one indicator with a deviation and its reasons."""
    data = monitoring_data(form)
    indicators = data["indicators"]
    for item in indicators:
        item.update(
            progress_value=item["annual_value"], forecast_value=item["annual_value"], likelihood="certain"
        )
    indicators[0].update(
        likelihood="possible", reasons=["经费保障", "其他"], reason_text="资金下达较晚。", remark="跟踪"
    )
    data["funds"].update(
        executed_fiscal=f"{form.initial_fiscal / 2:.2f}", forecast_fiscal=f"{form.initial_fiscal:.2f}"
    )
    data.update(
        goal_progress="<p>按计划推进。</p>", deviation="<p>进度略慢。</p>", measures="<p>加快支付。</p>"
    )
    monitoring_replace(department=form.department, year=form.year, data=data)
    return MonitoringForm.objects.get(pk=form.pk)


def set_field(sheet, indicator: str, field: str, value) -> None:
    """Write ``value`` into ``field`` of the indicator row named ``indicator`` (found by its row marker)."""
    for number in range(3, sheet.max_row + 1):
        marker = str(sheet.cell(number, 1).value or "")
        columns = dict(part.split("=", 1) for part in marker.split("|")[1:])
        if (
            marker.startswith("indicator|")
            and sheet[f"{columns['name'].split(':')[0]}{number}"].value == indicator
        ):
            sheet[f"{columns[field].split(':')[0]}{number}"] = value
            return
    raise AssertionError(f"no row for {indicator}")


def test_the_layout_fills_its_grid_and_prints_the_lights_with_their_reasons(monitoring_form):
    data = monitoring_data(reported(monitoring_form))
    layout = monitoring_layout(data)
    layout.check()
    texts = [cell.text for table in layout.tables for row in table.rows for cell in row.cells]
    assert "项目支出绩效目标执行监控表" == layout.title
    assert any(text.startswith("黄灯：") and "有可能" in text for text in texts)
    assert "【经费保障、其他】资金下达较晚。" in texts and "有可能" in texts
    assert "1—7月执行率" in texts


def test_layout_to_xlsx_and_import_gives_back_the_same_record(client, preparer, monitoring_form):
    form = reported(monitoring_form)
    before = monitoring_data(form)
    _name, _type, content = document_for(form).render("xlsx")
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "perfbudget/monitoring/1"
    # Offline, the unit changes the second indicator's forecast, then imports the file.
    set_field(sheet, before["indicators"][1]["name"], "forecast_value", "预计超额完成")
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(preparer)
    response = client.post(reverse("form-import"), {"file": SimpleUploadedFile("m.xlsx", buffer.getvalue())})
    assert response.status_code == 302, response.content.decode()[:3000]
    after = monitoring_data(MonitoringForm.objects.get(pk=form.pk))
    assert after["indicators"][1]["forecast_value"] == "预计超额完成"
    after["indicators"][1]["forecast_value"] = before["indicators"][1]["forecast_value"]
    assert after == before


def test_an_unchanged_export_imports_back_identically(monitoring_form, preparer):
    form = reported(monitoring_form)
    before = monitoring_data(form)
    _name, _type, content = document_for(form).render("xlsx")
    spec, loaded = import_form(content, department=form.department, user=preparer)
    assert spec.slug == "monitoring" and loaded[0].form.pk == form.pk
    assert monitoring_data(MonitoringForm.objects.get(pk=form.pk)) == before


def test_an_import_that_changes_the_approved_targets_is_refused_naming_the_row(monitoring_form, preparer):
    form = reported(monitoring_form)
    _name, _type, content = document_for(form).render("xlsx")
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    name = form.indicators.first().name
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == name:
                cell.value = name + "（改）"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(Exception) as error:
        import_form(buffer.getvalue(), department=form.department, user=preparer)
    assert "绩效指标第1行" in str(error.value) and "不能修改" in str(error.value)
    assert MonitoringForm.objects.get(pk=form.pk).version == form.version


def test_a_bad_likelihood_in_the_xlsx_names_the_indicator(monitoring_form, preparer):
    form = reported(monitoring_form)
    _name, _type, content = document_for(form).render("xlsx")
    book = load_workbook(io.BytesIO(content))
    for row in book.worksheets[0].iter_rows():
        for cell in row:
            if cell.value == "有可能":
                cell.value = "大概吧"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(Exception) as error:
        import_form(buffer.getvalue(), department=form.department, user=preparer)
    assert "完成目标可能性“大概吧”不是可选项" in str(error.value)


def test_the_pdf_is_a_real_pdf_with_the_form_s_text(client, preparer, monitoring_form, tmp_path):
    form = reported(monitoring_form)
    client.force_login(preparer)
    response = client.get(reverse("form-download", args=["monitoring", form.pk, "pdf"]))
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "m.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "项目支出绩效目标执行监控表" in text and form.project_name[:6] in text


def test_the_department_zip_includes_each_monitoring_form(client, preparer, monitoring_form):
    client.force_login(preparer)
    department = Department.objects.get(name=TIANHE)
    response = client.get(reverse("department-zip", args=[department.pk, 2024]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    monitoring = [name for name in names if "项目支出绩效目标执行监控表" in name]
    assert len(monitoring) == 2 * monitoring_form.round.forms.count()  # PDF and XLSX of each
    assert any(monitoring_form.name in name for name in monitoring)
    manifest = archive.read("清单.txt").decode("utf-8-sig")
    assert "项目支出绩效目标执行监控表" in manifest
    _filename, content = department_year_zip(department, 2024, formats=("xlsx",))
    assert any(monitoring_form.name in name for name in zipfile.ZipFile(io.BytesIO(content)).namelist())


@pytest.mark.django_db(transaction=True)  # the worker opens its own transactions
def test_the_district_zip_job_includes_the_monitoring_forms(client, finance, monitoring_form):
    form = monitoring_form
    client.force_login(finance)
    response = client.post(
        reverse("job-start"),
        {"kind": "district-zip", "district": form.department.district_id, "year": 2024, "formats": ["xlsx"]},
    )
    assert response.status_code == 302
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job = ExportJob.objects.latest("pk")
    assert job.status == ExportJob.Status.DONE, job.error
    names = zipfile.ZipFile(io.BytesIO(bytes(job.content))).namelist()
    assert any(name.startswith(f"{TIANHE}/") and form.name in name for name in names), names
