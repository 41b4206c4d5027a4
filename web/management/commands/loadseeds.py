"""Load the five published seed forms and the demo users. Safe to run again: nothing changes twice."""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.kinds import get_kind
from core.models import Department, District, User
from indicators.library import library_rebuild
from web.demo import DEMO_PASSWORD, refuse_demo_users_in_production

SEED_DIR = settings.BASE_DIR / "fixtures" / "seeds"

# username, role, department (None for district-wide roles), reviewed departments, districts served,
# superuser
DEMO_USERS = [
    ("tianhe", User.Role.PREPARER, "广州市天河区司法局", [], [], False),
    ("yuexiu", User.Role.PREPARER, "广州市越秀区司法局", [], [], False),
    ("reviewer", User.Role.REVIEWER, None, ["广州市天河区司法局", "广州市越秀区司法局"], [], False),
    ("finance", User.Role.FINANCE, None, [], ["天河区", "越秀区"], False),
    ("city", User.Role.CITY_FINANCE, None, [], [], False),
    ("admin", User.Role.ADMINISTRATOR, None, [], [], True),
]


class Command(BaseCommand):
    help = "载入五份公开样表（fixtures/seeds）和演示用户；可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库。")
        parser.add_argument("--dir", type=Path, default=SEED_DIR, help="样表 JSON 所在目录。")
        parser.add_argument("--no-users", action="store_true", help="不创建演示用户。")
        parser.add_argument("--no-library", action="store_true", help="不重建指标库。")

    def handle(
        self,
        *args,
        dry_run: bool,
        dir: Path,
        no_users: bool,
        verbosity: int = 1,
        no_library: bool = False,
        **options,
    ):
        self.verbosity = verbosity
        if not no_users:
            refuse_demo_users_in_production(
                "创建演示用户", "请加 --no-users 只载入样表；账号请用 createsuperuser 或在管理后台创建。"
            )
        paths = sorted(dir.glob("*.json"))
        if not paths:
            raise CommandError(f"{dir} 中没有样表 JSON 文件。")
        with transaction.atomic():
            for path in paths:
                self.load_file(path)
            if not no_users:
                self.ensure_users()
            if not no_library:
                count = library_rebuild()
                if self.verbosity:
                    self.stdout.write(f"指标库：{count} 个三级指标。")
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write("试运行：未写入任何数据。")

    def load_file(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        try:
            spec = get_kind(data["kind"])
        except LookupError as error:
            raise CommandError(f"{path.name}: {error}") from None
        district, _ = District.objects.get_or_create(name=data["district"])
        department, _ = Department.objects.get_or_create(
            name=data["department"], defaults={"district": district}
        )
        year = int(data["year"])
        before = self.stored(spec, department, year)
        # Load inside a savepoint and keep it only if the stored data changed, so a second run
        # neither bumps versions nor writes audit entries.
        savepoint = transaction.savepoint()
        warnings: list[str] = []
        try:
            for record in spec.records(data):
                loaded = spec.load(
                    department=department, year=year, data=record, message=f"loadseeds {path.name}"
                )
                warnings += loaded.warnings
        except ValidationError as error:
            transaction.savepoint_rollback(savepoint)
            raise CommandError(f"{path.name}: " + "；".join(error.messages)) from None
        after = self.stored(spec, department, year)
        if before == after:
            transaction.savepoint_rollback(savepoint)
            self.report(path, spec.label, "未变化")
            return
        transaction.savepoint_commit(savepoint)
        self.report(path, spec.label, "已新建" if not before else "已更新")
        for warning in warnings if self.verbosity >= 1 else []:
            self.stdout.write(self.style.WARNING(f"  提示：{warning}"))

    @staticmethod
    def stored(spec, department, year: int) -> list[dict]:
        """The records of every form of ``spec`` the department has that year, in a stable order."""
        return [spec.record(form) for form in spec.forms_of(department, year).order_by("pk")]

    def report(self, path: Path, label: str, outcome: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(f"{path.name}: {label} {outcome}")

    def ensure_users(self) -> None:
        for username, role, department_name, reviewed, districts, superuser in DEMO_USERS:
            department = Department.objects.filter(name=department_name).first() if department_name else None
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "department": department,
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                user.reviewed_departments.set(Department.objects.filter(name__in=reviewed))
                user.districts.set(District.objects.filter(name__in=districts))
                self.report(Path(username), "演示用户", "已新建")
