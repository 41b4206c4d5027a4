"""One ZIP with every form of a department and year, for filing: approved forms as their frozen files."""

import hashlib
import io
import zipfile
from datetime import datetime

from django.utils import timezone

from core.exports.frozen import approval_summary, document_served
from core.exports.registry import Document
from core.kinds import kinds
from core.models import Department, FrozenExport

MANIFEST_NAME = "清单.txt"
# Characters that a ZIP reader or a file system would take for a path or refuse.
UNSAFE = str.maketrans({char: "_" for char in '/\\:*?"<>|'})


def department_year_documents(department: Department, year: int) -> list[Document]:
    """Every document of the department and year, in the order of domain.md §2; missing ones left out.

    A kind with one form a year gives that form; a kind with a table (the 项目支出绩效目标表) gives the
    table, the document a department files; any other kind with several forms a year (the 项目支出绩效
    自评表) gives one file per form, ordered by name. A document with frozen files counts even if its
    rows are gone, so that the approved record is never silently dropped.
    """
    frozen = set(
        FrozenExport.objects.current().filter(department=department, year=year).values_list("kind", "project")
    )
    documents = []
    for spec in kinds():
        has_frozen = {name for kind, name in frozen if kind == spec.slug}
        if spec.named and spec.table is None:
            names = set(spec.forms_of(department, year).values_list(spec.name_field, flat=True))
            documents += [Document(spec, department, year, name) for name in sorted(names | has_frozen)]
        elif "" in has_frozen or spec.forms_of(department, year).exists():
            documents.append(Document(spec, department, year))
    return documents


def _entry(name: str, content: bytes, when: datetime) -> tuple[zipfile.ZipInfo, bytes]:
    # ``name`` is already safe: each path part was translated by the caller ("部门/文件名").
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, content


def _department_entries(documents, formats, now, folder: str = ""):
    """The files of one department's documents and their manifest lines."""
    entries, lines = [], []
    for doc in documents:
        status = approval_summary(doc)
        for format in formats:
            served = document_served(doc, format)
            entries.append(_entry(folder + served.filename.translate(UNSAFE), served.content, now))
            if served.frozen is not None:
                origin = (
                    f"审核通过时冻结的原件（{timezone.localtime(served.frozen.created_at):%Y-%m-%d %H:%M}）"
                )
                digest = served.frozen.sha256
            else:
                origin = "按当前数据生成"
                digest = hashlib.sha256(served.content).hexdigest()
            lines.append(
                f"{folder}{served.filename.translate(UNSAFE)}\t{status}\t{origin}\t"
                f"SHA-256 {digest}\t{len(served.content):,}字节"
            )
    return entries, lines


def department_year_zip(
    department: Department, year: int, formats: tuple[str, ...] = ("pdf", "xlsx")
) -> tuple[str, bytes]:
    """``(filename, bytes)`` of a ZIP holding every form of the department and year in ``formats``.

    Each file is what a download gets (``served_export``): the frozen bytes of an approved form, else a
    rendering of the current data. ``清单.txt`` lists each file with its status and SHA-256. Raises
    LookupError (message in Chinese) when the department has no form that year.
    """
    documents = department_year_documents(department, year)
    if not documents:
        raise LookupError(f"{department.name}没有{year}年的任何表格。")
    now = timezone.localtime()
    entries, lines = _department_entries(documents, formats, now)

    manifest = [
        f"{department.name}{year}年预算绩效表格",
        f"打包时间：{now:%Y-%m-%d %H:%M}",
        f"文件数：{len(entries)}",
        "",
        "文件名\t审核状态\t来源\t校验值\t大小",
        *lines,
        "",
        "说明：已审核的表格提供审核通过时冻结的原件，其 SHA-256 与审核时的记录一致；",
        "其余表格按打包时的数据生成，仅供参考，不是审核通过的正式文本。",
        "",
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, content in entries:
            archive.writestr(info, content)
        archive.writestr(*_entry(MANIFEST_NAME, "\r\n".join(manifest).encode("utf-8-sig"), now))
    return f"{department.name}-{year}-预算绩效表格.zip".translate(UNSAFE), buffer.getvalue()


def departments_year_zip(
    departments: list[Department], year: int, formats: tuple[str, ...] = ("pdf", "xlsx"), progress=None
) -> tuple[str, bytes]:
    """Every form of ``departments`` (a district's) for ``year``, a folder per department.

    ``progress(done, total)`` is called after each department (the background job reports it).
    """
    departments = sorted(departments, key=lambda department: department.name)
    if not departments:
        raise LookupError("没有可打包的部门。")
    district = departments[0].district
    now = timezone.localtime()
    buffer = io.BytesIO()
    lines, count = [], 0
    with zipfile.ZipFile(buffer, "w") as archive:
        for done, department in enumerate(departments, start=1):
            documents = department_year_documents(department, year)
            if documents:
                folder = department.name.translate(UNSAFE) + "/"
                entries, department_lines = _department_entries(documents, formats, now, folder)
                for info, content in entries:
                    archive.writestr(info, content)
                lines += department_lines
                count += len(entries)
            if progress is not None:
                progress(done, len(departments))
        manifest = [
            f"{district.name}{year}年预算绩效表格",
            f"打包时间：{now:%Y-%m-%d %H:%M}",
            f"部门数：{len(departments)}，文件数：{count}",
            "",
            "文件名\t审核状态\t来源\t校验值\t大小",
            *lines,
            "",
        ]
        archive.writestr(*_entry(MANIFEST_NAME, "\r\n".join(manifest).encode("utf-8-sig"), now))
    return f"{district.name}-{year}-预算绩效表格.zip".translate(UNSAFE), buffer.getvalue()
