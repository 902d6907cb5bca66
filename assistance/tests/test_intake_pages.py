"""The intake pages: the pre-release education on the notice page (seen by the facility and the receiving office
before release, escaped; recorded by the facility on its page, back to the notice; errors shown), and the intake
section of the 救助与就业 tab (education, latest briefing, assessments with their hints and rules; the forms for the
managing office, read-only for others; a bad form shown again with its errors, nothing written)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anbang.testing import checked_in_case, persona, send_notice
from assistance.models import Briefing, NeedsAssessment, ReleaseEducation
from assistance.services.intake import Course, record_briefing, record_needs_assessment, record_release_education
from cases import services as cases
from cases.models import Case
from core.audit import Actor
from handover import services as handover
from handover.models import ReleaseNotice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def educate(notice: ReleaseNotice, **overrides: Any) -> ReleaseEducation:
    fields: dict[str, Any] = {
        "courses": [Course("vocational_skills", TODAY - dt.timedelta(days=9), 40)],
        "difficulties": ["housing", "debt"],
    }
    fields.update(overrides)
    return record_release_education(notice=notice, by=Actor(persona("facility_liaison")), **fields)


# --- the notice page -------------------------------------------------------------------------------------------------


def test_it_shows_the_education_to_the_receiving_office_before_release() -> None:
    notice = send_notice()
    educate(notice)
    html = signed_in("office_officer").get(f"/handover/notices/{notice.pk}/").content.decode()
    assert "出监教育与困难" in html and "职业技能培训" in html and "住房、债务" in html
    assert "<strong>登记出监教育</strong>" in html  # the notice's timeline row
    assert "/education/" not in html  # no page to record it: the office only reads


def test_it_offers_the_facility_the_page_to_record_the_education() -> None:
    notice = send_notice()
    html = signed_in("facility_liaison").get(f"/handover/notices/{notice.pk}/").content.decode()
    assert f'href="/assistance/notices/{notice.pk}/education/"' in html


def test_it_shows_nothing_to_an_office_when_nothing_is_recorded() -> None:
    notice = send_notice()
    assert "出监教育与困难" not in signed_in("office_officer").get(f"/handover/notices/{notice.pk}/").content.decode()


def test_it_records_the_education_on_its_page_and_goes_back_to_the_notice() -> None:
    notice = send_notice()
    client = signed_in("facility_liaison")
    assert client.get(f"/assistance/notices/{notice.pk}/education/").status_code == 200
    response = client.post(
        f"/assistance/notices/{notice.pk}/education/",
        {
            "kind_0": "job_seeking",
            "on_0": (TODAY - dt.timedelta(days=5)).isoformat(),
            "hours_0": "6",
            "kind_2": "mental_health",
            "on_2": (TODAY - dt.timedelta(days=2)).isoformat(),
            "hours_2": "1.5",
            "difficulties": ["income", "family"],
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/handover/notices/{notice.pk}/"
    education = ReleaseEducation.objects.get(notice=notice)
    assert [c["kind"] for c in education.courses] == ["job_seeking", "mental_health"]
    assert education.courses[1]["hours"] == 1.5
    assert education.difficulties == ["income", "family"]
    # the page starts from what was recorded: saving replaces it
    again = client.get(f"/assistance/notices/{notice.pk}/education/").content.decode()
    assert 'value="job_seeking" selected' in again


def test_it_shows_the_service_refusal_next_to_the_row_and_writes_nothing() -> None:
    notice = send_notice()
    response = signed_in("facility_liaison").post(
        f"/assistance/notices/{notice.pk}/education/",
        {"kind_3": "job_seeking", "on_3": (TODAY + dt.timedelta(days=3)).isoformat(), "hours_3": "6"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "on_3" in form.errors
    assert not ReleaseEducation.objects.exists()


def test_it_refuses_a_half_filled_row_and_writes_nothing() -> None:
    notice = send_notice()
    response = signed_in("facility_liaison").post(
        f"/assistance/notices/{notice.pk}/education/", {"on_0": TODAY.isoformat(), "hours_0": "2"}
    )
    assert response.status_code == 400
    assert "kind_0" in response.context["form"].errors
    assert not ReleaseEducation.objects.exists()


def test_it_escapes_what_it_shows_on_the_notice_page() -> None:
    notice = send_notice()
    education = educate(notice)
    ReleaseEducation.objects.filter(pk=education.pk).update(
        courses=[{"kind": "<script>alert(1)</script>", "on": "2026-01-01", "hours": 1}], difficulties=["<b>x</b>"]
    )
    html = signed_in("office_officer").get(f"/handover/notices/{notice.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html


def test_it_refuses_the_education_page_to_an_office_and_hides_it_from_another_county() -> None:
    notice = send_notice()
    url = f"/assistance/notices/{notice.pk}/education/"
    assert signed_in("office_officer").post(url, {"difficulties": ["income"]}).status_code == 403
    assert signed_in("other_county_officer").get(url).status_code == 404
    assert signed_in("other_county_officer").post(url, {"difficulties": ["income"]}).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page
    assert not ReleaseEducation.objects.exists()


def test_it_sends_a_withdrawn_notice_back_with_the_reason() -> None:
    notice = send_notice()
    handover.withdraw_notice(notice=notice, reason="转押", by=Actor(persona("facility_liaison")))
    response = signed_in("facility_liaison").post(
        f"/assistance/notices/{notice.pk}/education/", {"difficulties": ["income"]}
    )
    assert response.status_code == 302 and response["Location"] == f"/handover/notices/{notice.pk}/"
    assert not ReleaseEducation.objects.exists()


# --- the tab ---------------------------------------------------------------------------------------------------------


def briefing_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"briefed_on": TODAY.isoformat(), "schemes": ["dibao", "medical_aid"], "acknowledged": "on"}
    data.update(overrides)
    return data


def assessment_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assessed_on": TODAY.isoformat(),
        "income_monthly": "900",
        "household_size": "3",
        "housing": "family",
        "can_work": "on",
    }
    data.update(overrides)
    return data


def test_it_shows_the_education_of_the_cases_notice_on_the_tab() -> None:
    case = checked_in_case()
    assert case.notice is not None
    educate(case.notice, courses=[Course("social_adaptation", TODAY, 12)])
    html = signed_in("office_officer").get(f"/cases/{case.pk}/assistance/").content.decode()
    assert "社会适应性教育" in html and "住房、债务" in html


def test_it_records_a_briefing_from_the_tab_and_shows_it() -> None:
    case = checked_in_case()
    client = signed_in("office_officer")
    response = client.post(f"/cases/{case.pk}/assistance/briefing/", briefing_post())
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/assistance/"
    briefing = Briefing.objects.get(case=case)
    assert briefing.schemes == ["dibao", "medical_aid"] and briefing.acknowledged
    html = client.get(f"/cases/{case.pk}/assistance/").content.decode()
    assert "最低生活保障、医疗救助" in html and "已确认" in html


def test_it_records_an_assessment_from_the_tab_and_shows_the_hints_with_their_rules() -> None:
    case = checked_in_case()
    client = signed_in("office_officer")
    response = client.post(f"/cases/{case.pk}/assistance/needs_assessment/", assessment_post())
    assert response.status_code == 302
    row = NeedsAssessment.objects.get(case=case)
    assert [h["scheme"] for h in row.hints] == ["dibao", "employment_aid"]
    html = client.get(f"/cases/{case.pk}/assistance/").content.decode()
    assert "人均月收入 300.00 元，低于本地低保标准 600 元" in html and "就业援助" in html


def test_it_shows_a_bad_assessment_again_with_its_errors_and_writes_nothing() -> None:
    case = checked_in_case()
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/needs_assessment/", assessment_post(income_monthly="-5", household_size="0")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="needs-assessment" open' in html and "field-invalid" in html
    assert not NeedsAssessment.objects.exists()


def test_it_puts_the_services_refusal_on_the_briefing_form() -> None:
    case = checked_in_case()
    long_ago = (TODAY - dt.timedelta(days=30)).isoformat()
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/briefing/", briefing_post(briefed_on=long_ago)
    )
    assert response.status_code == 400
    assert 'id="briefing" open' in response.content.decode()
    assert not Briefing.objects.exists()


def test_it_shows_the_tab_read_only_to_those_who_may_only_read() -> None:
    case = checked_in_case()
    record_briefing(
        case=case, briefed_on=TODAY, schemes=["tekun"], acknowledged=False, by=Actor(persona("office_officer"))
    )
    html = signed_in("city_officer").get(f"/cases/{case.pk}/assistance/").content.decode()
    assert "特困人员救助供养" in html and "未确认" in html
    assert "保存告知" not in html and "保存评估" not in html
    assert signed_in("city_officer").post(f"/cases/{case.pk}/assistance/briefing/", briefing_post()).status_code == 403
    assert Briefing.objects.count() == 1


def test_it_offers_no_forms_on_a_closed_case() -> None:
    case = checked_in_case()
    cases.close_case(case=case, reason="died", closed_on=TODAY, by=Actor(persona("office_officer")))
    client = signed_in("office_officer")
    assert "保存告知" not in client.get(f"/cases/{case.pk}/assistance/").content.decode()
    response = client.post(f"/cases/{case.pk}/assistance/briefing/", briefing_post())
    assert response.status_code == 302 and not Briefing.objects.exists()


def test_it_shows_the_latest_assessments_first_and_a_few() -> None:
    case = checked_in_case()
    by = Actor(persona("office_officer"))
    for days, income in ((4, "100"), (3, "200"), (2, "300"), (1, "400")):
        record_needs_assessment(
            case=case,
            assessed_on=TODAY - dt.timedelta(days=days),
            income_monthly=income,
            household_size=1,
            can_work=True,
            housing="own",
            has_supporter=True,
            by=by,
        )
    html = signed_in("office_officer").get(f"/cases/{case.pk}/assistance/").content.decode()
    assert html.index("家庭月收入 400.00 元") < html.index("家庭月收入 300.00 元")
    assert "家庭月收入 100.00 元" not in html and "只显示最近 3 次评估" in html


def test_it_details_its_rows_on_the_case_timeline() -> None:
    case = checked_in_case()
    by = Actor(persona("office_officer"))
    record_briefing(case=case, briefed_on=TODAY, schemes=["dibao"], acknowledged=True, by=by)
    record_needs_assessment(
        case=case,
        assessed_on=TODAY,
        income_monthly="0",
        household_size=1,
        can_work=True,
        housing="none",
        has_supporter=True,
        by=by,
    )
    html = signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()
    assert "政策告知" in html and "已讲解：最低生活保障" in html and "本人已确认" in html
    assert "需求评估" in html and "资格提示：最低生活保障、就业援助" in html


def test_it_shows_the_notice_education_through_the_case_only_to_readers() -> None:
    case: Case = checked_in_case(key_target=True)
    assert signed_in("police_officer").get(f"/cases/{case.pk}/assistance/").status_code == 404
