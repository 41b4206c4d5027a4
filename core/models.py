from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.money import AMOUNT_MAX, AMOUNT_MAX_MESSAGE, format_exact_amount


class District(models.Model):
    """A district (区) whose finance bureau reviews its departments' forms."""

    class ReviewTiers(models.IntegerChoices):
        ONE = 1, "一级审核（主管部门）"
        TWO = 2, "两级审核（主管部门、财政局）"

    name = models.CharField("区名称", max_length=50, unique=True)
    review_tiers = models.PositiveSmallIntegerField("审核层级", choices=ReviewTiers, default=ReviewTiers.ONE)

    class Meta:
        verbose_name = "区"
        verbose_name_plural = "区"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The departments ``user`` may read: their own, those assigned to them, or all of them.

        The one rule of department visibility: every form's ``visible_to`` and every page's access check
        go through it.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_every_department:
            return self
        if user.role == User.Role.REVIEWER:
            return self.filter(reviewers=user)
        if user.role == User.Role.FINANCE:
            # A district's 财政局 reads the districts it serves (and reviews their second tier).
            return self.filter(district__finance_users=user)
        if user.department_id is None:
            return self.none()
        return self.filter(pk=user.department_id)


class Department(models.Model):
    """A budget department (部门), e.g. 广州市天河区司法局."""

    name = models.CharField("部门名称", max_length=100, unique=True)
    district = models.ForeignKey(District, models.PROTECT, related_name="departments", verbose_name="所属区")

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["district__name", "name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        PREPARER = "preparer", "填报人"
        REVIEWER = "reviewer", "审核人"
        FINANCE = "finance", "财政局"
        CITY_FINANCE = "city-finance", "市财政局"
        ADMINISTRATOR = "admin", "系统管理员"

    role = models.CharField("角色", max_length=16, choices=Role, default=Role.PREPARER)
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="所属部门",
        help_text="填报人必须属于一个部门。",
    )
    reviewed_departments = models.ManyToManyField(
        Department, blank=True, related_name="reviewers", verbose_name="负责审核的部门"
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="finance_users",
        verbose_name="服务的区",
        help_text="财政局用户只能查看、审核这些区的部门；市财政局查看所有区，不需要选择。",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="preparer") | Q(department__isnull=False),
                name="core_user_preparer_has_department",
                violation_error_message="填报人必须属于一个部门。",
            ),
        ]

    def __str__(self) -> str:
        full_name = f"{self.last_name}{self.first_name}".strip()
        return full_name or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def sees_every_department(self) -> bool:
        """The city's finance bureau and administrators read every department (a district's 财政局
        reads the districts it serves: ``districts``)."""
        return self.is_superuser or self.role in {self.Role.CITY_FINANCE, self.Role.ADMINISTRATOR}

    @property
    def is_preparer(self) -> bool:
        return self.role == self.Role.PREPARER and self.department_id is not None

    def prepares(self, department) -> bool:
        """Whether this user fills in ``department``'s forms (a ``Department`` or its id)."""
        department_id = getattr(department, "pk", department)
        return self.is_preparer and department_id is not None and self.department_id == department_id


class FormStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"
    REJECTED = "rejected", "未通过"


class FormKind(models.TextChoices):
    """The form kinds of domain.md §2 (targets and self-evaluation); the slugs are those of the export command.

    This enum names the kinds of the declarations and evaluations apps. It is not the list of kinds:
    that is the registry (``core.kinds``), which a later app extends with its own ``KindName`` (the
    monitoring app does) without touching this enum. The fields that store a kind take their choices
    from the registry (:func:`kind_choices`).
    """

    DECLARATION = "declaration", "部门整体预算绩效目标申报表"
    TARGET_TABLE = "target-table", "部门整体绩效目标表"
    PROJECTS = "projects", "项目支出绩效目标表"
    SELF_EVALUATION = "self-evaluation", "部门整体支出绩效自评表"
    PROJECT_SELF_EVALUATION = "project-self-evaluation", "项目支出绩效自评表"


# Slug → label of every registered kind, filled by ``core.kinds.register`` (in the apps' ``ready()``).
KIND_LABELS: dict[str, str] = {}


def kind_choices() -> list[tuple[str, str]]:
    """The choices of a field that stores a kind: the registered kinds, read when the field is used.

    A callable, so that a kind registered by any app is a valid value (and shown by its label) without
    a migration or an edit here; the migrations store the reference to this function, not the list.
    """
    return list(KIND_LABELS.items())


