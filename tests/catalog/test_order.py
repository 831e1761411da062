"""The catalog lists procedures in Vietnamese alphabetical order, or by English name in English
(ADR 0038)."""

from __future__ import annotations

import pytest

from motcua.catalog import selectors
from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM

from .conftest import birth_spec

PROCEDURES = [
    ("deletion", "Xóa đăng ký thường trú", "Deleting a permanent residence"),
    ("birth", "Đăng ký khai sinh", "Birth registration"),
    ("card", "Cấp thẻ bảo hiểm y tế", "Health-insurance card"),
    ("absence", "Khai báo tạm vắng", "Absence declaration"),
]


@pytest.mark.django_db
def test_the_catalog_lists_procedures_in_the_readers_alphabetical_order(client, spec_dir):
    for code, vi, en in PROCEDURES:
        spec_dir.procedure(birth_spec(code=code, name={"vi": vi, "en": en}))
    sync_catalog(actor=SYSTEM, directory=spec_dir.root)
    vietnamese = ["card", "birth", "absence", "deletion"]  # C, Đ, K, X
    assert [p.code for p in selectors.search_procedures()] == vietnamese
    for language, expected in (("vi", vietnamese), ("en", ["absence", "birth", "deletion", "card"])):
        html = client.get("/thu-tuc/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        positions = [html.index(f"/thu-tuc/{code}/") for code in expected]
        assert positions == sorted(positions), language
