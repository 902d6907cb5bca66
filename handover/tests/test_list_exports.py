"""The 导出 Excel link of every hand-over list page: the page's own list, every page of it, with its
filters, as a real .xlsx; ID numbers masked; one audit row; and nothing the page would not show (another county's
officer gets only their own rows, a role without the page gets what the page answers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anbang.testing import make_id_number, persona, send_notice
from core import pages
from core.audit import Actor
from core.models import AuditEvent
from core.tests.xlsx import Sheet, sheet_of
from handover import services
from handover.models import ReleaseNotice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
GUSU = "320508001000"  # a township of another county (and city)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def by(username: str) -> Actor:
    return Actor(user=persona(username))


def notice(seq: int, *, township: str = "320102001000", key_target: bool = False) -> ReleaseNotice:
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=seq)
    person = {
        "name": f"导出{seq}号",
        "id_number": make_id_number(birth.strftime("%Y%m%d"), seq=seq),
        "birth_date": birth.isoformat(),
        "hukou_region": township,
        "residence_region": township,
    }
    return send_notice(person=person, key_target=key_target)


def release(item: ReleaseNotice, *, on: dt.date = TODAY, escorted: bool | None = None) -> ReleaseNotice:
    escort = None if escorted is None else services.Escort(escorted=escorted)
    return services.record_release(notice=item, released_on=on, escort=escort, by=by("facility_liaison"))


@pytest.fixture
def world() -> dict[str, ReleaseNotice]:
    """One notice in each place of the hand-over, in 玄武区 (office_officer's township), and one in 姑苏区.

    awaiting: to verify; released: released today, unverified (an alert); missed: released 40 days ago and past
    its deadline (the nightly scan); done: checked in today; returned: sent back by the office; gusu: released
    today in another county, a key target with no escort (an alert there).
    """
    awaiting = notice(1)
    released = release(notice(2))
    missed = release(notice(3), on=TODAY - dt.timedelta(days=40))
    done = release(notice(4))
    services.check_in(notice=done, checked_in_on=TODAY, method="self_reported", by=by("office_officer"))
    office = by("office_officer")
    returned = services.verify_notice(notice=notice(5), result="not_ours", note="户籍已迁往外省", by=office)
    gusu = release(notice(6, township=GUSU, key_target=True), escorted=False)
    services.scan_deadlines(as_of=TODAY)
    return {
        key: ReleaseNotice.objects.get(pk=item.pk)
        for key, item in {
            "awaiting": awaiting,
            "released": released,
            "missed": missed,
            "done": done,
            "returned": returned,
            "gusu": gusu,
        }.items()
    }


def names(sheet: Sheet) -> set[str]:
    return set(sheet.column("姓名"))


def exported(username: str, path: str, **params: str) -> Sheet:
    return sheet_of(signed_in(username).get(path, {**params, "format": "xlsx"}))


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/handover/inbox/", {"导出1号"}),
        ("/handover/inbox/check-in/", {"导出2号"}),
        ("/handover/inbox/missed/", {"导出3号"}),
        ("/handover/inbox/handed-over/", {"导出4号"}),
    ],
)
def test_each_inbox_tab_exports_the_people_it_lists(path: str, expected: set[str]) -> None:
    client = signed_in("office_officer")
    page = client.get(path).content.decode()
    assert 'href="?format=xlsx"' in page  # the link, on the tab's own URL
    sheet = sheet_of(client.get(path, {"format": "xlsx"}))
    assert names(sheet) == expected
    assert all(name in page for name in expected)


def test_the_export_holds_every_page_not_just_the_one_shown(
    world: dict[str, ReleaseNotice], monkeypatch: pytest.MonkeyPatch
) -> None:
    release(notice(7))
    monkeypatch.setattr(pages, "PAGE_SIZE", 1)
    client = signed_in("office_officer")
    page = client.get("/handover/inbox/check-in/", {"page": "2"}).content.decode()
    assert "第 2 / 2 页" in page
    assert 'href="?format=xlsx"' in page  # the link drops the page number
    sheet = sheet_of(client.get("/handover/inbox/check-in/", {"page": "2", "format": "xlsx"}))
    assert names(sheet) == {"导出2号", "导出7号"}


def test_the_notice_list_exports_with_its_status_and_search(world: dict[str, ReleaseNotice]) -> None:
    client = signed_in("facility_liaison")
    page = client.get("/handover/notices/", {"status": "released", "q": "导出"}).content.decode()
    assert 'href="?status=released&amp;q=%E5%AF%BC%E5%87%BA&amp;format=xlsx"' in page
    sheet = sheet_of(client.get("/handover/notices/", {"status": "released", "q": "导出", "format": "xlsx"}))
    # the facility's own notices, the released ones, 姑苏区's too (it sent them all)
    assert names(sheet) == {"导出2号", "导出6号"}
    assert sheet.header[:3] == ["编号", "状态", "姓名"] and set(sheet.column("状态")) == {"已释放待报到"}
    row = AuditEvent.objects.latest("id")
    assert row.detail["filters"] == {"status": "released", "q": True}  # not what was searched for


def test_the_returned_queue_exports_who_returned_it_and_why(world: dict[str, ReleaseNotice]) -> None:
    sheet = exported("county_officer", "/handover/returned/")
    assert names(sheet) == {"导出5号"}
    (row,) = sheet.rows
    assert row["状态"] == "退回待改派" and row["核查结果"] == "非本辖区人员"
    assert row["退回说明"] == "户籍已迁往外省" and row["退回人"] and isinstance(row["退回时间"], dt.datetime)


def test_the_alerts_export_follows_the_kind_filter(world: dict[str, ReleaseNotice]) -> None:
    every = exported("county_officer", "/handover/alerts/")
    assert {"导出2号", "导出3号"} <= names(every)
    missed = exported("county_officer", "/handover/alerts/", kind="missed_intake")
    assert names(missed) == {"导出3号"} and set(missed.column("预警")) == {"漏管"}


def test_the_first_72_hours_export_the_people_released_in_three_days(world: dict[str, ReleaseNotice]) -> None:
    client = signed_in("county_officer")
    assert 'href="?format=xlsx"' in client.get("/handover/first-72-hours/").content.decode()
    sheet = sheet_of(client.get("/handover/first-72-hours/", {"format": "xlsx"}))
    by_name = {row["姓名"]: row for row in sheet.rows}
    assert set(by_name) == {"导出2号", "导出4号"}  # 40 days ago is not in it; 姑苏区 is another county
    assert by_name["导出4号"]["衔接情况"] == "已报到" and by_name["导出2号"]["释放后第几天"] == 1
    assert by_name["导出2号"]["预警"] == "未核查即释放"


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/handover/inbox/check-in/", {"导出6号"}),
        ("/handover/inbox/missed/", set()),
        ("/handover/returned/", set()),
        ("/handover/alerts/", {"导出6号"}),
        ("/handover/first-72-hours/", {"导出6号"}),
        ("/handover/notices/", {"导出6号"}),
    ],
)
def test_another_county_exports_only_its_own_people(path: str, expected: set[str]) -> None:
    assert names(exported("other_county_officer", path)) == expected


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("volunteer", "/handover/notices/", 403),
        ("volunteer", "/handover/inbox/", 403),
        ("social_worker", "/handover/alerts/", 403),
        ("facility_liaison", "/handover/inbox/missed/", 403),
        ("office_officer", "/handover/returned/", 403),
        ("facility_liaison", "/handover/first-72-hours/", 403),
    ],
)
def test_a_role_gets_from_the_export_what_the_page_answers(username: str, path: str, status: int) -> None:
    client = signed_in(username)
    assert client.get(path).status_code == status
    assert client.get(path, {"format": "xlsx"}).status_code == status
    assert not AuditEvent.objects.filter(action="export").exists()


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get("/handover/inbox/", {"format": "xlsx"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_export_masks_every_id_number_and_writes_exactly_one_audit_row(world: dict[str, ReleaseNotice]) -> None:
    client = signed_in("county_officer")
    before = AuditEvent.objects.count()
    sheet = sheet_of(client.get("/handover/notices/", {"format": "xlsx"}))
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.latest("id")
    assert (row.action, row.username, row.detail["list"]) == ("export", "county_officer", "handover.notices")
    people = {item.person for key, item in world.items() if key != "gusu"}
    assert row.detail["count"] == len(people) == len(sheet.rows)
    assert set(row.detail["ids"]) == {person.pk for person in people}
    text = sheet.text()
    for person in people:
        assert person.id_number not in text
        assert person.id_number[:6] + "********" + person.id_number[-4:] in sheet.column("公民身份号码（脱敏）")


def test_an_export_costs_the_same_queries_however_long_the_list(world: dict[str, ReleaseNotice]) -> None:
    client = signed_in("county_officer")
    client.get("/handover/inbox/check-in/")  # warm the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response: Any = client.get("/handover/inbox/check-in/", {"format": "xlsx"})
            sheet_of(response)
        return len(captured.captured_queries)

    few = queries()
    for seq in range(20, 26):
        release(notice(seq))
    assert queries() == few


@pytest.mark.usefixtures("world")
def test_an_english_reader_gets_the_headers_and_the_file_name_in_english() -> None:
    client = signed_in("office_officer")
    response = client.get("/handover/inbox/check-in/", {"format": "xlsx"}, headers={"Accept-Language": "en"})
    sheet = sheet_of(response)
    assert sheet.header[:3] == ["No.", "Status", "Name"] and "ID number (masked)" in sheet.header
    assert "Handover%20-%20awaiting%20check-in-" in response["Content-Disposition"]
    assert sheet.rows[0]["Key target"] == "No"  # the bools in the reader's language too
