"""The indicator table edited as the tree it is: one group of 三级 rows under every 二级 of the scheme."""

from dataclasses import dataclass

from django import forms

from core.forms import RowForm, row_formset, text_field
from indicators.models import Scheme
from indicators.services import CategoryIndex


class IndicatorRowForm(RowForm):
    verbose_name = "三级指标"
    name = text_field("三级指标", line=True)
    period_value = text_field("实施周期指标值", required=False)
    annual_value = text_field("年度指标值", required=False)
    # A pasted seed-003 entry may pair a 二级 with another 一级; the stated code is kept for review.
    stated_level1_code = forms.CharField(required=False, widget=forms.HiddenInput)

    @property
    def stated_level1_note(self) -> str:
        code = self["stated_level1_code"].value() if "stated_level1_code" in self.fields else ""
        return f"原表填写的一级指标编码为{code}，与二级不符" if code else ""


@dataclass
class Branch:
    """One 二级 with its rows."""

    category: object
    formset: forms.BaseFormSet
    offset: int = 0  # rows of the tree above this 二级: the page numbers 三级 rows as findings do

    @property
    def prefix(self) -> str:
        return self.formset.prefix


class IndicatorTree:
    """Formsets of 三级 rows keyed by 二级, in the scheme's order; every 二级 shown even when empty.

    ``rows`` are the interchange dicts (level1, level2, name, values…); ``to_rows()`` gives them back in
    the order of the tree, which is the order the official layout prints.
    """

    def __init__(self, scheme: Scheme, data=None, rows=(), *, form_class=IndicatorRowForm, prefix="ind"):
        self.prefix = prefix
        self.index = CategoryIndex.for_scheme(scheme)
        self.scheme = scheme
        by_category: dict[tuple[str, str], list[dict]] = {}
        for row in rows:
            by_category.setdefault((row["level1"], row["level2"]), []).append(row)
        self.unknown = [key for key in by_category if key not in self.index.by_names]
        formset_class = row_formset(form_class)
        self.levels = []
        for first, children in scheme.tree():
            branches = [
                Branch(
                    child,
                    formset_class(
                        data,
                        prefix=f"{self.prefix}{child.pk}",
                        initial=None if data is not None else by_category.get((first.name, child.name), []),
                    ),
                )
                for child in children
            ]
            self.levels.append((first, branches))
        above = 0
        for branch in self.branches:
            branch.offset = above
            above += len(branch.formset.forms)

    @property
    def branches(self) -> list[Branch]:
        return [branch for _first, branches in self.levels for branch in branches]

    def is_valid(self) -> bool:
        return all([branch.formset.is_valid() for branch in self.branches])

    def error_count(self) -> int:
        return sum(1 for branch in self.branches for form in branch.formset.forms if form.has_errors())

    def to_rows(self) -> list[dict]:
        rows = []
        for branch in self.branches:
            for values in branch.formset.row_data():
                row = {"level1": branch.category.parent.name, "level2": branch.category.name, **values}
                if not row.get("stated_level1_code"):
                    row.pop("stated_level1_code", None)
                rows.append(row)
        return rows

    def append(self, data, rows: list[dict]) -> None:
        """Add parsed rows to bound ``data`` (a mutable QueryDict) under their 二级, after what is there."""
        for row in rows:
            category = row["category"]
            prefix = f"{self.prefix}{category.pk}"
            total_key = f"{prefix}-TOTAL_FORMS"
            number = int(data.get(total_key) or 0)
            data[total_key] = str(number + 1)
            data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
            for field in ("name", "period_value", "annual_value"):
                data[f"{prefix}-{number}-{field}"] = row.get(field, "")
            stated = row.get("stated_level1")
            data[f"{prefix}-{number}-stated_level1_code"] = stated.code if stated else ""
