"""Server time and SQL queries of every page at district and province scale, and export times.

Runs in-process through Django's test client against the configured database (set DATABASE_URL for
PostgreSQL), so it measures the server's own work (middleware, views, queries, templates) without the
network. Data comes from ``generate_demo``; run it on a scratch database, not on production data.
"""

import statistics
import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exports.bundle import departments_year_zip
from core.exports.registry import export_form
from core.models import Department, District, FormStatus, User
from declarations.models import Declaration, Project
from evaluations.models import DepartmentEvaluation, ProjectEvaluation
from web.demo import generate_demo

PAGE_TARGET_MS = 150
PDF_TARGET_S = 0.6


class Command(BaseCommand):
    help = "性能基准：在 N 个部门的演示数据上测各页面服务器耗时与 SQL 次数、各类表格导出和全区打包耗时。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--departments", default="60,1000", help="逗号分隔的部门数，依次生成并测量（默认 60,1000）"
        )
        parser.add_argument("--repeat", type=int, default=7, help="每个页面的测量次数（取中位数）")
        parser.add_argument("--skip-exports", action="store_true", help="只测页面")

    def handle(self, *args, departments: str, repeat: int, skip_exports: bool, **options):
        try:
            sizes = sorted({int(n) for n in departments.split(",")})
        except ValueError:
            raise CommandError("--departments 应为逗号分隔的整数，如 60,1000") from None
        self.repeat = repeat
        self.stdout.write(
            f"数据库：{connection.vendor}；每项测 {repeat} 次取中位数；目标：页面 < {PAGE_TARGET_MS} ms。"
        )
        for size in sizes:
            started = time.perf_counter()
            generate_demo(size)
            self.stdout.write(f"\n== N = {size} 个部门（生成用时 {time.perf_counter() - started:.1f} s）")
            self.pages(size)
        if not skip_exports:
            self.exports()

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
        # The entry pages are measured on drafts (a submitted form redirects to its preview).
        for form in (declaration, project, evaluation, project_evaluation):
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
        forms = [
            ("declaration", 2025, None),
            ("projects", 2025, None),
            ("self-evaluation", 2024, None),
            ("project-self-evaluation", 2024, project_evaluation.project_name),
        ]
        assert Project.objects.filter(department=department, year=2025).exists()
        self.stdout.write(f"\n{'导出':<28}{'中位 s':>9}{'字节':>12}")
        for kind, year, project in forms:
            for fmt in ("pdf", "xlsx"):
                export_form(kind, fmt, department, year, project)  # warm
                times = []
                for _ in range(3):
                    started = time.perf_counter()
                    _name, _type, content = export_form(kind, fmt, department, year, project)
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
