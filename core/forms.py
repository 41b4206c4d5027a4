"""The building blocks of every entry page: amount and rich-text fields, repeating rows, the indicator tree.

An entry page is an ``Editor``: a header form for the form's own fields plus named groups of rows. The
editor turns what was typed into the interchange data of ``fixtures/seeds`` and hands it to the kind's
``<kind>_replace`` service, so the browser, the seed loader and the XLSX import write through one path.

Repeating rows are plain formsets (not model formsets): a save replaces every row, so the order of the
rows on the page is the order stored, and the page script only renumbers rows after it adds, removes or
moves one.
"""

import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from core.kinds import REGISTRY
from core.models import AuditEntry, FormBase
from core.money import (
    AMOUNT_MAX,
    AMOUNT_MAX_MESSAGE,
    AMOUNT_PLACES,
    HUNDRED,
    NEGATIVE_MESSAGE,
    PLACES_MESSAGE,
    ZERO,
    ascii_number,
    format_exact_amount,
    format_points,
    is_empty_mark,
    plain_number,
)
from core.records import amount_text, data_differences
from core.richtext import clean_rich_text, rich_text_plain
from core.text import control_message

ROW_INPUT = "form-control form-control-sm"
# A value as the database or a record holds it ("4855.11", "132.912000"), as opposed to what a user typed.
PLAIN_AMOUNT = re.compile(r"-?\d+(\.\d{1,6})?")


class NumberField(forms.DecimalField):
    """A number as people type it: full-width digits and punctuation (“４８５５．１１”) read as ASCII.

    The base of every number field of the entry pages and the admin (amounts, weights, scores, rates).
    """

    def to_python(self, value):
        if isinstance(value, str):
            value = ascii_number(value)
            # One grammar (core.money.plain_number): “1,2”, “5e2”, “1_000” are refused, not guessed.
            if value and not is_empty_mark(value):
                plain = plain_number(value)
                if plain is None:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
                value = plain
        return super().to_python(value)


class AmountField(NumberField):
    """万元 to the 分 (six decimals), never negative nor above the bound; accepts “4,855.11” and full-width
    input; blank, “—”, “－” or “/” (how a printed form leaves an amount empty) mean 0."""

    default_error_messages = {
        "invalid": "请输入数字（如 4,855.11）。",
        "min_value": NEGATIVE_MESSAGE,
        "max_value": AMOUNT_MAX_MESSAGE,
        "max_decimal_places": PLACES_MESSAGE,
    }

    def __init__(self, label: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            label=label,
            # No count of digits: the bound says when an amount is too large, in one message.
            max_digits=None,
            decimal_places=AMOUNT_PLACES,
            min_value=ZERO,
            max_value=AMOUNT_MAX,
            localize=True,
            widget=forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "class": "amount",
                    "autocomplete": "off",
                    "placeholder": "0.00",
                }
            ),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str) and is_empty_mark(value):
            value = ""
        if value in self.empty_values:
            return ZERO
        return super().to_python(value)

    def prepare_value(self, value):
        # Stored values ("4855.110000") are shown as a finance officer types them ("4,855.11", every
        # decimal kept: "132.912"); anything else (what a user typed, right or wrong) is shown as typed.
        # A zero is shown blank (the placeholder says 0.00): typing into a prefilled "0.00" gave "12.50.00".
        if isinstance(value, Decimal) or (isinstance(value, str) and PLAIN_AMOUNT.fullmatch(value)):
            return format_exact_amount(Decimal(value)) if Decimal(value) or not self.blank_zero else ""
        return value

    blank_zero = True


class ScoreField(NumberField):
    """分值 and 得分: two decimals, 0 to 100; blank (or “—”, “/”) stays blank (not yet scored)."""

    default_error_messages = {
        "invalid": "请输入数字（如 9.5）。",
        "min_value": "分值、得分不能为负数。",
        "max_value": "分值、得分不能超过 100。",
        "max_decimal_places": "分值、得分最多保留两位小数。",
    }

    def __init__(self, label: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            label=label,
            max_digits=None,
            decimal_places=2,
            min_value=ZERO,
            max_value=HUNDRED,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "amount", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value):
        if value is None or (isinstance(value, str) and (not value.strip() or is_empty_mark(value))):
            return None
        return super().to_python(value)

    def prepare_value(self, value):
        # A weight shows the decimals it has (“39.2”, “10”), as the layouts print it.
        if isinstance(value, Decimal) or (isinstance(value, str) and PLAIN_AMOUNT.fullmatch(value)):
            return format_points(Decimal(value))
        return value


def no_control(label: str):
    """Refuses control characters (``core.text``): typed text never holds one, and XLSX cannot."""

    def validate(value: str) -> None:
        message = control_message(f"“{label}”", value)
        if message:
            raise forms.ValidationError(message, code="control")

    return validate


