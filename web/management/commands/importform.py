from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.exports.registry import ImportNeedsConfirmation, import_form


class Command(BaseCommand):
    help = "把本系统导出、离线编辑过的 XLSX 读回为草稿；有任何错误则不保存。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="导入会删除内容、新建表格或覆盖版本不明的表格时，仍然导入（默认列出后不导入）",
        )

    def handle(self, *args, path, confirm=False, **options):
        if not path.is_file():
            raise CommandError(f"文件“{path}”不存在。")
        content = path.read_bytes()
        try:
            try:
                spec, _result = import_form(content)
            except ImportNeedsConfirmation as pending:
                if not confirm:
                    raise CommandError(
                        "未导入：" + "；".join(pending.warnings) + " 确认无误请加 --confirm 重新运行。"
                    ) from None
                spec, _result = import_form(content, confirmed=pending.versions)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(f"已导入{spec.label}：{path.name}")
