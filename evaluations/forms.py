"""Entry pages of the self-evaluations: 部门整体支出绩效自评表 and 项目支出绩效自评表."""

from dataclasses import replace
from decimal import Decimal
from functools import cached_property

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms

from core.forms import (
    AmountField,
    Editor,
    RichTextField,
    RowForm,
    ScoreField,
    amount_data,
    amount_fields,
    header_helper,
    plain_initial,
    row_formset,
    text_field,
)
from core.models import FormKind
from core.money import ascii_number, is_empty_mark
from core.records import amount_text
from evaluations import scorecard
from evaluations.layouts import GoalGroupedSheet, goal_grouped_sheet
from evaluations.models import (
    DEPARTMENT_EVALUATION_AMOUNTS,
    EVALUATION_RICH_DETAILS,
    PROJECT_EVALUATION_AMOUNTS,
    DepartmentEvaluation,
    ProjectEvaluation,
    policy_for,
)
from evaluations.scoring import score_indicator, spread_weights
from evaluations.services import NARRATIVE_FIELDS, project_evaluation_rescore
from evaluations.suggestions import suggestions_for
from indicators.forms import IndicatorRowForm, IndicatorTree
from indicators.models import form_scheme

# --- §2.4 部门整体支出绩效自评表 -----------------------------------------------------------------------


