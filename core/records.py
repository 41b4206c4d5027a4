"""Helpers for the interchange shape of forms (the dicts of ``fixtures/seeds/*.json``)."""

from core.money import amount_text
from core.richtext import rich_text_plain

__all__ = ["amount_text", "amounts", "data_differences"]


def amounts(obj, fields) -> dict[str, str]:
    return {field: amount_text(getattr(obj, field)) for field in fields}


FIELD_LABELS = {
    "budget": "预算整体情况",
    "income": "预算收入",
    "funds": "资金",
    "tasks": "任务",
    "indicators": "绩效指标",
    "key_indicators": "关键指标",
    "blocks": "目标",
    "annual": "本年",
    "three_year": "三年期",
    "name": "名称",
    "annual_value": "年度指标值",
    "period_value": "实施周期指标值",
    "amount": "资金",
    "overall_goal": "总体绩效目标",
    "goal": "目标",
    "projects": "项目",
}


def data_differences(old, new, path: str = "") -> list[tuple[str, str, str]]:
    """``(where, approved, now)`` for every value that differs between two records."""
    if isinstance(old, dict) and isinstance(new, dict):
        differences = []
        for key in dict.fromkeys([*old, *new]):
            label = FIELD_LABELS.get(key, key)
            differences += data_differences(
                old.get(key), new.get(key), f"{path} / {label}" if path else label
            )
        return differences
    if isinstance(old, list) and isinstance(new, list):
        differences = []
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else None
            after = new[index] if index < len(new) else None
            differences += data_differences(before, after, f"{path}第{index + 1}项")
        return differences
    if old != new:
        return [(path, _plain(old), _plain(new))]
    return []


def _plain(value) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, dict | list):
        return "；".join(f"{v}" for v in (value.values() if isinstance(value, dict) else value))
    return rich_text_plain(str(value)) if "<" in str(value) else str(value)


def _empty(value) -> bool:
    return value in (None, "", [], {}) or (
        isinstance(value, str) and value.strip() in {"", "0.00", "<p></p>"}
    )


def _count(value) -> int:
    return len(value) if isinstance(value, list) else 0


def removals(
    old, new, path: str = "", *, skip: set[str] = frozenset(), labels: dict[str, str] | None = None
) -> list[str]:
    """What a change from record ``old`` to ``new`` deletes, in words: fewer rows in a list
    (“任务：现有5项，将只剩0项”), a text or amount emptied (“总体绩效目标：现为“…”，将被清空”).
    ``labels`` name the keys beyond ``FIELD_LABELS`` (a model's verbose names)."""
    labels = {**(labels or {}), **FIELD_LABELS}
    if isinstance(old, dict):
        new = new if isinstance(new, dict) else {}
        found = []
        for key, value in old.items():
            if key in skip:
                continue
            label = labels.get(key, key)
            found += removals(value, new.get(key), f"{path} / {label}" if path else label, labels=labels)
        return found
    if isinstance(old, list):
        new = new if isinstance(new, list) else []
        found = []
        if len(new) < len(old):
            found.append(f"{path}：现有{len(old)}项，将只剩{len(new)}项")
        for index, (before, after) in enumerate(zip(old, new, strict=False)):
            found += removals(before, after, f"{path}第{index + 1}项", labels=labels)
        return found
    if not _empty(old) and _empty(new):
        return [f"{path}：现为“{_plain(old)[:20]}”，将被清空"]
    return []
