from django.conf import settings
from django.urls import reverse

from pressreview import middleware


class RequestSizeLimitMiddleware(middleware.RequestSizeLimitMiddleware):
    """The project's request size limit, except on the bulk import form, which
    takes files up to IMPORT_MAX_BYTES (an archive is larger than an article).

    Like the project's limit, a larger body is refused from its declared
    length, before anything reads it.
    """

    def _is_import(self, request) -> bool:
        return request.method == "POST" and request.path_info == reverse("admin:imports_importbatch_import")

    def limit(self, request) -> int:
        return settings.IMPORT_MAX_BYTES if self._is_import(request) else super().limit(request)

    def template_for(self, request) -> str:
        return "imports/request_too_large.html" if self._is_import(request) else super().template_for(request)
