"""The check constraints evaluated in Python (``core/constraints.py``) say what the database says.

For every check constraint of every model of the project, the fields it reads take each of a few
values around its bounds (NULL, below, at, above), in every combination, and the Python verdict is
compared with Django's own validation, which asks the database. On the save path the queries go.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import CheckConstraint, F, Q
from django.test.utils import CaptureQueriesContext

from core.constraints import UNSUPPORTED, evaluate, validate_constraints
from core.models import Department
from core.money import AMOUNT_MAX
from core.services import rows_replace
from declarations.models import Declaration, DeclarationTask

PROJECT_APPS = {"core", "indicators", "declarations", "evaluations", "monitoring", "publication", "web"}


def fields_of(condition) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= fields_of(child)
        else:
            key, value = child
            name, _, lookup = key.rpartition("__")
            names.add(name if lookup in {"exact", "lt", "lte", "gt", "gte", "in", "isnull"} else key)
            if isinstance(value, F):
                names.add(value.name)
    return names


def samples(field) -> list:
    if isinstance(field, models.DecimalField):
        return [None, Decimal("-1"), Decimal("0"), Decimal("5"), Decimal("100"), AMOUNT_MAX, AMOUNT_MAX + 1]
    if isinstance(field, models.IntegerField):
        return [None, -1, 0, 1, 100, 101, 2020]
    if isinstance(field, models.DateField):
        return [None, datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)]
    if isinstance(field, models.ForeignKey):
        return [None, 1]
    return ["", "preparer", "reviewer", "pdf", "docx", "approve", "return"]


CASES = [
    pytest.param(model, constraint, id=f"{model._meta.label}.{constraint.name}")
    for model in apps.get_models()
    if model._meta.app_label in PROJECT_APPS
    for constraint in model._meta.constraints
    if isinstance(constraint, CheckConstraint)
]


def test_every_check_constraint_of_the_project_is_evaluated_in_python():
    assert CASES
    unsupported = [
        case.id
        for case in CASES
        if evaluate(case.values[1].condition, case.values[0](), case.values[0]._meta) is UNSUPPORTED
    ]
    assert unsupported == []


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "constraint"), CASES)
def test_python_and_the_database_agree(model, constraint):
    names = sorted(fields_of(constraint.condition))
    fields = [model._meta.get_field(name) for name in names]
    compared = 0
    for values in itertools.product(*(samples(field) for field in fields)):
        instance = model()
        for field, value in zip(fields, values, strict=True):
            setattr(instance, field.attname, value)
        verdict = evaluate(constraint.condition, instance, model._meta)
        try:
            constraint.validate(model, instance)
            database = True
        except ValidationError:
            database = False
        assert (verdict is not False) == database, (dict(zip(names, values, strict=True)), verdict)
        compared += 1
    assert compared >= 2


@pytest.mark.django_db
def test_a_violation_has_django_s_message_and_the_rows_save_without_a_query_per_constraint(tianhe):
    form = Declaration(department=tianhe, year=2031, basic_expenditure=Decimal("-1"))
    with pytest.raises(ValidationError) as raised:
        validate_constraints(form)
    with pytest.raises(ValidationError) as django_says:
        form.validate_constraints()
    assert raised.value.messages == django_says.value.messages
    form = Declaration.objects.create(department=tianhe, year=2031)
    rows = [{"name": f"任务{n}", "content": "", "amount": Decimal(n)} for n in range(1, 21)]
    with CaptureQueriesContext(connection) as queries:
        rows_replace(DeclarationTask, parent_field="declaration", parent=form, rows=rows, label="任务")
    # The delete and one bulk insert (plus savepoints on some backends), not 20 rows × constraints.
    assert len(queries) <= 4, [q["sql"][:80] for q in queries]
    assert Department.objects.exists()
