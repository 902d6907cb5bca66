"""The hand-over pages (DESIGN §2 steps 2–5): each role's pages, the forms with their errors in place, the
transitions through the forms, reach (another county gets 404, a volunteer nothing), and list pages whose query
count stays flat however many notices they show."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from anbang.testing import make_id_number, persona, send_notice
from cases.models import Case
from core.audit import Actor
from core.models import AuditEvent
from directory.navigation import NavItem, nav_for
from handover import services
from handover.models import Alert, ReleaseNotice
from people.models import Custody, Person

pytestmark = pytest.mark.django_db

S = ReleaseNotice.Status

PAGES = [
    "/handover/",
    "/handover/notices/",
    "/handover/notices/new/",
    "/handover/inbox/",
    "/handover/inbox/check-in/",
    "/handover/inbox/missed/",
    "/handover/inbox/handed-over/",
    "/handover/returned/",
    "/handover/backfill/",
    "/handover/first-72-hours/",
    "/handover/first-72-hours/live/",
    "/handover/alerts/",
]


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def as_actor(username: str) -> Actor:
    return Actor(user=persona(username))


def today() -> dt.date:
    return timezone.localdate()


def person_for(seq: int) -> dict[str, str]:
    """A distinct man per ``seq``: the birth date tells them apart (make_id_number's order code repeats)."""
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=seq)
    return {
        "id_number": make_id_number(birth.strftime("%Y%m%d"), seq=seq),
        "birth_date": birth.isoformat(),
        "name": f"测试{seq}号",
    }


def notice_for(seq: int, **overrides: Any) -> ReleaseNotice:
    """A notice for a man of township 320102001000 (office_officer's), sent by facility_liaison."""
    return send_notice(person={**person_for(seq), **overrides.pop("person", {})}, **overrides)


def released(seq: int, *, key_target: bool = False, escorted: bool | None = None) -> ReleaseNotice:
    notice = notice_for(seq, key_target=key_target)
    escort = None if escorted is None else services.Escort(escorted=escorted, staff=["王干部"] if escorted else [])
    return services.record_release(notice=notice, released_on=today(), escort=escort, by=as_actor("facility_liaison"))


def returned(seq: int) -> ReleaseNotice:
    notice = notice_for(seq)
    return services.verify_notice(
        notice=notice, result="not_ours", note="户籍已迁往外省", by=as_actor("office_officer")
    )


def field_block(html: str, name: str) -> str:
    """The ``<div class="field ho-field-NAME ...">`` block of one form field."""
    match = re.search(
        rf'<div class="field ho-field-{name}[ "].*?(?=<div class="field |</fieldset>|<button)', html, re.S
    )
    assert match is not None, f"no field {name}"
    return match.group(0)


def notice_post(**overrides: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "表单测试",
        "gender": "male",
        "id_number": make_id_number(seq=801),
        "birth_date": "",
        "hukou_region": "320102001000",
        "residence_region": "",
        "residence_address": "示范路 8 号",
        "expected_release_date": (today() + dt.timedelta(days=45)).isoformat(),
        "offence": "盗窃罪",
        "sentence_months": "24",
        "key_target": "on",
        "key_target_reasons": "累犯；有暴力倾向; 无固定住所",
        "needs": "就业；住房",
        "pre_release_education": ["vocational_skills", "policy_briefing"],
    }
    data.update(overrides)
    return data


