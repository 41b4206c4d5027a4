from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages that work on any form kind, the background tasks, demo data and the commands."""

    name = "web"
    verbose_name = "填报与审核"
