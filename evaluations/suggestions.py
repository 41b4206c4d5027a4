"""Suggestions for a project self-evaluation from elsewhere in the cycle (e.g. the mid-year monitoring).

The apps that know such figures sit above this one (``monitoring`` imports ``evaluations``, never the
other way): they register a provider here in their ``AppConfig.ready()``. The entry page shows each
suggestion beside its field with a button that fills it in; nothing is copied into the form unless the
preparer clicks (domain.md §7: monitoring forecasts are where the 实际完成值 is expected to land).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    """A value proposed for one field: a fund amount (``field`` names it) or an indicator's 实际完成值."""

    field: str  # "executed_current", "executed_other", … or "actual_value" for an indicator
    value: str
    source: str  # where it comes from, in words: “2025年1—7月自行监控：全年预计执行数”
    indicator: str = ""  # the 三级 indicator's name, for an indicator suggestion


# provider(evaluation) -> suggestions: a ProjectEvaluation in, what some other form proposes out.
Provider = Callable[[object], list[Suggestion]]
PROVIDERS: list[Provider] = []


def register_provider(provider: Provider) -> None:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def suggestions_for(evaluation) -> list[Suggestion]:
    return [suggestion for provider in PROVIDERS for suggestion in provider(evaluation)]
