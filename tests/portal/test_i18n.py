"""Vietnamese first: every interface message has a Vietnamese translation, and it is what visitors see."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest
from django.utils import translation

import motcua

VI = Path(motcua.__file__).parent / "locale" / "vi" / "LC_MESSAGES"


def test_every_message_has_a_vietnamese_translation():
    catalogue = polib.pofile(str(VI / "django.po"))
    assert len(catalogue) > 50
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    catalogue = polib.pofile(str(VI / "django.po"))
    with (VI / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and compiled.gettext(entry.msgid) != entry.msgstr
    ]
    assert stale == [], "run `make messages` to recompile django.mo"


def test_compiled_catalogue_is_in_use():
    with translation.override("vi"):
        assert translation.gettext("Administrative procedures") == "Thủ tục hành chính"
    with translation.override("en"):
        assert translation.gettext("Administrative procedures") == "Administrative procedures"


@pytest.mark.django_db
def test_pages_are_vietnamese_by_default_and_english_on_request(client):
    vietnamese = client.get("/thu-tuc/").content.decode()
    assert "Thủ tục hành chính" in vietnamese
    assert '<html lang="vi">' in vietnamese
    english = client.get("/thu-tuc/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Administrative procedures" in english
    assert '<html lang="en">' in english