class RichTextField(forms.CharField):
    """Long text kept as paragraphs: one line typed is one ``<p>``; any other markup is dropped."""

    MAX_LENGTH = 50000  # a long text on a form is a few thousand characters; this is a paste gone wrong

    def __init__(self, label: str, *, rows: int = 3, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            label=label,
            strip=True,
            max_length=self.MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": rows}),
            validators=[no_control(label)],
            error_messages={"max_length": f"“{label}”最多 %(limit_value)d 个字（现有 %(show_value)d 个）。"},
            **kwargs,
        )

    def clean(self, value):
        return clean_rich_text(super().clean(value))


# A tag in a plain-text field is a paste from a web page or an attack, never a name or a target value
# ("<5%" and "≤5%" stay allowed: a tag starts with a letter, "/", "!" or "?").
MARKUP = re.compile(r"<\s*[A-Za-z/!?]")


def no_markup(label: str):
    def validate(value: str) -> None:
        if MARKUP.search(value or ""):
            raise forms.ValidationError(
                f"“{label}”不能包含网页标记（如“<script>”），请只填文字。", code="markup"
            )

    return validate


class LineField(forms.CharField):
    """One line of text in a box that grows with it (a 三级指标, a task's name): line breaks are dropped."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r", "").replace("\n", "") if isinstance(value, str) else value


def text_field(
    label: str, *, required: bool = True, max_length: int = 300, rows: int = 0, line: bool = False
) -> forms.CharField:
    """A text field; ``rows`` for a text area, ``line`` for one line that wraps and grows as it is typed."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    if line:
        widget = forms.Textarea(attrs={"rows": 1, "data-line": "", "class": "grow"})
    return (LineField if line else forms.CharField)(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        validators=[no_markup(label), no_control(label)],
        error_messages={
            "required": f"请填写“{label}”。",
            "max_length": f"“{label}”最多 %(limit_value)d 个字。",
        },
    )


def amount_fields(model, names) -> dict[str, AmountField]:
    """Amount fields labelled like the model's fields."""
    return {name: AmountField(str(model._meta.get_field(name).verbose_name)) for name in names}


def plain_initial(values: dict, rich_fields) -> dict:
    """Initial values for a form: rich text shown as lines of plain text, amounts as typed."""
    return {key: rich_text_plain(value) if key in rich_fields else value for key, value in values.items()}


def amount_data(cleaned: dict, fields) -> dict[str, str]:
    return {field: amount_text(cleaned[field]) for field in fields}


class RowForm(forms.Form):
    """One repeating row. ``children`` names nested groups (a task's key indicators)."""

    verbose_name = "一行"
    children: dict[str, type[forms.BaseFormSet]] = {}
    rich_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        initial = kwargs.get("initial") or {}
        kwargs["initial"] = plain_initial(initial, self.rich_fields)
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{ROW_INPUT} {css}".strip()
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 2)
        self.nested = {
            name: formset_class(
                self.data if self.is_bound else None,
                prefix=f"{self.prefix}-{name}",
                initial=None if self.is_bound else initial.get(name, []),
            )
            for name, formset_class in self.children.items()
        }

    def has_changed(self) -> bool:
        return super().has_changed() or any(formset.has_changed() for formset in self.nested.values())

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return all([valid, *(formset.is_valid() for formset in self.nested.values())])

    def row_data(self) -> dict:
        data = dict(self.cleaned_data)
        for name, formset in self.nested.items():
            data[name] = formset.row_data()
        return data

    def has_errors(self) -> bool:
        return bool(self.errors) or any(
            formset.non_form_errors() or any(form.has_errors() for form in formset.forms)
            for formset in self.nested.values()
        )


class BaseRowFormSet(forms.BaseFormSet):
    """Rows as the page sent them, in page order; a row left entirely blank is dropped, not an error.

    Bound formsets get no initial rows: a row is "blank" when it differs from an empty row, wherever it
    moved on the page.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.empty_permitted = True
        return form

    def row_data(self) -> list[dict]:
        return [form.row_data() for form in self.forms if form.has_changed()]


def row_formset(form_class: type[RowForm]) -> type[BaseRowFormSet]:
    return forms.formset_factory(form_class, formset=BaseRowFormSet, extra=0, absolute_max=3000, max_num=2000)


def header_helper(layout=None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


def _audit_rows(form: FormBase, before: dict, after: dict) -> None:
    """Add the changed rows (“任务第2项 / 资金”: [old, new]) to the form's update entry of this save."""
    # The form's own fields are already in the entry; rows are the values inside lists (“…第N项…”).
    changes = {where: [old, new] for where, old, new in data_differences(before, after) if "项" in where}
    entry = (
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(form), object_id=form.pk)
        .order_by("-id")
        .first()
    )
    if entry is not None and changes:
        entry.changes = {**entry.changes, **changes}
        entry.save(update_fields=["changes"])


