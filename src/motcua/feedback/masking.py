"""Masking personal data out of a petition before its answer is published.

What is masked (Decree 13/2023 on personal data; docs/feedback.md, "Publication"):

- every name, ID number, phone, e-mail and address the platform knows of the petitioner (their
  account's name, the contact they gave), wherever it appears, accents or not;
- what looks like one whoever it belongs to: personal ID numbers (12 digits) and old ID card
  numbers (9 digits), phone numbers (0 or +84 then 9–10 digits, spaces and dots allowed),
  e-mail addresses, a name after a form of address ("ông", "bà", "anh", "chị", "cô", "chú",
  "em", "Mr", "Mrs", "Ms") and an address after its keyword ("địa chỉ", "số nhà", "thôn",
  "xóm", "ấp", "tổ dân phố", "ngõ", "hẻm", "đường"), up to the end of its clause.

It is a safety net, not a guarantee: the official who publishes reads the masked copy first
(the publication step shows it) and may edit it; the edit is masked again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MASK = "***"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"(?<!\w)(?:\+84|0084|0)(?:[\s.-]?\d){8,10}(?!\w)")
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")
_UPPER = "A-ZÀ-ỸĐ"
_NAME_WORD = rf"[{_UPPER}][\w]*"
_HONORIFIC = re.compile(
    rf"(?P<title>\b(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]ô|[Cc]hú|[Ee]m|Mr\.?|Mrs\.?|Ms\.?)\s+)"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}})",
    re.UNICODE,
)
_ADDRESS = re.compile(
    r"(?P<key>\b(?:[Đđ]ịa chỉ|[Ss]ố nhà|[Tt]hôn|[Xx]óm|[Ấấ]p|[Tt]ổ dân phố|[Nn]gõ|[Hh]ẻm|[Kk]iệt|[Đđ]ường|"
    r"[Aa]ddress)\b:?\s*)(?P<value>[^.;\n]+)",
    re.UNICODE,
)


def _known(values: Iterable[str]) -> list[str]:
    """The known personal values worth looking for (longest first; very short ones would mask
    ordinary words)."""
    found = {value.strip() for value in values if value and len(value.strip()) >= 4}
    return sorted(found, key=len, reverse=True)


def _fold(text: str) -> str:
    """Lowercase without accents, one character for one (so positions still match ``text``)."""
    folded = []
    for char in text.replace("đ", "d").replace("Đ", "D"):
        base = unicodedata.normalize("NFD", char)[:1] or char
        folded.append(base.lower()[:1] or base)
    return "".join(folded)


def _mask_known(text: str, known: list[str]) -> str:
    """Mask each known value, matched without regard to case or accents."""
    if not known or not text:
        return text
    folded = _fold(text)
    spans: list[tuple[int, int]] = []
    for value in known:
        needle = r"\s+".join(re.escape(word) for word in _fold(value).split())
        for match in re.finditer(needle, folded):
            spans.append(match.span())
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + MASK + text[end:]
    return text


def mask_personal_data(text: str, *, known: Iterable[str] = ()) -> str:
    """``text`` with the personal data described above replaced by ``***``."""
    text = _mask_known(text, _known(known))
    text = _EMAIL.sub(MASK, text)
    text = _PHONE.sub(MASK, text)
    text = _ID_NUMBER.sub(MASK, text)
    text = _HONORIFIC.sub(lambda m: m.group("title") + MASK, text)
    return _ADDRESS.sub(lambda m: m.group("key") + MASK, text)
