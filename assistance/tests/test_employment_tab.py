"""The employment part of the 救助与就业 tab: the profile with the pension record, services, placements (those in
force first, each with its end form), the insurance referrals read-only, the ledger with its total; the forms for
those who hold their capability, read-only for other readers, no ledger for the volunteer; a bad form comes back
with the message next to its field and nothing written; the case timeline's details of this part's rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from anbang.testing import persona
from assistance.models import AidEntry, EmploymentProfile, EmploymentService, Placement
from assistance.services.aid import record_aid
from assistance.tests.test_employment_api import days_ago, events, join_group, place, referral, released_case
from cases import services as case_services
from cases.models import Case
from core.audit import Actor

pytestmark = pytest.mark.django_db

FORMS = ("employment_profile", "employment_service", "placement", "placement_end", "aid")


@pytest.fixture
def case() -> Case:
    return released_case()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def tab(username: str, case: Case) -> str:
    response = signed_in(username).get(f"/cases/{case.pk}/assistance/")
    assert response.status_code == 200
    return response.content.decode()


def offered(html: str, case: Case) -> set[str]:
    return {name for name in FORMS if f'action="/cases/{case.pk}/assistance/{name}/"' in html}


def aid(case: Case, amount: str = "300.00", purpose: str = "春节慰问") -> AidEntry:
    return record_aid(
        case=case,
        by=Actor(persona("office_officer")),
        kind="cash",
        amount=amount,
        given_on=timezone.localdate(),
        purpose=purpose,
    )


def test_it_shows_the_office_every_form_and_the_ledger_with_its_total(case: Case) -> None:
    place(case)
    aid(case, "300.00")
    aid(case, "950.50", purpose="临时生活补助")
    html = tab("office_officer", case)
    assert offered(html, case) == set(FORMS)
    assert "帮扶台账" in html and "1250.50" in html and "共 2 笔" in html
    assert "南京某物流有限公司" in html and "在职" in html


def test_it_shows_the_social_worker_the_profile_and_service_forms_and_the_ledger_without_its_form(case: Case) -> None:
    join_group(case, "social_worker")
    place(case)
    aid(case, "300.00")
    html = tab("social_worker", case)
    assert offered(html, case) == {"employment_profile", "employment_service"}
    assert "300.00" in html


def test_it_shows_the_volunteer_the_employment_part_but_not_the_ledger(case: Case) -> None:
    join_group(case, "volunteer")
    place(case)
    aid(case, "888.88", purpose="春节慰问金")
    html = tab("volunteer", case)
    assert offered(html, case) == set()
    assert "南京某物流有限公司" in html and "就业帮扶档案" in html
    assert "帮扶台账" not in html and "888.88" not in html and "春节慰问金" not in html


def test_it_keeps_the_ledger_amount_off_the_case_timeline(case: Case) -> None:
    join_group(case, "volunteer")
    aid(case, "888.88", purpose="春节慰问金")
    response = signed_in("volunteer").get(f"/cases/{case.pk}/")
    html = response.content.decode()
    assert "帮扶发放" in html and "现金：春节慰问金" in html
    assert "888.88" not in html


def test_it_shows_a_reader_above_the_office_the_part_read_only(case: Case) -> None:
    aid(case, "300.00")
    html = tab("city_officer", case)
    assert offered(html, case) == set() and "300.00" in html


def test_it_offers_no_form_on_a_closed_case(case: Case) -> None:
    case_services.close_case(
        case=case, reason="died", closed_on=timezone.localdate(), by=Actor(persona("office_officer"))
    )
    assert offered(tab("office_officer", case), case) == set()
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/aid/",
        {"kind": "cash", "amount": "10", "given_on": timezone.localdate().isoformat(), "purpose": "x"},
    )
    assert response.status_code == 302 and not AidEntry.objects.exists()


def test_it_shows_the_profile_with_the_pension_record_and_fills_its_form(case: Case) -> None:
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/employment_profile/",
        {
            "skills": "叉车；电焊",
            "certificates": "焊工证",
            "schooling": "junior",
            "wish": "物流",
            "pension_scheme": "employee",
            "pension_years_before": "8",
            "pension_resumed_on": days_ago(30),
        },
    )
    assert response.status_code == 302
    assert EmploymentProfile.objects.get(case=case).skills == ["叉车", "电焊"]
    html = tab("office_officer", case)
    assert "叉车、电焊" in html and "城镇职工基本养老保险" in html and "缴费 8 年" in html
    assert f"{days_ago(30)} 起恢复缴费" in html
    assert 'value="叉车；电焊"' in html  # the form shows the profile it replaces


def test_it_records_a_service_from_the_tab(case: Case) -> None:
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/employment_service/",
        {"kind": "training", "on": days_ago(2), "course": "中式烹调", "hours": "80"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/assistance/#employment"
    assert EmploymentService.objects.get(case=case).course == "中式烹调"
    assert "职业技能培训" in tab("office_officer", case)


def test_it_records_a_placement_from_the_tab_and_the_case_page_shows_employed(case: Case) -> None:
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/placement/",
        {"employer": "某餐饮公司", "job": "厨师", "started_on": days_ago(5), "contract_months": "12"},
    )
    assert response.status_code == 302
    html = signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()
    assert re.search(r"<dt>安置情况</dt><dd>就业", html)
    assert "某餐饮公司，厨师" in html  # the timeline's detail of the placement row


def test_it_puts_a_placement_before_release_back_on_the_form_naming_the_day(case: Case) -> None:
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/placement/",
        {"employer": "某餐饮公司", "job": "厨师", "started_on": days_ago(101), "contract_months": "12"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index("cs-field-started_on") :][:1500]
    assert "field-invalid" in html[html.index("cs-field-started_on") - 60 :][:200]
    assert "不能早于释放日期" in field
    assert not Placement.objects.exists()


def test_it_ends_a_placement_through_its_own_form(case: Case) -> None:
    placement_id = place(case).json()["id"]
    html = tab("office_officer", case)
    assert f'name="placement" value="{placement_id}"' in html
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/placement_end/",
        {"placement": str(placement_id), "ended_on": days_ago(1), "reason": "合同到期"},
    )
    assert response.status_code == 302
    assert Placement.objects.get().ended_on == timezone.localdate() - dt.timedelta(days=1)
    assert Case.objects.get(pk=case.pk).settlement_status == "employed"  # left to the officer
    html = tab("office_officer", case)
    assert "已离职" in html and f'name="placement" value="{placement_id}"' not in html
    case_page = signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()
    assert "就业结束" in case_page and f"南京某物流有限公司，{days_ago(1)} 离职" in case_page


def test_it_shows_a_failed_end_on_the_placement_it_was_for(case: Case) -> None:
    placement_id = place(case).json()["id"]
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/placement_end/",
        {"placement": str(placement_id), "ended_on": days_ago(1), "reason": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="placement-end-{placement_id}" open' in html
    assert Placement.objects.get().ended_on is None


def test_it_puts_a_bad_amount_next_to_its_field_with_nothing_written(case: Case) -> None:
    for amount in ("-50", "0", "12.345", "abc"):
        response = signed_in("office_officer").post(
            f"/cases/{case.pk}/assistance/aid/",
            {"kind": "cash", "amount": amount, "given_on": timezone.localdate().isoformat(), "purpose": "慰问"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        amount_field = html[html.index('class="field cs-field-amount') :][:1200]
        assert "field-invalid" in amount_field[:80] and 'class="field-error"' in amount_field
        assert 'id="aid-form" open' in html
    assert not AidEntry.objects.exists() and not events(case, "aid")


def test_it_records_a_hand_out_from_the_tab_and_shows_the_total(case: Case) -> None:
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/assistance/aid/",
        {
            "kind": "in_kind",
            "amount": "120.5",
            "given_on": timezone.localdate().isoformat(),
            "purpose": "棉被",
            "need": "housing",
        },
    )
    assert response.status_code == 302
    assert AidEntry.objects.get().amount == 120.5
    assert "120.50" in tab("office_officer", case)


@pytest.mark.parametrize("username", ["volunteer", "social_worker", "city_officer"])
def test_it_answers_403_to_a_reader_posting_the_ledger_form(case: Case, username: str) -> None:
    join_group(case, "volunteer")
    join_group(case, "social_worker")
    response = signed_in(username).post(
        f"/cases/{case.pk}/assistance/aid/",
        {"kind": "cash", "amount": "10", "given_on": timezone.localdate().isoformat(), "purpose": "x"},
    )
    assert response.status_code == 403 and not AidEntry.objects.exists()


def test_it_answers_404_to_another_county_posting_a_form(case: Case) -> None:
    response = signed_in("other_county_officer").post(
        f"/cases/{case.pk}/assistance/employment_service/", {"kind": "guidance", "on": days_ago(1)}
    )
    assert response.status_code == 404 and not EmploymentService.objects.exists()


def test_it_shows_the_insurance_referrals_read_only(case: Case) -> None:
    referral(case, "pension_continuation")
    referral(case, "dibao", to="civil_affairs")
    html = tab("office_officer", case)
    start = html.index('id="insurance"')
    section = html[start : html.index("</section>", start)]
    assert "养老保险接续" in section and "最低生活保障" not in section
    assert "<form" not in section


def test_it_shows_the_timeline_details_of_the_employment_rows(case: Case) -> None:
    client = signed_in("office_officer")
    client.post(
        f"/cases/{case.pk}/assistance/employment_service/",
        {"kind": "job_referral", "on": days_ago(2), "provider": "区就业中心"},
    )
    client.post(
        f"/cases/{case.pk}/assistance/employment_profile/",
        {"schooling": "senior", "pension_scheme": "resident"},
    )
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "就业服务" in html and f"职业介绍，{days_ago(2)}" in html and "服务机构：区就业中心" in html
    assert "就业帮扶档案" in html and "文化程度：高中" in html and "养老保险：城乡居民基本养老保险" in html