# --- every page renders for its role -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "path", "text"),
    [
        ("facility_liaison", "/handover/notices/", "释放通知书"),
        ("facility_liaison", "/handover/notices/new/", "新建刑满释放人员通知书"),
        ("office_officer", "/handover/inbox/", "待核查"),
        ("office_officer", "/handover/inbox/check-in/", "待报到"),
        ("office_officer", "/handover/inbox/missed/", "漏管"),
        ("office_officer", "/handover/inbox/handed-over/", "已衔接"),
        ("office_officer", "/handover/notices/", "通知书查询"),
        ("office_officer", "/handover/backfill/", "补录刑满释放人员"),
        ("office_officer", "/handover/first-72-hours/", "释放后72小时"),
        ("office_officer", "/handover/alerts/", "预警督办"),
        ("county_officer", "/handover/returned/", "退回待改派"),
        ("county_officer", "/handover/inbox/", "衔接工作"),
        ("county_officer", "/handover/first-72-hours/", "释放后72小时"),
        ("county_officer", "/handover/alerts/", "预警督办"),
        ("city_officer", "/handover/returned/", "退回待改派"),
        ("city_officer", "/handover/inbox/check-in/", "待报到"),
    ],
)
def test_it_renders_each_page_for_its_role(username: str, path: str, text: str) -> None:
    notice_for(1)
    released(2, key_target=True)
    returned(3)
    response = signed_in(username).get(path)
    assert response.status_code == 200, response.content.decode()[:300]
    html = response.content.decode()
    assert f"<h1>{text}" in html or text in html
    assert "<h1" in html


