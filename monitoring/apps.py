from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Mid-year monitoring of approved project targets (绩效运行监控, “双监控”)."""

    name = "monitoring"
    verbose_name = "绩效运行监控"
