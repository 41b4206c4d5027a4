"""Entry pages of the declarations: 部门整体预算绩效目标申报表, 部门整体绩效目标表, one project's targets."""

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms

from core.forms import (
    AmountField,
    Editor,
    RichTextField,
    RowForm,
    amount_data,
    amount_fields,
    header_helper,
    plain_initial,
    row_formset,
    text_field,
)
from core.models import FormKind
from declarations.models import (
    DECLARATION_AMOUNTS,
    PROJECT_AMOUNTS,
    PROJECT_DETAILS,
    TARGET_TABLE_INCOMES,
    Declaration,
    Project,
    TargetBlock,
    TargetTable,
)
from indicators.forms import IndicatorRowForm, IndicatorTree
from indicators.models import form_scheme

# --- §2.1 部门整体预算绩效目标申报表 ------------------------------------------------------------


class DeclarationHeaderForm(forms.Form):
    RICH = ("overall_goal", "other_tasks")

    department_label = text_field("表上部门名称（可不填）", required=False, max_length=120)
    disclosure_label = text_field("公开表号（可不填）", required=False, max_length=20)
    overall_goal = RichTextField("总体绩效目标", rows=5)
    other_tasks = RichTextField("其他需完成的任务（可选填）", rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(amount_fields(Declaration, DECLARATION_AMOUNTS))
        self.helper = header_helper(
            Layout(
                Row(Column("department_label"), Column("disclosure_label")),
                Fieldset(
                    "预算整体情况（单位：万元）",
                    Row(
                        Column(Fieldset("部门预算支出", "basic_expenditure", "project_expenditure")),
                        Column(Fieldset("收入来源", "fiscal_appropriation", "other_funds")),
                    ),
                    Row(
                        Column(Fieldset("事业发展性支出", "special_funds", "other_development")),
                        Column(Fieldset("按预算级次划分", "district_level", "transfer_payment")),
                    ),
                ),
                "overall_goal",
            )
        )


class DeclarationTaskForm(RowForm):
    verbose_name = "任务"
    rich_fields = ("content", "expected_goal")

    name = text_field("名称", max_length=200, line=True)
    content = RichTextField("主要实施内容")
    amount = AmountField("拟投入的资金（万元）")
    expected_goal = RichTextField("期望达到的目标（概述）")


class DeclarationEditor(Editor):
    kind = FormKind.DECLARATION
    template_name = "declarations/edit_declaration.html"
    header_class = DeclarationHeaderForm
    groups = {"tasks": row_formset(DeclarationTaskForm)}

    def initial(self) -> dict:
        data = self.record
        header = {
            key: data[key] for key in ("department_label", "disclosure_label", "overall_goal", "other_tasks")
        }
        return {
            "header": {**plain_initial(header, DeclarationHeaderForm.RICH), **data["budget"]},
            "tasks": data["tasks"],
            "indicators": data["indicators"],
        }

    def make_tree(self, data, initial):
        scheme = form_scheme(self.object, FormKind.DECLARATION)
        return IndicatorTree(scheme, data, initial.get("indicators", []))

    def to_data(self) -> dict:
        header = self.header.cleaned_data
        return {
            "department_label": header["department_label"],
            "disclosure_label": header["disclosure_label"],
            "budget": amount_data(header, DECLARATION_AMOUNTS),
            "overall_goal": header["overall_goal"],
            "other_tasks": header["other_tasks"],
            "tasks": self.formsets["tasks"].row_data(),
            "indicators": self.tree.to_rows(),
        }


# --- §2.2 部门整体绩效目标表 -------------------------------------------------------------------------


class TargetTableHeaderForm(forms.Form):
    disclosure_label = text_field("公开表号（可不填）", required=False, max_length=20)
    duties = text_field("部门职能概述", required=False, max_length=20000, rows=6)
    other_notes = text_field("其他需要说明的情况", required=False, max_length=20000, rows=2)
    remark = text_field("备注", required=False, max_length=20000, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(amount_fields(TargetTable, TARGET_TABLE_INCOMES))
        self.helper = header_helper(
            Layout(
                "disclosure_label",
                "duties",
                Fieldset(
                    "本年度部门预算收入（单位：万元）",
                    Row(
                        Column("general_public_budget"), Column("government_fund"), Column("special_account")
                    ),
                    Row(Column("business_income"), Column("operating_income"), Column("other_income")),
                ),
            )
        )
        self.tail_helper = header_helper(Layout("other_notes", "remark"))


class TargetBlockForm(forms.Form):
    goal = text_field("目标", required=False, max_length=20000, rows=4)
    budget_completion_rate = text_field("其中：部门年度整体预算完成率", required=False, max_length=50)

    def __init__(self, *args, period: TargetBlock.Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.fields["goal"].label = "年度目标" if period == TargetBlock.Period.ANNUAL else "三年期目标"
        self.helper = header_helper()


class KeyIndicatorForm(RowForm):
    verbose_name = "关键指标"
    name = text_field("关键指标", line=True)
    value = text_field("预期实现值", required=False, line=True)


class TargetTaskIndicatorForm(RowForm):
    verbose_name = "关键性指标"
    name = text_field("任务（政策）关键性指标", line=True)
    standard = text_field("绩效标准（指标解释及预期实现值）", required=False, max_length=500, line=True)


class TargetTaskForm(RowForm):
    verbose_name = "任务"
    children = {"indicators": row_formset(TargetTaskIndicatorForm)}

    name = text_field("任务", line=True)
    goal = text_field("任务（政策）的绩效目标", required=False, max_length=20000, rows=2)
    projects = text_field("主要实施项目（项目名称）", required=False, max_length=20000, rows=2)


class TargetTableEditor(Editor):
    kind = FormKind.TARGET_TABLE
    template_name = "declarations/edit_target_table.html"
    header_class = TargetTableHeaderForm
    groups = {
        f"{period}-{name}": formset
        for period in TargetBlock.Period.values
        for name, formset in (("key", row_formset(KeyIndicatorForm)), ("tasks", row_formset(TargetTaskForm)))
    }

    def __init__(self, obj, data=None, *, initial=None, record=None):
        super().__init__(obj, data, initial=initial, record=record)
        initial = self.initial_values
        self.blocks = [
            (
                TargetBlockForm(
                    data, prefix=period.value, period=period, initial=initial.get(period.value, {})
                ),
                self.formsets[f"{period.value}-key"],
                self.formsets[f"{period.value}-tasks"],
            )
            for period in TargetBlock.Period
        ]

    def initial(self) -> dict:
        data = self.record
        initial = {
            "header": {
                **{key: data[key] for key in ("disclosure_label", "duties", "other_notes", "remark")},
                **data["income"],
            }
        }
        for period in TargetBlock.Period.values:
            block = data["blocks"].get(period, {})
            initial[period] = {
                "goal": block.get("goal", ""),
                "budget_completion_rate": block.get("budget_completion_rate", "100%"),
            }
            initial[f"{period}-key"] = block.get("key_indicators", [])
            initial[f"{period}-tasks"] = block.get("tasks", [])
        return initial

    def is_valid(self) -> bool:
        return all([super().is_valid(), *(block.is_valid() for block, _key, _tasks in self.blocks)])

    def error_count(self) -> int:
        return super().error_count() + sum(len(block.errors) for block, _key, _tasks in self.blocks)

    def to_data(self) -> dict:
        header = self.header.cleaned_data
        return {
            "disclosure_label": header["disclosure_label"],
            "duties": header["duties"],
            "income": amount_data(header, TARGET_TABLE_INCOMES),
            "other_notes": header["other_notes"],
            "remark": header["remark"],
            "blocks": {
                block.period.value: {
                    **block.cleaned_data,
                    "key_indicators": key.row_data(),
                    "tasks": tasks.row_data(),
                }
                for block, key, tasks in self.blocks
            },
        }


# --- §2.3 one project's targets ---------------------------------------------------------------------


class ProjectHeaderForm(forms.Form):
    name = text_field("项目名称", max_length=200)
    unit = text_field("资金使用单位（不填则为本部门）", required=False, max_length=120)
    goal = RichTextField("绩效目标", rows=4)

    def __init__(self, *args, shown: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(amount_fields(Project, PROJECT_AMOUNTS))
        # The optional fields the district's layout prints, and no others (``Variant.fields``).
        self.shown = [name for name in PROJECT_DETAILS if name in shown]
        for name in self.shown:
            model_field = Project._meta.get_field(name)
            if name == "overall_goal":
                self.fields[name] = RichTextField(model_field.verbose_name, rows=3, required=False)
            else:
                self.fields[name] = text_field(
                    model_field.verbose_name, required=False, max_length=model_field.max_length
                )
                self.fields[name].help_text = model_field.help_text
        if "overall_goal" in self.shown:
            self.fields["goal"].label = "年度目标"
        details = [name for name in self.shown if name != "overall_goal"]
        self.helper = header_helper(
            Layout(
                Row(Column("name", css_class="col-md-7"), Column("unit")),
                *(
                    [Fieldset("项目信息", Row(*(Column(name, css_class="col-md-4") for name in details)))]
                    if details
                    else []
                ),
                Fieldset(
                    "项目资金（单位：万元）",
                    Row(Column("fiscal_appropriation"), Column("special_account"), Column("other_funds")),
                ),
                *(["overall_goal"] if "overall_goal" in self.shown else []),
                "goal",
            )
        )


class SingleValueRowForm(IndicatorRowForm):
    """A 三级 row of a layout with one 指标值 column: the 实施周期 value is not asked for (nor lost)."""

    period_value = forms.CharField(required=False, widget=forms.HiddenInput)
    annual_value = text_field("指标值", required=False)


class ProjectEditor(Editor):
    kind = FormKind.PROJECTS
    template_name = "declarations/edit_project.html"
    header_class = ProjectHeaderForm

    def initial(self) -> dict:
        data = self.record["projects"][0]
        header = {key: data[key] for key in ("name", "goal", *PROJECT_AMOUNTS)}
        header["unit"] = self.object.unit
        header.update({name: getattr(self.object, name) for name in PROJECT_DETAILS})
        return {"header": plain_initial(header, ("goal", "overall_goal")), "indicators": data["indicators"]}

    def header_kwargs(self) -> dict:
        return {"shown": self.layout_fields()}

    def make_tree(self, data, initial):
        scheme = form_scheme(self.object, FormKind.PROJECTS)
        row_form = IndicatorRowForm if "period_value" in self.layout_fields() else SingleValueRowForm
        return IndicatorTree(scheme, data, initial.get("indicators", []), form_class=row_form)

    def layout_fields(self) -> frozenset[str]:
        """The optional fields the district's layout prints (Guangzhou's: the 实施周期 value only)."""
        if not hasattr(self, "_layout_fields"):
            variant = self.spec.variant(self.spec.chosen_layout(self.object.department, self.object.year))
            self._layout_fields = variant.fields if variant is not None else frozenset({"period_value"})
        return self._layout_fields

    def to_data(self) -> dict:
        header = self.header.cleaned_data
        return {
            "name": header["name"],
            "unit": header["unit"],
            "goal": header["goal"],
            **amount_data(header, PROJECT_AMOUNTS),
            # Only the fields on the page: the others keep their stored values (``project_replace``).
            **{name: header[name] for name in self.header.shown},
            "indicators": self.tree.to_rows(),
        }
