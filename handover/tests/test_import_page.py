"""The facility liaison's import page: /handover/import/ (with and without JavaScript) and the result page."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anbang.testing import persona
from handover.models import ImportJob, ReleaseNotice
from handover.tests.test_import import csv_bytes, row

pytestmark = pytest.mark.django_db
PAGE = "/handover/import/"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def test_it_shows_the_upload_form_and_the_template_link() -> None:
    response = signed_in("facility_liaison").get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "/api/v1/release-notices/template.xlsx" in html
    assert 'src="/static/js/import.js"' in html
    assert "<progress" in html and 'name="csrfmiddlewaretoken"' in html


def test_it_has_no_inline_script_or_style_for_the_csp_to_refuse() -> None:
    html = signed_in("facility_liaison").get(PAGE).content.decode()
    assert " style=" not in html and "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_it_sends_anonymous_visitors_to_sign_in() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("username", ["office_officer", "volunteer"])
def test_it_refuses_every_other_role(username: str) -> None:
    assert signed_in(username).get(PAGE).status_code == 403
    upload = SimpleUploadedFile("list.csv", csv_bytes([row(1)]))
    assert signed_in(username).post(PAGE, {"file": upload}).status_code == 403
    assert not ReleaseNotice.objects.exists()


def test_it_imports_without_javascript_and_redirects_to_the_result() -> None:
    client = signed_in("facility_liaison")
    upload = SimpleUploadedFile("三月名单.csv", csv_bytes([row(1), row(2, gender="未知")]))
    response = client.post(PAGE, {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"{PAGE}{job.token}/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "三月名单.csv" in html and "导入完成" in html
    assert "性别(男/女)" in html  # the error names the column by its label
    assert ReleaseNotice.objects.count() == 1


def test_it_answers_the_script_with_json() -> None:
    token = str(uuid.uuid4())
    upload = SimpleUploadedFile("list.csv", csv_bytes([row(1), row(2, name="")]))
    response = signed_in("facility_liaison").post(
        PAGE, {"file": upload, "token": token}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["error_count"], body["token"]) == (1, 1, token)
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["field"] == "name"
    assert body["result_url"] == f"{PAGE}{token}/"


def test_it_puts_a_file_it_cannot_read_back_on_the_form() -> None:
    upload = SimpleUploadedFile("list.pdf", b"%PDF-1.4")
    response = signed_in("facility_liaison").post(PAGE, {"file": upload})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not ReleaseNotice.objects.exists()


def test_it_answers_the_script_with_the_error_shape() -> None:
    upload = SimpleUploadedFile("list.pdf", b"%PDF-1.4")
    response = signed_in("facility_liaison").post(PAGE, {"file": upload}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_it_asks_for_a_file() -> None:
    response = signed_in("facility_liaison").post(PAGE, {}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]


def test_it_shows_the_result_of_an_import_to_its_facility_only() -> None:
    client = signed_in("facility_liaison")
    client.post(PAGE, {"file": SimpleUploadedFile("list.csv", csv_bytes([row(1)]))})
    job = ImportJob.objects.get()
    assert signed_in("office_officer").get(f"{PAGE}{job.token}/").status_code == 403
    assert client.get(f"{PAGE}{uuid.uuid4()}/").status_code == 404
    assert "list.csv" in client.get(PAGE).content.decode()  # listed under the recent imports


def test_its_script_polls_the_progress_endpoint_it_names() -> None:
    html = signed_in("facility_liaison").get(PAGE).content.decode()
    match = re.search(r'data-progress-url="([^"]+)" data-token-placeholder="([^"]+)"', html)
    assert match is not None
    token = str(uuid.uuid4())
    client = signed_in("facility_liaison")
    client.post(PAGE, {"file": SimpleUploadedFile("l.csv", csv_bytes([row(1)])), "token": token})
    progress = client.get(match[1].replace(match[2], token))  # the session is enough for the API's GET
    assert progress.status_code == 200 and progress.json()["status"] == "done"
