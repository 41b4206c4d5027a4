"""Exported documents: which forms stand behind one file, how it is drawn and rendered, and import.

A :class:`Document` is what one PDF or XLSX prints: one form (a declaration, one project's targets,
one project's self-evaluation), or the table of every form of a kind that a kind declares one for
(``KindSpec.table``: the department's 项目支出绩效目标表). Preview, download, freezing and the ZIP all
go through a document, so a preview always shows the file its download button gives.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core.exports.pdfcache import render_pdf_stored
from core.exports.xlsx import read_xlsx, render_xlsx
from core.kinds import KindSpec, Loaded, get_kind, spec_for
from core.models import Department, FormBase
from core.records import removals


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
    # A PDF is rendered once per print document and stored (core/exports/pdfcache.py).
    "pdf": Exporter("pdf", "pdf", "application/pdf", render_pdf_stored),
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
        drawn = self.spec.table.layout(record) if self.is_table else self.spec.draw(record)
        # The version of each form goes into the file (XLSX cell A2): an import of an older version
        # than the stored one is refused (``import_form``).
        versions = dict(self.forms().values_list(self.spec.name_field or "pk", "version"))
        if self.is_table:
            drawn.meta = {
                **drawn.meta,
                "versions": {str(name): version for name, version in versions.items()},
            }
        elif len(versions) == 1:
            drawn.meta = {**drawn.meta, "version": next(iter(versions.values()))}
        return drawn

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


# --- import ------------------------------------------------------------------------------------------

IMPORT_WARNINGS_SHOWN = 12


class ImportNeedsConfirmation(Exception):
    """The import would delete content, create a form or overwrite a form without knowing its version.

    Nothing was saved. ``warnings`` say what would happen, in Chinese; ``versions`` are the versions of
    the forms as they stood (``{pk: version}``), which a confirmation must find unchanged.
    """

    def __init__(self, spec: KindSpec, warnings: list[str], versions: dict[str, int]):
        super().__init__("；".join(warnings))
        self.spec, self.warnings, self.versions = spec, warnings, versions


@dataclass(frozen=True)
class _Stored:
    """A form as it stood before the import: what the import may not lose or overwrite unseen."""

    version: int
    saved_by: str
    saved_at: str
    record: dict
    name: str


def _sheet_error(sheet, coordinate: str, message: str) -> ValidationError:
    return ValidationError(f"工作表“{sheet.title}”单元格{coordinate}：{message}")


def _file_identity(sheet, department, year) -> tuple[KindSpec, Department, int]:
    """The kind, department and year an import writes, from the file's A1/A2 and the caller's."""
    try:
        spec = get_kind(sheet.kind)
    except LookupError as error:
        raise _sheet_error(sheet, "A1", f"{error}；请从本系统重新导出后再编辑。") from None
    meta = sheet.meta
    if not isinstance(meta, dict):
        raise _sheet_error(sheet, "A2", "表格标识已损坏（应为本系统写入的部门和年度）。")
    named = meta.get("department")
    if named is not None and not isinstance(named, str):
        raise _sheet_error(sheet, "A2", "表格标识中的部门已损坏。")
    if department is None:
        department = Department.objects.filter(name=named).first() if named else None
        if department is None:
            raise _sheet_error(sheet, "A2", f"部门“{named or ''}”不存在。")
    elif named and named != department.name:
        raise _sheet_error(sheet, "A2", f"此文件是{named}的表格，不能导入{department.name}。")
    if year is None:
        written = meta.get("year")
        if isinstance(written, str) and written.strip().isdigit():
            written = int(written)
        if not isinstance(written, int) or isinstance(written, bool) or not 2000 <= written <= 2100:
            raise _sheet_error(sheet, "A2", f"表格标识中的年度“{written}”无效（应为 2000～2100 的年份）。")
        year = written
    return spec, department, year


def _file_version(sheet, spec: KindSpec, name: str) -> int | None:
    """The version of the form ``name`` the file was exported at (None: not written, an older export)."""
    meta = sheet.meta
    if isinstance(meta.get("versions"), dict):
        value = meta["versions"].get(name)
    else:
        value = meta.get("version")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _sheet_error(sheet, "A2", f"表格标识中的版本号“{value}”无效；请从本系统重新导出后再编辑。")
    return value


def _stored_forms(spec: KindSpec, department: Department, year: int) -> dict[int, _Stored]:
    stored = {}
    for form in spec.forms_of(department, year).select_related("department__district", "updated_by"):
        when = timezone.localtime(form.updated_at).strftime("%Y-%m-%d %H:%M") if form.updated_at else ""
        who = form.updated_by.display_name if form.updated_by else "其他用户"
        stored[form.pk] = _Stored(form.version, who, when, spec.record(form), spec.name_of(form))
    return stored


def _what(spec: KindSpec, name: str) -> str:
    return spec.describe(name) if name else spec.label


def _import_review(sheet, spec, stored, loaded, year) -> tuple[list[str], list[str]]:
    """``(refusals, warnings)`` of an import written (not yet committed): stale versions are refused;
    content removed, forms created and forms overwritten without a version in the file need a yes."""
    refusals, warnings = [], []
    labels = {
        field.name: str(field.verbose_name)
        for field in spec.model._meta.get_fields()
        if hasattr(field, "verbose_name")
    }
    for item in loaded:
        form = item.form
        name = spec.name_of(form)
        what = _what(spec, name)
        before = stored.get(form.pk)
        if before is None:
            warnings.append(f"将新建{year}年的{what}（系统中还没有这张表）。")
            continue
        version = _file_version(sheet, spec, name)
        if isinstance(sheet.meta.get("versions"), dict) and name not in sheet.meta["versions"]:
            refusals.append(
                f"：导出此文件时还没有{what}，之后{before.saved_by}于{before.saved_at}保存了第{before.version}版；"
                "导入会覆盖它，未导入。请重新导出后再修改。"
            )
            continue
        if version is None:
            warnings.append(
                f"文件中没有{what}的版本号（旧版本导出的文件），无法确认它包含系统中第{before.version}版"
                f"（{before.saved_by}于{before.saved_at}保存）的全部内容；导入将以文件内容覆盖第{before.version}版。"
            )
        elif version < before.version:
            refusals.append(
                f"单元格A2：此文件是{what}的第{version}版，之后{before.saved_by}于{before.saved_at}"
                f"保存了第{before.version}版；导入会覆盖这些修改，未导入。请导出第{before.version}版，在其上修改后再导入。"
            )
            continue
        elif version > before.version:
            refusals.append(
                f"单元格A2：此文件标注为{what}的第{version}版，但系统中只有第{before.version}版"
                f"（{before.saved_by}于{before.saved_at}保存），文件不是从当前表格导出的，未导入。"
            )
            continue
        lost = removals(before.record, spec.record(form), skip=set(spec.identity_keys), labels=labels)
        # Whole rows first: they are what a careless import loses.
        lost.sort(key=lambda text: "将只剩" not in text)
        if lost:
            shown = lost[:IMPORT_WARNINGS_SHOWN]
            more = f"等{len(lost)}处" if len(lost) > len(shown) else ""
            warnings.append(f"导入将删除{what}中的内容：{'；'.join(shown)}{more}。")
    return [f"工作表“{sheet.title}”{message}" for message in refusals], warnings


def import_form(
    content: bytes,
    *,
    department: Department | None = None,
    year: int | None = None,
    user=None,
    confirmed: dict[str, int] | None = None,
) -> tuple[KindSpec, list[Loaded]]:
    """Read our XLSX back into drafts of the same kind (one, or a table's rows); all or nothing.

    The department and year default to those written in the file; a preparer's upload passes their
    own so that a file from another department cannot be written into it. A file exported at an older
    version of a form than the stored one is refused naming who saved since. An import that would
    delete content, create a form or overwrite a form of unknown version raises
    ImportNeedsConfirmation, nothing saved, unless ``confirmed`` holds the versions that the user
    confirmed (``ImportNeedsConfirmation.versions``) and they still stand.
    """
    sheet = read_xlsx(content)
    spec, department, year = _file_identity(sheet, department, year)
    known = set(spec.all_sheet_markers()) | {"preamble"}
    unknown = [row for row in sheet.rows if row.kind not in known]
    if unknown:
        rows = "、".join(f"第{row.number}行（“{row.kind[:30]}”）" for row in unknown[:10])
        raise ValidationError(
            f"工作表“{sheet.title}”A列的行标识无法识别：{rows}{'等' if len(unknown) > 10 else ''}；"
            f"这些行不会被导入，未导入。请不要修改隐藏的A列，新增一行请复制同类的行。"
        )
    if sheet.unmarked:
        rows = "、".join(f"第{number}行（“{text[:30]}”）" for number, text in sheet.unmarked[:10])
        raise ValidationError(
            f"工作表“{sheet.title}”{rows}{'等' if len(sheet.unmarked) > 10 else ''}填有内容，但隐藏的A列没有行标识，"
            "系统无法判断这些内容属于哪张表的哪一行，未导入（其他内容也未导入）。"
            "新增一行请整行复制同类的行（含隐藏的A列）后再修改；不需要的内容请删除后再导入。"
        )
    records = spec.read(sheet)
    if not records:
        raise ValidationError(f"工作表“{sheet.title}”中没有可导入的{spec.label}内容，未导入。")
    stored = _stored_forms(spec, department, year)
    versions = {str(pk): before.version for pk, before in stored.items()}
    if confirmed is not None and confirmed != versions:
        changed = [
            f"{_what(spec, before.name)}（{before.saved_by}于{before.saved_at}保存为第{before.version}版）"
            for pk, before in stored.items()
            if confirmed.get(str(pk)) != before.version
        ]
        raise ValidationError(
            f"在您确认之前，{'、'.join(changed) or '表格'}又有变动，未导入；请重新上传文件并核对。"
        )
    with transaction.atomic():
        loaded = [
            spec.load(department=department, year=year, data=record, user=user, message="导入 XLSX")
            for record in records
        ]
        refusals, warnings = _import_review(sheet, spec, stored, loaded, year)
        if refusals:
            raise ValidationError(refusals)
        if warnings and confirmed is None:
            # Raising inside the transaction undoes the writes: nothing is saved until confirmed.
            raise ImportNeedsConfirmation(spec, warnings, versions)
    return spec, loaded
