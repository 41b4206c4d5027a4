from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    """Self-evaluation after the year: department-wide and per project."""

    name = "evaluations"
    verbose_name = "绩效自评"

    def ready(self) -> None:
        # The specs name this app's models, which exist only once the app registry is ready.
        from evaluations.kinds import register_kinds

        register_kinds()
