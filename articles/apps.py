from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Press review"

    def ready(self):
        from django.urls import register_converter

        from pressreview.inputs import IdConverter

        register_converter(IdConverter, "id")
