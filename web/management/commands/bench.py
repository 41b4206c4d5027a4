"""Server time and SQL queries of every page at district and province scale, and export times.

Runs in-process through Django's test client against the configured database (set DATABASE_URL for
PostgreSQL), so it measures the server's own work (middleware, views, queries, templates) without the
network. Data comes from ``generate_demo``; run it on a scratch database, not on production data.
"""

import cProfile
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exports.bundle import department_year_documents, departments_year_zip
from core.exports.frozen import document_freeze
from core.exports.pdf import render_pdf
from core.exports.registry import document, export_form, exporter
from core.exports.worker import peak_rss_mib
from core.models import Department, District, FormStatus, RenderedPdf, User
from declarations.models import Declaration, Project
from evaluations.models import DepartmentEvaluation, ProjectEvaluation
from monitoring.models import MonitoringForm, MonitoringRound
from web.demo import generate_demo

PAGE_TARGET_MS = 150
PDF_TARGET_S = 0.15
ZIP_TARGET_S = 60


class Command(BaseCommand):
    help = "性能基准：在 N 个部门的演示数据上测各页面服务器耗时与 SQL 次数、各类表格导出和全区打包耗时。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--departments", default="60,1000", help="逗号分隔的部门数，依次生成并测量（默认 60,1000）"
        )
        parser.add_argument("--repeat", type=int, default=7, help="每个页面的测量次数（取中位数）")
        parser.add_argument("--skip-exports", action="store_true", help="只测页面")
        parser.add_argument("--skip-pages", action="store_true", help="不测页面")
        parser.add_argument(
            "--zip",
            action="store_true",
            help="全区打包：60 个部门的演示区01，未冻结、冻结已审核表格后，按工作进程数各测一次",
        )
        parser.add_argument(
            "--zip-split", action="store_true", help="全部演示部门按区分任务打包（每区一个任务，依次运行）"
        )
        parser.add_argument(
            "--zip-workers",
            default=f"1,{os.cpu_count() or 1}",
            help="打包的工作进程数，逗号分隔（默认 1,核数）",
        )
        parser.add_argument(
            "--zip-districts", type=int, default=0, help="分任务打包时最多打包几个区（0：全部）"
        )
        parser.add_argument(
            "--libreoffice", action="store_true", help="样表 000 的 PDF 与 LibreOffice 转换同一 XLSX 对比"
        )

    def handle(
        self,
        *args,
        departments: str,
        repeat: int,
        skip_exports: bool,
        skip_pages: bool,
        zip: bool,
        zip_split: bool,
        zip_workers: str,
        zip_districts: int,
        libreoffice: bool,
        **options,
    ):
        try:
            sizes = sorted({int(n) for n in departments.split(",")})
        except ValueError:
            raise CommandError("--departments 应为逗号分隔的整数，如 60,1000") from None
        self.repeat = repeat
        self.stdout.write(
            f"数据库：{connection.vendor}；每项测 {repeat} 次取中位数；目标：页面 < {PAGE_TARGET_MS} ms。"
        )
        try:
            workers = sorted({int(n) for n in zip_workers.split(",")})
        except ValueError:
            raise CommandError("--zip-workers 应为逗号分隔的整数，如 1,2") from None
        self.stdout.write(f"机器：{os.cpu_count()} 核；开始时负载 {self.load()}")
        if libreoffice:
            self.pdf_against_libreoffice()
        for size in sizes:
            started = time.perf_counter()
            generate_demo(size)
            self.stdout.write(f"\n== N = {size} 个部门（生成用时 {time.perf_counter() - started:.1f} s）")
            if not skip_pages:
                self.pages(size)
        if not skip_exports:
            self.exports()
        if zip:
            self.district_zip(workers)
        if zip_split:
            self.split_jobs(workers, zip_districts)
        self.stdout.write(f"\n结束时负载 {self.load()}；本进程内存峰值 {self.peak_mib():.0f} MiB")

    @staticmethod
    def load() -> str:
        one, five, fifteen = os.getloadavg()
        return f"{one:.2f} / {five:.2f} / {fifteen:.2f}（1/5/15 分钟）"

    @staticmethod
    def cpu() -> tuple[float, float]:
        """CPU seconds used so far by this process and by its finished children (the workers)."""
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime

    @staticmethod
    def peak_mib() -> float:
        return peak_rss_mib()

    # --- pages ------------------------------------------------------------------------------------

    def personas(self):
        preparer = User.objects.get(username="demo0001")
        district = preparer.department.district
        reviewer, _ = User.objects.get_or_create(
            username="bench-reviewer", defaults={"role": User.Role.REVIEWER}
        )
        reviewer.reviewed_departments.set(Department.objects.filter(district=district))
        finance, _ = User.objects.get_or_create(
            username="bench-finance", defaults={"role": User.Role.FINANCE}
        )
        finance.districts.add(district)
        return preparer, reviewer, finance

    def pages(self, size: int):
        preparer, reviewer, finance = self.personas()
        department = preparer.department
        declaration = Declaration.objects.get(department=department, year=2025)
        project = Project.objects.filter(department=department, year=2025).first()
        evaluation = DepartmentEvaluation.objects.get(department=department, year=2024)
        project_evaluation = ProjectEvaluation.objects.filter(department=department, year=2024).first()
        open_round = MonitoringRound.objects.filter(
            district=department.district, closed_at__isnull=True
        ).first()
        closed_round = MonitoringRound.objects.filter(
            district=department.district, closed_at__isnull=False
        ).first()
        # A department with a monitoring form in the open round (one whose 2025 targets were approved).
        monitoring = MonitoringForm.objects.filter(round=open_round).order_by("department__name").first()
        unit = User.objects.filter(role=User.Role.PREPARER, department=monitoring.department).first()
        # The entry pages are measured on drafts (a submitted form redirects to its preview).
        for form in (declaration, project, evaluation, project_evaluation, monitoring):
            type(form).objects.filter(pk=form.pk).update(status=FormStatus.DRAFT)
        submitted = Declaration.objects.filter(department__district=department.district, year=2024)
        submitted.update(status=FormStatus.SUBMITTED, review_tier=1)
        review = submitted.first()
        pages = [
            ("工作台（填报人）", preparer, reverse("workspace") + "?year=2025"),
            ("申报表填报页", preparer, reverse("form-edit", args=["declaration", declaration.pk])),
            ("项目目标填报页", preparer, reverse("form-edit", args=["projects", project.pk])),
            ("部门自评填报页", preparer, reverse("form-edit", args=["self-evaluation", evaluation.pk])),
            (
                "项目自评填报页",
                preparer,
                reverse("form-edit", args=["project-self-evaluation", project_evaluation.pk]),
            ),
            ("申报表预览", preparer, reverse("form-preview", args=["declaration", declaration.pk])),
            ("审核人待审核（工作台）", reviewer, reverse("workspace")),
            ("审核页", reviewer, reverse("form-review", args=["declaration", review.pk])),
            (
                "财政局汇总（本区）",
                finance,
                reverse("overview") + f"?year=2025&district={department.district_id}",
            ),
            ("财政局汇总（全部）", finance, reverse("overview") + "?year=2025"),
            (
                "自评结果（本区）",
                finance,
                reverse("results") + f"?year=2024&district={department.district_id}",
            ),
            ("监控表填报页", unit, reverse("form-edit", args=["monitoring", monitoring.pk])),
            ("监控表预览", unit, reverse("form-preview", args=["monitoring", monitoring.pk])),
            ("工作台（监控表填报人）", unit, reverse("workspace") + "?year=2025"),
            ("监控任务列表（财政局）", finance, reverse("monitoring-rounds")),
            ("监控任务（进行中，本区）", finance, reverse("monitoring-round", args=[open_round.pk])),
            ("监控任务（已结束，本区）", finance, reverse("monitoring-round", args=[closed_round.pk])),
            (
                "监控任务筛选（红灯）",
                finance,
                reverse("monitoring-round", args=[closed_round.pk]) + "?target=red",
            ),
        ]
        self.stdout.write(f"{'页面':<22}{'中位 ms':>10}{'最大 ms':>10}{'SQL':>6}   目标")
        for label, user, url in pages:
            client = Client()
            client.force_login(user)
            client.get(url)  # warm
            times = []
            for _ in range(self.repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{label} {url} 返回 {response.status_code}")
            median = statistics.median(times)
            verdict = "达标" if median < PAGE_TARGET_MS else "未达标"
            self.stdout.write(
                f"{label:<22}{median:>10.1f}{max(times):>10.1f}{len(queries):>6}   < {PAGE_TARGET_MS} ms {verdict}"
            )

    # --- exports ----------------------------------------------------------------------------------

    def exports(self):
        department = User.objects.get(username="demo0001").department
        project_evaluation = ProjectEvaluation.objects.filter(department=department, year=2024).first()
        monitoring = MonitoringForm.objects.filter(year=2025).order_by("department__name").first()
        forms = [
            ("declaration", 2025, None, department),
            ("projects", 2025, None, department),
            ("self-evaluation", 2024, None, department),
            ("project-self-evaluation", 2024, project_evaluation.project_name, department),
            ("monitoring", 2025, monitoring.name, monitoring.department),
        ]
        assert Project.objects.filter(department=department, year=2025).exists()
        self.stdout.write(f"\n{'导出':<28}{'中位 s':>9}{'字节':>12}")
        for kind, year, project, owner in forms:
            for fmt in ("pdf", "xlsx"):
                export_form(kind, fmt, owner, year, project)  # warm
                times = []
                for _ in range(3):
                    started = time.perf_counter()
                    _name, _type, content = export_form(kind, fmt, owner, year, project)
                    times.append(time.perf_counter() - started)
                target = f"   目标 < {PDF_TARGET_S} s" if (kind, fmt) == ("declaration", "pdf") else ""
                self.stdout.write(
                    f"{kind + ' ' + fmt:<28}{statistics.median(times):>9.3f}{len(content):>12,}{target}"
                )
        district = District.objects.get(pk=department.district_id)
        members = list(Department.objects.filter(district=district))
        for formats in (("xlsx",), ("pdf", "xlsx")):
            tracemalloc.start()
            started = time.perf_counter()
            _name, content = departments_year_zip(members, 2024, formats)
            elapsed = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            self.stdout.write(
                f"全区打包 {district.name} 2024（{len(members)} 个部门，{'+'.join(formats)}）："
                f"{elapsed:.1f} s，{len(content) / 1e6:.1f} MB，Python 内存峰值 {peak / 1e6:.0f} MB"
            )

    # --- a district's ZIP -------------------------------------------------------------------------

    def zip_once(self, members, workers: int, label: str) -> float:
        stats, calls = {}, []
        own, children = self.cpu()
        started = time.perf_counter()
        _name, content = departments_year_zip(
            members, 2024, ("pdf", "xlsx"), progress=lambda *c: calls.append(c), workers=workers, stats=stats
        )
        elapsed = time.perf_counter() - started
        own_after, children_after = self.cpu()
        peaks = "、".join(f"{peak:.0f}" for peak in sorted(stats["worker_peak_mib"].values())) or "—"
        verdict = "达标" if elapsed <= ZIP_TARGET_S else "未达标"
        self.stdout.write(
            f"{label}：{workers} 个工作进程 {elapsed:.1f} s（目标 ≤ {ZIP_TARGET_S} s {verdict}），"
            f"{stats['files']} 个文件（渲染 {stats['rendered']}，复用已存 PDF {stats['stored']}，复用冻结 {stats['frozen']}），"
            f"{len(content) / 1e6:.1f} MB；CPU：本进程 {own_after - own:.1f} s，工作进程 "
            f"{children_after - children:.1f} s；工作进程内存峰值 {peaks} MiB；进度 {calls[-1]}；负载 {self.load()}"
        )
        return elapsed

    def district_zip(self, workers: list[int]):
        """The demo district's 2024 ZIP (every kind, PDF + XLSX): cold, then with approved forms frozen."""
        district = District.objects.get(name="演示区01")
        members = list(Department.objects.filter(district=district).select_related("district"))
        self.stdout.write(f"\n全区打包 {district.name} 2024（{len(members)} 个部门，pdf+xlsx）")
        # Each cold run starts without stored PDFs (core/exports/pdfcache.py), or the second would
        # serve the first one's renders.
        for count in workers:
            RenderedPdf.objects.all().delete()
            self.zip_once(members, count, "未冻结，无已存 PDF（全部渲染）")
        # What approvals would have left: every approved document's files frozen (rendered here, untimed
        # in the ZIP). A table needs every one of its projects approved.
        started, frozen = time.perf_counter(), 0
        for department in members:
            for doc in department_year_documents(department, 2024):
                if doc.forms().exists() and not doc.forms().exclude(status=FormStatus.APPROVED).exists():
                    frozen += len(document_freeze(doc))
        self.stdout.write(
            f"冻结已审核表格：{frozen} 个文件，用时 {time.perf_counter() - started:.1f} s（不计入打包）"
        )
        for count in workers:
            RenderedPdf.objects.all().delete()
            self.zip_once(members, count, "已审核表格复用冻结文件，无已存 PDF")
        # As the system runs a second ZIP of unchanged forms: the PDFs the previous ZIP stored are served.
        self.zip_once(members, max(workers), "再打包一次（未改动的表格复用已存 PDF）")

    def split_jobs(self, workers: list[int], limit: int):
        """Every demo department, one ZIP job per district, run one after another (one job queue),
        once for each worker count, each pass without stored PDFs (or it would serve the last one's)."""
        districts = list(District.objects.filter(name__startswith="演示区").order_by("name"))
        if limit:
            districts = districts[:limit]
        members = {
            d.pk: list(Department.objects.filter(district=d).select_related("district")) for d in districts
        }
        for count in workers:
            RenderedPdf.objects.all().delete()
            self.stdout.write(
                f"\n分任务打包：{sum(len(m) for m in members.values())} 个部门，{len(districts)} 个任务"
                f"（每区一个），每个任务 {count} 个工作进程"
            )
            own, children = self.cpu()
            started = time.perf_counter()
            for district in districts:
                self.zip_once(
                    members[district.pk], count, f"任务 {district.name}（{len(members[district.pk])} 个部门）"
                )
            own_after, children_after = self.cpu()
            self.stdout.write(
                f"合计 {time.perf_counter() - started:.1f} s，{count} 个工作进程；CPU：本进程 "
                f"{own_after - own:.1f} s，工作进程 {children_after - children:.1f} s；负载 {self.load()}"
            )

    # --- one PDF against LibreOffice ----------------------------------------------------------------

    def pdf_against_libreoffice(self, repeat: int = 7):
        """Seed 000 to PDF (warm, this process) beside LibreOffice converting its XLSX, in one run."""
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        department = Department.objects.filter(name="广州市天河区司法局").first()
        if department is None or soffice is None:
            raise CommandError(
                "需要先 loadseeds，并安装 LibreOffice（apt-get install libreoffice-calc-nogui）。"
            )
        doc = document("declaration", department, 2025)
        layout = doc.layout()
        # The plain renderer, not exporter("pdf"): that one serves the stored PDF of an unchanged
        # document (core/exports/pdfcache.py), which would time a database read, not a render.
        render_pdf(layout)  # warm: fonts, stylesheet, templates
        ours, ours_cpu = [], []
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            content = render_pdf(layout)
            ours.append(time.perf_counter() - started)
            ours_cpu.append(time.process_time() - cpu)
        whole = []  # the same, with the data read and the layout drawn: what a download computes
        for _ in range(repeat):
            started = time.perf_counter()
            render_pdf(document("declaration", department, 2025).layout())
            whole.append(time.perf_counter() - started)
        self.profile_phases(layout, repeat)
        theirs, theirs_cpu = [], []
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "000.xlsx"
            source.write_bytes(exporter("xlsx").render(layout))
            profile = Path(folder) / "profile"
            command = [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ]
            subprocess.run(command, capture_output=True, check=True, timeout=300)  # first start: the profile
            for _ in range(3):
                _own, children = self.cpu()
                started = time.perf_counter()
                subprocess.run(command, capture_output=True, check=True, timeout=300)
                theirs.append(time.perf_counter() - started)
                theirs_cpu.append(self.cpu()[1] - children)
            converted = (Path(folder) / "000.pdf").stat().st_size
        median, other = statistics.median(ours), statistics.median(theirs)
        verdict = "达标" if median <= PDF_TARGET_S else "未达标"
        self.stdout.write(
            f"样表 000 PDF（本系统，热进程，{repeat} 次）：中位 {median:.3f} s，最快 {min(ours):.3f} s，"
            f"CPU 中位 {statistics.median(ours_cpu):.3f} s，{len(content):,} 字节（目标 ≤ {PDF_TARGET_S} s {verdict}）；"
            f"连同读数据、画版式：中位 {statistics.median(whole):.3f} s\n"
            f"LibreOffice 转换同一 XLSX（soffice --convert-to pdf，3 次）：中位 {other:.2f} s，"
            f"最快 {min(theirs):.2f} s，CPU 中位 {statistics.median(theirs_cpu):.2f} s，{converted:,} 字节\n"
            f"倍数：LibreOffice / 本系统 = {other / median:.1f}×（耗时），"
            f"{statistics.median(theirs_cpu) / statistics.median(ours_cpu):.1f}×（CPU）；负载 {self.load()}"
        )

    # Where a render's time goes: the typesetter's phases, by function (core/exports/pdf.py).
    PHASES = (
        ("分页排版", "pdf.py", "paginate"),
        ("绘制页面", "pdf.py", "page"),
        ("字体子集", "pdf.py", "_font"),
        ("写出与压缩", "pydyf", "write"),
    )

    def profile_phases(self, layout, repeat: int) -> None:
        """One line: the share of each phase of seed 000's render, from cProfile over ``repeat`` renders."""
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(repeat):
            render_pdf(layout)
        profile.disable()
        stats = pstats.Stats(profile).stats
        total = sum(timing[3] for (_file, _line, name), timing in stats.items() if name == "render_pdf")
        shares = []
        for label, file, function in self.PHASES:
            spent = sum(
                timing[3]  # cumulative time of the function, calls inside it included
                for (path, _line, name), timing in stats.items()
                if name == function and file in path
            )
            shares.append(f"{label} {spent / total:.0%}")
        self.stdout.write(
            f"剖析（cProfile，{repeat} 次，含剖析开销 {total / repeat:.3f} s/次）：" + "，".join(shares)
        )
