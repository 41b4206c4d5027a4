from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    """Targets declared before the year: department declarations, target tables, project targets."""

    name = "declarations"
    verbose_name = "绩效目标申报"
