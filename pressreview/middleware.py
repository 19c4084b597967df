from django.conf import settings
from django.template.response import TemplateResponse


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
            response["Connection"] = "close"
            return response.render()
        return self.get_response(request)

    def template_for(self, request) -> str:
        """The page shown when the body is over ``limit``."""
        return "request_too_large.html"
