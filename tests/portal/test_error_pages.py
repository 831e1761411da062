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
