"""Time PDF and XLSX rendering of every seed form in a warm process: medians and peak memory.

Then time serving the frozen PDF of seed 000 (fetch from the database and check its SHA-256), as a
download of an approved form does. Seed 000 is approved and frozen inside a transaction that is rolled
back, so the database is left as it was.

With ``--rows 100,300,1500`` it times instead the PDF of seed forms grown to that many indicator
rows (a project whose indicators are one cell of the 项目支出绩效目标表; a declaration whose indicators
are table rows under their 一级/二级): the layout is drawn from the grown record, nothing is stored,
so sizes beyond the rows a form may hold (``core.services.MAX_TABLE_ROWS``) measure the renderer.

Run after ``loadseeds``: ``python manage.py bench_exports --repeat 7``. Timings are for reading, not
for asserting: the machines here are shared and noisy.
"""

import copy
import re
import resource
import statistics
import subprocess
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from core.exports.frozen import export_for_download
from core.exports.pdf import render_pdf
from core.exports.registry import EXPORTERS, export_form
from core.kinds import get_kind
from core.models import Department, RenderedPdf, User
from core.workflow import form_approve_and_freeze
from declarations.models import Declaration

FROZEN_TARGET_SECONDS = 0.020

SEED_FORMS = [
    ("000", "declaration", "广州市天河区司法局", 2025),
    ("001", "declaration", "广州市越秀区司法局", 2025),
    ("002", "target-table", "广州市天河区司法局", 2019),
    ("003", "projects", "广州市天河区司法局", 2024),
    ("004", "self-evaluation", "广州市天河区司法局", 2022),
]


class Command(BaseCommand):
    help = "导出性能基准：各样表 PDF/XLSX 渲染时间中位数、冻结文件下载时间与内存峰值。"

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--frozen-repeat", type=int, default=50, help="冻结文件下载的重复次数")
        parser.add_argument("--frozen-only", action="store_true", help="只测冻结文件下载，不测渲染")
        parser.add_argument(
            "--stored", action="store_true", help="只测未变化表格的 PDF：首次渲染与之后从数据库读取已生成文件"
        )
        parser.add_argument(
            "--rows", default="", help="逗号分隔的指标行数：只测把样表扩充到这些行数后的 PDF 渲染时间"
        )

    def handle(
        self,
        *args,
        repeat: int,
        frozen_repeat: int,
        frozen_only: bool,
        rows: str = "",
        stored=False,
        **options,
    ):
        if stored:
            self.bench_stored(frozen_repeat)
            return
        if rows:
            self.bench_rows(sorted({int(n) for n in rows.split(",")}), repeat)
            return
        if not frozen_only:
            self.bench_rendering(repeat)
        self.bench_frozen(frozen_repeat)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"peak RSS: {peak:.0f} MiB")

    def bench_rendering(self, repeat: int) -> None:
        self.stdout.write(f"{'seed':<5}{'form':<18}{'format':<7}{'median s':>10}{'min s':>9}{'bytes':>10}")
        for prefix, kind, name, year in SEED_FORMS:
            department = Department.objects.get(name=name)
            for format in EXPORTERS:
                export_form(kind, format, department, year)  # warm: fonts, templates, imports
                timings = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    _filename, _type, content = export_form(kind, format, department, year)
                    timings.append(time.perf_counter() - start)
                self.stdout.write(
                    f"{prefix:<5}{kind:<18}{format:<7}{statistics.median(timings):>10.3f}{min(timings):>9.3f}"
                    f"{len(content):>10,}"
                )

    def bench_frozen(self, repeat: int) -> None:
        _prefix, kind, name, year = SEED_FORMS[0]
        department = Department.objects.get(name=name)
        with transaction.atomic():
            admin, _ = User.objects.get_or_create(
                username="bench-admin", defaults={"role": User.Role.ADMINISTRATOR, "is_superuser": True}
            )
            form_approve_and_freeze(Declaration.objects.get(department=department, year=year), user=admin)
            export_for_download(kind, "pdf", department, year)  # warm: the query's code paths
            timings = []
            for _ in range(repeat):
                start = time.perf_counter()
                _filename, _type, content = export_for_download(kind, "pdf", department, year)
                timings.append(time.perf_counter() - start)
            transaction.set_rollback(True)
        median = statistics.median(timings)
        verdict = "met" if median < FROZEN_TARGET_SECONDS else "MISSED"
        self.stdout.write(
            f"frozen 000 {kind} pdf (fetch + SHA-256 check, {repeat} runs): median {median * 1000:.2f} ms, "
            f"min {min(timings) * 1000:.2f} ms, {len(content):,} bytes; "
            f"target {FROZEN_TARGET_SECONDS * 1000:.0f} ms {verdict}"
        )

    def bench_rows(self, sizes: list[int], repeat: int) -> None:
        department = Department.objects.get(name=SEED_FORMS[0][2])
        cases = [("projects", 2024, ("projects", 0, "indicators")), ("declaration", 2025, ("indicators",))]
        self.stdout.write(
            f"{'form':<14}{'rows':>6}{'table rows':>12}{'pages':>7}{'median s':>10}{'min s':>9}"
        )
        for kind, year, path in cases:
            spec = get_kind(kind)
            record = spec.record(spec.forms_of(department, year).order_by("pk").first())
            render_pdf(spec.draw(record))  # warm: fonts, templates
            for size in sizes:
                grown = copy.deepcopy(record)
                holder = grown
                for key in path[:-1]:
                    holder = holder[key]
                seed_rows = holder[path[-1]]
                holder[path[-1]] = [
                    {**seed_rows[n % len(seed_rows)], "name": f"{seed_rows[n % len(seed_rows)]['name']}{n}"}
                    for n in range(size)
                ]
                layout = spec.draw(grown)
                timings = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    content = render_pdf(layout)
                    timings.append(time.perf_counter() - start)
                pages = _pages(content)
                self.stdout.write(
                    f"{kind:<14}{size:>6}{sum(len(t.rows) for t in layout.tables):>12}{pages:>7}"
                    f"{statistics.median(timings):>10.2f}{min(timings):>9.2f}"
                )

    def bench_stored(self, repeat: int) -> None:
        """A draft's PDF download: the first renders and stores it, the later ones read it back
        (``core/exports/pdfcache.py``); inside a transaction rolled back."""
        self.stdout.write(f"{'seed':<5}{'form':<18}{'first s':>9}{'stored median ms':>18}{'bytes':>10}")
        for prefix, kind, name, year in SEED_FORMS:
            department = Department.objects.get(name=name)
            with transaction.atomic():
                RenderedPdf.objects.all().delete()
                start = time.perf_counter()
                export_form(kind, "pdf", department, year)
                first = time.perf_counter() - start
                timings = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    _filename, _type, content = export_form(kind, "pdf", department, year)
                    timings.append(time.perf_counter() - start)
                transaction.set_rollback(True)
            self.stdout.write(
                f"{prefix:<5}{kind:<18}{first:>9.2f}{statistics.median(timings) * 1000:>18.1f}{len(content):>10,}"
            )


def _pages(content: bytes) -> int:
    """The PDF's page count as ``pdfinfo`` (poppler-utils) reads it; 0 when it is not installed."""
    try:
        info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, text=False, check=True)
    except (OSError, subprocess.CalledProcessError):
        return 0
    match = re.search(rb"^Pages:\s+(\d+)", info.stdout, re.M)
    return int(match.group(1)) if match else 0