YEAR_VALIDATORS = [
    MinValueValidator(2000, message="年度不能早于2000年。"),
    MaxValueValidator(2100, message="年度不能晚于2100年。"),
]


# Layout names → labels, filled by ``core.kinds.register`` from each kind's layouts.
LAYOUT_LABELS: dict[str, str] = {}


def layout_choices() -> list[tuple[str, str]]:
    """Every registered layout (read when the field is used, like :func:`kind_choices`)."""
    return list(LAYOUT_LABELS.items())


class LayoutChoice(models.Model):
    """Which official layout a district's forms of one kind print in, from a year on.

    A district that chose nothing prints every kind in its default layout (Guangzhou's). The choice
    with the latest ``from_year`` not after a form's year applies to it; a frozen file keeps the
    layout it was frozen in.
    """

    district = models.ForeignKey(District, models.CASCADE, related_name="layout_choices", verbose_name="区")
    kind = models.CharField("表格类型", max_length=32, choices=kind_choices)
    from_year = models.PositiveSmallIntegerField(
        "自年度起",
        validators=YEAR_VALIDATORS,
        help_text="该年度及以后各年度的表格使用此格式，直到更晚的一条选择。",
    )
    layout = models.CharField("格式", max_length=32, choices=layout_choices)

    class Meta:
        verbose_name = "表格格式选择"
        verbose_name_plural = "表格格式选择"
        ordering = ["district__name", "kind", "from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "from_year"],
                name="core_layoutchoice_one_per_district_kind_year",
                violation_error_message="该区该表格类型在该年度已有格式选择。",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.district}：{self.get_kind_display()}自{self.from_year}年起用{self.get_layout_display()}"
        )


class FormQuerySet(models.QuerySet):
    """What every form kind can be filtered by."""

    def for_year(self, year: int):
        return self.filter(year=year)

    def for_department(self, department: Department):
        return self.filter(department=department)

    def drafts(self):
        return self.filter(status=FormStatus.DRAFT)

    def submitted(self):
        return self.filter(status=FormStatus.SUBMITTED)

    def approved(self):
        return self.filter(status=FormStatus.APPROVED)

    def visible_to(self, user):
        """The forms of the departments ``user`` may read (``Department.objects.visible_to``)."""
        if getattr(user, "sees_every_department", False) and user.is_active:
            return self
        return self.filter(department__in=Department.objects.visible_to(user))


class FormBase(models.Model):
    """Fields and rules shared by every form kind.

    ``version`` is bumped on every save through the services; an editor who loaded version N and
    saves after someone else saved N+1 is refused instead of overwriting (optimistic locking).
    """

    department = models.ForeignKey(
        Department, models.PROTECT, related_name="%(app_label)s_%(class)s_set", verbose_name="部门"
    )
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    status = models.CharField("状态", max_length=16, choices=FormStatus, default=FormStatus.DRAFT)
    version = models.PositiveIntegerField("版本号", default=1, editable=False)
    disclosure_label = models.CharField(
        "公开表号", max_length=20, blank=True, help_text="预算公开材料中的表号，如“表13”“附件2”；可不填。"
    )
    # While submitted: the review tier the form waits for (1 主管部门, 2 财政局).
    review_tier = models.PositiveSmallIntegerField("待审核层级", default=0, editable=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="最后修改人",
    )

    objects = FormQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-year", "department__name"]

    @property
    def is_editable(self) -> bool:
        """Submitted and approved forms are read-only for everyone."""
        return self.status in {FormStatus.DRAFT, FormStatus.RETURNED}

    def editable_by(self, user) -> bool:
        """Who may write a form, decided once: the department's own preparers, on a draft or a return."""
        return self.is_editable and user.is_authenticated and user.prepares(self.department_id)

    def arithmetic_problems(self) -> list[str]:
        """Messages (Chinese) for every arithmetic rule of domain.md the form breaks. Extend."""
        return self.amount_problems()

    def amount_problems(self) -> list[str]:
        """The form's amounts above the bound (``AMOUNT_FIELDS``).

        Only a form stored before the bound existed can hold one: the entry pages, imports, services and
        the database refuse them now. Such a form still shows everywhere; this keeps it from going on.
        """
        problems = []
        for name in getattr(self, "AMOUNT_FIELDS", ()):
            value = getattr(self, name)
            if value is not None and value > AMOUNT_MAX:
                label = self._meta.get_field(name).verbose_name
                problems.append(f"“{label}”为{format_exact_amount(value)}万元：{AMOUNT_MAX_MESSAGE}")
        return problems

    def clean(self) -> None:
        super().clean()
        # A draft keeps whatever was typed; the arithmetic only blocks a form leaving the draft state.
        if not self.is_editable:
            problems = self.arithmetic_problems()
            if problems:
                raise ValidationError(problems)


