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