# The last input of every entry form (templates/forms/_edit_base.html). A browser sends the fields in page
# order, so a body cut short by a dropped connection lacks it: such a POST is refused whole, never saved
# as if the missing rows and texts had been deleted.
COMPLETE_FIELD = "entry_complete"
COMPLETE_VALUE = "1"
TRUNCATED_MESSAGE = "提交的内容不完整（可能网络中断），未保存，请重新提交。"


def post_is_complete(data) -> bool:
    """Whether a POST of an entry page reached its last input (``COMPLETE_FIELD``)."""
    return data is not None and data.get(COMPLETE_FIELD) == COMPLETE_VALUE


class VersionForm(forms.Form):
    """The version the editor loaded: a save based on an older version is refused (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class Editor:
    """The forms of one entry page and the way from them to the kind's service.

    Subclasses set ``kind``, ``header_class`` (a form for the form's own fields) and ``groups``
    (formsets of rows by name), and implement ``initial()`` (the stored record, ``self.record``, as page
    values) and ``to_data()`` (the page as a record, which the kind's ``load`` writes).
    """

    header_class: type[forms.Form]
    groups: dict[str, type[BaseRowFormSet]] = {}
    template_name: str

    def __init__(self, obj: FormBase, data=None, *, initial: dict | None = None, record: dict | None = None):
        self.object = obj
        self.data = data
        self.spec = REGISTRY[self.kind.value]
        # The stored record: the page's starting values, and what the checks and the audit compare.
        self._record = record
        if initial is None:
            # A bound page shows what was sent; the stored values are only needed to start editing.
            initial = {} if data is not None else self.initial()
        self.initial_values = initial
        self.version_form = VersionForm(data, initial={"version": obj.version})
        self.header = self.header_class(data, initial=initial.get("header", {}), **self.header_kwargs())
        rows = (lambda name: None) if data is not None else (lambda name: initial.get(name, []))
        self.formsets = {
            name: formset_class(data, prefix=name, initial=rows(name))
            for name, formset_class in self.groups.items()
        }
        self.tree = self.make_tree(data, initial)

    @property
    def record(self) -> dict:
        if self._record is None:
            self._record = self.spec.record(self.object)
        return self._record

    # --- subclasses ---------------------------------------------------------------------------
    def initial(self) -> dict:
        raise NotImplementedError

    def make_tree(self, data, initial):
        return None

    def header_kwargs(self) -> dict:
        """Arguments of the header form beyond its data (e.g. the fields the form's layout shows)."""
        return {}

    def to_data(self) -> dict:
        raise NotImplementedError

    @transaction.atomic
    def save(self, *, user, expected_version: int) -> FormBase:
        """Write the page through the kind's ``load``; the audit entry also lists the rows that changed."""
        before = self.record
        saved = self.spec.load(
            department=self.object.department,
            year=self.object.year,
            data=self.to_data(),
            user=user,
            expected_version=expected_version,
            message="网页填报",
            instance=self.object,
        ).form
        _audit_rows(saved, before, self.spec.record(saved))
        return saved

    # --- shared -------------------------------------------------------------------------------
    @property
    def is_bound(self) -> bool:
        return self.data is not None

    @property
    def truncated(self) -> bool:
        """A bound page whose body stops before its last input: nothing of it may be saved."""
        return self.is_bound and not post_is_complete(self.data)

    def is_valid(self) -> bool:
        if self.truncated:
            return False
        parts = [self.version_form.is_valid(), self.header.is_valid()]
        parts += [formset.is_valid() for formset in self.formsets.values()]
        if self.tree is not None:
            parts.append(self.tree.is_valid())
        return all(parts)

    @property
    def expected_version(self) -> int:
        return self.version_form.cleaned_data["version"]

    def error_count(self) -> int:
        count = len(self.header.errors)
        for formset in self.formsets.values():
            count += sum(1 for form in formset.forms if form.has_errors())
        if self.tree is not None:
            count += self.tree.error_count()
        return count


class ImportForm(forms.Form):
    MAX_BYTES = 10 * 1024 * 1024

    file = forms.FileField(
        label="XLSX 文件",
        help_text=(
            "本系统导出的 XLSX（可离线修改后导入），或按正式版式填写的任何 XLSX（财政局模板、WPS 另存等，"
            "按表头文字识别，导入前先预览）；导入后成为草稿，原有内容被文件内容替换。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 XLSX 文件。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = header_helper()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("文件超过 10 MB，不予读取。")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只能导入 .xlsx 文件。")
        return upload
