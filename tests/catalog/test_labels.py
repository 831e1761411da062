"""Every code value a dossier page shows has a translatable label, so no raw code reaches a person."""

from __future__ import annotations

import pytest
from django.db import models
from django.utils import translation

from motcua.catalog.labels import VOCABULARIES, label_for
from motcua.dossiers.models import Channel, DossierStatus, IdentityCheck, Provenance, Step


@pytest.mark.parametrize(
    ("vocabulary", "choices"),
    [
        ("provenance", Provenance),
        ("channel", Channel),
        ("identity_check", IdentityCheck),
        ("dossier_status", DossierStatus),
        ("step", Step),
    ],
)
def test_every_value_has_a_label(vocabulary: str, choices: type[models.TextChoices]) -> None:
    missing = sorted(set(choices.values) - set(VOCABULARIES[vocabulary]))
    assert missing == [], f"{vocabulary}: no label for {missing}"


def test_the_linked_provenance_reads_as_words_in_both_languages() -> None:
    with translation.override("vi"):
        vietnamese = label_for("provenance", Provenance.LINKED)
    with translation.override("en"):
        english = label_for("provenance", Provenance.LINKED)
    assert english == "Passed on from the linked dossier (interconnection)"
    assert vietnamese not in ("linked", english)
