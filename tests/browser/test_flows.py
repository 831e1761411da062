"""The two journeys that matter most, in a real browser (ADR 0038): a citizen applies from the
catalog to the receipt, with JavaScript on and with it off; officials take a dossier through
reception, handling, approval (the result signed) and return, without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.models import Dossier
from tests.browser.conftest import no_console_errors
from tests.dossiers.conftest import MINH
from tests.dossiers.conftest import minh as minh  # the fixture: Nguyễn Văn Minh of the registries
from tests.identity.world import CHILD_PERSONAL_ID, PDF, World, applicant_client

DOSSIER_PAGE = r"/ho-so/UBND.00004-"


def _fill(page: Any, selector: str, value: str, iso_date: str = "") -> None:
    field = page.locator(selector)
    if iso_date and field.get_attribute("type") == "date":
        field.fill(iso_date)  # a native date input takes the ISO form whatever it shows
    else:
        field.fill(value)


def _submit(page: Any, form: str) -> None:
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
        _submit(page, "form.search")
        page.select_option("#start-commune", "00004")
        _submit(page, "form.stacked")
        # the consent screen: every item offered, all accepted
        assert "/dong-y/" in page.url
        assert page.locator('input[name="accept"]').count() == 3
        _submit(page, "main form[method=post]")
        # the draft: prefilled from the registries; attach the birth certificate, fill the child's details
        assert "Nguyễn Văn Minh" in page.locator("main").inner_text()
        page.set_input_files(
            "#upload-birth-certificate",
            files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
        _submit(page, "#component-birth-certificate form")
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


def _decide(
    open_context: Any, world: World, pages: dict[str, Any], official: str, decision: str, **fields: str
) -> str:
    # one signed-in browser per official: a second sign-in in the same 30 s would replay the
    # TOTP code, which is refused
    if official not in pages:
        pages[official] = open_context(world.client(official), javascript=False).new_page()
    page = pages[official]
    assert world.dossier is not None
    page.goto(f"/can-bo/ho-so/{world.dossier.code}/")
    # each decision is its own form in a <details> that shows only its inputs (ADR 0037)
    chosen = page.locator(f"#decision-{decision}")
    if chosen.get_attribute("open") is None:
        chosen.locator("summary").click()
    for selector, value in fields.items():
        page.locator(f"#{selector}").fill(value)
    _submit(page, f"#decision-{decision} form")
    return str(Dossier.objects.get(code=world.dossier.code).step)


def test_officials_take_a_dossier_from_reception_to_return_without_javascript(
    world_copy: World, open_context
):
    pages: dict[str, Any] = {}
    assert _decide(open_context, world_copy, pages, "reception_a", "accept") == "handling"
    assert _decide(open_context, world_copy, pages, "handler_a", "propose") == "approval"
    step = _decide(
        open_context,
        world_copy,
        pages,
        "approver_a",
        "approve",
        **{"result-personal_id": CHILD_PERSONAL_ID},
    )
    assert step == "result_return"
    assert _decide(open_context, world_copy, pages, "reception_a", "return") == "done"
    assert world_copy.dossier is not None
    returned = Dossier.objects.get(code=world_copy.dossier.code)
    assert returned.status == "result_returned"
    assert returned.result_document.number  # signed at approval, in the server's thread
