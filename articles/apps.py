from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Press review"

    def ready(self):
        from django.urls import register_converter

        from articles.dbfunctions import sqlite_functions_register
        from pressreview.inputs import IdConverter

        register_converter(IdConverter, "id")
        connection_created.connect(sqlite_functions_register, dispatch_uid="articles.sqlite_functions")
