"""What every page in every app uses: the access-checked getters and small response helpers.

What a user may not see is a 404: every page fetches departments and forms through these getters,
which go through ``Department.objects.visible_to`` and ``FormQuerySet.visible_to``.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header

from core.kinds import REGISTRY, KindSpec
from core.models import Department, District, FormBase


def departments_for_user(user):
    """The departments ``user`` may open, with their districts."""
    return Department.objects.visible_to(user).select_related("district")


def districts_for_user(user):
    """The districts of the departments ``user`` may open."""
    return District.objects.filter(departments__in=departments_for_user(user)).distinct().order_by("name")


def job_district(districts, district: int) -> int:
    """The district a page's background job works on: the page's own, or the only one the user sees.

    A page has one district selector; 0 (every district) leaves the job without one.
    """
    if district:
        return district
    return districts[0].pk if len(districts) == 1 else 0


def department_for_user(user, pk: int) -> Department:
    return get_object_or_404(departments_for_user(user), pk=pk)


def prepared_department(user, pk: int) -> Department:
    """A department whose forms ``user`` fills in; anyone else gets a 404."""
    department = department_for_user(user, pk)
    if not user.prepares(department):
        raise Http404
    return department


def page_kind(slug: str) -> KindSpec:
    spec = REGISTRY.get(slug)
    if spec is None or spec.slug != slug:
        raise Http404("没有这种表格。")
    return spec


def form_for_user(user, slug: str, pk: int) -> tuple[KindSpec, FormBase]:
    """The form ``pk`` of kind ``slug`` if ``user`` may see it, else 404."""
    spec = page_kind(slug)
    queryset = spec.model.objects.visible_to(user).select_related("department__district", "updated_by")
    return spec, get_object_or_404(queryset, pk=pk)


def require_preparer(user) -> Department:
    if not user.is_preparer:
        raise PermissionDenied("只有填报人可以新建或修改表格。")
    return user.department


def require_district_reader(user) -> None:
    """The district-wide pages (overview, results, batch jobs) are not a preparer's."""
    if user.is_preparer:
        raise Http404


# A query parameter beyond a 64-bit integer is no id or year: SQLite cannot even compare it.
INT_PARAM_LIMIT = 2**63 - 1


class IdConverter:
    """The URL converter ``id``: digits within ``INT_PARAM_LIMIT`` (a longer number matches no page)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > INT_PARAM_LIMIT:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)


def int_param(value, default: int) -> int:
    """An integer typed into a URL or a form, or ``default`` (not a number, or beyond 64 bits)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if -INT_PARAM_LIMIT <= number <= INT_PARAM_LIMIT else default


def edit_url(spec: KindSpec, form: FormBase) -> str:
    return reverse("form-edit", args=[spec.slug, form.pk])


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    return response