def test_it_sends_each_role_to_its_start_page() -> None:
    assert signed_in("facility_liaison").get("/handover/")["Location"] == "/handover/notices/"
    assert signed_in("office_officer").get("/handover/")["Location"] == "/handover/inbox/"
    assert signed_in("county_officer").get("/handover/")["Location"] == "/handover/inbox/"


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_anonymous_visitors_to_sign_in(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_it_takes_an_expired_session_polling_the_live_panel_to_sign_in() -> None:
    response = Client().get("/handover/first-72-hours/live/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/handover/first-72-hours/"


def test_it_signs_out_a_live_panel_left_alone_past_the_idle_timeout() -> None:
    client = signed_in("office_officer")
    assert client.get("/handover/first-72-hours/").status_code == 200
    assert client.get("/handover/first-72-hours/live/", headers={"HX-Request": "true"}).status_code == 200
    session = client.session
    session["handover.first_72_hours.opened_at"] = time.time() - settings.SESSION_COOKIE_AGE - 1
    session.save()
    response = client.get("/handover/first-72-hours/live/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/login/?next=/handover/first-72-hours/"
    assert client.get("/handover/inbox/").status_code == 302  # signed out
    assert AuditEvent.objects.filter(action="logout", username="office_officer").exists()


@pytest.mark.parametrize("path", PAGES)
def test_it_refuses_a_volunteer_every_handover_page(path: str) -> None:
    response = signed_in("volunteer").get(path)
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("action", ["", "verify/", "check-in/", "release/", "withdraw/", "route/"])
def test_it_answers_404_to_a_volunteer_for_a_notice(action: str) -> None:
    notice = notice_for(5)
    client = signed_in("volunteer")
    response = (
        client.post(f"/handover/notices/{notice.pk}/{action}")
        if action
        else client.get(f"/handover/notices/{notice.pk}/")
    )
    assert response.status_code == 404


@pytest.mark.parametrize("username", ["other_county_officer", "other_office_officer", "office_officer_b"])
def test_it_answers_404_for_a_notice_of_another_county_or_office(username: str) -> None:
    notice = released(6)
    client = signed_in(username)
    assert client.get(f"/handover/notices/{notice.pk}/").status_code == 404
    today_iso = today().isoformat()
    response = client.post(
        f"/handover/notices/{notice.pk}/check-in/", {"checked_in_on": today_iso, "method": "self_reported"}
    )
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.status == S.RELEASED


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("office_officer", "/handover/notices/new/"),
        ("office_officer", "/handover/returned/"),
        ("facility_liaison", "/handover/inbox/"),
        ("facility_liaison", "/handover/backfill/"),
        ("facility_liaison", "/handover/first-72-hours/"),
        ("county_officer", "/handover/backfill/"),
        ("system_admin", "/handover/notices/"),
    ],
)
def test_it_refuses_a_page_the_role_has_no_part_in(username: str, path: str) -> None:
    assert signed_in(username).get(path).status_code == 403


# --- the facility's notice form --------------------------------------------------------------------------------------


def test_it_shows_a_bad_id_number_next_to_the_field_and_writes_nothing() -> None:
    body = make_id_number(seq=802)
    bad = body[:17] + ("0" if body[17] != "0" else "1")
    before = (
        Person.objects.count(),
        Custody.objects.count(),
        ReleaseNotice.objects.count(),
        AuditEvent.objects.count(),
    )
    response = signed_in("facility_liaison").post("/handover/notices/new/", notice_post(id_number=bad))
    assert response.status_code == 400
    html = response.content.decode()
    block = field_block(html, "id_number")
    assert "field-invalid" in block
    assert "校验码" in block
    assert f'value="{bad}"' in block  # what was typed stays in the box
    assert "校验码" not in field_block(html, "name")
    assert "释放通知书有误" in html  # the summary on top
    after = (Person.objects.count(), Custody.objects.count(), ReleaseNotice.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_it_shows_every_mistake_of_one_submission_at_once() -> None:
    response = signed_in("facility_liaison").post(
        "/handover/notices/new/",
        notice_post(
            sentence_months="三年",
            hukou_region="999999999999",
            expected_release_date=(today() - dt.timedelta(days=1)).isoformat(),
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "field-invalid" in field_block(html, "sentence_months")
    assert "field-invalid" in field_block(html, "hukou_region")
    assert "field-invalid" in field_block(html, "expected_release_date")
    assert "field-invalid" not in field_block(html, "id_number")
    assert ReleaseNotice.objects.count() == 0


def test_it_sends_a_notice_through_the_form() -> None:
    client = signed_in("facility_liaison")
    response = client.post("/handover/notices/new/", notice_post())
    assert response.status_code == 302
    notice = ReleaseNotice.objects.select_related("custody", "receiving_office").get()
    assert response["Location"] == f"/handover/notices/{notice.pk}/"
    assert notice.status == S.AWAITING_VERIFICATION
    assert notice.receiving_office.code == "SFS320102001"
    assert notice.key_target is True
    assert notice.custody is not None
    assert notice.custody.key_target_reasons == ["累犯", "有暴力倾向", "无固定住所"]
    assert notice.custody.needs == ["就业", "住房"]
    assert notice.custody.pre_release_education == ["vocational_skills", "policy_briefing"]
    page = client.get(response["Location"]).content.decode()
    assert "通知书已发送至玄武区示范一街道司法所" in page


def test_it_lists_the_facilitys_notices_filtered_and_searched() -> None:
    notice_for(11, person={"name": "张三"})
    notice_for(12, person={"name": "李四"})
    released(13)
    client = signed_in("facility_liaison")
    html = client.get("/handover/notices/", {"q": "zhangs"}).content.decode()
    assert "张三" in html and "李四" not in html
    html = client.get("/handover/notices/", {"status": "released"}).content.decode()
    assert "测试13号" in html and "张三" not in html
    assert 'href="?status=released&amp;format=xlsx"' in html  # the export keeps the page's filters
    assert "/handover/import/" in html
    # ID numbers are shown masked
    id_number = person_for(13)["id_number"]
    assert id_number not in html
    assert id_number[:6] + "********" + id_number[-4:] in html


# --- the notice page and its forms -----------------------------------------------------------------------------------


def test_it_shows_the_notice_with_masked_id_history_and_audits_the_read() -> None:
    notice = released(21, key_target=True, escorted=True)
    before = AuditEvent.objects.filter(action="person.read").count()
    html = signed_in("office_officer").get(f"/handover/notices/{notice.pk}/").content.decode()
    id_number = person_for(21)["id_number"]
    assert id_number not in html
    assert id_number[:6] + "********" + id_number[-4:] in html
    assert "监所发出通知书" in html and "刑满释放" in html
    assert "王干部" in html
    assert 'id="check-in"' in html and 'id="verify"' in html  # released unverified: both forms
    read = AuditEvent.objects.filter(action="person.read").order_by("-id").first()
    assert AuditEvent.objects.filter(action="person.read").count() == before + 1
    assert read is not None and read.object_id == str(notice.person_id)


def test_it_verifies_a_notice_through_the_form() -> None:
    notice = notice_for(22)
    response = signed_in("office_officer").post(f"/handover/notices/{notice.pk}/verify/", {"result": "confirmed"})
    assert response.status_code == 302
    assert response["Location"] == f"/handover/notices/{notice.pk}/"
    notice.refresh_from_db()
    assert notice.status == S.VERIFIED


def test_it_asks_why_a_notice_goes_back_and_then_returns_it() -> None:
    notice = notice_for(23)
    client = signed_in("office_colleague")
    response = client.post(f"/handover/notices/{notice.pk}/verify/", {"result": "not_ours", "note": ""})
    assert response.status_code == 400
    assert "field-invalid" in field_block(response.content.decode(), "note")
    notice.refresh_from_db()
    assert notice.status == S.AWAITING_VERIFICATION
    response = client.post(f"/handover/notices/{notice.pk}/verify/", {"result": "not_ours", "note": "查无此人"})
    assert response.status_code == 302
    assert response["Location"] == "/handover/inbox/"
    notice.refresh_from_db()
    assert notice.status == S.RETURNED


def test_it_records_the_release_and_escort_through_the_form() -> None:
    notice = notice_for(24, key_target=True)
    response = signed_in("facility_liaison").post(
        f"/handover/notices/{notice.pk}/release/",
        {
            "released_on": today().isoformat(),
            "escorted": "on",
            "escort_staff": "王干部；李村干部",
            "escort_family": "张父",
            "escort_vehicle": "苏A12345",
        },
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == S.RELEASED
    assert notice.escorted is True
    assert notice.escort_staff == ["王干部", "李村干部"]
    assert notice.escort_family == ["张父"]
    assert notice.escort_vehicle == "苏A12345"


def test_it_asks_who_came_for_an_escorted_release() -> None:
    notice = notice_for(25)
    response = signed_in("facility_liaison").post(
        f"/handover/notices/{notice.pk}/release/", {"released_on": today().isoformat(), "escorted": "on"}
    )
    assert response.status_code == 400
    assert "field-invalid" in field_block(response.content.decode(), "escort_staff")
    notice.refresh_from_db()
    assert notice.status == S.AWAITING_VERIFICATION


def test_it_checks_a_person_in_through_the_form() -> None:
    notice = released(26)
    client = signed_in("office_officer")
    response = client.post(
        f"/handover/notices/{notice.pk}/check-in/", {"checked_in_on": today().isoformat(), "method": "self_reported"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == S.HANDED_OVER
    assert Case.objects.filter(notice=notice).exists()
    html = client.get(f"/handover/notices/{notice.pk}/").content.decode()
    assert "帮教档案已建立" in html
    assert html.count('class="ho-timeline-item') == 3
    case = Case.objects.get(notice=notice)
    assert f'href="/cases/{case.pk}/"' in html  # the case page, one click away


def test_it_refuses_a_check_in_before_the_release_in_place() -> None:
    notice = released(27)
    day_before = (today() - dt.timedelta(days=1)).isoformat()
    response = signed_in("office_officer").post(
        f"/handover/notices/{notice.pk}/check-in/", {"checked_in_on": day_before, "method": "escorted"}
    )
    assert response.status_code == 400
    assert "field-invalid" in field_block(response.content.decode(), "checked_in_on")
    notice.refresh_from_db()
    assert notice.status == S.RELEASED


def test_it_lets_a_county_officer_check_in_for_an_office() -> None:
    notice = released(28)
    response = signed_in("county_officer").post(
        f"/handover/notices/{notice.pk}/check-in/", {"checked_in_on": today().isoformat(), "method": "escorted"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == S.HANDED_OVER


def test_it_says_so_when_the_notice_moved_on_before_the_form_was_sent() -> None:
    notice = notice_for(29)
    services.verify_notice(notice=notice, result="confirmed", by=as_actor("office_colleague"))
    client = signed_in("office_officer")
    response = client.post(f"/handover/notices/{notice.pk}/verify/", {"result": "confirmed"})
    assert response.status_code == 302
    assert response["Location"] == f"/handover/notices/{notice.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "状态为“已核查”的通知书不能核查" in html


@pytest.mark.parametrize(
    ("username", "action", "data"),
    [
        ("city_officer", "verify/", {"result": "confirmed"}),
        ("city_officer", "verify/", {}),
        ("county_officer", "release/", {"released_on": "2020-01-01"}),
        ("office_officer", "route/", {"office": "SFS320102002"}),
        ("office_officer", "withdraw/", {"reason": "x"}),
    ],
)
def test_it_refuses_an_action_the_role_may_not_take_on_a_notice_it_sees(
    username: str, action: str, data: dict[str, str]
) -> None:
    notice = notice_for(33)
    assert signed_in(username).post(f"/handover/notices/{notice.pk}/{action}", data).status_code == 403
    notice.refresh_from_db()
    assert notice.status == S.AWAITING_VERIFICATION


def test_it_routes_a_returned_notice_through_the_form() -> None:
    notice = returned(30)
    client = signed_in("county_officer")
    html = client.get("/handover/returned/").content.decode()
    assert "户籍已迁往外省" in html
    assert 'value="SFS320102002"' in html
    assert 'value="SFS320508001"' not in html  # 姑苏区 is outside 玄武区
    response = client.post(f"/handover/notices/{notice.pk}/route/", {"office": "SFS320102002", "note": "已查实"})
    assert response.status_code == 302
    assert response["Location"] == "/handover/returned/"
    notice.refresh_from_db()
    assert notice.status == S.AWAITING_VERIFICATION
    assert notice.receiving_office.code == "SFS320102002"


def test_it_refuses_to_route_outside_the_officers_region() -> None:
    notice = returned(31)
    response = signed_in("county_officer").post(f"/handover/notices/{notice.pk}/route/", {"office": "SFS320508001"})
    assert response.status_code == 400
    assert "field-invalid" in field_block(response.content.decode(), "office")
    notice.refresh_from_db()
    assert notice.status == S.RETURNED


def test_it_withdraws_a_notice_through_the_form() -> None:
    notice = notice_for(32)
    client = signed_in("facility_liaison")
    response = client.post(f"/handover/notices/{notice.pk}/withdraw/", {"reason": ""})
    assert response.status_code == 400
    assert "field-invalid" in field_block(response.content.decode(), "reason")
    response = client.post(f"/handover/notices/{notice.pk}/withdraw/", {"reason": "减刑后日期变更，重新发送"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == S.WITHDRAWN


def test_it_backfills_a_person_through_the_form() -> None:
    response = signed_in("office_officer").post(
        "/handover/backfill/",
        {
            "name": "补录测试",
            "gender": "female",
            "id_number": make_id_number(seq=40, male=False),
            "hukou_region": "320102001000",
            "facility_name": "外省某监狱",
            "offence": "诈骗罪",
            "released_on": (today() - dt.timedelta(days=5)).isoformat(),
            "checked_in_on": today().isoformat(),
            "method": "self_reported",
        },
    )
    assert response.status_code == 302
    notice = ReleaseNotice.objects.get(backfilled=True)
    assert response["Location"] == f"/handover/notices/{notice.pk}/"
    assert notice.status == S.HANDED_OVER


def test_it_shows_backfill_errors_in_place() -> None:
    response = signed_in("office_officer").post(
        "/handover/backfill/",
        {
            "name": "补录测试",
            "gender": "male",
            "id_number": make_id_number(seq=41, male=False),  # a woman's number
            "hukou_region": "320102001000",
            "released_on": today().isoformat(),
            "checked_in_on": today().isoformat(),
            "method": "self_reported",
        },
    )
    assert response.status_code == 400
    assert "field-invalid" in field_block(response.content.decode(), "gender")
    assert ReleaseNotice.objects.count() == 0


# --- office, county and the first 72 hours ---------------------------------------------------------------------------


def test_it_highlights_overdue_verifications_in_the_inbox() -> None:
    late = notice_for(50)
    ReleaseNotice.objects.filter(pk=late.pk).update(verify_by=today() - dt.timedelta(days=1))
    notice_for(51)
    html = signed_in("office_officer").get("/handover/inbox/").content.decode()
    assert html.count('class="ho-row-overdue"') == 1
    assert html.index("测试50号") < html.index("测试51号")  # ordered by deadline
    assert "已逾期" in html


def test_it_shows_the_first_72_hours_live() -> None:
    released(60, key_target=True, escorted=False)
    released(61, escorted=True)
    older = released(62)
    ReleaseNotice.objects.filter(pk=older.pk).update(released_on=today() - dt.timedelta(days=5))
    client = signed_in("county_officer")
    html = client.get("/handover/first-72-hours/").content.decode()
    assert 'hx-trigger="every 30s"' in html
    assert 'hx-get="/handover/first-72-hours/live/?seen=' in html
    people, alerts = html.split('id="live-alerts-title"')
    assert "测试60号" in people and "测试61号" in people
    assert "测试62号" not in people  # released five days ago
    assert "无接送记录，未报到" in people
    assert "已接回，待报到" in people
    assert "重点对象释放无接送记录" in alerts
    assert "测试62号" in alerts  # its alert stays open until the office acts: 未核查即释放


def test_it_audits_the_live_panel_only_when_the_people_shown_change() -> None:
    released(63)
    client = signed_in("office_officer")
    html = client.get("/handover/first-72-hours/").content.decode()
    match = re.search(r'hx-get="(/handover/first-72-hours/live/\?seen=[^"]+)"', html)
    assert match is not None
    live_url = match.group(1).replace("&amp;", "&")
    audits = AuditEvent.objects.filter(action="person.list").count()
    response = client.get(live_url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="first-72-live"' in response.content.decode()
    assert AuditEvent.objects.filter(action="person.list").count() == audits
    released(64)
    client.get(live_url, headers={"HX-Request": "true"})
    assert AuditEvent.objects.filter(action="person.list").count() == audits + 1


def test_it_lists_open_alerts_by_kind() -> None:
    released(70, key_target=True)
    notice_for(71)
    client = signed_in("office_officer")
    html = client.get("/handover/alerts/").content.decode()
    assert "重点对象释放无接送记录" in html and "未核查即释放" in html
    html = client.get("/handover/alerts/", {"kind": Alert.Kind.RELEASED_UNVERIFIED}).content.decode()
    assert "测试70号" in html


def test_it_gives_each_role_its_navigation() -> None:
    labels = {u: [str(i.label) for i in _handover_nav(u)] for u in ("facility_liaison", "office_officer")}
    assert labels["facility_liaison"] == ["释放通知书", "新建通知书", "批量导入"]
    assert "补录" in labels["office_officer"] and "退回待改派" not in labels["office_officer"]
    assert "退回待改派" in [str(i.label) for i in _handover_nav("county_officer")]
    assert _handover_nav("volunteer") == []


# --- list pages in a fixed number of queries ----------------------------------------------------------------------


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


LIST_PAGES = [
    ("facility_liaison", "/handover/notices/"),
    ("office_officer", "/handover/inbox/"),
    ("office_officer", "/handover/inbox/check-in/"),
    ("county_officer", "/handover/returned/"),
    ("office_officer", "/handover/alerts/"),
    ("county_officer", "/handover/first-72-hours/"),
    ("county_officer", "/handover/first-72-hours/live/"),
]


def _many(first: int, count: int) -> None:
    """``count`` notices in every list's state: awaiting verification, released key targets with no escort (alerts
    and the first 72 hours), and returned."""
    for i in range(first, first + count):
        notice_for(i)
        released(i + 100, key_target=True)
        returned(i + 200)


@pytest.mark.parametrize(("username", "path"), LIST_PAGES)
def test_it_lists_30_notices_in_as_many_queries_as_one(
    username: str, path: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(username)
    _many(300, 1)
    client.get(path)  # warm the session and content-type caches
    one = _queries(client, path)
    _many(600, 29)
    thirty = _queries(client, path)
    assert thirty == one
    # session, user, organisation, region; the page's counts and rows; the audit row (savepoints and, on
    # PostgreSQL, the advisory lock); the session save
    with django_assert_max_num_queries(20):
        client.get(path)


def _handover_nav(username: str) -> list[NavItem]:
    return [item for item in nav_for(persona(username)) if item.url.startswith("/handover/")]
