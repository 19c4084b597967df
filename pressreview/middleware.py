from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from pressreview.inputs import InvalidInput


class RequestSizeLimitMiddleware:
    """Refuse an oversized body before anything reads it.

    Django would otherwise stream a 200 MB upload to a temporary file before
    the view can say no (the CSRF check reads the form first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def limit(self, request) -> int:
        """The largest body this request may have, in bytes."""
        return settings.MAX_UPLOAD_BYTES

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self.limit(request)
        if length > limit + 64 * 1024:  # room for the other form fields
            response = TemplateResponse(
                request,
                self.template_for(request),
                {"size_mb": length / 1024 / 1024, "limit_mb": limit / 1024 / 1024},
                status=413,
            )
            # No "Connection: close": a WSGI application may not send hop-by-hop
            # headers (PEP 3333); the development server fails on one with a 500
            # and gunicorn drops it.
            return response.render()
        return self.get_response(request)

    def template_for(self, request) -> str:
        """The page shown when the body is over ``limit``."""
        return "request_too_large.html"


class InvalidInputMiddleware:
    """Answer ``InvalidInput`` (an id or value that no form of ours sends) with a
    400 page that says what was wrong, in development too (Django's own 400
    in DEBUG is a traceback page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        # PostgreSQL refuses a NUL in text, and no field of ours takes one: refused
        # here rather than in each query that would fail on it. (The CSRF check
        # before this reads the form of a POST the same way.)
        for data in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
            if any("\x00" in text for key, values in data.lists() for text in (key, *values)):
                return self.refuse(request, _("The request contains a NUL character, which no field accepts."))
        return None

    def process_exception(self, request, exception):
        if not isinstance(exception, InvalidInput):
            return None
        return self.refuse(request, str(exception))

    def refuse(self, request, message: str):
        if request.resolver_match and request.resolver_match.namespace == "api":
            return JsonResponse({"detail": message}, status=400)
        response = TemplateResponse(request, "bad_request.html", {"message": message}, status=400)
        return response.render()


CSP_HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` on every response that has no policy yet.

    A view that needs another policy (the digest e-mail, styled inline for mail
    clients) sets its own with ``@content_security_policy``; this middleware
    leaves it as it is. One fixed policy without nonces or per-request sources
    is a header and a decorator: our own lines rather than django-csp, whose
    directive-by-directive settings and nonce machinery we would not use.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's technical 404 and 500 pages style and script themselves
        # inline; in DEBUG they stay readable (django-csp exempts them too).
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        response.setdefault(CSP_HEADER, settings.CONTENT_SECURITY_POLICY)
        return response


def content_security_policy(policy: str):
    """Send ``policy`` rather than the site's policy on this view's responses."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response[CSP_HEADER] = policy
            return response

        return wrapped

    return decorator
