"""The case pages (DESIGN §2 steps 6–8 and 13): each role's pages, reach (another county and a volunteer outside the
group get 404, a volunteer inside never sees the offence), every action form changing the case, errors in place with
nothing written, closed cases read-only, and a case list whose query count stays flat however many cases it shows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from anbang.testing import checked_in_case, make_id_number, persona
from cases import services
from cases.models import Case, CaseEvent, ContactLoss, GroupMember, TraceRequest, Transfer, Visit
from core.areas import worklist_count
from core.audit import Actor
from core.models import AuditEvent
from core.tests.xlsx import sheet_of
from directory.navigation import nav_for

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def as_actor(username: str) -> Actor:
    return Actor(user=persona(username))


def person_for(seq: int, **overrides: str) -> dict[str, str]:
    """A distinct man per odd ``seq``: the birth date tells them apart too (make_id_number's order code repeats)."""
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=seq)
    return {
        "id_number": make_id_number(birth.strftime("%Y%m%d"), seq=seq),
        "birth_date": birth.isoformat(),
        "name": f"档案{seq}号",
        **overrides,
    }


def case_for(seq: int, *, key_target: bool = False, **person: str) -> Case:
    reasons = ["涉毒"] if key_target else []
    case: Case = checked_in_case(person=person_for(seq, **person), key_target=key_target, key_target_reasons=reasons)
    return case


@pytest.fixture
def case() -> Case:
    """A key target of office_officer's township, with the social worker and the volunteer in its group."""
    case = case_for(1, key_target=True)
    for username in ("social_worker", "volunteer"):
        services.add_group_member(case=case, part=username, name="", username=username, by=as_actor("office_officer"))
    return case


def field_block(html: str, name: str, within: str = "") -> str:
    """The ``<div class="field cs-field-NAME ...">`` block of one form field (of the form under the element with id
    ``within``: several forms of the case page share field names)."""
    if within:
        html = html[html.index(f'id="{within}"') :]
    match = re.search(rf'<div class="field cs-field-{name}[ "].*?(?=<div class="field |<button)', html, re.S)
    assert match is not None, f"no field {name}"
    return match.group(0)


def events(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("id").values_list("action", flat=True))


def post(username: str, path: str, data: dict[str, Any]) -> Any:
    return signed_in(username).post(path, data)


# --- every page renders for its role -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "path", "text"),
    [
        ("office_officer", "/cases/", "帮教档案"),
        ("office_officer", "/cases/{id}/", "帮教情况"),
        ("office_officer", "/cases/{id}/visit/", "记录走访"),
        ("office_officer", "/cases/traces/", "收到的协查"),
        ("office_officer", "/cases/traces/outgoing/", "发出的协查"),
        ("office_officer", "/cases/worklist/", "待办事项"),
        ("office_officer", "/cases/transfers/", "移交给本所"),
        ("office_colleague", "/cases/{id}/", "危险性评估"),
        ("county_officer", "/cases/", "帮教档案"),
        ("county_officer", "/cases/{id}/", "解除帮教"),
        ("county_officer", "/cases/traces/", "发出的协查"),
        ("county_officer", "/cases/traces/escalated/", "逾期督办"),
        ("county_officer", "/cases/worklist/", "待办事项"),
        ("county_officer", "/cases/transfers/", "辖区内的移交"),
        ("city_officer", "/cases/", "帮教档案"),
        ("city_officer", "/cases/{id}/", "帮教记录"),
        ("city_officer", "/cases/traces/", "逾期督办"),
        ("social_worker", "/cases/", "我的帮教对象"),
        ("social_worker", "/cases/{id}/", "帮教小组"),
        ("social_worker", "/cases/{id}/visit/", "保存走访记录"),
        ("volunteer", "/cases/", "我的帮教对象"),
        ("volunteer", "/cases/{id}/visit/", "保存走访记录"),
        ("volunteer", "/cases/worklist/", "待办事项"),
        ("police_officer", "/cases/", "重点帮教对象"),
        ("police_officer", "/cases/{id}/", "帮教情况"),
        ("police_officer", "/cases/traces/", "收到的协查"),
        ("police_officer", "/cases/worklist/", "待办事项"),
    ],
)
def test_it_renders_each_page_for_its_role(case: Case, username: str, path: str, text: str) -> None:
    response = signed_in(username).get(path.format(id=case.pk))
    assert response.status_code == 200
    assert text in response.content.decode()


