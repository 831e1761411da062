"""`make screenshots` (scripts/screenshots): the main pages on a desktop and a 360 × 740 phone,
in Vietnamese (and a few in English), saved to docs/screenshots/ (ADR 0038). Runs only when
``MOTCUA_SCREENSHOTS_DIR`` names the directory; in the test suite it is skipped."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.identity.world import World

TARGET = os.environ.get("MOTCUA_SCREENSHOTS_DIR", "")

pytestmark = pytest.mark.skipif(not TARGET, reason="screenshots are made by `make screenshots` only")


def shots(world: World) -> list[tuple[str, str, str]]:
    """(file name, reader, address) of each page to capture, in the order a person meets them."""
    assert world.dossier
    assert world.draft
    assert world.ready_draft
    assert world.result_item
    code = world.dossier.code
    return [
        ("01-home", "anonymous", "/"),
        ("02-catalog", "anonymous", "/thu-tuc/"),
        ("03-procedure", "anonymous", "/thu-tuc/birth-registration/?province=01&commune=00004"),
        ("04-bundle", "anonymous", "/lien-thong/birth-bundle/"),
        ("05-consent", "applicant_a", f"/ho-so-nhap/{world.draft.public_id}/dong-y/"),
        ("06-application-form", "applicant_a", f"/ho-so-nhap/{world.ready_draft.public_id}/"),
        ("07-my-dossiers", "applicant_a", "/ho-so/"),
        ("08-dossier", "applicant_a", f"/ho-so/{code}/"),
        ("09-receipt-form-01", "applicant_a", f"/ho-so/{code}/giay-tiep-nhan/"),
        ("10-data-wallet", "applicant_a", "/ca-nhan/kho-du-lieu/"),
        ("11-who-used-my-data", "applicant_a", "/ca-nhan/du-lieu-cua-toi/"),
        ("12-status-lookup", "anonymous", "/tra-cuu-ho-so/"),
        ("13-official-inbox", "reception_a", "/can-bo/ho-so/"),
        ("14-official-dossier", "reception_a", f"/can-bo/ho-so/{code}/"),
        ("15-not-found", "anonymous", "/trang-khong-co/"),
    ]


ENGLISH = {"01-home", "02-catalog", "03-procedure", "09-receipt-form-01", "10-data-wallet"}


def test_screenshots_of_the_main_pages(world_copy: World, open_context):
    directory = Path(TARGET)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.png"):
        old.unlink()
    pages: dict[tuple[str, str], Any] = {}
    for name, reader, url in shots(world_copy):
        for language in ("vi", "en") if name in ENGLISH else ("vi",):
            key = (reader, language)
            if key not in pages:
                client = None if reader == "anonymous" else world_copy.client(reader)
                pages[key] = open_context(client, language=language).new_page()
            page = pages[key]
            page.goto(url)
            for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(viewport)
                page.screenshot(
                    path=str(directory / f"{device}-{language}-{name}.png"), full_page=device == "phone"
                )
            page.set_viewport_size(DESKTOP)
    assert len(list(directory.glob("*.png"))) == 2 * (len(shots(world_copy)) + len(ENGLISH))
