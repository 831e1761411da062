"""Text helpers for Vietnamese: search that ignores diacritics and case; amounts in đồng."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold_vietnamese(text: str) -> str:
    """Lowercase, strip diacritics (đ becomes d) and collapse whitespace.

    ``fold_vietnamese("Đăng ký  khai sinh") == "dang ky khai sinh"``; used to build and to
    query search columns so "dang ky khai sinh" finds "Đăng ký khai sinh".
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().casefold()


def format_vnd(amount: int) -> str:
    """An amount in đồng the Vietnamese way: ``format_vnd(200000) == "200.000 ₫"``."""
    return f"{amount:,}".replace(",", ".") + " ₫"