PAGES = [
    "/cases/",
    "/cases/{id}/",
    "/cases/{id}/visit/",
    "/cases/traces/",
    "/cases/traces/incoming/",
    "/cases/worklist/",
    "/cases/transfers/",
]


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_anonymous_visitors_to_sign_in(case: Case, path: str) -> None:
    response = Client().get(path.format(id=case.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("username", ["other_county_officer", "other_office_officer", "office_officer_b"])
@pytest.mark.parametrize("path", ["/cases/{id}/", "/cases/{id}/visit/"])
def test_it_answers_404_for_a_case_of_another_county_or_office(case: Case, username: str, path: str) -> None:
    assert signed_in(username).get(path.format(id=case.pk)).status_code == 404


@pytest.mark.parametrize("username", ["other_county_officer", "office_officer_b"])
def test_it_answers_404_to_actions_on_a_case_out_of_reach(case: Case, username: str) -> None:
    response = post(username, f"/cases/{case.pk}/note/", {"note": "越权"})
    assert response.status_code == 404
    assert events(case)[-1] == "group_member_added"


def test_it_does_not_list_a_case_of_another_county(case: Case) -> None:
    body = signed_in("other_county_officer").get("/cases/").content.decode()
    assert case.person.name not in body


def test_it_hides_the_case_from_a_volunteer_outside_the_group() -> None:
    case = case_for(3)
    client = signed_in("volunteer")
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/visit/").status_code == 404
    assert case.person.name not in client.get("/cases/").content.decode()


def test_it_never_shows_a_volunteer_the_offence_or_the_full_id_number(case: Case) -> None:
    id_number = case.person.id_number
    body = signed_in("volunteer").get(f"/cases/{case.pk}/").content.decode()
    assert case.person.name in body
    assert "盗窃罪" not in body
    assert "罪名" not in body
    assert id_number not in body
    assert id_number[:6] + "********" + id_number[-4:] in body
    officer = signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()
    assert "盗窃罪" in officer
    assert id_number not in officer


def test_it_hides_a_reoffence_from_a_volunteer_after_closure(case: Case) -> None:
    services.close_case(
        case=case, reason="reoffended", closed_on=today(), detail="因抢劫罪被刑事拘留", by=as_actor("office_officer")
    )
    assert "抢劫罪" not in signed_in("volunteer").get(f"/cases/{case.pk}/").content.decode()
    assert "抢劫罪" in signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()


@pytest.mark.parametrize("username", ["facility_liaison", "partner_officer", "base_manager", "audit_admin"])
def test_it_refuses_a_page_the_role_has_no_part_in(case: Case, username: str) -> None:
    client = signed_in(username)
    assert client.get("/cases/").status_code == 403
    assert client.get("/cases/worklist/").status_code == 403
    assert client.get("/cases/traces/").status_code == 403
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_it_audits_the_read_of_the_person(case: Case) -> None:
    signed_in("county_officer").get(f"/cases/{case.pk}/")
    audit = AuditEvent.objects.filter(action="person.read", username="county_officer").latest("id")
    assert audit.object_id == str(case.person_id)
    assert audit.detail == {"via": "case_page", "case": case.pk}


def test_it_audits_the_list_of_people_shown(case: Case) -> None:
    signed_in("office_officer").get("/cases/")
    audit = AuditEvent.objects.filter(action="person.list", username="office_officer").latest("id")
    assert audit.detail["cases"] == [case.pk]
    assert audit.detail["persons"] == [case.person_id]


# --- who sees which forms ----------------------------------------------------------------------------------------

ACTION_ANCHORS = ['id="note"', 'id="risk"', 'id="settlement"', 'id="group-add"', 'id="trace"', 'id="close"']


def test_it_offers_the_managing_office_every_action(case: Case) -> None:
    body = signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()
    for anchor in [*ACTION_ANCHORS, 'id="agreement"', 'id="lost-contact"', 'id="transfer"']:
        assert anchor in body, anchor
    assert 'id="contact-restored"' not in body  # not lost
    assert f"/cases/{case.pk}/visit/" in body


def test_it_gives_every_element_of_the_case_page_its_own_id(case: Case) -> None:
    body = signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_it_offers_the_group_only_visits_and_notes(case: Case) -> None:
    body = signed_in("volunteer").get(f"/cases/{case.pk}/").content.decode()
    assert 'id="note"' in body
    assert f"/cases/{case.pk}/visit/" in body
    for anchor in ACTION_ANCHORS[1:]:
        assert anchor not in body, anchor
    assert "移出小组" not in body


@pytest.mark.parametrize("username", ["city_officer", "police_officer"])
def test_it_offers_readers_no_form(case: Case, username: str) -> None:
    body = signed_in(username).get(f"/cases/{case.pk}/").content.decode()
    for anchor in ACTION_ANCHORS:
        assert anchor not in body, anchor
    assert f"/cases/{case.pk}/visit/" not in body
    assert signed_in(username).get(f"/cases/{case.pk}/visit/").status_code == 403


def test_it_lets_the_hukou_office_of_a_dual_managed_case_add_notes_only() -> None:
    dual = case_for(5, residence_region="320104001000")
    assert dual.managing_office.code == "SFS320104001"
    client = signed_in("office_officer")  # the hukou office
    body = client.get(f"/cases/{dual.pk}/").content.decode()
    assert "双列管" in body
    assert 'id="note"' in body
    assert 'id="risk"' not in body
    assert client.post(f"/cases/{dual.pk}/note/", {"note": "户籍地协助核实"}).status_code == 302
    assert events(dual)[-1] == "note"
    # the page does not offer the form, and the service would refuse it: 403, as every action page answers
    response = client.post(f"/cases/{dual.pk}/risk/", {"risk_level": "low", "assessed_on": today().isoformat()})
    assert response.status_code == 403
    assert events(dual)[-1] == "note"


def test_it_shows_a_closed_case_with_no_forms_and_refuses_its_actions(case: Case) -> None:
    services.close_case(case=case, reason="died", closed_on=today(), by=as_actor("office_officer"))
    client = signed_in("office_officer")
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "档案只能查阅" in body
    assert body.count('method="post"') == 2  # sign-out and the language switch, nothing else
    assert f"/cases/{case.pk}/visit/" not in body
    before = events(case)
    response = client.post(f"/cases/{case.pk}/note/", {"note": "x"}, follow=True)
    assert "该帮教档案已解除，只能查阅。" in response.content.decode()
    visit = client.post(
        f"/cases/{case.pk}/visit/", {"visited_on": today().isoformat(), "method": "home", "outcome": "met"}
    )
    assert visit.status_code == 302
    assert events(case) == before
    assert not Visit.objects.filter(case=case).exists()


# --- the visit form ----------------------------------------------------------------------------------------------


def visit_post(**overrides: str) -> dict[str, str]:
    data = {
        "visited_on": today().isoformat(),
        "method": "home",
        "outcome": "met",
        "visitors": "演示司法所干部；村干部李某",
        "living": "与父母同住",
        "work": "在物流公司打零工",
        "family": "",
        "health": "良好",
        "mood": "稳定",
        "needs": "技能培训；低保咨询",
        "notes": "在家，配合。",
    }
    data.update(overrides)
    return data


def test_it_starts_the_visit_form_at_today(case: Case) -> None:
    body = signed_in("office_officer").get(f"/cases/{case.pk}/visit/").content.decode()
    assert f'value="{today().isoformat()}"' in field_block(body, "visited_on")
    assert f'max="{today().isoformat()}"' in field_block(body, "visited_on")
    assert 'type="radio"' in field_block(body, "method")


def test_it_shows_a_future_visit_date_next_to_the_field_and_writes_nothing(case: Case) -> None:
    before = events(case)
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = post("office_officer", f"/cases/{case.pk}/visit/", visit_post(visited_on=tomorrow))
    assert response.status_code == 400
    body = response.content.decode()
    assert "日期不能晚于今天" in field_block(body, "visited_on")
    assert "走访无法登记。" in body
    assert f'value="{tomorrow}"' in body  # what was typed stays
    assert "在物流公司打零工" in body
    assert not Visit.objects.filter(case=case).exists()
    assert events(case) == before


def test_it_shows_a_missing_choice_next_to_its_field(case: Case) -> None:
    response = post("office_officer", f"/cases/{case.pk}/visit/", visit_post(outcome=""))
    assert response.status_code == 400
    assert "field-error" in field_block(response.content.decode(), "outcome")
    assert not Visit.objects.filter(case=case).exists()


def test_it_records_a_visit_through_the_form(case: Case) -> None:
    response = post("volunteer", f"/cases/{case.pk}/visit/", visit_post())
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    visit = Visit.objects.get(case=case)
    assert visit.visitors == ["演示司法所干部", "村干部李某"]
    assert visit.situation == {"living": "与父母同住", "work": "在物流公司打零工", "health": "良好", "mood": "稳定"}
    assert visit.needs == ["技能培训", "低保咨询"]
    assert visit.recorded_by == persona("volunteer")
    case.refresh_from_db()
    assert case.next_visit_due == today() + dt.timedelta(days=30)  # a key target: monthly
    page = signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()
    assert "在物流公司打零工" in page
    assert "见到本人" in page


# --- each action form changes the case ---------------------------------------------------------------------------


def test_it_adds_a_note(case: Case) -> None:
    assert post("social_worker", f"/cases/{case.pk}/note/", {"note": "电话联系，情况稳定"}).status_code == 302
    assert CaseEvent.objects.filter(case=case).latest("id").note == "电话联系，情况稳定"
    empty = post("social_worker", f"/cases/{case.pk}/note/", {"note": ""})
    assert empty.status_code == 400
    assert "field-error" in field_block(empty.content.decode(), "note", within="note")
    assert 'id="note"' in empty.content.decode()


def test_it_adds_and_removes_group_members(case: Case) -> None:
    client = signed_in("office_officer")
    added = client.post(
        f"/cases/{case.pk}/group/", {"part": "family_member", "name": "张父", "phone": "13800000000", "username": ""}
    )
    assert added.status_code == 302
    member = GroupMember.objects.get(case=case, name="张父")
    assert client.post(f"/cases/{case.pk}/group/{member.pk}/remove/").status_code == 302
    member.refresh_from_db()
    assert member.removed_on == today()
    wrong = client.post(f"/cases/{case.pk}/group/", {"part": "social_worker", "username": "volunteer", "name": ""})
    assert wrong.status_code == 400
    assert "field-error" in field_block(wrong.content.decode(), "username", within="group-add")
    assert " open" in wrong.content.decode().split('id="group-add"')[1][:20]
    assert events(case)[-2:] == ["group_member_added", "group_member_removed"]


def test_it_records_the_agreement(case: Case) -> None:
    data = {
        "signed_on": today().isoformat(),
        "office": "王干部",
        "community": "李主任",
        "family": "张父",
        "person": "本人",
    }
    assert post("office_officer", f"/cases/{case.pk}/agreement/", data).status_code == 302
    assert case.agreements.get().signatories["community"] == "李主任"
    assert "李主任" in signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()


def test_it_records_a_risk_assessment_and_changes_the_level(case: Case) -> None:
    response = post(
        "office_officer",
        f"/cases/{case.pk}/risk/",
        {"risk_level": "low", "key_target": "", "reasons": "", "assessed_on": today().isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.level, case.risk_level) == ("ordinary", "low")
    missing = post(
        "office_officer",
        f"/cases/{case.pk}/risk/",
        {"risk_level": "high", "key_target": "on", "reasons": "", "assessed_on": today().isoformat()},
    )
    assert missing.status_code == 400
    assert "field-error" in field_block(missing.content.decode(), "reasons", within="risk")
    case.refresh_from_db()
    assert case.level == "ordinary"


def test_it_keeps_the_settlement_history(case: Case) -> None:
    client = signed_in("office_officer")
    no_reason = client.post(
        f"/cases/{case.pk}/settlement/", {"status": "not_settled", "since": today().isoformat(), "reason": ""}
    )
    assert no_reason.status_code == 400
    assert "请说明未安置的原因" in field_block(no_reason.content.decode(), "reason", within="settlement")
    assert not case.settlements.exists()
    for status, extra in (("not_settled", {"reason": "正在找工作"}), ("employed", {"detail": "某物流公司"})):
        response = client.post(
            f"/cases/{case.pk}/settlement/", {"status": status, "since": today().isoformat(), **extra}
        )
        assert response.status_code == 302
    case.refresh_from_db()
    assert case.settlement_status == "employed"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "正在找工作" in page and "某物流公司" in page


def test_it_audits_both_lists_of_transfers_as_one_list_of_cases(case: Case) -> None:
    signed_in("office_officer_b").get("/cases/transfers/")  # nothing sent to it yet: no row
    assert not AuditEvent.objects.filter(action="person.list", username="office_officer_b").exists()
    post("office_officer", f"/cases/{case.pk}/transfer/", {"to_office": "SFS320104001", "reason": "搬家"})
    for username in ("office_officer_b", "office_officer"):  # the receiving office's incoming, the sender's outgoing
        html = signed_in(username).get("/cases/transfers/?format=xlsx").content.decode()  # no file: the page
        assert case.person.name in html
        row = AuditEvent.objects.filter(action="person.list", username=username).latest("id")
        assert row.detail == {"via": "cases.transfer_list", "cases": [case.pk], "persons": [case.person_id]}


def test_it_transfers_a_case_when_the_receiving_office_accepts_on_its_page(case: Case) -> None:
    same = post("office_officer", f"/cases/{case.pk}/transfer/", {"to_office": "SFS320102001", "reason": "x"})
    assert same.status_code == 400  # not offered: the managing office itself
    assert not Transfer.objects.exists()
    response = post(
        "office_officer",
        f"/cases/{case.pk}/transfer/",
        {"to_office": "SFS320104001", "reason": "搬到秦淮区", "new_address": "秦淮路 9 号"},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(case=case)
    receiving = signed_in("office_officer_b")
    assert "接收或拒绝" in receiving.get("/cases/transfers/").content.decode()
    page = receiving.get(f"/cases/transfers/{transfer.pk}/").content.decode()
    assert "搬到秦淮区" in page and "拒绝接收" in page
    assert signed_in("office_officer").post(f"/cases/transfers/{transfer.pk}/accept/", {}).status_code == 403
    transfer.refresh_from_db()
    assert transfer.status == "pending"  # the sending office cannot accept its own request
    accepted = receiving.post(f"/cases/transfers/{transfer.pk}/accept/", {"note": ""})
    assert accepted.status_code == 302
    assert accepted["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.managing_office.code == "SFS320104001"
    assert events(case)[-2:] == ["transfer_requested", "transfer_accepted"]


def test_it_asks_why_a_transfer_is_declined(case: Case) -> None:
    post("office_officer", f"/cases/{case.pk}/transfer/", {"to_office": "SFS320104001", "reason": "搬家"})
    transfer = Transfer.objects.get(case=case)
    receiving = signed_in("office_officer_b")
    no_reason = receiving.post(f"/cases/transfers/{transfer.pk}/decline/", {"note": ""})
    assert no_reason.status_code == 400
    assert "field-error" in field_block(no_reason.content.decode(), "note")
    assert receiving.post(f"/cases/transfers/{transfer.pk}/decline/", {"note": "查无此地址"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "declined"
    assert Case.objects.get(pk=case.pk).managing_office.code == "SFS320102001"


def test_it_marks_lost_contact_and_restores_it(case: Case) -> None:
    client = signed_in("office_officer")
    lost = client.post(f"/cases/{case.pk}/lost-contact/", {"noted_on": today().isoformat(), "reason": "电话停机"})
    assert lost.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "lost_contact"
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="contact-restored"' in body and 'id="lost-contact"' not in body
    early = client.post(
        f"/cases/{case.pk}/contact-restored/",
        {"restored_on": (today() - dt.timedelta(days=1)).isoformat(), "note": ""},
    )
    assert early.status_code == 400
    assert "field-error" in field_block(early.content.decode(), "restored_on", within="contact-restored")
    assert Case.objects.get(pk=case.pk).status == "lost_contact"
    restored = client.post(f"/cases/{case.pk}/contact-restored/", {"restored_on": today().isoformat(), "note": "来所"})
    assert restored.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "active"
    assert ContactLoss.objects.get(case=case).restored_on == today()


def test_it_sends_a_trace_request_that_the_police_answer_in_their_inbox(case: Case) -> None:
    sent = post(
        "office_officer",
        f"/cases/{case.pk}/trace/",
        {"to": "GA320102", "reason": "脱管，请协助查找", "last_known_address": "示范路 1 号"},
    )
    assert sent.status_code == 302
    trace = TraceRequest.objects.get(case=case)
    police = signed_in("police_officer")
    inbox = police.get("/cases/traces/").content.decode()
    assert case.person.name in inbox and "脱管，请协助查找" in inbox
    no_address = police.post(f"/cases/traces/{trace.pk}/respond/", {"result": "located", "address": ""})
    assert no_address.status_code == 400
    assert "请填写找到此人的地点" in no_address.content.decode()
    # the answer shown again is the page, never its file, whatever the query asks
    as_file = police.post(f"/cases/traces/{trace.pk}/respond/?format=xlsx", {"result": "located", "address": ""})
    assert (as_file.status_code, as_file["Content-Type"].split(";")[0]) == (400, "text/html")
    assert TraceRequest.objects.get(pk=trace.pk).status == "open"
    answered = police.post(
        f"/cases/traces/{trace.pk}/respond/", {"result": "located", "address": "某旅馆 302 室", "note": ""}
    )
    assert answered.status_code == 302
    trace.refresh_from_db()
    assert (trace.status, trace.address) == ("answered", "某旅馆 302 室")
    assert events(case)[-2:] == ["trace_sent", "trace_answered"]
    outgoing = signed_in("office_officer").get("/cases/traces/outgoing/").content.decode()
    assert "某旅馆 302 室" in outgoing


def test_it_refuses_an_answer_from_an_organisation_the_request_was_not_sent_to(case: Case) -> None:
    trace = services.send_trace_request(
        case=case,
        to=persona("police_officer").organisation,  # type: ignore[arg-type]
        reason="x",
        last_known_address="",
        by=as_actor("office_officer"),
    )
    assert (
        post("other_office_officer", f"/cases/traces/{trace.pk}/respond/", {"result": "not_located"}).status_code == 404
    )
    assert post("office_officer", f"/cases/traces/{trace.pk}/respond/", {"result": "not_located"}).status_code == 403
    assert TraceRequest.objects.get(pk=trace.pk).status == "open"


def test_it_flags_overdue_and_escalated_trace_requests(case: Case) -> None:
    trace = services.send_trace_request(
        case=case,
        to=persona("police_officer").organisation,  # type: ignore[arg-type]
        reason="x",
        last_known_address="",
        by=as_actor("office_officer"),
    )
    TraceRequest.objects.filter(pk=trace.pk).update(respond_by=today() - dt.timedelta(days=1))
    services.scan_cases(as_of=today())
    police = signed_in("police_officer").get("/cases/traces/").content.decode()
    assert "cs-trace-overdue" in police and "已逾期" in police
    county = signed_in("county_officer").get("/cases/traces/escalated/").content.decode()
    assert case.person.name in county and "逾期督办" in county


def test_it_closes_a_case_for_reoffence_only_with_the_new_offence(case: Case) -> None:
    client = signed_in("office_officer")
    missing = client.post(f"/cases/{case.pk}/close/", {"reason": "reoffended", "closed_on": today().isoformat()})
    assert missing.status_code == 400
    assert "请登记新的犯罪情况" in field_block(missing.content.decode(), "detail", within="close")
    assert Case.objects.get(pk=case.pk).status == "active"
    closed = client.post(
        f"/cases/{case.pk}/close/",
        {"reason": "reoffended", "closed_on": today().isoformat(), "detail": "因盗窃罪被刑事拘留"},
    )
    assert closed.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closure_detail) == ("closed", "reoffended", "因盗窃罪被刑事拘留")


def test_it_refuses_the_group_the_officers_forms(case: Case) -> None:
    response = post("volunteer", f"/cases/{case.pk}/close/", {"reason": "died", "closed_on": today().isoformat()})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == "active"


# --- lists -------------------------------------------------------------------------------------------------------


def test_it_filters_and_searches_the_case_list() -> None:
    key = case_for(7, key_target=True, name="王重点")
    ordinary = case_for(9, name="李一般")
    dual = case_for(11, name="赵双管", residence_region="320104001000")
    Case.objects.filter(pk=ordinary.pk).update(next_visit_due=today() - dt.timedelta(days=3))
    services.record_settlement(case=key, status="employed", since=today(), by=as_actor("office_officer"))
    services.close_case(case=dual, reason="died", closed_on=today(), by=as_actor("office_officer_b"))
    client = signed_in("county_officer")

    def names(query: str) -> set[str]:
        body = client.get(f"/cases/{query}").content.decode()
        return {n for n in ("王重点", "李一般", "赵双管") if n in body}

    assert names("") == {"王重点", "李一般"}  # open cases by default
    assert names("?status=") == {"王重点", "李一般", "赵双管"}
    assert names("?status=closed") == {"赵双管"}
    assert names("?status=&level=key") == {"王重点"}
    assert names("?overdue=on") == {"李一般"}
    assert names("?settlement=settled") == {"王重点"}
    assert names("?settlement=employed") == {"王重点"}
    assert names("?status=&dual_managed=yes") == {"赵双管"}
    assert names("?q=王重") == {"王重点"}
    assert names("?q=liyi") == {"李一般"}
    assert names(f"?q={ordinary.person.id_number}") == {"李一般"}
    assert "ho-row-overdue" in client.get("/cases/?overdue=on").content.decode()
    bad = client.get("/cases/?level=vip")
    assert bad.status_code == 200
    assert "field-error" in bad.content.decode()


def test_it_lets_the_group_search_its_own_cases(case: Case) -> None:
    client = signed_in("volunteer")
    assert case.person.name in client.get(f"/cases/?q={case.person.name}").content.decode()
    assert case.person.name in client.get("/cases/?q=dang").content.decode()  # 档案: pinyin
    assert case.person.name not in client.get("/cases/?q=nobody").content.decode()


def test_it_lists_for_the_police_the_key_targets_of_their_area(case: Case) -> None:
    ordinary = case_for(13)
    body = signed_in("police_officer").get("/cases/").content.decode()
    assert case.person.name in body
    assert ordinary.person.name not in body


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("username", ["office_officer", "county_officer"])
def test_it_lists_30_cases_in_as_many_queries_as_one(
    username: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = signed_in(username)
    case_for(101)
    client.get("/cases/")  # warm the session and content-type caches
    one = _queries(client, "/cases/")
    for seq in range(103, 162, 2):
        case_for(seq, residence_region="320104001000" if seq % 4 == 1 else "320102001000")
    Case.objects.update(next_visit_due=today() - dt.timedelta(days=1))
    thirty = _queries(client, "/cases/")
    assert thirty == one
    # session, user, organisation, region; the count and the page of rows; the audit row (savepoints and, on
    # PostgreSQL, the advisory lock); the session save
    with django_assert_max_num_queries(20):
        body = client.get("/cases/").content.decode()
    assert body.count("ho-row-overdue") >= 30 if username == "county_officer" else True


def test_it_renders_the_case_page_in_a_bounded_number_of_queries(
    case: Case, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(5):
        services.record_visit(
            case=case, by=as_actor("office_officer"), visited_on=today(), method="home", outcome="met"
        )
    client = signed_in("office_officer")
    client.get(f"/cases/{case.pk}/")
    with django_assert_max_num_queries(25):
        client.get(f"/cases/{case.pk}/")


# --- worklist and navigation -------------------------------------------------------------------------------------


def test_it_lists_the_worklist_with_a_link_to_each_item(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(next_visit_due=today() - dt.timedelta(days=2))
    post("office_officer", f"/cases/{case.pk}/transfer/", {"to_office": "SFS320104001", "reason": "搬家"})
    body = signed_in("office_officer").get("/cases/worklist/").content.decode()
    assert "走访逾期" in body and f"/cases/{case.pk}/visit/" in body
    assert "cs-work-overdue" in body
    transfer = Transfer.objects.get(case=case)
    receiving = signed_in("office_officer_b").get("/cases/worklist/").content.decode()
    assert "移交待接收" in receiving and f"/cases/transfers/{transfer.pk}/" in receiving


def test_it_audits_the_worklist_by_the_cases_it_names_and_only_when_it_names_any(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(next_visit_due=today() - dt.timedelta(days=2))
    signed_in("office_officer").get("/cases/worklist/")
    row = AuditEvent.objects.filter(action="person.list", username="office_officer").latest("id")
    assert row.detail == {"via": "cases.worklist", "cases": [case.pk], "notices": []}
    signed_in("office_officer_b").get("/cases/worklist/")  # nothing due in the other county
    assert not AuditEvent.objects.filter(action="person.list", username="office_officer_b").exists()


def test_it_gives_each_role_its_navigation() -> None:
    def labels(username: str) -> list[str]:
        return [str(item.label) for item in nav_for(persona(username)) if item.url.startswith("/cases/")]

    assert labels("office_officer") == ["帮教档案", "待办事项", "协查通报", "档案移交"]
    assert labels("city_officer") == ["帮教档案", "协查通报"]
    assert labels("volunteer") == ["我的帮教对象", "待办事项"]
    assert labels("police_officer") == ["协查通报", "重点帮教对象", "待办事项"]
    assert labels("facility_liaison") == []


def test_it_counts_the_home_page_cards(case: Case) -> None:
    # the cards count the worklist's own queries
    assert worklist_count(persona("office_officer"), "cases.visits", on=today()) == 1  # first visit due within 7 days
    assert worklist_count(persona("office_officer_b"), "cases.visits", on=today()) == 0
    services.send_trace_request(
        case=case,
        to=persona("police_officer").organisation,  # type: ignore[arg-type]
        reason="x",
        last_known_address="",
        by=as_actor("office_officer"),
    )
    assert worklist_count(persona("police_officer"), "cases.traces", on=today()) == 1


# --- export -------------------------------------------------------------------------------------------------------


def test_it_exports_the_case_list_with_its_filters_masked_and_audited(case: Case) -> None:
    ordinary = case_for(3)
    client = signed_in("office_officer")
    assert "format=xlsx" in client.get("/cases/").content.decode()
    before = AuditEvent.objects.filter(action="export").count()
    sheet = sheet_of(client.get("/cases/?level=key&format=xlsx"))
    assert sheet.column("姓名") == [case.person.name]  # the filter holds; the ordinary case is not in it
    assert ordinary.person.name not in sheet.text()
    assert sheet.column("公民身份号码（脱敏）")[0].count("*") == 8
    assert case.person.id_number not in sheet.text()
    assert "盗窃罪" not in sheet.text()  # no offence in the list
    row = AuditEvent.objects.filter(action="export").order_by("-id").first()
    assert row is not None and AuditEvent.objects.filter(action="export").count() == before + 1
    assert row.detail["list"] == "cases.case_list"
    assert row.detail["count"] == 1
    assert row.detail["filters"]["level"] == "key"


def test_it_exports_to_another_county_only_its_own_cases(case: Case) -> None:
    sheet = sheet_of(signed_in("office_officer_b").get("/cases/?format=xlsx"))
    assert case.person.name not in sheet.text()


@pytest.mark.parametrize("username", ["volunteer", "social_worker"])
def test_it_lets_the_assistance_group_read_its_cases_but_not_export_them(case: Case, username: str) -> None:
    client = signed_in(username)
    assert case.person.name in client.get("/cases/").content.decode()
    assert "format=xlsx" not in client.get("/cases/").content.decode()
    assert client.get("/cases/?format=xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_it_exports_the_trace_requests_of_a_tab(case: Case) -> None:
    services.send_trace_request(
        case=case,
        to=persona("police_officer").organisation,  # type: ignore[arg-type]
        reason="脱管，请协助查找",
        last_known_address="示范路 1 号",
        by=as_actor("office_officer"),
    )
    police = signed_in("police_officer")
    assert "format=xlsx" in police.get("/cases/traces/incoming/").content.decode()
    sheet = sheet_of(police.get("/cases/traces/incoming/?format=xlsx"))
    assert sheet.column("姓名") == [case.person.name]
    assert sheet.column("事由") == ["脱管，请协助查找"]
    assert case.person.id_number not in sheet.text()
    row = AuditEvent.objects.filter(action="export").order_by("-id").first()
    assert row is not None and row.detail["list"] == "cases.traces" and row.detail["count"] == 1
    # the sender's outgoing tab holds it too; another county's office sees nothing of it
    assert sheet_of(signed_in("office_officer").get("/cases/traces/outgoing/?format=xlsx")).column("姓名") == [
        case.person.name
    ]
    other = signed_in("office_officer_b").get("/cases/traces/outgoing/?format=xlsx")
    assert case.person.name not in sheet_of(other).text()


def test_it_exports_the_worklist_in_the_pages_order(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(next_visit_due=today() - dt.timedelta(days=2))
    client = signed_in("office_officer")
    assert "format=xlsx" in client.get("/cases/worklist/").content.decode()
    sheet = sheet_of(client.get("/cases/worklist/?format=xlsx"))
    assert "走访逾期" in sheet.column("事项")
    assert any(case.person.name in str(title) for title in sheet.column("内容"))
    assert sheet.rows[0]["逾期"] == "是"
    assert signed_in("volunteer").get("/cases/worklist/?format=xlsx").status_code == 403