class AuditEntry(models.Model):
    """One change to a form or one of its rows, or one transition; written in the same transaction.

    Nobody edits history through the app: the admin shows it read-only.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        TRANSITION = "transition", "状态变更"
        IMPORT = "import", "导入"

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    action = models.CharField("操作", max_length=16, choices=Action)
    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name="对象类型")
    object_id = models.PositiveBigIntegerField("对象ID")
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField("对象", max_length=300)
    changes = models.JSONField("变更内容", default=dict, blank=True, help_text="字段 → [旧值, 新值]")
    message = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"


class FrozenExportQuerySet(models.QuerySet):
    def current(self):
        """The files served today; superseded ones stay as the record of earlier approvals."""
        return self.filter(superseded_at__isnull=True)

    def for_form(self, *, kind: str, department: Department, year: int, project: str = ""):
        return self.filter(kind=kind, department=department, year=year, project=project)


class FrozenExport(models.Model):
    """The PDF or XLSX of an approved form, rendered once at approval and served unchanged ever after.

    domain.md §6: the published copy is the legal record, so a later change to the data (or to the
    layout code, fonts or libraries) must not change what is downloaded. ``sha256`` is checked every
    time the bytes are served. A form approved again after a return or an adjustment gets new files;
    the old ones are kept, marked superseded, so one key has at most one current file per format.
    """

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    kind = models.CharField("表格类型", max_length=32, choices=kind_choices)
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="frozen_exports", verbose_name="部门"
    )
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    project = models.CharField(
        "项目名称", max_length=200, blank=True, default="", help_text="仅项目支出绩效自评表填写。"
    )
    format = models.CharField("格式", max_length=8, choices=Format)
    filename = models.CharField("文件名", max_length=300)
    content = models.BinaryField("文件内容")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("字节数")
    form_version = models.PositiveIntegerField(
        "冻结时版本号", help_text="冻结时表的版本号；项目支出绩效目标表为各项目版本号之和。"
    )
    created_at = models.DateTimeField("冻结时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="冻结人",
    )
    superseded_at = models.DateTimeField(
        "被替代时间", null=True, blank=True, help_text="重新审核通过后，旧文件保留备查，不再提供下载。"
    )
    # Printed in the PDF's footer with a QR code of its verification page (core/exports/stamp.py);
    # random, chosen before the file is rendered. Files frozen before codes existed got one later.
    verification_code = models.CharField("校验码", max_length=16, unique=True)

    objects = FrozenExportQuerySet.as_manager()

    class Meta:
        verbose_name = "已冻结导出文件"
        verbose_name_plural = "已冻结导出文件"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "department", "year", "project", "format"],
                condition=Q(superseded_at__isnull=True),
                name="core_frozenexport_one_current_per_form_format",
                violation_error_message="该表已有同一格式的冻结文件。",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["pdf", "xlsx"]),
                name="core_frozenexport_format_known",
            ),
        ]

    def __str__(self) -> str:
        project = f"（{self.project}）" if self.project else ""
        return f"{self.department}{self.year}年{self.get_kind_display()}{project} {self.get_format_display()}"


class Review(models.Model):
    """One reviewer's decision on one submission of a form, at one tier (domain.md §5)."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "通过"
        RETURN = "return", "退回修改"
        REJECT = "reject", "不予通过"

    class Grade(models.TextChoices):
        EXCELLENT = "优", "优"
        GOOD = "良", "良"
        FAIR = "中", "中"
        POOR = "差", "差"

    CHECKLIST = (
        ("completeness", "完整性"),
        ("relevance", "相关性"),
        ("appropriateness", "适当性"),
        ("feasibility", "可行性"),
    )

    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name="表格类型")
    object_id = models.PositiveBigIntegerField("表格ID")
    form = GenericForeignKey("content_type", "object_id")
    form_version = models.PositiveIntegerField("审核的版本")
    tier = models.PositiveSmallIntegerField("审核层级", default=1)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="reviews", verbose_name="审核人"
    )
    decided_at = models.DateTimeField("审核时间", auto_now_add=True)
    decision = models.CharField("结论", max_length=16, choices=Decision)
    grade = models.CharField("审核等级", max_length=1, choices=Grade)
    comment = models.TextField("审核意见", blank=True)
    checklist = models.JSONField("四性审核", default=dict, blank=True)
    # The form's data as approved, so that a later adjustment (调整) can be compared with it.
    snapshot = models.JSONField("审核通过时的内容", default=dict, blank=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_review_form_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="approve") | ~Q(comment=""),
                name="core_review_return_needs_comment",
                violation_error_message="退回或不予通过必须填写审核意见。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}（{self.grade}）{self.reviewer}"


