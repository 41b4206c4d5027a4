"""The registry of form kinds: everything the shared pages and exports need to know about one kind.

Each form app describes its kinds with one :class:`KindSpec` and registers it in ``AppConfig.ready()``
(``declarations/kinds.py``, ``evaluations/kinds.py``). ``core`` and ``web`` never branch on a specific
kind: where kinds differ, the difference is a field of the spec. The spec's ``model`` is the one map
from a form object to its kind (:func:`spec_for`).

The data shape that travels between the parts is a form's *record*: the plain dict of
``fixtures/seeds/*.json`` for one form. ``load`` writes one record, ``record`` reads one back, and
preview, review, compare, download, the checks and freezing all draw from that same record.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from core.models import KIND_LABELS, LAYOUT_LABELS, Department, FormBase, FormKind, LayoutChoice


@dataclass(frozen=True)
class KindName:
    """A kind's slug (``value``) and label, for an app whose kind is not a member of ``FormKind``.

    It reads like a ``FormKind`` member (``.value``, ``.label``, ``str()`` is the slug), so the shared
    pages and the exports treat every kind alike.
    """

    value: str
    label: str

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Loaded:
    """What ``load`` wrote: the form, and notes for whoever loaded it (e.g. a parser's warnings)."""

    form: FormBase
    warnings: tuple[str, ...] = ()


DEFAULT_LAYOUT = "guangzhou"
DEFAULT_LAYOUT_LABEL = "广州市格式"


@dataclass(frozen=True, kw_only=True)
class Variant:
    """Another official layout of a kind (a national or provincial form), chosen per district and year.

    A variant is a description, not a change of the models or the pages: ``build`` draws the kind's
    record in it, ``fields`` are the optional fields it prints (the entry page shows those and no
    others), ``read_sheet`` reads back the XLSX it writes (whose meta names the variant), and
    ``sheet_markers`` are the row markers that sheet carries.
    """

    name: str
    label: str
    build: Callable[[dict], object]
    read_sheet: Callable[[object], list[dict]]
    fields: frozenset[str] = frozenset()
    sheet_markers: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True)
class TableSpec:
    """A document that gathers every form of a kind of one department and year.

    The department's 项目支出绩效目标表 is such a table: each project is its own form (entered, reviewed
    and approved on its own, with its own one-row document), and the table of all of them is the
    document the department files and publishes.
    """

    label: str
    # record(department, year) -> the table's data, or None when the department has no such form
    record: Callable[[Department, int], dict | None]
    layout: Callable[[dict], object]
    # The rows of the table's data, each one form's record as ``KindSpec.split`` gives it.
    items_key: str
    url_name: str = ""  # the table's own page, with the department and year as arguments


