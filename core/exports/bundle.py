"""ZIPs for filing: every form of a department and year, or of a district's departments. Approved
documents are their frozen files; the others are rendered, for a district in worker processes (a PDF
of an unchanged form is its stored render)."""

import hashlib
import io
import zipfile
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from core.exports.frozen import approval_summary, frozen_content
from core.exports.parallel import RenderPool
from core.exports.registry import Document, exporter
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
    # A PDF's streams are already compressed: deflating it again saves 0.2 % of its size for a fifth
    # of the parent's CPU in a district's ZIP. XLSX (small, 7 % smaller) and the manifest are deflated.
    info.compress_type = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
    return info, content


@dataclass
class _File:
    """One file of a ZIP: a frozen original, or a rendering under way (a future of the pool)."""

    name: str
    status: str
    frozen: FrozenExport | None
    content: bytes | None = None
    rendering: Future | None = None

    @property
    def ready(self) -> bool:
        return self.rendering is None or self.rendering.done()

    def bytes(self) -> bytes:
        if self.content is None:
            self.content = self.rendering.result()[0]
            self.rendering = None
        return self.content

    def manifest_line(self) -> str:
        content = self.bytes()
        if self.frozen is not None:
            origin = f"审核通过时冻结的原件（{timezone.localtime(self.frozen.created_at):%Y-%m-%d %H:%M}）"
            digest = self.frozen.sha256
        else:
            origin = "按当前数据生成"
            digest = hashlib.sha256(content).hexdigest()
        return f"{self.name}\t{self.status}\t{origin}\tSHA-256 {digest}\t{len(content):,}字节"


def _department_files(documents, formats, pool: RenderPool, folder: str = "") -> list[_File]:
    """The files of one department's documents, each what a download gets (``document_served``):
    the frozen bytes of an approved document, else a rendering of the current data, sent to ``pool``.
    A document's data is read and its layout drawn once for all its formats."""
    files = []
    for doc in documents:
        status = approval_summary(doc)
        stored = {
            frozen.format: frozen
            for frozen in FrozenExport.objects.current()
            .for_form(kind=doc.kind, department=doc.department, year=doc.year, project=doc.name)
            .filter(format__in=formats)
        }
        layout = None
        for format in formats:
            frozen = stored.get(format)
            if frozen is not None:
                name = folder + frozen.filename.translate(UNSAFE)
                files.append(_File(name, status, frozen, content=frozen_content(frozen)))
                continue
            layout = layout or doc.layout()
            name = folder + f"{doc.filename_stem}.{exporter(format).extension}".translate(UNSAFE)
            files.append(_File(name, status, None, rendering=pool.submit(format, layout)))
    return files


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
    with RenderPool(workers=1) as pool:  # one department, within a request: rendered in this process
        files = _department_files(documents, formats, pool)
    manifest = [
        f"{department.name}{year}年预算绩效表格",
        f"打包时间：{now:%Y-%m-%d %H:%M}",
        f"文件数：{len(files)}",
        "",
        "文件名\t审核状态\t来源\t校验值\t大小",
        *[file.manifest_line() for file in files],
        "",
        "说明：已审核的表格提供审核通过时冻结的原件，其 SHA-256 与审核时的记录一致；",
        "其余表格按打包时的数据生成，仅供参考，不是审核通过的正式文本。",
        "",
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in files:
            archive.writestr(*_entry(file.name, file.bytes(), now))
        archive.writestr(*_entry(MANIFEST_NAME, "\r\n".join(manifest).encode("utf-8-sig"), now))
    return f"{department.name}-{year}-预算绩效表格.zip".translate(UNSAFE), buffer.getvalue()


def departments_year_zip(
    departments: list[Department],
    year: int,
    formats: tuple[str, ...] = ("pdf", "xlsx"),
    progress=None,
    workers: int | None = None,
    stats: dict | None = None,
) -> tuple[str, bytes]:
    """Every form of ``departments`` (a district's) for ``year``, a folder per department.

    Approved documents are their frozen files; the others are rendered in ``workers`` processes
    (default ``PERFBUDGET_EXPORT_WORKERS``: one per core) while the next departments are read.
    ``progress(done, total)`` counts the departments whose every file is ready (frozen or rendered),
    in order, so it never runs ahead of the work; it ends at ``(total, total)``. ``stats``, when
    given, is filled with the worker count, the files rendered, the PDFs served from the store
    (``core/exports/pdfcache.py``: looked up and filled by this process, never by a worker), the frozen
    files reused, and each worker's peak RSS.
    """
    departments = sorted(departments, key=lambda department: department.name)
    if not departments:
        raise LookupError("没有可打包的部门。")
    district = departments[0].district
    now = timezone.localtime()
    total = len(departments)
    planned: list[list[_File]] = []
    reported = 0

    def report() -> None:
        nonlocal reported
        done = reported  # the departments before it were ready already
        for files in planned[reported:]:
            if not all(file.ready for file in files):
                break
            done += 1
        if done > reported:
            reported = done
            if progress is not None:
                progress(done, total)

    buffer = io.BytesIO()
    lines: list[str] = []
    with RenderPool(workers) as pool:
        for department in departments:
            documents = department_year_documents(department, year)
            folder = department.name.translate(UNSAFE) + "/"
            planned.append(_department_files(documents, formats, pool, folder) if documents else [])
            report()
        with zipfile.ZipFile(buffer, "w") as archive:
            for files in planned:
                for file in files:
                    archive.writestr(*_entry(file.name, file.bytes(), now))
                    lines.append(file.manifest_line())
                report()
            count = sum(len(files) for files in planned)
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
    if progress is not None and reported < total:
        progress(total, total)
    if stats is not None:
        every = [file for files in planned for file in files]
        stats.update(
            workers=pool.workers,
            files=len(every),
            rendered=sum(file.frozen is None for file in every) - pool.stored,
            stored=pool.stored,
            frozen=sum(file.frozen is not None for file in every),
            worker_peak_mib=dict(pool.peaks),
        )
    return f"{district.name}-{year}-预算绩效表格.zip".translate(UNSAFE), buffer.getvalue()
