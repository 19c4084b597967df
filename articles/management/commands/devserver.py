"""`runserver` as `manage.py serve` runs it: static files answered 404 for a
path that leads out of the static folders, rather than a 500."""

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.core.exceptions import SuspiciousFileOperation
from django.core.handlers.exception import response_for_exception
from django.http import Http404


class ConfinedStaticFilesHandler(StaticFilesHandler):
    """Django's handler answers Http404 for a missing file but lets the finders'
    SuspiciousFileOperation (``/static/..%2F..%2Fsettings.py``) through as a 500;
    the file is never served either way, and this says so with a 404."""

    def get_response(self, request):
        try:
            return self.serve(request)
        except (Http404, SuspiciousFileOperation):
            return response_for_exception(request, Http404("No such static file."))


class Command(RunserverCommand):
    help = "Run the development web server (static files served from the static folders only)."

    def get_handler(self, *args, **options):
        handler = super().get_handler(*args, **options)
        if isinstance(handler, StaticFilesHandler):
            return ConfinedStaticFilesHandler(handler.application)
        return handler
