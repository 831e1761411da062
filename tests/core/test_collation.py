"""Vietnamese alphabetical order, in Python and in the database (ADR 0038)."""

from __future__ import annotations

import pytest

from motcua.core.actors import SYSTEM
from motcua.core.collation import compare_vietnamese, sorted_vietnamese, vietnamese_sort_key
from motcua.units import selectors as units
from motcua.units.services import reload_units

# A Vietnamese dictionary's order: letters first (ă, â, đ, ê, ô, ơ, ư are letters of their own),
# then the tone (none, huyền, hỏi, ngã, sắc, nặng), then the case.
DICTIONARY_ORDER = [
    "a",
    "à",
    "ả",
    "ã",
    "á",
    "ạ",
    "ăn",
    "ấp",
    "ba",
    "bà",
    "bả",
    "bá",
    "bạ",
    "Ba Đình",
    "Bac",
    "Cấp thẻ",
    "Chứng thực",
    "Dang",
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Đăng ký khai tử",
    "Ê",
    "Gia hạn",
    "Ô tô",
    "Ơn",
    "Tạm vắng",
    "Thường trú",
    "Ưu tiên",
    "Xóa đăng ký thường trú",
]


def test_the_key_orders_as_a_vietnamese_dictionary():
    shuffled = list(reversed(DICTIONARY_ORDER))
    assert sorted(shuffled, key=vietnamese_sort_key) == sorted(DICTIONARY_ORDER, key=vietnamese_sort_key)
    ordered = sorted(shuffled, key=vietnamese_sort_key)
    assert ordered.index("Đăng ký khai sinh") < ordered.index("Xóa đăng ký thường trú")
    assert ordered.index("ấp") < ordered.index("ba")  # code-point order puts "ấ" after "b"
    assert ordered.index("Dang") < ordered.index("Đăng ký khai sinh") < ordered.index("Ê")
    assert ordered.index("Thường trú") < ordered.index("Ưu tiên") < ordered.index("Xóa đăng ký thường trú")
    assert ordered.index("Tạm vắng") < ordered.index("Thường trú")
    assert (
        ordered.index("ba")
        < ordered.index("bà")
        < ordered.index("bả")
        < ordered.index("bá")
        < ordered.index("bạ")
    )
    assert sorted(["Đăng ký", "Xóa"]) == ["Xóa", "Đăng ký"]  # what code-point order did


def test_spaces_sort_before_letters_and_the_comparison_agrees_with_the_key():
    assert sorted_vietnamese(["Ba Đình", "Bac"]) == ["Ba Đình", "Bac"]
    assert compare_vietnamese("Đăng ký", "Xóa") == -1
    assert compare_vietnamese("Xóa", "Đăng ký") == 1
    assert compare_vietnamese("Ấp", "Ấp") == 0
    # composed and decomposed spellings are the same word
    assert vietnamese_sort_key("Ấp") == vietnamese_sort_key("A\u0302\u0301p")


@pytest.mark.django_db
def test_communes_are_listed_in_vietnamese_order():
    reload_units(actor=SYSTEM)
    names = [commune.name for commune in units.communes_of_province("01")]
    assert names == sorted_vietnamese(names)
    assert names != sorted(names)  # code-point order differs for Hà Nội's communes