class DepartmentEvaluationHeaderForm(forms.Form):
    disclosure_label = text_field("附件编号（可不填）", required=False, max_length=20)

    def __init__(self, *args, scored: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if scored:
            # The 评分表 (evaluations/scorecard.py) prints its 附件 line and its criteria only.
            self.helper = header_helper(Layout("disclosure_label"))
            self.tail_helper = None
            return
        self.fields.update(amount_fields(DepartmentEvaluation, DEPARTMENT_EVALUATION_AMOUNTS))
        for name in NARRATIVE_FIELDS:
            label = str(DepartmentEvaluation._meta.get_field(name).verbose_name)
            self.fields[name] = RichTextField(label, rows=4)
        self.helper = header_helper(
            Layout(
                "disclosure_label",
                Fieldset(
                    "部门资金情况（单位：万元）",
                    Row(Column("adjusted_budget"), Column("initial_budget")),
                    Row(Column("actual_spending"), Column("general_public_budget")),
                ),
                Fieldset("年度目标", Row(Column("expected_goal"), Column("goal_completion"))),
            )
        )
        self.tail_helper = header_helper(Layout(*NARRATIVE_FIELDS[2:]))


class EvaluationTaskIndicatorForm(RowForm):
    verbose_name = "关键指标"
    name = text_field("关键指标", line=True)
    completion = text_field("指标完成情况", required=False, max_length=20000, rows=2)


class EvaluationTaskForm(RowForm):
    verbose_name = "任务"
    rich_fields = ("expected", "completion")
    children = {"indicators": row_formset(EvaluationTaskIndicatorForm)}

    name = text_field("任务", line=True)
    expected = RichTextField("预期目标", rows=2)
    completion = RichTextField("目标完成情况", rows=2)
    amount = AmountField("任务涉及资金（万元）")


TASK_ROWS = row_formset(EvaluationTaskForm)


class DepartmentEvaluationEditor(Editor):
    kind = FormKind.SELF_EVALUATION
    template_name = "evaluations/edit_department_evaluation.html"
    header_class = DepartmentEvaluationHeaderForm

    @cached_property
    def scored(self) -> bool:
        """Whether the district's layout is a scored 评分表: the page then asks for its criteria only."""
        variant = self.spec.variant(self.spec.chosen_layout(self.object.department, self.object.year))
        return variant is not None and "criteria" in variant.fields

    @property
    def groups(self) -> dict:
        return {"criteria": scorecard.CriterionFormSet} if self.scored else {"tasks": TASK_ROWS}

    def header_kwargs(self) -> dict:
        return {"scored": self.scored}

    def initial(self) -> dict:
        data = self.record
        if self.scored:
            return {
                "header": {"disclosure_label": data["attachment_label"]},
                "criteria": data.get("criteria", []),
            }
        header = {
            "disclosure_label": data["attachment_label"],
            **plain_initial({name: data[name] for name in NARRATIVE_FIELDS}, NARRATIVE_FIELDS),
            **data["funds"],
        }
        return {"header": header, "tasks": data["tasks"]}

    def to_data(self) -> dict:
        header = self.header.cleaned_data
        if self.scored:
            # Only what the 评分表 prints: the funds, narratives and tasks keep their stored values.
            return {
                "attachment_label": header["disclosure_label"],
                "criteria": self.formsets["criteria"].row_data(),
            }
        return {
            "attachment_label": header["disclosure_label"],
            "funds": amount_data(header, DEPARTMENT_EVALUATION_AMOUNTS),
            **{name: header[name] for name in NARRATIVE_FIELDS},
            "tasks": self.formsets["tasks"].row_data(),
        }


# --- §2.5 项目支出绩效自评表 --------------------------------------------------------------------------


class ProjectEvaluationHeaderForm(forms.Form):
    project_name = text_field("项目名称", max_length=200)
    competent_department = text_field("主管部门", required=False, max_length=120)
    implementing_unit = text_field("实施单位", required=False, max_length=120)
    budget_weight = ScoreField("预算执行率分值")
    expected_goal = RichTextField("年度总体目标：预期目标", rows=4)
    actual_completion = RichTextField("年度总体目标：实际完成情况", rows=4)

    def __init__(self, *args, sheet: GoalGroupedSheet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        # The fund cells the layout prints (a form grouped by goal has the year's 财政资金 only).
        self.fund_fields = sheet.fund_fields if sheet else PROJECT_EVALUATION_AMOUNTS
        self.fields.update(amount_fields(ProjectEvaluation, self.fund_fields))
        for name in self.fund_fields:
            # The grid is drawn by the template, not by crispy: style the inputs here.
            self.fields[name].widget.attrs["class"] = "amount form-control form-control-sm"
        project_row = Row(
            Column("project_name", css_class="col-md-6"),
            Column("competent_department"),
            Column("implementing_unit"),
        )
        if sheet is None:
            self.helper = header_helper(Layout(project_row))
            self.goal_helper = header_helper(
                Layout(Row(Column("expected_goal"), Column("actual_completion")))
            )
            return
        # The layout's own fields, and no 年度总体目标 block (its goals are the groups of rows).
        del self.fields["expected_goal"], self.fields["actual_completion"]
        self.fields["implementing_unit"].label = "项目实施单位"
        for name, choices in sheet.options.items():
            label_text = str(ProjectEvaluation._meta.get_field(name).verbose_name)
            self.fields[name] = forms.ChoiceField(
                label=label_text,
                required=False,
                choices=[
                    ("", "（未选）"),
                    *((choice, f"{n}、{choice}") for n, choice in enumerate(choices, 1)),
                ],
                error_messages={"invalid_choice": f"“{label_text}”只能从所列选项中选择。"},
            )
        self.fields["filled_on"] = forms.DateField(
            label="填报日期",
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": "“填报日期”不是有效日期，请按“2021-03-10”填写。"},
        )
        for name in EVALUATION_RICH_DETAILS:
            self.fields[name] = RichTextField(
                str(ProjectEvaluation._meta.get_field(name).verbose_name), rows=3
            )
        self.details = [*sheet.options, "filled_on", *EVALUATION_RICH_DETAILS]
        self.helper = header_helper(
            Layout(
                project_row,
                Row(*(Column(name) for name in (*sheet.options, "filled_on"))),
            )
        )
        self.goal_helper = header_helper(Layout(Row(*(Column(name) for name in EVALUATION_RICH_DETAILS))))

    def clean_budget_weight(self):
        return self.cleaned_data["budget_weight"] or 0

    def fund_grid(self):
        """Rows of the 项目资金 grid: (label, [bound field per column])."""
        if self.sheet is not None:
            return [("年度财政资金总额", [self[name] for name in self.fund_fields])]
        return [
            (label, [self[f"{column}_{source}"] for column, _ in ProjectEvaluation.COLUMNS])
            for source, label in ProjectEvaluation.SOURCES
        ]


def _decimal(value) -> Decimal:
    """A typed weight for a proposal (what the page sent, right or wrong): anything not a number is 0."""
    text = ascii_number(str(value or "")).replace(",", "")
    try:
        number = Decimal(text) if text and not is_empty_mark(text) else Decimal("0")
    except ArithmeticError:
        return Decimal("0")
    return number if number.is_finite() else Decimal("0")


def _proposal(form, policy):
    return score_indicator(
        form["annual_value"].value() or "",
        form["actual_value"].value() or "",
        _decimal(form["weight"].value()),
        name=form["name"].value() or "",
        policy=policy,
    )


class ProjectEvaluationRowForm(IndicatorRowForm):
    period_value = None
    stated_level1_code = None
    actual_value = text_field("实际完成值", required=False)
    weight = ScoreField("分值")
    score = ScoreField("得分")
    deviation_reason = text_field("偏差原因分析及改进措施", required=False, max_length=20000, rows=1)

    field_order = ["name", "annual_value", "actual_value", "weight", "score", "deviation_reason"]

    def clean(self):
        cleaned = super().clean()
        weight, score = cleaned.get("weight"), cleaned.get("score")
        if score is not None and weight is not None and score > weight:
            self.add_error("score", "得分不能超过分值。")
        return cleaned

    def row_data(self) -> dict:
        data = super().row_data()
        data["weight"] = amount_text(data["weight"] or 0)
        data["score"] = None if data["score"] is None else amount_text(data["score"])
        return data


class GoalRowForm(ProjectEvaluationRowForm):
    """A row of a layout grouped by 年度绩效目标: which goal it measures; the reason is the form's own
    analysis (its per-row reason, if any, is kept, not asked for)."""

    goal = forms.IntegerField(
        label="年度绩效目标",
        required=False,
        min_value=1,
        max_value=20,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "style": "width:4.5em"}),
        error_messages={
            "invalid": "“年度绩效目标”应填序号（1、2…）。",
            "min_value": "“年度绩效目标”应在1到20之间。",
            "max_value": "“年度绩效目标”应在1到20之间。",
        },
    )
    deviation_reason = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20000)

    field_order = ["goal", "name", "annual_value", "actual_value", "weight", "score"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The column heads of the layout's tables.
        self.fields["annual_value"].label = "年初目标值（A）"
        self.fields["actual_value"].label = "实际完成值（B）"


class ProjectEvaluationEditor(Editor):
    kind = FormKind.PROJECT_SELF_EVALUATION
    template_name = "evaluations/edit_project_evaluation.html"
    header_class = ProjectEvaluationHeaderForm

    def __init__(self, obj, data=None, *, initial=None, record=None):
        super().__init__(obj, data, initial=initial, record=record)
        # One 分值 per 一级 of the scheme: the weights this form states (domain.md §4); a layout grouped
        # by 年度绩效目标 states each goal's points as its rows' sum instead.
        stated = self.initial_values.get("level1_weights", {})
        self.level1_weight_fields = []
        for index, (first, _branches) in enumerate(self.tree.levels if self.sheet is None else []):
            name = f"level1_weight_{index}"
            self.header.fields[name] = ScoreField(f"{first.name}分值")
            self.header.initial[name] = stated.get(first.name)
            self.level1_weight_fields.append((first.name, name))

    @property
    def sheet(self) -> GoalGroupedSheet | None:
        """The district's layout for the form, where it changes the page (one grouped by goal)."""
        if not hasattr(self, "_sheet"):
            self._sheet = goal_grouped_sheet(
                self.spec.chosen_layout(self.object.department, self.object.year)
            )
        return self._sheet

    def header_kwargs(self) -> dict:
        return {"sheet": self.sheet}

    def weight_fields(self):
        return [self.header[name] for _level1, name in self.level1_weight_fields]

    def initial(self) -> dict:
        data = self.record
        header = {
            key: data[key]
            for key in ("project_name", "competent_department", "implementing_unit", "budget_weight")
        }
        goals = {key: data[key] for key in ("expected_goal", "actual_completion")}
        header.update(plain_initial(goals, goals))
        details = {
            name: data.get(name, "") for name in ("category", "attribute", "project_type", "filled_on")
        }
        header.update(details)
        header.update(
            plain_initial(
                {name: data.get(name, "") for name in EVALUATION_RICH_DETAILS}, EVALUATION_RICH_DETAILS
            )
        )
        header.update(data["funds"])
        return {
            "header": header,
            "indicators": data["indicators"],
            "level1_weights": data.get("level1_weights", {}),
        }

    def make_tree(self, data, initial):
        scheme = form_scheme(self.object, FormKind.PROJECT_SELF_EVALUATION)
        row_form = ProjectEvaluationRowForm if self.sheet is None else GoalRowForm
        tree = IndicatorTree(scheme, data, initial.get("indicators", []), form_class=row_form)
        policy = policy_for(self.object.department.district, self.object.year)
        # What other forms propose (the monitoring forecasts): shown beside the fields, never copied.
        suggestions = suggestions_for(self.object)
        self.fund_suggestions = [s for s in suggestions if not s.indicator]
        for branch in tree.branches:
            for form in branch.formset.forms:
                form.note = _proposal(form, policy).explanation
                name = (form["name"].value() or "").strip()
                form.suggestions = [s for s in suggestions if s.indicator and s.indicator == name]
        return tree

    def summary(self) -> dict:
        """总分 and 自评等级 of the stored form: computed, never typed."""
        total = self.object.total_score()
        return {
            "total": total,
            "grade": policy_for(self.object.department.district, self.object.year).grade(total),
        }

    @classmethod
    def propose_scores(cls, obj, post) -> tuple[dict, list[str]]:
        """Fill in default weights (where none are set) and the engine's proposed scores; nothing is saved."""
        data = post.copy()
        editor = cls(obj, data)
        policy = policy_for(obj.department.district, obj.year)
        rows = [(branch, form) for branch in editor.tree.branches for form in branch.formset.forms]
        if not any(_decimal(form["weight"].value()) for _branch, form in rows):
            # Spread each 一级's weight as this page states it (else the policy's) over its indicators.
            stated = {
                level1: _decimal(data.get(editor.header.add_prefix(name)))
                for level1, name in editor.level1_weight_fields
                if (data.get(editor.header.add_prefix(name)) or "").strip()
            }
            policy_here = replace(policy, level1_weights={**policy.level1_weights, **stated})
            weights = spread_weights([branch.category.parent.name for branch, _form in rows], policy_here)
            for (_branch, form), weight in zip(rows, weights, strict=True):
                data[form.add_prefix("weight")] = str(weight)
        data["budget_weight"] = data.get("budget_weight") or str(policy.budget_weight)
        scored = manual = 0
        for _branch, form in rows:
            proposal = score_indicator(
                form["annual_value"].value() or "",
                form["actual_value"].value() or "",
                _decimal(data.get(form.add_prefix("weight"))),
                name=form["name"].value() or "",
                policy=policy,
            )
            if proposal.score is None:
                manual += 1
            else:
                data[form.add_prefix("score")] = str(proposal.score)
                scored += 1
        notes = [f"已按评分规则给出 {scored} 项建议得分，请核对后保存。"]
        if manual:
            notes.append(f"{manual} 项为定性指标或无法自动比较，请按说明在区间内人工打分。")
        return data, notes

    def to_data(self) -> dict:
        header = self.header.cleaned_data
        data = {
            **{key: header[key] for key in ("project_name", "competent_department", "implementing_unit")},
            "budget_weight": amount_text(header["budget_weight"]),
            # The fund cells the page does not show keep their stored values.
            "funds": {**self.record["funds"], **amount_data(header, self.header.fund_fields)},
            "indicators": self.tree.to_rows(),
        }
        if self.sheet is not None:
            for name in self.header.details:
                value = header[name]
                data[name] = value.isoformat() if hasattr(value, "isoformat") else value or ""
            return data
        data.update({key: header[key] for key in ("expected_goal", "actual_completion")})
        data["level1_weights"] = {
            level1: amount_text(header[name])
            for level1, name in self.level1_weight_fields
            if header.get(name) is not None
        }
        return data


# --- the reviewer's scores (审核人评分) ------------------------------------------------------------------


class ReviewerScoreForm(forms.Form):
    """On the review page: the reviewer's own score of any row, within its 分值, with a reason.

    One pair of fields per indicator row; blank keeps the preparer's score. Saved through
    ``project_evaluation_rescore`` in the same transaction as the review decision.
    """

    page_template = "evaluations/_reviewer_scores.html"

    def __init__(self, evaluation, data=None):
        super().__init__(data, prefix="rescore")
        self.evaluation = evaluation
        self.rows = list(evaluation.indicators.select_related("category__parent"))
        for row in self.rows:
            self.fields[f"score_{row.pk}"] = ScoreField(f"{row.name} 审核人评分", required=False)
            self.fields[f"reason_{row.pk}"] = forms.CharField(
                label=f"{row.name} 调整理由", required=False, max_length=2000
            )
            self.initial[f"score_{row.pk}"] = row.reviewer_score
            self.initial[f"reason_{row.pk}"] = row.reviewer_reason

    def lines(self):
        return [(row, self[f"score_{row.pk}"], self[f"reason_{row.pk}"]) for row in self.rows]

    def problems(self) -> list[str]:
        return [
            f"{self.fields[name].label}：{error}" for name, errors in self.errors.items() for error in errors
        ]

    def save(self, *, user):
        scores = {
            row.pk: (self.cleaned_data[f"score_{row.pk}"], self.cleaned_data[f"reason_{row.pk}"])
            for row in self.rows
        }
        return project_evaluation_rescore(evaluation=self.evaluation, user=user, scores=scores)
