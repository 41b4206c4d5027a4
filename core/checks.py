"""Quality checks of a form (domain.md §3.4 and §5, the reviewers' “四性”), run on demand and on submission.

Blocking findings stop a submission; warnings are shown to the preparer and beside the form to the
reviewer. Every finding names where it is (the row, the field). The rules of each kind live with the
kind (``KindSpec.findings``, e.g. ``declarations/checks.py``); this module holds what they share and
the one entry point every page and the workflow call. The checks read the form's record, so they see
exactly what the layout prints.
"""

from dataclasses import dataclass

from core.kinds import spec_for
from core.models import FormBase

BLOCKING = "blocking"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    level: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.level == BLOCKING


def blocking(message: str) -> Finding:
    return Finding(BLOCKING, message)


def warning(message: str) -> Finding:
    return Finding(WARNING, message)


def form_findings(form: FormBase, record: dict | None = None) -> list[Finding]:
    """Every finding of ``form``, blocking ones first; ``record`` spares reading the form again."""
    spec = spec_for(form)
    data = spec.record(form) if record is None else record
    findings = [Finding(BLOCKING, problem) for problem in form.arithmetic_problems()]
    findings += spec.findings(form, data)
    return sorted(findings, key=lambda finding: not finding.blocking)


def empty(text) -> bool:
    return not str(text or "").strip()


def required_parts(parts: list[tuple[str, object]]) -> list[Finding]:
    """“X未填写” for each ``(label, value)`` left empty."""
    return [blocking(f"“{label}”未填写。") for label, value in parts if not value or empty(value)]
