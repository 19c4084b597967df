from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Followed sources"

    def ready(self):
        from sources import checks  # noqa: F401 - registers the deployment checks
