from django.conf import settings
from django.template.response import TemplateResponse


class RequestSizeLimitMiddleware:
    """Refuse an oversized body before anything reads it.

    Django would otherwise stream a 200 MB upload to a temporary file before
    the view can say no (the CSRF check reads the form first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_UPLOAD_BYTES + 64 * 1024  # room for the other form fields
        if length > limit:
            response = TemplateResponse(
                request,
                "request_too_large.html",
                {"size_mb": length / 1024 / 1024, "limit_mb": settings.MAX_UPLOAD_BYTES / 1024 / 1024},
                status=413,
            )
            response["Connection"] = "close"
            return response.render()
        return self.get_response(request)
