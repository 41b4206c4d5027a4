from django.core.management.base import BaseCommand

from indicators.library import library_rebuild


class Command(BaseCommand):
    help = "从已审核的表格和公开样表重建指标库（保留推荐、停用、合并等整理结果）。"

    def handle(self, *args, **options):
        count = library_rebuild()
        self.stdout.write(f"指标库：{count} 个三级指标。")
