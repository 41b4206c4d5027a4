from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Mid-year monitoring of approved project targets (绩效运行监控, “双监控”)."""

    name = "monitoring"
    verbose_name = "绩效运行监控"

    def ready(self) -> None:
        # The spec and the suggestion provider name this app's models, which exist only once the app
        # registry is ready.
        from monitoring.kinds import register_kinds

        register_kinds()