@dataclass(frozen=True, kw_only=True)
class KindSpec:
    """One form kind, with one callable per job."""

    kind: FormKind | KindName
    model: type[FormBase]
    # load(*, department, year, data, user=None, message="", expected_version=None, instance=None) -> Loaded:
    # write one form's record (create, or replace the form named by ``instance`` or by the data).
    load: Callable[..., Loaded]
    # record(form) -> dict: the form as data, what ``layout`` draws and ``load`` reads back.
    record: Callable[[FormBase], dict]
    # layout(record) -> core.exports.layout.Layout: the official layout of one form.
    layout: Callable[[dict], object]
    # read_sheet(ReadSheet) -> list[dict]: the records in one of our XLSX sheets (one, or a table's rows).
    read_sheet: Callable[[object], list[dict]]
    # findings(form, record) -> list[core.checks.Finding]: what this kind's rules say about the form.
    findings: Callable[[FormBase, dict], list]
    # The entry page (a core.forms.Editor subclass).
    editor: type
    # Where the kind comes in every list of kinds (workspace, overview, ZIP): lower first.
    order: int = 100
    aliases: tuple[str, ...] = ()
    # Kinds with several forms per department and year name each one by this model field
    # ("" for one form per department and year); ``name_label`` is how the pages ask for it.
    name_field: str = ""
    name_label: str = ""  # “项目名称”
    name_noun: str = ""  # “项目”
    # start(department, year, name) -> the record a new form starts from (e.g. last year's targets).
    start: Callable[[Department, int, str], dict] | None = None
    # split(file data) -> one record per form: a seed file or a table holds several forms.
    split: Callable[[dict], list[dict]] | None = None
    table: TableSpec | None = None
    # The indicator rows of a record (for the year comparison), keyed by the row group's name.
    indicator_groups: Callable[[dict], dict[str, list[dict]]] | None = None
    # Every indicator use of an approved form: (department, 一级, 二级, 三级, 年度指标值) tuples.
    approved_indicator_uses: Callable[[], Iterable[tuple]] | None = None
    # The figure a finance officer scans the overview by: (label, model field or property).
    key_figure: tuple[str, str] | None = None
    # The reviewer's part of the review page beyond the decision (e.g. their own scores): a form class
    # taking ``(form, data)`` with ``problems()``, ``save(user=)`` and a ``page_template`` to include.
    review_form: type | None = None
    # Whether two years of the form are compared side by side.
    comparable: bool = True
    # Whether a preparer creates (and copies forward) forms of this kind in the workspace; False for
    # forms that are created for the department by someone else (e.g. by a round the bureau opens).
    preparer_creates: bool = True
    # note(form) -> (text, css class) or None: a line the inbox and the workspace show beside a form
    # (e.g. a deadline: “即将到期（剩2天）”); ``related`` are the relations it reads (select_related).
    note: Callable[[FormBase], tuple[str, str] | None] | None = None
    related: tuple[str, ...] = ()
    # template(department, year) -> an empty record with one row in each repeating part: drawn with
    # ``layout``, it is the map by which a workbook we did not write is read (core/exports/foreign.py).
    template: Callable[[str, int], dict] | None = None
    # The row markers (column A of our XLSX) the kind's layouts write and its ``read_sheet`` reads; an
    # import refuses a row with any other marker instead of dropping it ("preamble" is always known).
    sheet_markers: frozenset[str] = frozenset()
    # Keys of the record that are the form's identity rather than its content.
    identity_keys: tuple[str, ...] = field(default=("kind", "department", "district", "year", "layout"))
    # The official layouts besides ``layout`` (the default, Guangzhou's) a district may choose.
    variants: tuple[Variant, ...] = ()

    @property
    def slug(self) -> str:
        return self.kind.value

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def named(self) -> bool:
        return bool(self.name_field)

    def name_of(self, form: FormBase) -> str:
        return getattr(form, self.name_field) if self.name_field else ""

    def identity(self, name: str) -> dict:
        """The lookup of one form among a department's forms of a year."""
        return {self.name_field: name} if self.name_field else {}

    def describe(self, name: str = "") -> str:
        """“部门整体预算绩效目标申报表”, or “项目“X”的项目支出绩效目标表” for a named form."""
        return f"{self.name_noun}“{name}”的{self.label}" if self.name_field and name else self.label

    def forms_of(self, department: Department, year: int):
        return self.model.objects.filter(department=department, year=year)

    def note_for(self, form: FormBase) -> tuple[str, str] | None:
        return self.note(form) if self.note is not None else None

    def listed(self, queryset):
        """``queryset`` with what listing its forms reads (the department, ``related``)."""
        return queryset.select_related("department", *self.related)

    def records(self, data: dict) -> list[dict]:
        """The records of a file's data (one form's record, or several)."""
        return self.split(data) if self.split is not None else [data]

    # --- layouts ----------------------------------------------------------------------------------
    def layout_names(self) -> list[str]:
        return [DEFAULT_LAYOUT, *(variant.name for variant in self.variants)]

    def layout_label(self, name: str) -> str:
        variant = self.variant(name)
        return variant.label if variant is not None else DEFAULT_LAYOUT_LABEL

    def variant(self, name: str | None) -> Variant | None:
        """The variant called ``name``; None for the default layout (and for a name no longer known)."""
        return next((variant for variant in self.variants if variant.name == name), None)

    def chosen_layout(self, department: Department, year: int) -> str:
        """The layout the department's district chose for this kind in ``year`` ("" for the default)."""
        if not self.variants:
            return ""
        name = (
            LayoutChoice.objects.filter(
                district_id=department.district_id, kind=self.slug, from_year__lte=year
            )
            .order_by("-from_year")
            .values_list("layout", flat=True)
            .first()
        )
        return name if self.variant(name) is not None else ""

    def with_layout(self, data: dict, department: Department, year: int) -> dict:
        """``data`` naming the layout it prints in (a record keeps it, so a snapshot prints as approved)."""
        name = self.chosen_layout(department, year)
        return {**data, "layout": name} if name else data

    def draw(self, record: dict):
        """The official layout of ``record``: its variant's, or the default one."""
        variant = self.variant(record.get("layout"))
        return variant.build(record) if variant is not None else self.layout(record)

    def read(self, sheet) -> list[dict]:
        """The records of one of our XLSX sheets, read by the layout the sheet was written in."""
        variant = self.variant(sheet.meta.get("layout") if isinstance(sheet.meta, dict) else None)
        return variant.read_sheet(sheet) if variant is not None else self.read_sheet(sheet)

    def all_sheet_markers(self) -> frozenset[str]:
        return self.sheet_markers.union(*(variant.sheet_markers for variant in self.variants))

    def start_data(self, department: Department, year: int, name: str = "") -> dict:
        if self.start is not None:
            return self.start(department, year, name)
        return self.identity(name)


REGISTRY: dict[str, KindSpec] = {}
_BY_MODEL: dict[type, KindSpec] = {}


def register(spec: KindSpec) -> None:
    for name in (spec.kind.value, *spec.aliases):
        REGISTRY[name] = spec
    _BY_MODEL[spec.model] = spec
    KIND_LABELS[spec.kind.value] = spec.kind.label
    LAYOUT_LABELS.setdefault(DEFAULT_LAYOUT, DEFAULT_LAYOUT_LABEL)
    for variant in spec.variants:
        LAYOUT_LABELS[variant.name] = variant.label


def get_kind(name: str) -> KindSpec:
    try:
        return REGISTRY[name]
    except KeyError:
        known = "、".join(spec.slug for spec in kinds())
        raise LookupError(f"未知的表格类型“{name}”，可选：{known}") from None


def kinds() -> list[KindSpec]:
    """Every registered kind once, by ``order`` (the cycle: targets, monitoring, self-evaluation)."""
    return sorted(dict.fromkeys(_BY_MODEL.values()), key=lambda spec: (spec.order, spec.slug))


def spec_for(form: FormBase) -> KindSpec:
    """The kind of a form object."""
    try:
        return _BY_MODEL[type(form)]
    except KeyError:
        raise LookupError(f"{type(form).__name__} 不是已登记的表格类型。") from None
