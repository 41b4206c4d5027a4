"""The registry of form kinds: how each kind is loaded from data and dumped back to it.

Each app registers its kinds in ``AppConfig.ready()``; the seed loader, the export command and the
XLSX import look kinds up here instead of importing every app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from core.models import FormKind


@dataclass(frozen=True)
class KindSpec:
    kind: FormKind
    # load(department=, year=, data=, user=, message=) -> the form (or a tuple starting with it)
    load: Callable
    # dump(department, year) -> the form's data, or None when the department has none that year
    dump: Callable
    aliases: tuple[str, ...] = field(default=())
    # layout(data) -> core.exports.layout.Layout, the official layout of one form's data
    layout: Callable | None = None
    # from_sheet(ReadSheet) -> data, the inverse of layout through our XLSX
    from_sheet: Callable | None = None
    # The model of one entry page of this kind (a Project for ``projects``), its record (object ->
    # data that ``layout`` takes), the service that writes one object's record, and its entry page.
    model: type | None = None
    record: Callable | None = None
    load_one: Callable | None = None
    editor: type | None = None

    @property
    def label(self) -> str:
        return self.kind.label


REGISTRY: dict[str, KindSpec] = {}


def register(spec: KindSpec) -> None:
    for name in (spec.kind.value, *spec.aliases):
        REGISTRY[name] = spec


def get_kind(name: str) -> KindSpec:
    try:
        return REGISTRY[name]
    except KeyError:
        known = "、".join(kind.value for kind in FormKind)
        raise LookupError(f"未知的表格类型“{name}”，可选：{known}") from None
