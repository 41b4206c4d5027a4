"""Building the indicator library from every approved form and the published seeds."""

import json
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from core.kinds import kinds
from core.models import Department
from indicators.models import LibraryIndicator, LibraryValue, level2_key
from indicators.serialized import parse_indicator_cell

SEED_DIR = settings.BASE_DIR / "fixtures" / "seeds"


@dataclass(frozen=True)
class Use:
    department: str
    level1: str
    level2: str
    name: str
    value: str


def seed_uses() -> list[Use]:
    """Every indicator of the published seed forms (the declarations' tables and seed 003's cells)."""
    uses = []
    for path in sorted(SEED_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        department = data.get("department", "")
        for row in data.get("indicators", []):
            uses.append(
                Use(department, row["level1"], row["level2"], row["name"], row.get("annual_value", ""))
            )
        for project in data.get("projects", []):
            for item in parse_indicator_cell(project.get("indicator_text", "")).indicators:
                uses.append(Use(department, item.level1_name, item.level2_name, item.name, item.annual_value))
    return uses


def approved_uses() -> list[Use]:
    """Every indicator row of an approved form, whatever its kind (each kind says where its rows are)."""
    return [
        Use(*row)
        for spec in kinds()
        if spec.approved_indicator_uses is not None
        for row in spec.approved_indicator_uses()
    ]


@transaction.atomic
def library_rebuild() -> int:
    """Recount the library from the seeds and approved forms; returns the number of indicators.

    Curation is kept: a merged indicator's uses count for the one it was merged into; a recommended or
    retired indicator stays even when nothing uses it any more.
    """
    uses = [use for use in seed_uses() + approved_uses() if use.name.strip()]
    existing = {(i.level2_key, i.name): i for i in LibraryIndicator.objects.select_related("merged_into")}
    departments = {d.name: d for d in Department.objects.all()}
    grouped: dict[tuple[str, str], list[Use]] = defaultdict(list)
    for use in uses:
        key = (level2_key(use.level2), use.name.strip())
        target = existing.get(key)
        while target is not None and target.merged_into is not None:
            target = target.merged_into
        grouped[(target.level2_key, target.name) if target else key].append(use)

    LibraryValue.objects.all().delete()
    LibraryIndicator.objects.update(uses=0)
    for key, items in grouped.items():
        indicator = existing.get(key)
        if indicator is None:
            indicator = LibraryIndicator(level1=items[0].level1, level2=items[0].level2, name=key[1])
        indicator.uses = len(items)
        indicator.save()
        indicator.departments.set([departments[u.department] for u in items if u.department in departments])
        values: dict[str, list[str]] = defaultdict(list)
        for item in items:
            if item.value.strip():
                values[item.value.strip()].append(item.department)
        LibraryValue.objects.bulk_create(
            LibraryValue(
                indicator=indicator,
                text=text,
                uses=len(names),
                departments="、".join(sorted(set(names)))[:500],
            )
            for text, names in values.items()
        )
    # Keep what was curated (and merged ones, which redirect future uses); drop what nothing uses now.
    LibraryIndicator.objects.filter(
        uses=0, recommended=False, retired=False, merged__isnull=True, merged_into__isnull=True
    ).delete()
    return LibraryIndicator.objects.count()
