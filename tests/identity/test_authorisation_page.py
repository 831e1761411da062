"""The authorisation page's date is typed and shown day/month/year, whatever the browser's
language (ADR 0037): a text input with a hint, not a native date input."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from motcua.identity.models import Representation
from tests.identity.world import APPLICANTS, applicant_client, make_applicant


@pytest.mark.django_db
def test_the_validity_date_is_day_month_year_and_both_formats_are_accepted():
    personal_id, name, born = APPLICANTS["applicant_a"]
    client = applicant_client(make_applicant(personal_id, name, born))
    page = client.get("/ca-nhan/uy-quyen/moi/").content.decode()
    field = re.search(r'<input type="text" name="valid_until"[^>]*>', page)
    assert field, page
    default = timezone.localdate() + datetime.timedelta(days=365)
    assert f'value="{default:%d/%m/%Y}"' in field.group(0)
    assert 'aria-describedby="id_valid_until_helptext"' in field.group(0)
    assert '<p class="hint" id="id_valid_until_helptext">Ngày/tháng/năm, ví dụ 27/03/2020</p>' in page
    grantor = re.search(r'<option value="([0-9a-f-]{36})"', page)
    assert grantor
    until = timezone.localdate() + datetime.timedelta(days=90)
    for typed in (f"{until:%d/%m/%Y}", until.isoformat()):
        response = client.post(
            "/ca-nhan/uy-quyen/moi/",
            {
                "grantor": grantor.group(1),
                "representative_personal_id": APPLICANTS["representative"][0],
                "representative_name": APPLICANTS["representative"][1],
                "valid_until": typed,
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert set(Representation.objects.values_list("valid_until", flat=True)) == {until}


@pytest.mark.django_db
def test_a_form_error_is_summarised_and_tied_to_its_field():
    personal_id, name, born = APPLICANTS["applicant_a"]
    client = applicant_client(make_applicant(personal_id, name, born))
    page = client.get("/ca-nhan/uy-quyen/moi/").content.decode()
    grantor = re.search(r'<option value="([0-9a-f-]{36})"', page)
    assert grantor
    response = client.post(
        "/ca-nhan/uy-quyen/moi/",
        {
            "grantor": grantor.group(1),
            "representative_personal_id": "12345",
            "representative_name": "Phạm Thị Dung",
            "valid_until": "31/02/2027",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Lỗi: " in page
    summary = page.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#id_representative_personal_id">' in summary
    assert '<a href="#id_valid_until">' in summary
    field = re.search(r'<input type="text" name="representative_personal_id"[^>]*>', page)
    assert field
    assert 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="id_representative_personal_id_error"' in field.group(0)
    assert '<div id="id_representative_personal_id_error"><p class="error">' in page
