"""A citizen applies from the catalog to the receipt in a real browser, with JavaScript on and
with it off (ADR 0038); the officials' journey is in test_pages.py, on that module's world."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.models import Dossier
from tests.browser.conftest import no_console_errors
from tests.dossiers.conftest import MINH
from tests.dossiers.conftest import minh as minh  # the fixture: Nguyễn Văn Minh of the registries
from tests.identity.world import PDF, applicant_client

DOSSIER_PAGE = r"/ho-so/UBND.00004-"


def _fill(page: Any, selector: str, value: str, iso_date: str = "") -> None:
    field = page.locator(selector)
    if iso_date and field.get_attribute("type") == "date":
        field.fill(iso_date)  # a native date input takes the ISO form whatever it shows
    else:
        field.fill(value)


def submit(page: Any, form: str) -> None:
    """Click the form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_citizen_applies_from_the_catalog_to_the_receipt(minh, open_context, javascript):
    page = open_context(applicant_client(minh), javascript=javascript).new_page()
    with no_console_errors(page):
        page.goto("/thu-tuc/")
        with page.expect_navigation():
            page.locator('a[href="/thu-tuc/birth-registration/"]').first.click()
        with page.expect_navigation():
            page.locator("#start-application").click()
        # where to apply: the province, then the ward
        page.select_option("#start-province", "01")
        submit(page, "form.search")
        page.select_option("#start-commune", "00004")
        submit(page, "form.stacked")
        # the consent screen: every item offered, all accepted
        assert "/dong-y/" in page.url
        assert page.locator('input[name="accept"]').count() == 3
        submit(page, "main form[method=post]")
        # the draft: prefilled from the registries; attach the birth certificate, fill the child's details
        assert "Nguyễn Văn Minh" in page.locator("main").inner_text()
        page.set_input_files(
            "#upload-birth-certificate",
            files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
        submit(page, "#component-birth-certificate form")
        _fill(page, "#field-child_full_name", "Nguyễn Minh Khôi")
        _fill(page, "#field-child_date_of_birth", "20/11/2026", iso_date="2026-11-20")
        page.select_option("#field-child_sex", "male")
        _fill(page, "#field-child_place_of_birth", "Bệnh viện Phụ sản Hà Nội")
        page.select_option("#field-requester_relationship", "father")
        # "check your answers" (step 4 of 5): everything the draft holds, then submit
        with page.expect_navigation():
            page.locator('button[name="review"]').click()
        assert "/kiem-tra/" in page.url, page.locator("main").inner_text()[:1000]
        assert "Nguyễn Minh Khôi" in page.locator("main").inner_text()
        with page.expect_navigation():
            page.locator('#submit-form button[name="submit"]').click()
        assert DOSSIER_PAGE in page.url, page.locator("main").inner_text()[:1000]
        code = page.url.rstrip("/").split("/")[-1]
        dossier = Dossier.objects.get(code=code)
        assert dossier.status == "received"
        assert dossier.applicant.personal_id == MINH[0]
        # the receipt (form 01), as printed
        with page.expect_navigation():
            page.locator('a[href$="/giay-tiep-nhan/"]').first.click()
        receipt = page.locator("main").inner_text()
        assert code in receipt
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt.upper()
        assert f"{dossier.due_on:%d/%m/%Y}" in receipt
