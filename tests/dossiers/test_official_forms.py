"""Forms 01–05 laid out as the official templates (ADR 0037): the two-column national heading,
the form's number and title, printable from the browser without the site around them."""

from __future__ import annotations

import re

from tests.backoffice.test_processing_pages import decide, setup_people, text
from tests.identity.world import applicant_client


def _heading(page: str) -> str:
    return page.split('<header class="national-heading">', 1)[1].split("</header>", 1)[0]


def test_the_receipt_is_form_01_with_the_national_heading(db, tmp_path, settings):
    applicant, officials, code = setup_people(tmp_path, settings)
    receipt = text(applicant_client(applicant).get(f"/ho-so/{code}/giay-tiep-nhan/"))
    heading = _heading(receipt)
    left, right = heading.split("</div>", 1)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH" in left
    assert f"Số: {code}" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert re.search(r"Ngày \d{2} tháng \d{2} năm \d{4}", right)
    assert '<p class="form-number">Mẫu số 01</p>' in receipt
    assert '<h1 class="form-title">GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ</h1>' in receipt
    # birth registration is decided the day it is received: no "(0 working days)"
    assert "(0 ngày làm việc)" not in receipt
    assert "(giải quyết trong ngày làm việc)" in receipt
    # the officials' copy to print at the counter is the same form
    official_copy = text(officials["tiepnhan"].get(f"/can-bo/ho-so/{code}/giay-tiep-nhan/"))
    assert '<p class="form-number">Mẫu số 01</p>' in official_copy


def test_a_supplement_request_is_form_02_with_its_number(db, tmp_path, settings):
    applicant, officials, code = setup_people(tmp_path, settings)
    assert decide(officials["tiepnhan"], code, "accept").status_code == 302
    response = decide(
        officials["chuyenvien"],
        code,
        "supplement",
        reason="Giấy chứng sinh không đọc được.",
        items=["component:birth-certificate"],
    )
    assert response.status_code == 302
    page = text(applicant_client(applicant).get(f"/ho-so/{code}/"))
    letter = page.split('<article class="official-form notice-letter form-02"', 1)[1].split("</article>", 1)[
        0
    ]
    assert f"Số: {code}/02-1" in _heading(letter)
    assert '<p class="form-number">Mẫu số 02</p>' in letter
    assert re.search(r'<h3 class="form-title">[^<]+</h3>', letter)
    assert "Kính gửi: <strong>Nguyễn Văn An</strong>" in letter
    assert "Giấy chứng sinh không đọc được." in letter
