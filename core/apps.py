from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every form shares: districts, departments, users, the form base, money, the audit log."""

    name = "core"
    verbose_name = "机构与用户"

    def ready(self):
        from core import throttle  # noqa: F401  (connects the login signals)
