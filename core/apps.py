from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    """What every form shares: districts, departments, users, the form base, money, the audit log."""

    name = "core"
    verbose_name = "机构与用户"

    def ready(self):
        from core import throttle  # noqa: F401  (connects the login signals; needs the models)

        # Each form app describes its kinds in its ``kinds.py``, which registers them on import: like
        # the admin's ``admin.py``, discovered here once every app's models are loaded, so the registry
        # fills without this layer importing the apps above it.
        autodiscover_modules("kinds")
