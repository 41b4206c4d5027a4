"""Filing 三级 rows under a scheme's categories."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from core.text import squash
from indicators.models import Category, Scheme
from indicators.serialized import SerializedIndicator, parse_indicator_cell

# “11-数量指标”, “产出指标（50分）”: a code before, a weight after the name.
CODE = re.compile(r"^[0-9]+[-.、]")
WEIGHT = re.compile(r"\([0-9.]+分\)$")


def category_key(name: str) -> str:
    """A 一级 or 二级 name as either scheme spells it: “社会效益” = “社会效益指标” = “22-社会效益指标（30分）”."""
    return WEIGHT.sub("", CODE.sub("", squash(name))).removesuffix("指标")


@dataclass
class CategoryIndex:
    """A scheme's categories by name and by code, loaded in one query."""

    scheme: Scheme
    by_names: dict[tuple[str, str], Category] = field(default_factory=dict)
    by_code: dict[str, Category] = field(default_factory=dict)
    by_keys: dict[tuple[str, str], Category] = field(default_factory=dict)

    @classmethod
    def for_scheme(cls, scheme: Scheme) -> "CategoryIndex":
        index = cls(scheme)
        for first, children in scheme.tree():
            index.by_code[first.code] = first
            for child in children:
                child.parent = first  # spare a query per str(child)
                index.by_names[(first.name, child.name)] = child
                index.by_keys[(category_key(first.name), category_key(child.name))] = child
                index.by_code[child.code] = child
        return index

    def find(self, level1: str, level2: str) -> Category | None:
        """The 二级 under the 一级 by their names, spelt as either scheme spells them, or None."""
        found = self.by_names.get((level1, level2))
        if found is None:
            found = self.by_keys.get((category_key(level1), category_key(level2)))
        return found

    def second_level(self, level1: str, level2: str, *, row: str) -> Category:
        """The 二级 named ``level2`` under the 一级 named ``level1``; ``row`` names the row in messages."""
        found = self.find(level1, level2)
        if found is None:
            raise ValidationError(f"{row}：指标体系“{self.scheme.name}”中没有“{level1} / {level2}”。")
        return found

    def from_serialized(self, item: SerializedIndicator, *, row: str) -> tuple[Category, Category | None]:
        """(二级, stated 一级 when it does not match the 二级's own 一级) of a parsed seed-003 entry.

        A mismatched pair (“2-效益指标：31-服务对象满意度”) is filed under the 二级 code, as domain.md §3.3 says.
        """
        category = self.by_code.get(item.level2_code)
        if category is None or category.parent_id is None:
            raise ValidationError(
                f"{row}：二级指标编码“{item.level2_code}-{item.level2_name}”不在指标体系中。"
            )
        stated = None
        if item.level1_code != category.parent.code:
            stated = self.by_code.get(item.level1_code)
            if stated is None or stated.parent_id is not None:
                raise ValidationError(
                    f"{row}：一级指标编码“{item.level1_code}-{item.level1_name}”不在指标体系中。"
                )
        return category, stated


def parse_cell_rows(text: str, index: CategoryIndex, *, row: str) -> tuple[list[dict], list[str]]:
    """Parse a serialized indicator cell into row dicts filed under ``index``'s categories.

    Returns the rows and the parser's warnings (mismatched pairs, a missing value); raises
    ValidationError when the cell names a category the scheme does not have.
    """
    parsed = parse_indicator_cell(text)
    rows = []
    for number, item in enumerate(parsed.indicators, start=1):
        category, stated = index.from_serialized(item, row=f"{row}第{number}条指标")
        rows.append(
            {
                "category": category,
                "stated_level1": stated,
                "name": item.name,
                "period_value": item.period_value,
                "annual_value": item.annual_value,
            }
        )
    return rows, [f"{row}：{problem}" for problem in parsed.problems]
