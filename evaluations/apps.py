from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    """Self-evaluation after the year: department-wide and per project."""

    name = "evaluations"
    verbose_name = "绩效自评"
