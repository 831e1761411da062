"""Forms 01–05 downloadable as PDF: the same content as the printable page, in the reader's
language under the Vietnamese national heading, through the same scoped selectors as the page."""

from __future__ import annotations

import datetime
import io
import re

import pikepdf
import pypdf

from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.models import Dossier
from motcua.identity.models import Role
from tests.backoffice.test_processing_pages import decide, setup_people, text
from tests.identity.world import AGENCY_B, applicant_client, make_applicant, make_official, official_client


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    with pikepdf.open(io.BytesIO(data)) as document:  # a well-formed PDF/A-2b file
        assert document.open_metadata().pdfa_status == "2B"
        fonts = {str(f.get("/BaseFont")) for f in document.pages[0].Resources.Font.values()}
        assert all("NotoSans" in name for name in fonts)
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _flat(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def test_the_receipt_downloads_as_form_01(db, tmp_path, settings):
    applicant, officials, code = setup_people(tmp_path, settings)
    mine = applicant_client(applicant)
    page = text(mine.get(f"/ho-so/{code}/giay-tiep-nhan/"))
    assert f'href="/ho-so/{code}/giay-tiep-nhan.pdf"' in page
    assert "Tải PDF" in page
    response = mine.get(f"/ho-so/{code}/giay-tiep-nhan.pdf")
    assert response["Content-Disposition"] == f'attachment; filename="{code}-mau-01.pdf"'
    pdf = _flat(_pdf_text(response))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pdf
    assert "Độc lập - Tự do - Hạnh phúc" in pdf
    assert "Mẫu số 01" in pdf
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in pdf
    assert f"Số: {code}" in pdf
    assert "Nguyễn Văn An" in pdf
    # the appointment date, worded as on the page
    dossier = Dossier.objects.get(code=code)
    assert dossier.due_on is not None
    assert f"{dossier.due_on:%d/%m/%Y} (giải quyết trong ngày làm việc)" in pdf
    assert "(0 ngày làm việc)" not in pdf
    # the officials' copy, from their own URL
    official = officials["tiepnhan"]
    assert f'href="/can-bo/ho-so/{code}/giay-tiep-nhan.pdf"' in text(
        official.get(f"/can-bo/ho-so/{code}/giay-tiep-nhan/")
    )
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in _pdf_text(official.get(f"/can-bo/ho-so/{code}/giay-tiep-nhan.pdf"))


def test_the_receipt_pdf_is_in_the_readers_language_under_the_vietnamese_motto(db, tmp_path, settings):
    applicant, _officials, code = setup_people(tmp_path, settings)
    mine = applicant_client(applicant)
    response = mine.get(f"/ho-so/{code}/giay-tiep-nhan.pdf", HTTP_ACCEPT_LANGUAGE="en")
    pdf = _flat(_pdf_text(response))
    assert "RECEIPT OF DOSSIER AND APPOINTMENT FOR THE RESULT" in pdf
    assert "Form No. 01" in pdf
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pdf
    assert "Độc lập - Tự do - Hạnh phúc" in pdf
    data = response.content
    with pikepdf.open(io.BytesIO(data)) as document:
        assert list(document.open_metadata()["dc:language"]) == ["en"]


def test_another_applicant_and_another_agency_get_no_pdf(db, tmp_path, settings):
    _applicant, _officials, code = setup_people(tmp_path, settings)
    stranger = applicant_client(make_applicant("001090099999", "Trần Thị Bình", datetime.date(1990, 1, 1)))
    assert stranger.get(f"/ho-so/{code}/giay-tiep-nhan/").status_code == 404
    assert stranger.get(f"/ho-so/{code}/giay-tiep-nhan.pdf").status_code == 404
    _user, key = make_official("khac", [(Role.RECEPTION, AGENCY_B)])
    other = official_client("khac", key)
    html = other.get(f"/can-bo/ho-so/{code}/giay-tiep-nhan/").status_code
    assert html in (403, 404)
    assert other.get(f"/can-bo/ho-so/{code}/giay-tiep-nhan.pdf").status_code == html
    # an applicant's URL is not for officials, nor an official's for applicants
    assert other.get(f"/ho-so/{code}/giay-tiep-nhan.pdf").status_code == 403
    assert stranger.get(f"/can-bo/ho-so/{code}/giay-tiep-nhan.pdf").status_code == 403


def test_the_supplement_request_downloads_as_form_02(db, tmp_path, settings):
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
    mine = applicant_client(applicant)
    assert f'href="/ho-so/{code}/thong-bao/02-1.pdf"' in text(mine.get(f"/ho-so/{code}/"))
    response = mine.get(f"/ho-so/{code}/thong-bao/02-1.pdf")
    assert response["Content-Disposition"] == f'attachment; filename="{code}-mau-02-1.pdf"'
    pdf = _flat(_pdf_text(response))
    assert "Mẫu số 02" in pdf
    assert f"Số: {code}/02-1" in pdf
    assert "Kính gửi: Nguyễn Văn An" in pdf
    assert "Giấy chứng sinh không đọc được." in pdf
    # the handler's copy; a notice that is not there is 404
    handler = officials["chuyenvien"]
    assert f'href="/can-bo/ho-so/{code}/thong-bao/02-1.pdf"' in text(handler.get(f"/can-bo/ho-so/{code}/"))
    assert "Mẫu số 02" in _pdf_text(handler.get(f"/can-bo/ho-so/{code}/thong-bao/02-1.pdf"))
    assert mine.get(f"/ho-so/{code}/thong-bao/03-1.pdf").status_code == 404
    assert handler.get(f"/can-bo/ho-so/{code}/thong-bao/02-9.pdf").status_code == 404


def test_the_apology_downloads_as_form_04_with_the_new_date(db, tmp_path, settings):
    applicant, officials, code = setup_people(tmp_path, settings)
    today = datetime.date.today()
    Dossier.objects.filter(code=code).update(due_on=today - datetime.timedelta(days=7))
    new_date = WorkingCalendar.current().add_working_days(today, 3)
    response = officials["chuyenvien"].post(
        f"/can-bo/ho-so/{code}/xin-loi/",
        {"reason": "Cần xác minh thêm nơi sinh.", "new_due_on": new_date.isoformat()},
    )
    assert response.status_code == 302, text(response)[:500]
    pdf = _flat(_pdf_text(applicant_client(applicant).get(f"/ho-so/{code}/thong-bao/04-1.pdf")))
    assert "Mẫu số 04" in pdf
    assert "Cần xác minh thêm nơi sinh." in pdf
    assert f"{new_date:%d/%m/%Y}" in pdf
