"""Exporters by form kind: find a form's data, build its layout, render it; and import it back."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from core.kinds import KindSpec, get_kind
from core.models import Department, FormKind


@dataclass(frozen=True)
class Exporter:
    """A renderer with a name, a file extension and a ``render(layout) -> bytes``."""

    format: str
    extension: str
    content_type: str

    def render(self, layout) -> bytes:
        if self.format == "pdf":
            from core.exports.html import render_pdf

            return render_pdf(layout)
        from core.exports.xlsx import render_xlsx

        return render_xlsx(layout)


EXPORTERS = {
    "pdf": Exporter("pdf", "pdf", "application/pdf"),
    "xlsx": Exporter("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def form_data(spec: KindSpec, department: Department, year: int, project: str | None = None) -> dict:
    """The data of one form, or LookupError with a message in Chinese."""
    if spec.kind == FormKind.PROJECT_SELF_EVALUATION and not project:
        raise LookupError("项目支出绩效自评表需要指定项目名称。")
    data = spec.dump(department, year)
    if data is None:
        raise LookupError(f"{department.name}没有{year}年的{spec.label}。")
    if spec.kind == FormKind.PROJECT_SELF_EVALUATION:
        matches = [item for item in data["evaluations"] if item["project_name"] == project]
        if not matches:
            raise LookupError(f"{department.name}{year}年没有项目“{project}”的自评表。")
        return matches[0]
    return data


def export_form(kind: str, format: str, department: Department, year: int, project: str | None = None):
    """``(filename, content_type, bytes)`` of one form in the official layout."""
    spec = get_kind(kind)
    try:
        exporter = EXPORTERS[format]
    except KeyError:
        raise LookupError(f"未知的导出格式“{format}”，可选：pdf、xlsx") from None
    layout = spec.layout(form_data(spec, department, year, project))
    name = f"{department.name}-{year}-{spec.label}" + (f"-{project}" if project else "")
    return f"{name}.{exporter.extension}", exporter.content_type, exporter.render(layout)


def import_form(content: bytes, *, department: Department | None = None, year: int | None = None, user=None):
    """Read our XLSX back into a draft of the same kind; everything or nothing is saved.

    The department and year default to those written in the file; a preparer's upload passes their
    own so that a file from another department cannot be written into it.
    """
    from django.db import transaction

    from core.exports.xlsx import read_xlsx

    sheet = read_xlsx(content)
    spec = get_kind(sheet.kind)
    if department is None:
        department = Department.objects.filter(name=sheet.meta.get("department")).first()
        if department is None:
            raise ValidationError(
                f"工作表“{sheet.title}”单元格A2：部门“{sheet.meta.get('department')}”不存在。"
            )
    elif sheet.meta.get("department") and sheet.meta["department"] != department.name:
        raise ValidationError(
            f"工作表“{sheet.title}”单元格A2：此文件是{sheet.meta['department']}的表格，不能导入{department.name}。"
        )
    year = year or int(sheet.meta.get("year") or 0)
    data = spec.from_sheet(sheet)
    with transaction.atomic():
        return spec, spec.load(department=department, year=year, data=data, user=user, message="导入 XLSX")
