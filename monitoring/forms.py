"""The entry page of the 项目支出绩效目标执行监控表: what the unit reports on its approved targets.

The project, its indicators, their 年度指标值 and the 年初预算数 come from the approved targets and are
shown read-only; the unit enters 调整后预算数, 1—N月执行数, 全年预计执行数, the goal's progress, each
indicator's progress, forecast, reasons and likelihood, and the analysis. The lights of the stored form
are shown with their reasons (``summary``); they are computed, never typed.
"""

from decimal import Decimal
from functools import partial

from django import forms

from core.forms import (
    ROW_INPUT,
    AmountField,
    Editor,
    RichTextField,
    amount_data,
    plain_initial,
    text_field,
)
from core.money import ZERO, format_amount
from core.richtext import rich_text_plain
from monitoring.lights import lights_for
from monitoring.models import (
    ANALYSIS_FIELDS,
    ENTERED_AMOUNTS,
    FUND_SOURCES,
    INITIAL_AMOUNTS,
    Likelihood,
    MonitoringForm,
    Reason,
    stage_label,
)
from monitoring.records import MONITORING
from monitoring.services import RICH_FIELDS

ROW_KEYS = ("progress_value", "forecast_value", "reasons", "reason_text", "likelihood", "remark")
IDENTITY_KEYS = ("level1", "level2", "name", "annual_value")


class MonitoringHeaderForm(forms.Form):
    competent_department = text_field("主管部门", required=False, max_length=120)
    implementing_unit = text_field("实施单位", required=False, max_length=120)

    def __init__(self, *args, stage: int = 12, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ENTERED_AMOUNTS:
            label = str(MonitoringForm._meta.get_field(name).verbose_name).replace("N", str(stage))
            self.fields[name] = AmountField(label)
            self.fields[name].widget.attrs["class"] = "amount form-control form-control-sm"
        self.fields["goal_progress"] = RichTextField(f"{stage_label(stage)}执行情况", rows=3)
        for name, label in ANALYSIS_FIELDS:
            self.fields[name] = RichTextField(label, rows=3)
        for name, field in self.fields.items():
            if name not in ENTERED_AMOUNTS:
                field.widget.attrs["class"] = "form-control form-control-sm"
        self.stage = stage

    def fund_grid(self):
        """Rows of the 项目资金 grid: (source, label, [bound field per entered column])."""
        return [
            (source, label, [self[f"{column}_{source}"] for column in ("adjusted", "executed", "forecast")])
            for source, label in FUND_SOURCES
        ]


class MonitoringRowForm(forms.Form):
    """One indicator's report; the indicator itself is shown from the stored record."""

    progress_value = text_field("1—N月完成值", required=False)
    forecast_value = text_field("全年预计完成值", required=False)
    reasons = forms.MultipleChoiceField(
        label="偏差原因", choices=Reason.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason_text = text_field("偏差原因分析", required=False, max_length=20000, rows=2)
    likelihood = forms.ChoiceField(
        label="完成目标可能性",
        choices=[("", "请选择"), *Likelihood.choices],
        required=False,
        error_messages={"invalid_choice": "请从列表中选择完成目标可能性。"},
    )
    remark = text_field("备注", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        for name, field in self.fields.items():
            if name != "reasons":
                field.widget.attrs["class"] = (
                    ROW_INPUT if name != "likelihood" else "form-select form-select-sm"
                )


class FixedRowFormSet(forms.BaseFormSet):
    """The indicator rows: exactly the approved targets' rows, none added or removed, all kept."""

    def row_data(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms]


IndicatorFormSet = forms.formset_factory(
    MonitoringRowForm, formset=FixedRowFormSet, extra=0, max_num=2000, absolute_max=2000
)


class MonitoringEditor(Editor):
    kind = MONITORING
    template_name = "monitoring/edit_monitoring.html"
    header_class = MonitoringHeaderForm

    def __init__(self, obj, data=None, *, initial=None, record=None):
        self.stage = obj.round.stage
        # The header's labels name the round's stage (“1—7月执行数”).
        self.header_class = partial(MonitoringHeaderForm, stage=self.stage)
        super().__init__(obj, data, initial=initial, record=record)

    def initial(self) -> dict:
        data = self.record
        header = {key: data[key] for key in ("competent_department", "implementing_unit")}
        header.update(plain_initial({name: data[name] for name in RICH_FIELDS}, RICH_FIELDS))
        header.update({name: data["funds"][name] for name in ENTERED_AMOUNTS})
        return {
            "header": header,
            "indicators": [{key: item[key] for key in ROW_KEYS} for item in data["indicators"]],
        }

    def make_tree(self, data, initial):
        rows = None if data is not None else initial.get("indicators", [])
        self.indicators = IndicatorFormSet(data, prefix="ind", initial=rows)
        return None

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.indicators.is_valid()])

    def error_count(self) -> int:
        return super().error_count() + sum(1 for form in self.indicators.forms if form.errors)

    def rows(self):
        """(stored indicator, its light, its row form) for the template, in the order of the targets."""
        lights = lights_for(self.record).indicators
        return list(zip(self.record["indicators"], lights, self.indicators.forms, strict=False))

    def summary(self) -> dict:
        """What the page shows beside the fields: the stored form's lights, its round, the fixed amounts."""
        funds = self.record["funds"]
        initial = {name: Decimal(funds[name]) for name in INITIAL_AMOUNTS}
        return {
            "lights": lights_for(self.record),
            "round": self.object.round,
            "stage_span": stage_label(self.stage),
            "record_funds": {name: format_amount(value) for name, value in initial.items()},
            "initial_total": format_amount(sum(initial.values(), ZERO)),
            "analysis_fields": [name for name, _label in ANALYSIS_FIELDS],
            # The approved goal as plain lines: stored markup is never rendered.
            "approved_goal": rich_text_plain(self.record["goal"]),
        }

    def to_data(self) -> dict:
        header = self.header.cleaned_data
        stored = self.record["indicators"]
        indicators = []
        # Each posted row reports on the stored indicator at its place; a row too many or too few is
        # refused by the service, naming the counts.
        for index, values in enumerate(self.indicators.row_data()):
            identity = {key: stored[index][key] for key in IDENTITY_KEYS} if index < len(stored) else {}
            indicators.append({**identity, **values, "reasons": list(values.get("reasons") or [])})
        return {
            "name": self.object.name,
            "competent_department": header["competent_department"],
            "implementing_unit": header["implementing_unit"],
            "funds": amount_data(header, ENTERED_AMOUNTS),
            **{name: header[name] for name in RICH_FIELDS},
            "indicators": indicators,
        }
