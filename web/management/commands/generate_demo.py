import time

from django.core.management.base import BaseCommand, CommandError

from web.demo import DEMO_PASSWORD, generate_demo


class Command(BaseCommand):
    help = "生成演示数据：N 个部门、三个年度的各类表格（批量写入；已存在的部门不重复生成）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--departments", type=int, default=60, help="部门数（默认 60，一个区约 60 个部门）"
        )

    def handle(self, *args, departments: int, **options):
        if not 1 <= departments <= 20000:
            raise CommandError("--departments 应在 1 到 20000 之间。")
        started = time.perf_counter()
        counts = generate_demo(departments)
        elapsed = time.perf_counter() - started
        if not counts["departments"]:
            self.stdout.write(f"{departments} 个演示部门都已存在，未生成新数据。")
            return
        summary = "，".join(f"{key} {value:,}" for key, value in counts.items())
        self.stdout.write(f"已生成：{summary}（{elapsed:.1f} 秒）。演示用户 demo0001… 密码 {DEMO_PASSWORD}")
