"""Model check constraints validated without a query each.

Django validates a ``CheckConstraint`` by asking the database (``Q.check``: one ``SELECT``, and inside a
transaction a savepoint around it), so a form of twenty amounts and a hundred indicator rows costs a few
hundred queries before anything is written — most of a save's time under load. The conditions this
project uses are simple comparisons of a row's own fields (``amount__gte=0``, ``score__lte=F("weight")``,
``role="preparer"``, ``format__in=[…]``, ``x__isnull``), which Python evaluates with the database's
three-valued logic: a comparison with NULL is unknown, and an unknown condition passes (as
``Coalesce(condition, True)`` does in ``Q.check``). Any condition outside that subset is left to
Django's own query; the database constraints stay the last word either way.
"""

import operator

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Q

UNSUPPORTED = object()  # a condition this module does not evaluate: Django's query decides
_COMPARE = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def _value(instance, meta, name: str, exclude):
    """The instance's value of field ``name`` (a relation by its id); UNSUPPORTED for anything else."""
    if "__" in name:
        return UNSUPPORTED
    try:
        field = meta.get_field(name)
    except FieldDoesNotExist:
        return UNSUPPORTED
    if not field.concrete or field.name in exclude:
        return UNSUPPORTED
    return getattr(instance, field.attname)


def _leaf(instance, meta, key: str, value, exclude):
    name, _, lookup = key.rpartition("__")
    if lookup not in {*_COMPARE, "in", "isnull"}:
        name, lookup = key, "exact"
    left = _value(instance, meta, name, exclude)
    if left is UNSUPPORTED:
        return UNSUPPORTED
    if lookup == "isnull":
        return (left is None) == bool(value)
    if isinstance(value, F):
        value = _value(instance, meta, value.name, exclude)
        if value is UNSUPPORTED:
            return UNSUPPORTED
    elif hasattr(value, "resolve_expression"):
        return UNSUPPORTED
    if lookup == "exact" and value is None:
        return left is None  # Django reads ``field=None`` as ``field__isnull=True``
    if left is None or value is None:
        return None
    if lookup == "in":
        choices = [choice for choice in value if choice is not None]
        return True if left in choices else (None if len(choices) < len(value) else False)
    try:
        return _COMPARE[lookup](left, value)
    except TypeError:
        return UNSUPPORTED


def evaluate(condition, instance, meta, exclude=frozenset()):
    """True, False or None (unknown) for ``condition`` on ``instance``; UNSUPPORTED if not evaluable."""
    if not isinstance(condition, Q):
        return UNSUPPORTED
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            result = evaluate(child, instance, meta, exclude)
        elif isinstance(child, tuple) and len(child) == 2:
            result = _leaf(instance, meta, *child, exclude)
        else:
            return UNSUPPORTED
        if result is UNSUPPORTED:
            return UNSUPPORTED
        results.append(result)
    if condition.connector == Q.AND:
        verdict = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        verdict = True if True in results else (None if None in results else False)
    else:
        return UNSUPPORTED
    if condition.negated and verdict is not None:
        verdict = not verdict
    return verdict


def validate_constraints(instance, exclude=()) -> None:
    """``instance.validate_constraints(exclude)``, the check constraints evaluated in Python where they
    can be (the same errors, the same messages), the rest by Django."""
    exclude = set(exclude)
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, CheckConstraint):
                    verdict = evaluate(constraint.condition, instance, model_class._meta, exclude)
                    if verdict is not UNSUPPORTED:
                        if verdict is False:
                            raise ValidationError(
                                constraint.get_violation_error_message(), code=constraint.violation_error_code
                            )
                        continue
                constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def full_clean(instance, exclude=(), validate_unique: bool = True) -> None:
    """``instance.full_clean`` with :func:`validate_constraints` (Django skips the constraints of
    fields that failed; so does this)."""
    errors: dict = {}
    exclude = set(exclude)
    try:
        instance.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        validate_constraints(instance, exclude | set(errors))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
