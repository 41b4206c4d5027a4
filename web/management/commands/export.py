from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exports.frozen import FrozenExportCorrupted, served_export
from core.exports.registry import EXPORTERS
from core.kinds import kinds
from core.models import Department


class Command(BaseCommand):
    help = "按官方版式导出一张表（PDF 或 XLSX）；已审核的表导出审核时冻结的原件。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门名称，如 广州市天河区司法局")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--form", required=True, choices=[spec.slug for spec in kinds()])
        parser.add_argument("--format", required=True, choices=sorted(EXPORTERS))
        parser.add_argument(
            "--project",
            help="项目名称：project-self-evaluation 必填；projects 填写则导出该项目，不填则导出整张表",
        )
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args, department, year, form, format, project, output, **options):
        found = Department.objects.filter(name=department).first()
        if found is None:
            raise CommandError(f"部门“{department}”不存在。")
        try:
            served = served_export(form, format, found, year, project)
        except (LookupError, FrozenExportCorrupted) as error:
            raise CommandError(str(error)) from None
        output.write_bytes(served.content)
        origin = "审核时冻结的原件" if served.frozen else "按当前数据生成"
        self.stdout.write(f"{served.filename} → {output}（{len(served.content):,} 字节，{origin}）")
