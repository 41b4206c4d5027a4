from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    """Targets declared before the year: department declarations, target tables, project targets."""

    name = "declarations"
    verbose_name = "绩效目标申报"

    def ready(self) -> None:
        # The specs name this app's models, which exist only once the app registry is ready.
        from declarations.kinds import register_kinds

        register_kinds()
