"""Writing the audit trail. Call inside the transaction that makes the change."""

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditEntry
from core.money import amount_text


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        # As the records write it: the stored 4855.110000 and the typed 4855.11 are the same amount.
        return amount_text(value)
    return str(value)


def diff_fields(before: models.Model | None, after: models.Model, fields: Iterable[str]) -> dict:
    """``{field: [old, new]}`` for the concrete fields that differ between two instances."""
    changes = {}
    for name in fields:
        old = _as_text(getattr(before, name)) if before is not None else None
        new = _as_text(getattr(after, name))
        if old != new:
            changes[name] = [old, new]
    return changes


def audit_record(
    *,
    obj: models.Model,
    action: str,
    user=None,
    changes: dict | None = None,
    message: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        changes=changes or {},
        message=message,
    )
