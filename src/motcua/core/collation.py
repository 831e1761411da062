"""Vietnamese alphabetical order for lists shown to people (ADR 0038).

Code-point order puts "Xóa…" before "Đăng ký…" (Đ is U+0110, after every ASCII letter) and "Ấp"
after "Bà". Vietnamese dictionaries order the letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r
s t u ư v x y, compare the tones only when the letters are equal (none, huyền, hỏi, ngã, sắc, nặng),
and the case last.

``vietnamese_sort_key`` is that order in Python. Querysets get it from the database:
``order_vietnamese("name_vi")`` collates with ICU's ``vi-x-icu`` on PostgreSQL and with a
collation of the same name registered on every SQLite connection from the key below, so a sorted
list stays lazy and pageable on both.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import F, OrderBy
from django.db.models.functions import Collate

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Marks that make a letter of its own (ă â ê ô ơ ư), by the composed letter they make.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Tone marks, in dictionary order after the level tone (0).
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

SQLITE_COLLATION = "motcua_vi"
POSTGRESQL_COLLATION = "vi-x-icu"

Key = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """(lower-case letter with its letter marks, tone rank, is upper case) for each character."""
    letters: list[tuple[str, int, bool]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and letters:
            base, tone, upper = letters[-1]
            if char in _LETTER_MARKS:
                letters[-1] = (unicodedata.normalize("NFC", base + char), tone, upper)
            elif char in _TONE_RANK:
                letters[-1] = (base, _TONE_RANK[char], upper)
            continue
        letters.append((char.lower(), 0, char.isupper()))
    return letters


@lru_cache(maxsize=65536)
def vietnamese_sort_key(text: str) -> Key:
    """A key that sorts ``text`` in Vietnamese alphabetical order: letters first (spaces and
    punctuation before digits before letters), then tones, then lower before upper case."""
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    cases: list[int] = []
    for letter, tone, upper in _letters(text):
        if letter in _LETTER_RANK:
            primary.append((2, _LETTER_RANK[letter]))
        elif letter.isdigit():
            primary.append((1, ord(letter)))
        elif letter.isalpha():
            primary.append((3, ord(letter)))
        else:
            primary.append((0, ord(letter)))
        tones.append(tone)
        cases.append(int(upper))
    return tuple(primary), tuple(tones), tuple(cases)


def compare_vietnamese(left: str, right: str) -> int:
    """-1, 0 or 1, as SQLite's ``create_collation`` wants."""
    a, b = vietnamese_sort_key(left), vietnamese_sort_key(right)
    return (a > b) - (a < b)


def sorted_vietnamese(items: list[Any], key: Any = str) -> list[Any]:
    """``items`` in Vietnamese order of ``key(item)`` (for lists built in Python)."""
    return sorted(items, key=lambda item: vietnamese_sort_key(str(key(item))))


def collation_name() -> str:
    return POSTGRESQL_COLLATION if connection.vendor == "postgresql" else SQLITE_COLLATION


def order_vietnamese(field: str, *, descending: bool = False) -> OrderBy:
    """``queryset.order_by(order_vietnamese("name_vi"), "code")``."""
    return OrderBy(Collate(F(field), collation_name()), descending=descending)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: SQLite learns the Vietnamese order under the same name."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare_vietnamese)
