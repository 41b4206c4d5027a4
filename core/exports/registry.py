"""Exported documents: which forms stand behind one file, how it is drawn and rendered, and import.

A :class:`Document` is what one PDF or XLSX prints: one form (a declaration, one project's targets,
one project's self-evaluation), or the table of every form of a kind that a kind declares one for
(``KindSpec.table``: the department's 项目支出绩效目标表). Preview, download, freezing and the ZIP all
go through a document, so a preview always shows the file its download button gives.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.exports.html import render_pdf
from core.exports.xlsx import read_xlsx, render_xlsx
from core.kinds import KindSpec, Loaded, get_kind, spec_for
from core.models import Department, FormBase


@dataclass(frozen=True)
class Exporter:
    """A renderer with a name, a file extension and a ``render(layout) -> bytes``."""

    format: str
    extension: str
    content_type: str
    renderer: object

    def render(self, layout, stamp=None) -> bytes:
        """The file's bytes; ``stamp`` (a frozen file's verification stamp) goes into its footer."""
        return self.renderer(layout, stamp)


EXPORTERS = {
    "pdf": Exporter("pdf", "pdf", "application/pdf", render_pdf),
    "xlsx": Exporter(
        "xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_xlsx
    ),
}


def exporter(format: str) -> Exporter:
    try:
        return EXPORTERS[format]
    except KeyError:
        raise LookupError(f"未知的导出格式“{format}”，可选：pdf、xlsx") from None


@dataclass(frozen=True)
class Document:
    """One exported document: a form of ``spec`` named ``name`` (or the only one), or the kind's table.

    ``name`` is the form's name for kinds with several forms a year (a project's name); it is "" for a
    kind with one form a year and for a kind's table. The frozen files of a document are keyed by
    ``(kind, department, year, name)``.
    """

    spec: KindSpec
    department: Department
    year: int
    name: str = ""

    @property
    def kind(self) -> str:
        """The kind's slug, as the frozen files store it."""
        return self.spec.slug

    @property
    def is_table(self) -> bool:
        return self.spec.named and not self.name

    @property
    def label(self) -> str:
        return self.spec.table.label if self.is_table else self.spec.label

    @property
    def title(self) -> str:
        """What the document is, in words: “项目“X”的项目支出绩效目标表”, “项目支出绩效目标表”."""
        return self.spec.describe(self.name) if self.name else self.label

    @property
    def filename_stem(self) -> str:
        return f"{self.department.name}-{self.year}-{self.label}" + (f"-{self.name}" if self.name else "")

    def forms(self) -> models.QuerySet:
        """The form rows behind the document (one, or every form of the table). Lazy: no query yet."""
        forms = self.spec.forms_of(self.department, self.year)
        return forms.filter(**self.spec.identity(self.name)) if self.name else forms

    def record(self) -> dict:
        """The document's data, or LookupError with a message in Chinese."""
        data = None
        if self.is_table:
            data = self.spec.table.record(self.department, self.year)
        else:
            form = self.forms().select_related("department__district").first()
            data = None if form is None else self.spec.record(form)
        if data is None:
            raise LookupError(f"{self.department.name}没有{self.year}年的{self.spec.describe(self.name)}。")
        return data

    def layout(self, record: dict | None = None):
        record = self.record() if record is None else record
        return (self.spec.table.layout if self.is_table else self.spec.layout)(record)

    def render(self, format: str, record: dict | None = None, stamp=None) -> tuple[str, str, bytes]:
        """``(filename, content_type, bytes)`` in the official layout, from the current data.

        Without a ``stamp`` the file is a live rendering and says so in its footer; freezing passes the
        verification stamp (``core.exports.stamp``) the frozen file prints.
        """
        chosen = exporter(format)
        content = chosen.render(self.layout(record), stamp)
        return f"{self.filename_stem}.{chosen.extension}", chosen.content_type, content


def document(kind: str, department: Department, year: int, name: str | None = None) -> Document:
    """The document of ``kind`` (slug or alias) named ``name``; LookupError with a Chinese message.

    A kind with several forms a year needs the form's name unless it prints a table of all of them.
    """
    spec = get_kind(kind)
    name = (name or "") if spec.named else ""
    if spec.named and not name and spec.table is None:
        raise LookupError(f"{spec.label}需要指定{spec.name_label}。")
    return Document(spec, department, year, name)


def document_for(form: FormBase) -> Document:
    """The document of one form object (a project's own, one-row 项目支出绩效目标表)."""
    spec = spec_for(form)
    return Document(spec, form.department, form.year, spec.name_of(form))


def table_for(form: FormBase) -> Document | None:
    """The table the form is a row of, if its kind prints one."""
    spec = spec_for(form)
    return Document(spec, form.department, form.year) if spec.table is not None else None


def export_form(kind: str, format: str, department: Department, year: int, project: str | None = None):
    """``(filename, content_type, bytes)`` of one document in the official layout, from current data."""
    return document(kind, department, year, project).render(format)


def import_form(
    content: bytes, *, department: Department | None = None, year: int | None = None, user=None
) -> tuple[KindSpec, list[Loaded]]:
    """Read our XLSX back into drafts of the same kind (one, or a table's rows); all or nothing.

    The department and year default to those written in the file; a preparer's upload passes their
    own so that a file from another department cannot be written into it.
    """
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
    records = spec.read_sheet(sheet)
    if not records:
        raise ValidationError(f"工作表“{sheet.title}”中没有可导入的{spec.label}内容，未导入。")
    with transaction.atomic():
        loaded = [
            spec.load(department=department, year=year, data=record, user=user, message="导入 XLSX")
            for record in records
        ]
    return spec, loaded
