"""The guided application (ADR 0037, docs/ui.md): steps with progress, the error summary, check
your answers before submitting, the confirmation panel, and the applicant's timeline — through
the pages, against the real registries for the prefilled data."""

from __future__ import annotations

import re

from motcua.dossiers.models import Dossier, Draft
from tests.dossiers.test_drafts import start
from tests.dossiers.test_submission import BIRTH_FORM, prepared_draft, text
from tests.identity.world import applicant_client


def test_each_step_says_where_the_applicant_is(minh, exchange):
    client = applicant_client(minh)
    assert "Bước 1/5" in text(client.get("/thu-tuc/birth-registration/nop-ho-so/?province=01"))
    public_id = start(client)
    consent = text(client.get(f"/ho-so-nhap/{public_id}/dong-y/"))
    assert "Bước 2/5" in consent
    assert re.search(r'<li class="current" aria-current="step">Đồng ý khai thác dữ liệu</li>', consent)
    assert re.search(r'<li class="done">Nơi nộp hồ sơ<span class="visually-hidden"> \(đã xong\)', consent)
    draft = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert "Bước 3/5" in draft
    # the primary action moves on to the check; saving is the secondary one
    assert re.search(
        r'<button type="submit" name="review" value="1">Tiếp tục: kiểm tra thông tin</button>', draft
    )
    assert '<button type="submit" name="save" value="1" class="button-secondary">' in draft


def test_errors_are_summarised_at_the_top_linking_to_each_field(minh, exchange):
    client = applicant_client(minh)
    public_id = prepared_draft(client, upload=False, form={**BIRTH_FORM, "child_full_name": ""})
    response = client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "child_full_name": "", "submit": "1"})
    assert response.status_code == 400
    page = text(response)
    assert re.search(r"<title>Lỗi: Đăng ký khai sinh", page)
    summary = page.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in summary
    assert re.search(r'<a href="#field-child_full_name">[^<]*: Trường này là bắt buộc', summary)
    # the component's link goes to the control that fixes it: its upload
    assert re.search(r'<a href="#upload-birth-certificate">[^<]*: Hãy tải giấy tờ này lên', summary)
    # the summary comes before the page's heading
    assert page.index('class="error-summary"') < page.index("<h1>")
    # each field in error is marked invalid and tied to its message
    assert re.search(
        r'<input id="field-child_full_name"[^>]* aria-invalid="true" '
        r'aria-describedby="error-child_full_name"',
        page,
    )
    assert re.search(
        r'<input id="upload-birth-certificate"[^>]* aria-invalid="true" '
        r'aria-describedby="component-error-birth-certificate"',
        page,
    )


def test_a_select_in_error_is_marked_invalid_too(minh, exchange):
    client = applicant_client(minh)
    public_id = prepared_draft(client)
    response = client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "child_sex": "other"})
    assert response.status_code == 400
    page = text(response)
    assert re.search(
        r'<select id="field-child_sex" name="child_sex" aria-invalid="true" aria-describedby=', page
    )
    assert '<a href="#field-child_sex">' in page


def test_dates_are_typed_and_shown_day_month_year(minh, exchange):
    client = applicant_client(minh)
    public_id = prepared_draft(client)
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    field = re.search(r'<input class="date" id="field-child_date_of_birth"[^>]*>', page)
    assert field
    assert 'type="date"' not in field.group(0)  # a browser in English would show mm/dd/yyyy
    assert 'value="20/11/2026"' in field.group(0)
    assert 'aria-describedby="hint-child_date_of_birth"' in field.group(0)
    # both day/month/year and ISO are understood
    client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "child_date_of_birth": "2026-11-21"})
    assert Draft.objects.get(public_id=public_id).entries["child_date_of_birth"] == "2026-11-21"
    assert 'value="21/11/2026"' in text(client.get(f"/ho-so-nhap/{public_id}/"))


def test_check_your_answers_then_submit_and_see_the_confirmation(minh, exchange):
    client = applicant_client(minh)
    public_id = prepared_draft(client)
    # "continue" saves and leads to the check page, submitting nothing
    response = client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "review": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/ho-so-nhap/{public_id}/kiem-tra/"
    assert not Dossier.objects.exists()
    check = text(client.get(response["Location"]))
    assert "Bước 4/5" in check
    assert "<h1>Kiểm tra thông tin trước khi nộp</h1>" in check
    assert re.search(r"<dt>Họ, chữ đệm và tên của trẻ</dt>\s*<dd>Nguyễn Minh Khôi</dd>", check)
    assert re.search(r"<dd>20/11/2026</dd>", check)
    assert f'href="/ho-so-nhap/{public_id}/#field-child_full_name">Sửa' in check
    assert f'href="/ho-so-nhap/{public_id}/#component-birth-certificate">Sửa' in check
    # submitting from the check page
    submitted = client.post(f"/ho-so-nhap/{public_id}/kiem-tra/", {"submit": "1"})
    assert submitted.status_code == 302
    dossier = Dossier.objects.get()
    assert submitted["Location"] == f"/ho-so/{dossier.code}/"
    page = text(client.get(submitted["Location"]))
    panel = page.split('<div class="confirmation" id="confirmation">', 1)[1].split("</div>", 1)[0]
    assert "Đã nộp hồ sơ" in panel
    assert f'<span class="code">{dossier.code}</span>' in panel
    assert f"{dossier.due_on:%d/%m/%Y}" in panel
    assert "Bước 5/5" in page
    assert "Các bước tiếp theo" in page
    # the panel is shown once: the next visit is the dossier's plain status page
    assert 'id="confirmation"' not in text(client.get(submitted["Location"]))
    # the old check link leads to the dossier
    assert client.get(f"/ho-so-nhap/{public_id}/kiem-tra/")["Location"] == f"/ho-so/{dossier.code}/"


def test_an_incomplete_draft_submitted_from_the_check_page_goes_back_with_the_errors(minh, exchange):
    client = applicant_client(minh)
    public_id = prepared_draft(client, upload=False)
    response = client.post(f"/ho-so-nhap/{public_id}/kiem-tra/", {"submit": "1"})
    assert response.status_code == 400
    assert '<a href="#upload-birth-certificate">' in text(response)
    assert not Dossier.objects.exists()
    # nothing typed was lost
    assert Draft.objects.get(public_id=public_id).entries["child_full_name"] == BIRTH_FORM["child_full_name"]


def test_the_applicant_follows_the_dossier_on_a_timeline(minh, exchange):
    client = applicant_client(minh)
    public_id = prepared_draft(client)
    code = client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "submit": "1"})["Location"].split("/")[-2]
    dossier = Dossier.objects.get(code=code)
    page = text(client.get(f"/ho-so/{code}/"))
    timeline = page.split('<ol class="timeline" id="timeline">', 1)[1].split("</ol>", 1)[0]
    steps = re.findall(r'<li class="(\w+)">\s*<span class="what">([^<]+)</span>', timeline)
    assert steps == [
        ("done", "Hồ sơ đã được tiếp nhận"),
        ("current", "Đã giải quyết xong: có kết quả"),
        ("pending", "Đã trả kết quả"),
    ]
    assert f"{dossier.received_at.astimezone():%d/%m/%Y}" in timeline
    assert (
        f'dự kiến trước <time datetime="{dossier.due_on:%Y-%m-%d}">{dossier.due_on:%d/%m/%Y}</time>'
        in timeline
    )
