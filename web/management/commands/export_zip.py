from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exports.bundle import department_year_zip
from core.exports.frozen import FrozenExportCorrupted
from core.exports.registry import EXPORTERS
from core.models import Department


class Command(BaseCommand):
    help = "把一个部门一个年度的全部表格打包为 ZIP（已审核的表格为审核时冻结的原件）。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门名称，如 广州市天河区司法局")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--format",
            action="append",
            choices=sorted(EXPORTERS),
            help="只打包某种格式，可重复；默认 PDF 和 XLSX 都打包",
        )
        parser.add_argument(
            "--output", required=True, type=Path, help="ZIP 文件路径；若是已有目录，则以默认文件名写入该目录"
        )

    def handle(self, *args, department, year, format, output, **options):
        found = Department.objects.filter(name=department).first()
        if found is None:
            raise CommandError(f"部门“{department}”不存在。")
        formats = tuple(format) if format else ("pdf", "xlsx")
        try:
            filename, content = department_year_zip(found, year, formats=formats)
        except (LookupError, FrozenExportCorrupted) as error:
            raise CommandError(str(error)) from None
        path = output / filename if output.is_dir() else output
        path.write_bytes(content)
        self.stdout.write(f"{filename} → {path}（{len(content):,} 字节）")
