import time

from django.core.management.base import BaseCommand, CommandError

from core.exports.parallel import worker_count
from core.exports.prerender import pdfs_prerender
from core.kinds import kinds


class Command(BaseCommand):
    help = (
        "预先生成并保存表格的 PDF（未修改的表格此后下载时直接读取已保存的文件）。"
        "用于批量写入的数据（演示数据、导入、恢复的数据库）；平时保存表格后由后台任务生成。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="只处理某年度，可重复；默认全部年度")
        parser.add_argument(
            "--kind",
            action="append",
            help="只处理某类表格（如 declaration、projects），可重复；默认全部",
        )
        parser.add_argument("--workers", type=int, help="并行生成的进程数（默认 PERFBUDGET_EXPORT_WORKERS）")

    def handle(self, *args, year, kind, workers, **options):
        known = {name for spec in kinds() for name in (spec.slug, spec.kind.value, *spec.aliases)}
        unknown = sorted(set(kind or ()) - known)
        if unknown:
            raise CommandError(f"未知的表格类型：{'、'.join(unknown)}；可选：{'、'.join(sorted(known))}")
        if workers is not None and workers < 1:
            raise CommandError("--workers 至少为 1。")
        started = time.perf_counter()
        done = pdfs_prerender(years=year, kinds_named=kind, workers=workers)
        self.stdout.write(
            f"{done.documents} 份文件：新生成 {done.rendered} 份，已保存的 {done.stored} 份，"
            f"已审核冻结的 {done.frozen} 份（{worker_count(workers)} 个进程，"
            f"{time.perf_counter() - started:.1f} 秒）。"
        )
