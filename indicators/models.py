from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from core.models import KIND_LABELS, YEAR_VALIDATORS, kind_choices


class SchemeQuerySet(models.QuerySet):
    def for_form(self, kind: str, year: int) -> "Scheme":
        """The scheme a form of ``kind`` for budget ``year`` uses (the newest usage that covers it)."""
        usage = (
            SchemeUsage.objects.filter(form_kind=kind, first_year__lte=year)
            .filter(Q(last_year__isnull=True) | Q(last_year__gte=year))
            .select_related("scheme")
            .order_by("-first_year")
            .first()
        )
        if usage is None:
            raise Scheme.DoesNotExist(f"没有适用于{KIND_LABELS.get(kind, kind)}（{year}年）的指标体系。")
        return usage.scheme


class Scheme(models.Model):
    """An indicator scheme (指标体系): the fixed 一级 and 二级 categories forms file 三级 rows under."""

    slug = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    description = models.TextField("说明", blank=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = "指标体系"
        verbose_name_plural = "指标体系"
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    def tree(self) -> list[tuple["Category", list["Category"]]]:
        """``[(一级, [二级, …]), …]`` in order, in one query, read once per instance."""
        if getattr(self, "_tree", None) is None:
            self._tree = self._read_tree()
        return self._tree

    def _read_tree(self) -> list[tuple["Category", list["Category"]]]:
        categories = list(self.categories.order_by("position", "code"))
        children: dict[int, list[Category]] = {}
        for category in categories:
            if category.parent_id is not None:
                children.setdefault(category.parent_id, []).append(category)
        return [(c, children.get(c.pk, [])) for c in categories if c.parent_id is None]

    def second_levels(self) -> list["Category"]:
        return [child for _first, children in self.tree() for child in children]

    def outline(self) -> "Outline":
        return Outline(
            tuple(
                (first.name, first.code, tuple((child.name, child.code) for child in children))
                for first, children in self.tree()
            )
        )


@dataclass(frozen=True)
class Outline:
    """A scheme's 一级 and 二级 as plain data (names and codes): what a layout draws an indicator table by.

    Layout builders take data, not querysets: the spec that calls a builder reads the outline once
    (``scheme_outline``) and passes it in.
    """

    levels: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]

    @property
    def tree(self) -> list[tuple[str, list[str]]]:
        """``[(一级 name, [二级 name, …]), …]``."""
        return [(name, [child for child, _code in children]) for name, _code, children in self.levels]

    def codes(self) -> dict:
        """一级 name → code, and (一级 name, 二级 name) → code."""
        codes: dict = {}
        for name, code, children in self.levels:
            codes[name] = code
            for child, child_code in children:
                codes[(name, child)] = child_code
        return codes


def scheme_outline(kind: str, year: int) -> Outline:
    return Scheme.objects.for_form(kind, year).outline()


def form_scheme(form, kind: str) -> Scheme:
    """The scheme of ``form`` (a form object of ``kind``), read once per form object.

    An entry page builds its indicator tree and runs the checks on the same object: both get the same
    scheme instance, so its usage and categories are read once per request.
    """
    cache = form.__dict__.setdefault("_schemes", {})
    if kind not in cache:
        cache[kind] = Scheme.objects.for_form(kind, form.year)
    return cache[kind]


