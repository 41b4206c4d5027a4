"""Suggestions from the indicator library while a 三级 indicator is typed."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from core.models import Department
from core.text import control_character, strip_control
from indicators.models import LibraryIndicator, LibraryValue

LIMIT = 12


@require_GET
@login_required
def suggest(request):
    """``?level2=数量指标&q=调解`` → the active library indicators of that 二级 matching ``q``.

    Each comes with its most used target values; department names are only those the user may see.
    Three queries (session, user aside): the indicators, their values, the visible departments.
    """
    # Control characters (NUL among them: PostgreSQL cannot compare a text holding one) are no part
    # of an indicator's name: they are dropped, and the answer says so.
    typed = request.GET.get("level2", "") + request.GET.get("q", "")
    level2 = strip_control(request.GET.get("level2", "")).strip()
    query = strip_control(request.GET.get("q", "")).strip()[:50]
    indicators = LibraryIndicator.objects.active().for_level2(level2)
    if query:
        indicators = indicators.filter(Q(name__icontains=query))
    indicators = list(
        indicators.prefetch_related(
            Prefetch("values", queryset=LibraryValue.objects.order_by("-uses", "text"))
        )[:LIMIT]
    )
    visible = set(Department.objects.visible_to(request.user).values_list("name", flat=True))
    return JsonResponse(
        {
            "suggestions": [
                {
                    "name": indicator.name,
                    "recommended": indicator.recommended,
                    "uses": indicator.uses,
                    "values": [
                        {
                            "text": value.text,
                            "uses": value.uses,
                            "departments": [
                                name for name in value.departments.split("、") if name in visible
                            ],
                        }
                        for value in list(indicator.values.all())[:3]
                    ],
                }
                for indicator in indicators
            ],
            **(
                {"message": f"搜索词含有不可见的控制字符（{found}），已忽略该字符。"}
                if (found := control_character(typed))
                else {}
            ),
        },
        json_dumps_params={"ensure_ascii": False},
    )