class Notification(models.Model):
    """An in-app message to a user: a form returned, approved, waiting for review."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    message = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message


STALE_JOB_MESSAGE = "后台处理中断：超过{minutes}分钟没有进展（处理它的后台进程可能已停止），任务未完成。请点击“重试”重新生成。"


class ExportJobQuerySet(models.QuerySet):
    def expire_stale(self, now=None) -> int:
        """Mark failed the running jobs whose worker sent no heartbeat within the lease
        (``settings.EXPORT_JOB_LEASE``): a worker that died leaves no job “进行中” forever."""
        now = now or timezone.now()
        lease = settings.EXPORT_JOB_LEASE
        message = STALE_JOB_MESSAGE.format(minutes=max(1, round(lease.total_seconds() / 60)))
        stale = self.filter(status=ExportJob.Status.RUNNING).filter(
            models.Q(heartbeat_at__lt=now - lease)
            | models.Q(heartbeat_at__isnull=True, created_at__lt=now - lease)
        )
        return stale.update(status=ExportJob.Status.FAILED, error=message, finished_at=now)


class ExportJob(models.Model):
    """A batch export run by a background worker; the page polls its progress and downloads the result.

    A running job's worker writes ``heartbeat_at`` when it starts and on every step of progress; a job
    without a heartbeat for the lease is failed (``ExportJob.objects.expire_stale``) and can be retried.
    Each run is one ``attempt``: a worker still running an expired attempt can no longer write to it.
    """

    class Kind(models.TextChoices):
        DISTRICT_ZIP = "district-zip", "全区表格打包"
        RESULTS = "results", "绩效自评结果工作簿"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="发起人"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind)
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=16, choices=Status, default=Status.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    filename = models.CharField("文件名", max_length=200, blank=True)
    content = models.BinaryField("文件", null=True, blank=True, editable=False)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    attempt = models.PositiveIntegerField("第几次运行", default=1)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "后台导出任务"
        verbose_name_plural = "后台导出任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class RenderedPdf(models.Model):
    """A PDF rendered from one exact print document: the SHA-256 of its layout and of the typesetter's
    version is the key, so an unchanged form (same data, same layout) is rendered once and every later
    download, ZIP or job serves the stored bytes (``core/exports/pdfcache.py``). Any change to a form
    changes its layout and so its key: a stored PDF is never stale. Rows older than
    ``PDF_CACHE_DAYS`` are deleted."""

    key = models.CharField("键", max_length=64, unique=True)
    content = models.BinaryField("PDF")
    size = models.PositiveIntegerField("字节数")
    created_at = models.DateTimeField("生成时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "已生成的 PDF"
        verbose_name_plural = "已生成的 PDF"

    def __str__(self) -> str:
        return self.key


class PendingImport(models.Model):
    """An uploaded XLSX waiting for its uploader's yes: the import would delete content, create a form
    or overwrite one of unknown version (``core.exports.registry.ImportNeedsConfirmation``).

    Nothing of it is saved until confirmed; ``versions`` are the forms' versions the user was shown, and
    the confirmation is refused if any changed meanwhile. Rows older than a day are deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="上传人"
    )
    filename = models.CharField("文件名", max_length=200)
    content = models.BinaryField("文件")
    versions = models.JSONField("确认时的版本", default=dict)
    warnings = models.JSONField("提示", default=list)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "待确认的导入"
        verbose_name_plural = "待确认的导入"

    def __str__(self) -> str:
        return self.filename


class LoginAttempt(models.Model):
    """One sign-in attempt that was refused or failed, or one that succeeded: the record login
    throttling counts (``core/throttle.py``) and the audit trail of who tried which account from where.

    Kept in the database, like sessions, so that every app server and worker sees the same counts.
    """

    class Outcome(models.TextChoices):
        FAILED = "failed", "密码错误"
        LOCKED = "locked", "锁定中被拒绝"
        SUCCEEDED = "succeeded", "登录成功"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    username = models.CharField("用户名", max_length=150)
    address = models.GenericIPAddressField("网络地址", null=True, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["username", "at"], name="login_username_at"),
            models.Index(fields=["address", "at"], name="login_address_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.address or '-'} {self.get_outcome_display()}"
