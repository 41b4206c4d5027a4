from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    """The indicator tree: schemes of 一级/二级 categories, 三级 rows, and reading their text."""

    name = "indicators"
    verbose_name = "绩效指标体系"
