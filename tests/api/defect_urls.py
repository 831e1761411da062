"""The site's URLs plus two that fail with a defect — a page and an API operation (on an API
with the platform's error handlers) — to see what a 500 looks like. Used with ``urls=`` or
``settings.ROOT_URLCONF`` in tests only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from motcua.api.errors import Utf8JSONRenderer, install_error_handlers
from motcua.urls import handler400, handler403, handler404, handler500
from motcua.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class DefectError(RuntimeError):
    pass


def failing_page(request: HttpRequest) -> HttpResponse:
    raise DefectError("a defect in a page")


defect_api = NinjaAPI(urls_namespace="defect-api", renderer=Utf8JSONRenderer(), docs_url=None)
install_error_handlers(defect_api)


@defect_api.get("/operation")
def failing_operation(request: HttpRequest) -> dict[str, str]:
    raise DefectError("a defect in an API operation")


urlpatterns = [
    path("trang-loi/", failing_page),
    path("api/v1/defect/", defect_api.urls),
    *site_urlpatterns,
]
