from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.exports.registry import import_form


class Command(BaseCommand):
    help = "把本系统导出、离线编辑过的 XLSX 读回为草稿；有任何错误则不保存。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        if not path.is_file():
            raise CommandError(f"文件“{path}”不存在。")
        try:
            spec, _result = import_form(path.read_bytes())
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(f"已导入{spec.label}：{path.name}")
