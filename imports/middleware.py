from django.conf import settings
from django.template.response import TemplateResponse
from django.urls import reverse

from pressreview import middleware


class RequestSizeLimitMiddleware(middleware.RequestSizeLimitMiddleware):
    """The project's request size limit, except on the bulk import form, which
    takes files up to IMPORT_MAX_BYTES (an archive is larger than an article).

    Like the project's limit, a larger body is refused from its declared
    length, before anything reads it.
    """

    def __call__(self, request):
        if request.method != "POST" or request.path_info != reverse("admin:imports_importbatch_import"):
            return super().__call__(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.IMPORT_MAX_BYTES + 64 * 1024:  # room for the other form fields
            response = TemplateResponse(
                request,
                "imports/request_too_large.html",
                {"size_mb": length / 1024 / 1024, "limit_mb": settings.IMPORT_MAX_BYTES / 1024 / 1024},
                status=413,
            )
            response["Connection"] = "close"
            return response.render()
        return self.get_response(request)
