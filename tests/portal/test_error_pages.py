"""The site's own error pages — 400, 403, 404, 500 and an expired form (CSRF) — in the shared
layout, in Vietnamese by default and in English on request, with a way back; under /api/v1 the
same errors are JSON (tests/api/test_error_shape.py)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from tests.identity.world import World

pytestmark = pytest.mark.django_db

EN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "en"}


def in_the_layout(response, status: int, language: str = "vi") -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert 'class="site-header"' in page  # the shared layout: header, skip link, footer
    assert 'href="#main"' in page
    assert 'class="site-footer' in page
    assert 'href="/"' in page  # a way back to the home page
    return page


def test_page_not_found(client):
    page = in_the_layout(client.get("/khong-co-trang-nay/"), 404)
    assert "Không tìm thấy trang" in page or "Không có trang nào ở địa chỉ này" in page
    english = in_the_layout(client.get("/khong-co-trang-nay/", **EN), 404, "en")
    assert "There is no page at this address" in english


def test_an_object_outside_the_callers_reach_is_the_same_not_found_page(world_copy: World):
    page = in_the_layout(world_copy.client("applicant_b").get("/ho-so/UBND.00004-000000-0000/"), 404)
    assert "Không có trang nào ở địa chỉ này" in page


def test_a_page_for_another_kind_of_account_is_forbidden(world_copy: World):
    response = world_copy.client("applicant_a").get("/can-bo/ho-so/", **EN)
    page = in_the_layout(response, 403, "en")
    assert "This page is not available to your account" in page


def test_a_refusal_by_the_domain_is_the_sites_error_page(world_copy: World):
    """``Forbidden`` and ``NotFound`` raised by a service or selector under a page are the site's
    403 and 404 pages (``core.middleware.DomainErrorMiddleware``), with no mapping in the view."""
    handler = world_copy.client("handler_a")  # an official, but not a reception officer
    page = in_the_layout(handler.get("/can-bo/tiep-nhan/", **EN), 403, "en")
    assert "This page is not available to your account" in page
    missing = world_copy.client("applicant_a").get(f"/ho-so-nhap/{uuid.uuid4()}/dong-y/")
    assert "Không có trang nào ở địa chỉ này" in in_the_layout(missing, 404)


def test_an_unreadable_form_is_a_bad_request_page(client):
    response = client.generic("POST", "/xac-minh/", b"--x\r\n", content_type="multipart/form-data")
    page = in_the_layout(response, 400)
    assert "Không đọc được biểu mẫu" in page
    assert "Quay lại" in page  # the way back to the form


def test_a_form_without_its_token_is_an_expired_form_page(world_copy: World):
    client = Client(enforce_csrf_checks=True)
    client.cookies = world_copy.client("applicant_a").cookies
    response = client.post("/ca-nhan/kho-du-lieu/luu/", {"file": "x"}, **EN)
    page = in_the_layout(response, 403, "en")
    assert "The form has expired" in page
    assert "Reload the page" in page


@pytest.mark.urls("tests.api.defect_urls")
def test_a_server_error_page_in_the_layout_with_a_reference():
    client = Client(raise_request_exception=False)
    response = client.get("/trang-loi/", HTTP_X_REQUEST_ID="a" * 32)
    page = in_the_layout(response, 500)
    assert "Đã có lỗi xảy ra" in page
    assert "a" * 32 in page  # the request id, to quote to support
    assert "a defect" not in page  # never the exception itself
    english = in_the_layout(client.get("/trang-loi/", **EN), 500, "en")
    assert "Something went wrong" in english


@pytest.mark.parametrize("language", ["vi", "en"])
def test_with_debug_on_an_unknown_address_is_the_sites_page_not_djangos_listing(client, settings, language):
    """The demo (`make run`) runs with DEBUG on: it must still show the site's 404, never the
    technical page that lists every URL pattern."""
    settings.DEBUG = True
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE=language)
    page = in_the_layout(response, 404, language)
    assert "URLconf" not in page
    assert "thu-tuc/" not in page.replace('href="/thu-tuc/"', "")  # no list of patterns
    expected = "There is no page at this address" if language == "en" else "Không có trang nào ở địa chỉ này"
    assert expected in page
    # a 404 a view raises (an unknown procedure) is the same page
    page = in_the_layout(client.get("/thu-tuc/khong-co/", HTTP_ACCEPT_LANGUAGE=language), 404, language)
    assert expected in page
    # the API keeps its JSON shape
    api = client.get("/api/v1/khong-co", HTTP_ACCEPT_LANGUAGE=language)
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"


@pytest.mark.urls("tests.api.defect_urls")
def test_with_debug_on_a_defect_is_the_sites_500_page_and_the_traceback_is_logged(settings, caplog):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get("/trang-loi/", **EN)
    page = in_the_layout(response, 500, "en")
    assert "Something went wrong" in page
    assert "Traceback" not in page
    assert "a defect in a page" not in page
    assert any(
        record.exc_info and "a defect in a page" in str(record.exc_info[1]) for record in caplog.records
    )


def test_with_debug_on_an_unreadable_form_is_the_sites_400_page(client, settings):
    settings.DEBUG = True
    response = client.generic("POST", "/xac-minh/", b"--x\r\n", content_type="multipart/form-data", **EN)
    page = in_the_layout(response, 400, "en")
    assert "Traceback" not in page


def test_with_debug_on_a_domain_refusal_is_still_the_sites_page(world_copy: World, settings):
    settings.DEBUG = True
    missing = world_copy.client("applicant_a").get(f"/ho-so-nhap/{uuid.uuid4()}/dong-y/")
    page = in_the_layout(missing, 404)
    assert "URLconf" not in page
    assert "Không có trang nào ở địa chỉ này" in page
    refused = world_copy.client("handler_a").get("/can-bo/tiep-nhan/", **EN)
    assert "This page is not available to your account" in in_the_layout(refused, 403, "en")


def test_with_debug_on_a_forbidden_page_is_still_the_sites_403(world_copy: World, settings):
    settings.DEBUG = True
    page = in_the_layout(world_copy.client("applicant_a").get("/can-bo/ho-so/"), 403)
    assert "Django" not in page
