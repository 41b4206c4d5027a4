"""Who may see what, and the small helpers every page uses. What a user may not see is a 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header

from core.kinds import REGISTRY, KindSpec
from core.models import Department, FormBase, User

# --- access -------------------------------------------------------------------------------------------


def departments_for_user(user):
    """The departments ``user`` may open."""
    departments = Department.objects.select_related("district")
    if user.is_superuser or user.role in {User.Role.FINANCE, User.Role.ADMINISTRATOR}:
        return departments
    if user.role == User.Role.REVIEWER:
        return departments.filter(pk__in=user.reviewed_departments.values("pk"))
    return departments.filter(pk=user.department_id)


def department_for_user(user, pk: int) -> Department:
    return get_object_or_404(departments_for_user(user), pk=pk)


def page_kind(slug: str) -> KindSpec:
    spec = REGISTRY.get(slug)
    if spec is None or spec.kind.value != slug or spec.model is None:
        raise Http404("没有这种表格。")
    return spec


def form_for_user(user, slug: str, pk: int) -> tuple[KindSpec, FormBase]:
    """The form ``pk`` of kind ``slug`` if ``user`` may see it, else 404."""
    spec = page_kind(slug)
    queryset = spec.model.objects.visible_to(user).select_related("department__district", "updated_by")
    return spec, get_object_or_404(queryset, pk=pk)


def can_edit(user, form: FormBase) -> bool:
    """Only the department's own preparers edit, and only drafts and returned forms."""
    if not form.is_editable:
        return False
    return user.role == User.Role.PREPARER and user.department_id == form.department_id


def require_preparer(user) -> Department:
    if user.role != User.Role.PREPARER or user.department_id is None:
        raise PermissionDenied("只有填报人可以新建或修改表格。")
    return user.department


def int_param(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def edit_url(spec: KindSpec, form: FormBase) -> str:
    return reverse("form-edit", args=[spec.kind.value, form.pk])


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