class SchemeUsage(models.Model):
    """Which scheme a form kind uses from ``first_year`` (to ``last_year`` when the rules changed)."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="usages", verbose_name="指标体系")
    form_kind = models.CharField("表格类型", max_length=32, choices=kind_choices)
    first_year = models.PositiveSmallIntegerField("起始年度", validators=YEAR_VALIDATORS)
    last_year = models.PositiveSmallIntegerField(
        "截止年度", null=True, blank=True, validators=YEAR_VALIDATORS
    )

    class Meta:
        verbose_name = "指标体系适用范围"
        verbose_name_plural = "指标体系适用范围"
        ordering = ["form_kind", "first_year"]
        constraints = [
            models.UniqueConstraint(fields=["form_kind", "first_year"], name="indicators_usage_unique_start"),
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=models.F("first_year")),
                name="indicators_usage_years_ordered",
                violation_error_message="截止年度不能早于起始年度。",
            ),
        ]

    def __str__(self) -> str:
        end = self.last_year or "至今"
        return f"{self.get_form_kind_display()} {self.first_year}–{end}：{self.scheme}"


class Category(models.Model):
    """A 一级 (no parent) or 二级 (parent is its 一级) category of a scheme.

    Codes are those seen on the published forms (一级 1–3, 二级 11, 12, 13, 21, 22, 24, 31); codes for
    categories never seen with one (成本, 生态效益, the 2025 成本 一级) are our own and marked so.
    """

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="categories", verbose_name="指标体系")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children", verbose_name="一级指标"
    )
    code = models.CharField("编码", max_length=8)
    code_is_official = models.BooleanField("编码见于正式表格", default=True)
    name = models.CharField("名称", max_length=50)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "指标类别"
        verbose_name_plural = "指标类别"
        ordering = ["scheme", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="indicators_category_unique_code"),
            models.UniqueConstraint(
                fields=["scheme", "parent", "name"], name="indicators_category_unique_name"
            ),
        ]

    def __str__(self) -> str:
        if self.parent_id is None:
            return self.name
        return f"{self.parent.name} / {self.name}"

    @property
    def level(self) -> int:
        return 1 if self.parent_id is None else 2


class IndicatorRow(models.Model):
    """A 三级 indicator row filed under a 二级 category; concrete rows belong to one form."""

    category = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name="二级指标")
    name = models.CharField("三级指标", max_length=300)
    annual_value = models.CharField("年度指标值", max_length=300, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        abstract = True
        # ``position`` is the row's place in the whole table; views group rows under their 二级.
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


def level2_key(name: str) -> str:
    """二级 names across schemes: “社会效益指标” (2025) and “社会效益” (classic) are one key."""
    return name.strip().removesuffix("指标") or name.strip()


class LibraryIndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired=False, merged_into__isnull=True)

    def for_level2(self, level2: str):
        return self.filter(level2_key=level2_key(level2))


class LibraryIndicator(models.Model):
    """A 三级 indicator written before, with the target values used with it (the indicator library).

    Rebuilt from every approved form and the published seeds by ``indicators.library.library_rebuild``;
    administrators' curation (recommended, retired, merged into another) survives a rebuild.
    """

    level1 = models.CharField("一级指标", max_length=50)
    level2 = models.CharField("二级指标", max_length=50)
    level2_key = models.CharField("二级指标（归一）", max_length=50, db_index=True, editable=False)
    name = models.CharField("三级指标", max_length=300)
    uses = models.PositiveIntegerField("使用次数", default=0)
    departments = models.ManyToManyField(
        "core.Department", blank=True, related_name="+", verbose_name="使用部门"
    )
    recommended = models.BooleanField("推荐", default=False)
    retired = models.BooleanField("停用", default=False)
    merged_into = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name="已合并到",
        help_text="重复的指标合并到此指标后不再单独推荐，其使用记录计入此指标。",
    )

    objects = LibraryIndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "指标库指标"
        verbose_name_plural = "指标库"
        ordering = ["level2_key", "-recommended", "-uses", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level2_key", "name"], name="indicators_library_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.level2} / {self.name}"

    def save(self, *args, **kwargs):
        self.level2_key = level2_key(self.level2)
        super().save(*args, **kwargs)


class LibraryValue(models.Model):
    """A target value used with a library indicator, and how often."""

    indicator = models.ForeignKey(
        LibraryIndicator, models.CASCADE, related_name="values", verbose_name="指标"
    )
    text = models.CharField("指标值", max_length=300)
    uses = models.PositiveIntegerField("使用次数", default=0)
    departments = models.CharField("使用部门", max_length=500, blank=True)

    class Meta:
        verbose_name = "常用指标值"
        verbose_name_plural = "常用指标值"
        ordering = ["-uses", "text"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "text"], name="indicators_library_unique_value")
        ]

    def __str__(self) -> str:
        return self.text
