"""Every page of the portal and the back office, in a real browser (ADR 0038): axe-core finds no
serious or critical violation of WCAG 2.2 AA, the text carries no editorial marker, and at 360 px
nothing scrolls sideways and no target is under 24 px.

The world is the identity tests' (tests/identity/world.py), built once for the module: applicant
A with a dossier, drafts, a returned result in the wallet and a share link; officials with every
role at commune A. The officials' journey runs on the same world: they take its dossier from
reception to return, without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.models import Dossier
from tests.browser.checks import axe_violations, editorial_markers, horizontal_overflow, small_targets
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_flows import submit
from tests.identity.world import AGENCY_A, CHILD_PERSONAL_ID, World


def pages(world: World) -> dict[str, list[str]]:
    """The pages each kind of reader sees, by who signs in ("anonymous": nobody)."""
    assert world.dossier
    assert world.ready_draft
    assert world.draft
    assert world.result_item
    assert world.representation
    assert world.waiting
    assert world.petition
    assert world.asked_petition
    assert world.returned
    code, waiting = world.dossier.code, world.waiting.code
    petition, asked, returned = world.petition.code, world.asked_petition.code, world.returned.code
    return {
        "anonymous": [
            "/",
            "/thu-tuc/",
            "/thu-tuc/?q=dang+ky&province=01",
            "/thu-tuc/birth-registration/?province=01&commune=00004",
            "/thu-tuc/marriage-registration/",
            "/lien-thong/birth-bundle/",
            "/lien-thong/death-bundle/",
            "/tra-cuu-ho-so/",
            "/xac-minh/",
            f"/chia-se/{world.share_token}/",
            "/can-bo/dang-nhap/",
            "/trang-khong-co/",
            "/phan-anh-kien-nghi/gui/?province=01",
            "/phan-anh-kien-nghi/tra-loi/",
            "/phan-anh-kien-nghi/tra-cuu/",
        ],
        "applicant_a": [
            "/ca-nhan/",
            "/ho-so/",
            f"/ho-so/{code}/",
            f"/ho-so/{code}/giay-tiep-nhan/",
            f"/ho-so/{waiting}/",
            "/ho-so-nhap/",
            f"/ho-so-nhap/{world.ready_draft.public_id}/",
            f"/ho-so-nhap/{world.draft.public_id}/dong-y/",
            "/thu-tuc/birth-registration/nop-ho-so/?province=01",
            "/ca-nhan/kho-du-lieu/",
            f"/ca-nhan/kho-du-lieu/{world.result_item.public_id}/",
            "/ca-nhan/du-lieu-cua-toi/",
            f"/ca-nhan/uy-quyen/{world.representation.public_id}/",
            "/ca-nhan/uy-quyen/moi/",
            "/thong-bao/",
            "/can-bo/ho-so/",  # 403: the site's page
            "/phan-anh-kien-nghi/gui/",
            "/phan-anh-kien-nghi/cua-toi/",
            f"/phan-anh-kien-nghi/{petition}/",
            f"/phan-anh-kien-nghi/{asked}/",
            f"/ho-so/{returned}/danh-gia/",
        ],
        "reception_a": [
            "/can-bo/",
            "/can-bo/ho-so/",
            "/can-bo/ho-so/?queue=mine",
            f"/can-bo/ho-so/{code}/",
            f"/can-bo/ho-so/{code}/giay-tiep-nhan/",
            "/can-bo/tiep-nhan/",
            "/can-bo/phan-anh-kien-nghi/",
            f"/can-bo/phan-anh-kien-nghi/{petition}/",
            "/can-bo/danh-gia/",
        ],
        "handler_a": [f"/can-bo/ho-so/{waiting}/"],
        "admin_a": ["/can-bo/", f"/can-bo/co-quan/{AGENCY_A}/"],
    }


READERS = ["anonymous", "applicant_a", "reception_a", "handler_a", "admin_a"]
# What the phone check found, by reader: measured on the same page load as the desktop checks
# (the viewport is narrowed, so media queries apply, without loading the page again).
_phone_findings: dict[str, dict[str, list[str]]] = {}


def _visit_all(open_context: Any, world: World, reader: str, check: Any, **context: Any) -> dict[str, Any]:
    client = None if reader == "anonymous" else world.client(reader)
    page = open_context(client, **context).new_page()
    problems: dict[str, Any] = {}
    for url in pages(world)[reader]:
        response = page.goto(url)
        assert response is not None
        assert response.status < 500, (url, response.status)
        found = check(page, url)
        if found:
            problems[url] = found
    return problems


def _phone_problems(page: Any) -> list[str]:
    overflow = horizontal_overflow(page)
    return ([f"{overflow} px wider than the screen"] if overflow > 0 else []) + small_targets(page)


@pytest.mark.parametrize("reader", READERS)
def test_no_serious_accessibility_violation_and_no_editorial_note(world_copy: World, open_context, reader):
    phone: dict[str, list[str]] = {}

    def check(page: Any, url: str) -> list[str]:
        markers = [f"editorial marker: {m}" for m in editorial_markers(page)]
        problems = [str(v) for v in axe_violations(page)] + markers
        page.set_viewport_size(PHONE)
        if found := _phone_problems(page):
            phone[url] = found
        page.set_viewport_size(DESKTOP)
        return problems

    problems = _visit_all(open_context, world_copy, reader, check)
    _phone_findings[reader] = phone
    assert problems == {}


@pytest.mark.parametrize("reader", ["anonymous", "applicant_a"])
def test_english_pages_are_accessible_too(world_copy: World, open_context, reader):
    def check(page: Any, url: str) -> list[str]:
        problems = [str(v) for v in axe_violations(page)] + editorial_markers(page)
        if page.evaluate("document.documentElement.lang") != "en":
            problems.append("the page is not marked lang=en")
        return problems

    assert _visit_all(open_context, world_copy, reader, check, language="en") == {}


@pytest.mark.parametrize("reader", READERS)
def test_at_360_px_nothing_scrolls_sideways_and_every_target_is_at_least_24_px(
    world_copy: World, open_context, reader
):
    if reader not in _phone_findings:  # run alone: measure here
        _phone_findings[reader] = _visit_all(
            open_context, world_copy, reader, lambda page, url: _phone_problems(page), viewport=PHONE
        )
    assert _phone_findings[reader] == {}


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
    submit(page, f"#decision-{decision} form")
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
    assert returned.issued_documents.get(kind="result").number  # signed at approval, in the server's thread
