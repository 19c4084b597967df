from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "digests"
    verbose_name = "Digests"

    def ready(self):
        from digests import checks  # noqa: F401 - registers the deployment checks
