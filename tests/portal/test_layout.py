"""The shared layout every page uses (ADR 0037, docs/ui.md): the header with the national emblem
and the service's name, the menu, the footer with the hotline and the pages it links to, the
favicon, and buttons and choices styled by the shared stylesheet."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from django.test import Client

import motcua

CSS = (Path(motcua.__file__).parent / "portal" / "static" / "portal" / "site.css").read_text()


def _html(client: Client, url: str, language: str = "vi") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_header_shows_the_emblem_the_service_name_and_a_favicon(client):
    page = _html(client, "/")
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'class="emblem"' in header
    assert "<svg" in header
    assert "Dịch vụ công trực tuyến" in header
    assert "Cộng hòa xã hội chủ nghĩa Việt Nam" in header
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg" type="image/svg\+xml">', page)


@pytest.mark.django_db
def test_citizens_menu_has_no_api_link_but_the_footer_keeps_it(client):
    page = _html(client, "/")
    nav = page.split('class="wrap site-nav"', 1)[1].split("</nav>", 1)[0]
    assert "/api/v1" not in nav
    footer = page.split('<footer class="site-footer">', 1)[1]
    assert 'href="/api/v1/docs"' in footer


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_footer_links_to_pages_that_exist_in_both_languages(client, language):
    footer = _html(client, "/", language).split('<footer class="site-footer">', 1)[1]
    assert re.search(r'href="tel:\d+">[\d ]+</a>', footer)
    expected = {
        "vi": ["Chính sách quyền riêng tư", "Tuyên bố về khả năng tiếp cận", "Điều khoản sử dụng"],
        "en": ["Privacy notice", "Accessibility statement", "Terms of use"],
    }[language]
    for url, title in zip(
        ["/chinh-sach-quyen-rieng-tu/", "/tuyen-bo-tiep-can/", "/dieu-khoan-su-dung/"], expected, strict=True
    ):
        assert f'href="{url}"' in footer
        page = _html(client, url, language)
        assert f"<h1>{title}</h1>" in page
        assert f'<html lang="{language}">' in page


@pytest.mark.django_db
def test_the_hotline_comes_from_the_settings(client, settings):
    settings.SUPPORT_HOTLINE = "1900 1234"
    page = _html(client, "/tuyen-bo-tiep-can/")
    assert '<a href="tel:19001234">1900 1234</a>' in page
    assert "Gọi đường dây nóng 1900 1234" in page


@pytest.mark.django_db
def test_the_language_switch_is_one_button_for_the_other_language(client):
    vietnamese = _html(client, "/")
    assert re.search(r'<button type="submit" name="language" value="en" lang="en"[^>]*>English<', vietnamese)
    assert 'value="vi" lang="vi"' not in vietnamese
    english = _html(client, "/", "en")
    english = unicodedata.normalize("NFC", english)
    assert re.search(r'name="language" value="vi" lang="vi"[^>]*>Tiếng Việt</button>', english)


def test_checkboxes_and_radio_buttons_are_not_stretched():
    # The full width applies to text-like inputs only; choices keep a fixed size beside their label.
    assert "input, select, button { font: inherit; padding: .4rem .5rem; width: 100%; }" not in CSS
    assert re.search(r'input:not\(\[type="checkbox"\]\):not\(\[type="radio"\]\)[^{]*\{[^}]*width: 100%', CSS)
    choices = r'input\[type="checkbox"\], input\[type="radio"\] \{ width: 1\.5rem; height: 1\.5rem;'
    assert re.search(choices, CSS)


def test_primary_and_secondary_buttons_look_different():
    primary = re.search(r"button, a\.button, \.button-primary \{([^}]*)\}", CSS)
    secondary = re.search(r"\.button-secondary, a\.button-secondary \{([^}]*)\}", CSS)
    assert primary
    assert secondary
    assert "background: var(--accent)" in primary.group(1)
    assert "background: #fff" in secondary.group(1)


def test_print_styles_hide_the_site_chrome():
    printed = CSS.split("@media print", 1)[1]
    assert ".site-header" in printed
    assert ".site-footer" in printed
    assert "display: none" in printed


@pytest.mark.django_db
def test_a_page_with_an_error_says_so_in_its_title_and_marks_the_fields(client):
    response = client.post("/tra-cuu-ho-so/", {"code": "UBND.00004-261201-9999", "factor": "123456"})
    assert response.status_code == 404
    page = response.content.decode()
    assert re.search(r"<title>Lỗi: Tra cứu hồ sơ", page)
    marked = r'<input id="lookup-code"[^>]* aria-invalid="true" aria-describedby="lookup-error">'
    assert re.search(marked, page)
    assert 'id="lookup-error">' in page
    assert "<title>Lỗi:" not in _html(client, "/tra-cuu-ho-so/")
