"""Responses of the views that answer one address both ways: a full page, or
one of its fragments when htmx asks (``request.htmx``)."""

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseStopPolling


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Mark the response as depending on the HX-Request header, so that a cache
    (the browser's, behind its back button) never gives a fragment for the page
    at the same address, or the page for the fragment."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def stop_polling(response: HttpResponse) -> HttpResponseStopPolling:
    """The same content with status 286, which tells htmx to stop polling."""
    stopped = HttpResponseStopPolling(response.content)
    stopped["Content-Type"] = response["Content-Type"]
    return stopped
