"""What changed in a department's indicators from one year to the next (added, removed, raised, lowered)."""

from dataclasses import dataclass

from indicators.models import level2_key
from indicators.target_values import Direction, read_target

ADDED, REMOVED, RAISED, LOWERED, CHANGED = "新增", "删除", "目标提高", "目标降低", "目标改变"


@dataclass(frozen=True)
class IndicatorChange:
    status: str
    level2: str
    name: str
    before: str = ""
    after: str = ""


def _direction_of_change(before: str, after: str, name: str) -> str:
    """Raised means harder to reach: a higher ≥ target or a lower ≤ target, in the same unit."""
    old, new = read_target(before, name), read_target(after, name)
    if not (old.quantitative and new.quantitative) or old.compound or new.compound or old.unit != new.unit:
        return CHANGED
    if old.direction != new.direction or old.number == new.number:
        return CHANGED
    harder = new.number > old.number if new.direction == Direction.POSITIVE else new.number < old.number
    return RAISED if harder else LOWERED


def indicator_changes(before: list[dict], after: list[dict]) -> list[IndicatorChange]:
    """Indicators matched by their 二级 and 三级 name (the 二级 of either scheme)."""

    def keyed(rows):
        return {(level2_key(row["level2"]), row["name"].strip()): row for row in rows}

    old, new = keyed(before), keyed(after)
    changes = []
    for key, row in new.items():
        if key not in old:
            changes.append(
                IndicatorChange(ADDED, row["level2"], row["name"], after=row.get("annual_value", ""))
            )
            continue
        previous, current = old[key].get("annual_value", ""), row.get("annual_value", "")
        if previous != current:
            status = _direction_of_change(previous, current, row["name"])
            changes.append(IndicatorChange(status, row["level2"], row["name"], previous, current))
    changes += [
        IndicatorChange(REMOVED, row["level2"], row["name"], before=row.get("annual_value", ""))
        for key, row in old.items()
        if key not in new
    ]
    return changes
