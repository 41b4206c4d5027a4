"""Time PDF and XLSX rendering of every seed form in a warm process: medians and peak memory.

Run after ``loadseeds``: ``python manage.py bench_exports --repeat 7``. Timings are for reading, not
for asserting: the machines here are shared and noisy.
"""

import resource
import statistics
import time

from django.core.management.base import BaseCommand

from core.exports.registry import EXPORTERS, export_form
from core.models import Department

SEED_FORMS = [
    ("000", "declaration", "广州市天河区司法局", 2025),
    ("001", "declaration", "广州市越秀区司法局", 2025),
    ("002", "target-table", "广州市天河区司法局", 2019),
    ("003", "projects", "广州市天河区司法局", 2024),
    ("004", "self-evaluation", "广州市天河区司法局", 2022),
]


class Command(BaseCommand):
    help = "导出性能基准：各样表 PDF/XLSX 渲染时间中位数与内存峰值。"

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, repeat: int, **options):
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
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"peak RSS: {peak:.0f} MiB")
