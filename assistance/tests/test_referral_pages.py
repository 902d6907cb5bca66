"""The referral pages: the section of the 救助与就业 tab (the case's referrals with their clock, the form to send
one, the button that issues a link shown once), the inbox of both sides (overdue first, filters, .xlsx), and the
referral page where the department decides and sees only the minimum."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, make_id_number, persona
from assistance.models import PartnerLink, Referral
from cases.models import Case
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def referral(case: Case | None = None, scheme: str = "dibao") -> Referral:
    case = case or checked_in_case()
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/referrals", {"scheme": scheme, "to": "MZ320102", "reason": "无收入来源"}
    )
    return Referral.objects.get(pk=response.json()["id"])


# --- the tab ----------------------------------------------------------------------------------------------------------


def test_the_tab_shows_the_referrals_with_their_clock_and_the_form_to_send_one() -> None:
    ref = referral()
    html = signed_in("office_officer").get(f"/cases/{ref.case_id}/assistance/").content.decode()
    assert "救助转介" in html and "最低生活保障" in html and "玄武区民政局" in html
    assert ref.respond_by.isoformat() in html
    assert f'action="/cases/{ref.case_id}/assistance/referral/"' in html
    assert f'action="/assistance/referrals/{ref.pk}/partner-link/"' in html


def test_a_volunteer_of_the_group_reads_the_tab_without_the_forms() -> None:
    ref = referral()
    ApiClient("office_officer").post(
        f"/cases/{ref.case_id}/group", {"part": "volunteer", "name": "志愿者", "username": "volunteer"}
    )
    html = signed_in("volunteer").get(f"/cases/{ref.case_id}/assistance/").content.decode()
    assert "最低生活保障" in html
    assert "/referral/" not in html and "partner_link" not in html
    post = signed_in("volunteer").post(
        f"/cases/{ref.case_id}/assistance/referral/", {"scheme": "tekun", "to": "MZ320102", "reason": "x"}
    )
    assert post.status_code == 403


def test_the_office_sends_a_referral_from_the_tab() -> None:
    case = checked_in_case()
    client = signed_in("office_officer")
    response = client.post(
        f"/cases/{case.pk}/assistance/referral/", {"scheme": "dibao", "to": "MZ320102", "reason": "家庭困难"}
    )
    assert response.status_code == 302
    ref = Referral.objects.get(case=case)
    assert response["Location"].endswith(f"/cases/{case.pk}/assistance/#referral-{ref.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "已向玄武区民政局转介最低生活保障" in page


def test_a_referral_to_the_wrong_department_comes_back_on_the_form() -> None:
    case = checked_in_case()
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/referral/", {"scheme": "dibao", "to": "RS320102", "reason": "家庭困难"}
    )
    assert response.status_code == 422
    assert "不是主管该事项的部门" in response.content.decode() or "field-error" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_link_button_shows_the_url_once() -> None:
    ref = referral()
    client = signed_in("office_officer")
    response = client.post(f"/assistance/referrals/{ref.pk}/partner-link/", follow=True)
    html = response.content.decode()
    found = re.search(r"http://testserver(/assistance/partner/([A-Za-z0-9_\-]+)/)", html)
    assert found is not None
    assert PartnerLink.objects.filter(referral=ref).count() == 1
    assert Client().get(found.group(1)).status_code == 200
    assert found.group(2) not in client.get(f"/cases/{ref.case_id}/assistance/").content.decode()
    # the department, a colleague of another office and another county may not issue one
    assert signed_in("partner_officer").post(f"/assistance/referrals/{ref.pk}/partner-link/").status_code == 403
    assert signed_in("office_officer_b").post(f"/assistance/referrals/{ref.pk}/partner-link/").status_code == 404
    assert signed_in("other_county_officer").post(f"/assistance/referrals/{ref.pk}/partner-link/").status_code == 404
    assert PartnerLink.objects.filter(referral=ref).count() == 1


# --- the inbox --------------------------------------------------------------------------------------------------------


def test_the_department_inbox_lists_incoming_overdue_first() -> None:
    late = referral(scheme="temporary_aid")
    Referral.objects.filter(pk=late.pk).update(respond_by=timezone.localdate() - dt.timedelta(days=2))
    fresh = referral(checked_in_case(person={"name": "李测试", "id_number": make_id_number(seq=456)}))
    html = signed_in("partner_officer").get("/assistance/referrals/").content.decode()
    assert "收到的转介" in html
    assert html.index(f"/assistance/referrals/{late.pk}/") < html.index(f"/assistance/referrals/{fresh.pk}/")
    assert "已逾期" in html and "********" in html
    assert AuditEvent.objects.filter(action="person.list", detail__via="assistance.referrals.incoming").exists()


def test_the_inbox_lists_the_answered_after_the_waiting_the_latest_decision_first() -> None:
    waiting = referral()
    old, new = (
        referral(checked_in_case(person={"name": name, "id_number": make_id_number(seq=seq)}))
        for name, seq in (("李旧答", 457), ("李新答", 458))
    )
    today = timezone.localdate()
    for ref, decided in ((old, today - dt.timedelta(days=20)), (new, today)):
        # answered long after its deadline would have sorted it last by deadline
        Referral.objects.filter(pk=ref.pk).update(
            status=Referral.Status.REJECTED, decided_on=decided, respond_by=today + dt.timedelta(days=30)
        )
    Referral.objects.filter(pk=old.pk).update(respond_by=today - dt.timedelta(days=30))
    html = signed_in("office_officer").get("/assistance/referrals/").content.decode()
    positions = [html.index(f"/assistance/referrals/{ref.pk}/") for ref in (waiting, new, old)]
    assert positions == sorted(positions)


def test_the_office_inbox_lists_outgoing_and_filters() -> None:
    ref = referral()
    client = signed_in("office_officer")
    html = client.get("/assistance/referrals/").content.decode()
    assert "发出的转介" in html and f"/assistance/referrals/{ref.pk}/" in html
    assert f"/assistance/referrals/{ref.pk}/" not in client.get("/assistance/referrals/?scheme=tekun").content.decode()
    assert f"/assistance/referrals/{ref.pk}/" in client.get("/assistance/referrals/?status=submitted").content.decode()
    other = signed_in("other_county_officer").get("/assistance/referrals/").content.decode()
    assert f"/assistance/referrals/{ref.pk}/" not in other


def test_the_inbox_exports_xlsx() -> None:
    referral()
    response = signed_in("partner_officer").get("/assistance/referrals/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="export").exists()


def test_the_inbox_is_not_for_a_volunteer_nor_anonymous() -> None:
    assert signed_in("volunteer").get("/assistance/referrals/").status_code == 403
    assert Client().get("/assistance/referrals/").status_code == 302


def test_the_navigation_has_the_inbox_for_the_department_the_office_and_the_county() -> None:
    for username in ("partner_officer", "office_officer", "county_officer"):
        html = signed_in(username).get("/").content.decode()
        assert 'href="/assistance/referrals/"' in html, username


# --- the referral page ------------------------------------------------------------------------------------------------


def test_the_department_decides_on_the_referral_page_and_sees_only_the_minimum() -> None:
    ref = referral()
    client = signed_in("partner_officer")
    html = client.get(f"/assistance/referrals/{ref.pk}/").content.decode()
    assert ref.case.person.name in html and "********" in html and "无收入来源" in html
    assert "盗窃罪" not in html and f"/cases/{ref.case_id}/" not in html
    assert f'action="/assistance/referrals/{ref.pk}/respond/"' in html
    starts = timezone.localdate().isoformat()
    done = client.post(
        f"/assistance/referrals/{ref.pk}/respond/", {"result": "approved", "starts_on": starts, "amount": "760"}
    )
    assert done.status_code == 302
    ref.refresh_from_db()
    assert ref.status == "approved" and str(ref.amount) == "760.00"
    after = client.get(f"/assistance/referrals/{ref.pk}/").content.decode()
    assert "respond/" not in after and "760.00" in after


def test_a_bad_decision_comes_back_on_the_referral_page() -> None:
    ref = referral()
    response = signed_in("partner_officer").post(f"/assistance/referrals/{ref.pk}/respond/", {"result": "rejected"})
    assert response.status_code == 422
    assert Referral.objects.get(pk=ref.pk).status == "submitted"


def test_the_office_reads_the_referral_page_but_may_not_decide() -> None:
    ref = referral()
    client = signed_in("office_officer")
    html = client.get(f"/assistance/referrals/{ref.pk}/").content.decode()
    assert "respond/" not in html
    assert client.post(f"/assistance/referrals/{ref.pk}/respond/", {"result": "under_review"}).status_code == 403
    assert signed_in("other_county_officer").get(f"/assistance/referrals/{ref.pk}/").status_code == 404
    assert signed_in("volunteer").get(f"/assistance/referrals/{ref.pk}/").status_code == 404


def test_the_case_timeline_names_the_referral_rows() -> None:
    ref = referral()
    html = signed_in("office_officer").get(f"/cases/{ref.case_id}/").content.decode()
    assert "发出救助转介" in html and "回复期限" in html


def test_the_office_ends_a_benefit_from_the_tab() -> None:
    ref = referral()
    today = timezone.localdate().isoformat()
    ApiClient("partner_officer").post(f"/referrals/{ref.pk}/respond", {"result": "approved", "starts_on": today})
    client = signed_in("office_officer")
    assert (
        f'action="/cases/{ref.case_id}/assistance/referral_end/"'
        in client.get(f"/cases/{ref.case_id}/assistance/").content.decode()
    )
    bad = client.post(f"/cases/{ref.case_id}/assistance/referral_end/", {"referral": ref.pk, "ended_on": today})
    assert bad.status_code == 400
    done = client.post(
        f"/cases/{ref.case_id}/assistance/referral_end/", {"referral": ref.pk, "ended_on": today, "reason": "已就业"}
    )
    assert done.status_code == 302
    assert Referral.objects.get(pk=ref.pk).status == "ended"


def test_the_inbox_reads_a_fixed_number_of_queries_whatever_its_length() -> None:
    client = signed_in("partner_officer")
    referral()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/assistance/referrals/").status_code == 200
        return len(captured)

    one = queries()
    for seq in (211, 231, 251):
        referral(checked_in_case(person={"name": f"测试{seq}", "id_number": make_id_number(seq=seq)}))
    assert queries() == one
