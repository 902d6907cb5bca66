"""The cases API, with the STYLE.md 11 checklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, make_id_number, persona
from cases import services
from cases.models import Case, CaseEvent, ContactLoss, TraceRequest, Transfer, Visit
from core.audit import Actor
from directory.models import PolicyValue, Region

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def iso(day: dt.date) -> str:
    return day.isoformat()


@pytest.fixture
def case() -> Case:
    case: Case = checked_in_case(key_target=True, key_target_reasons=["涉毒"])
    return case


def actions(case_id: int) -> list[str]:
    return list(CaseEvent.objects.filter(case_id=case_id).order_by("id").values_list("action", flat=True))


# --- read -------------------------------------------------------------------------------------------------------------


def test_it_shows_the_case_with_a_masked_id_and_its_deadlines(case: Case) -> None:
    body = ApiClient("office_officer").get(f"/cases/{case.pk}").json()
    assert body["status"] == "active"
    assert body["level"] == "key"
    assert body["managing_office"]["code"] == "SFS320102001"
    assert body["person"]["id_number"].count("*") == 8
    assert body["next_visit_due"] == iso(TODAY + dt.timedelta(days=7))
    assert body["period_end"] == iso(TODAY.replace(year=TODAY.year + 5))
    assert body["offence"] == "盗窃罪"
    assert body["closure"] is None


def test_it_reads_a_case_in_at_most_six_statements(case: Case) -> None:
    """DESIGN §9: the case read costs at most 6 statements (token and user, case, group, and the audit row: on
    PostgreSQL its advisory lock, the chain's last hash and the insert); savepoints are transaction control."""
    services.add_group_member(
        case=case, by=Actor(user=persona("office_officer")), part="family_member", name="家属甲", phone="13800000000"
    )
    api = ApiClient("office_officer")
    api.get(f"/cases/{case.pk}")
    with CaptureQueriesContext(connection) as captured:
        assert api.get(f"/cases/{case.pk}").status_code == 200
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 6, statements


def test_it_hides_a_case_from_another_county(case: Case) -> None:
    for username in ["other_county_officer", "other_office_officer", "office_officer_b"]:
        assert ApiClient(username).get(f"/cases/{case.pk}").status_code == 404, username


def test_it_refuses_anonymous_callers(case: Case) -> None:
    assert ApiClient().get(f"/cases/{case.pk}").status_code == 401


def test_it_shows_a_volunteer_only_the_cases_of_their_group_without_the_offence(case: Case) -> None:
    assert ApiClient("volunteer").get(f"/cases/{case.pk}").status_code == 404
    services.add_group_member(
        case=case, part="volunteer", name="", username="volunteer", by=Actor(persona("office_officer"))
    )
    body = ApiClient("volunteer").get(f"/cases/{case.pk}").json()
    assert body["offence"] is None
    assert "*" in body["person"]["id_number"]
    assert ApiClient("volunteer").get("/cases").json()["count"] == 1


def test_it_audits_every_read_of_the_person(case: Case) -> None:
    from core.models import AuditEvent

    ApiClient("county_officer").get(f"/cases/{case.pk}")
    assert AuditEvent.objects.filter(
        action="person.read", object_id=str(case.person_id), username="county_officer"
    ).exists()


def test_it_filters_the_case_list(case: Case) -> None:
    client = ApiClient("county_officer")
    assert client.get("/cases", level="key").json()["count"] == 1
    assert client.get("/cases", level="ordinary").json()["count"] == 0
    assert client.get("/cases", status="closed").json()["count"] == 0
    assert client.get("/cases", q="张测试").json()["count"] == 1
    response = client.get("/cases", level="vip")
    assert response.status_code == 400
    assert "level" in response.json()["error"]["fields"]


# --- visits ----------------------------------------------------------------------------------------------------------


def test_it_records_a_visit_and_moves_the_next_one_by_the_interval(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/visits",
        {
            "visited_on": iso(TODAY),
            "method": "home",
            "outcome": "met",
            "notes": "在家，情绪稳定",
            "situation": {"mood": "稳定"},
        },
    )
    assert response.status_code == 201
    assert response.json()["next_visit_due"] == iso(TODAY + dt.timedelta(days=30))  # key target: 30 days
    assert actions(case.pk)[-1] == "visit"


def test_it_keeps_the_latest_visit_date_on_the_case_whatever_the_order_visits_are_recorded_in(case: Case) -> None:
    """``Case.last_visit_on`` is what the nightly register roll-up reads instead of the visit table."""
    Case.objects.filter(pk=case.pk).update(opened_on=TODAY - dt.timedelta(days=10))
    api = ApiClient("office_officer")
    for day, outcome in [(TODAY - dt.timedelta(days=3), "not_found"), (TODAY - dt.timedelta(days=5), "met")]:
        visit = {"visited_on": iso(day), "method": "home", "outcome": outcome, "notes": ""}
        assert api.post(f"/cases/{case.pk}/visits", visit).status_code == 201
    case.refresh_from_db()
    assert case.last_visit_on == TODAY - dt.timedelta(days=3)  # the later one, though it found nobody


def test_it_refuses_a_visit_in_the_future(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/visits",
        {"visited_on": iso(TODAY + dt.timedelta(days=1)), "method": "home", "outcome": "met"},
    )
    assert response.status_code == 400
    assert "visited_on" in response.json()["error"]["fields"]
    assert not Visit.objects.exists()


def test_it_lets_the_group_volunteer_record_a_visit_but_not_close(case: Case) -> None:
    services.add_group_member(
        case=case, part="volunteer", name="", username="volunteer", by=Actor(persona("office_officer"))
    )
    client = ApiClient("volunteer")
    visit = client.post(f"/cases/{case.pk}/visits", {"visited_on": iso(TODAY), "method": "phone", "outcome": "met"})
    assert visit.status_code == 201
    close = client.post(f"/cases/{case.pk}/close", {"reason": "died", "closed_on": iso(TODAY)})
    assert close.status_code == 403


def test_it_refuses_a_volunteer_acting_outside_their_cases(case: Case) -> None:
    response = ApiClient("volunteer").post(
        f"/cases/{case.pk}/visits", {"visited_on": iso(TODAY), "method": "phone", "outcome": "met"}
    )
    assert response.status_code == 404


def test_it_lets_a_city_officer_read_but_not_act(case: Case) -> None:
    client = ApiClient("city_officer")
    assert client.get(f"/cases/{case.pk}").status_code == 200
    response = client.post(f"/cases/{case.pk}/visits", {"visited_on": iso(TODAY), "method": "home", "outcome": "met"})
    assert response.status_code == 403


def test_it_refuses_visits_on_a_closed_case(case: Case) -> None:
    services.close_case(case=case, reason="died", closed_on=TODAY, by=Actor(persona("office_officer")))
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/visits", {"visited_on": iso(TODAY), "method": "home", "outcome": "met"}
    )
    assert response.status_code == 409


# --- group, risk, settlement -----------------------------------------------------------------------------------------


def test_it_adds_group_members_by_name_or_user(case: Case) -> None:
    client = ApiClient("office_officer")
    assert (
        client.post(
            f"/cases/{case.pk}/group", {"part": "family_member", "name": "张父", "phone": "13800000000"}
        ).status_code
        == 201
    )
    assert (
        client.post(f"/cases/{case.pk}/group", {"part": "social_worker", "username": "social_worker"}).status_code
        == 201
    )
    group = client.get(f"/cases/{case.pk}").json()["group"]
    assert [(m["part"], m["username"]) for m in group] == [("family_member", None), ("social_worker", "social_worker")]
    wrong = client.post(f"/cases/{case.pk}/group", {"part": "social_worker", "username": "volunteer"})
    assert wrong.status_code == 400
    assert "username" in wrong.json()["error"]["fields"]


def test_it_records_risk_and_changes_the_level(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/risk", {"risk_level": "low", "key_target": False, "reasons": [], "assessed_on": iso(TODAY)}
    )
    assert response.status_code == 200
    assert response.json()["level"] == "ordinary"
    assert response.json()["risk_level"] == "low"
    assert response.json()["next_risk_review"] == iso(
        TODAY.replace(month=TODAY.month + 6)
        if TODAY.month <= 6
        else TODAY.replace(year=TODAY.year + 1, month=TODAY.month - 6)
    )


def test_it_keeps_the_settlement_history(case: Case) -> None:
    client = ApiClient("office_officer")
    first = client.post(
        f"/cases/{case.pk}/settlement", {"status": "not_settled", "since": iso(TODAY), "reason": "正在找工作"}
    )
    assert first.status_code == 200
    second = client.post(
        f"/cases/{case.pk}/settlement", {"status": "employed", "since": iso(TODAY), "detail": "某物流公司"}
    )
    assert second.json()["settlement"] == {"status": "employed", "since": iso(TODAY)}
    assert case.settlements.count() == 2
    missing_reason = client.post(f"/cases/{case.pk}/settlement", {"status": "not_settled", "since": iso(TODAY)})
    assert missing_reason.status_code == 400
    assert "reason" in missing_reason.json()["error"]["fields"]


# --- transfers --------------------------------------------------------------------------------------------------------


def test_it_transfers_a_case_when_the_receiving_office_accepts(case: Case) -> None:
    created = ApiClient("office_officer").post(
        f"/cases/{case.pk}/transfer", {"to_office": "SFS320104001", "reason": "搬到秦淮区"}
    )
    assert created.status_code == 201
    transfer_id = created.json()["transfer_id"]
    receiving = ApiClient("office_officer_b")
    assert receiving.get(f"/cases/{case.pk}").status_code == 200  # sees the case it is asked to take
    assert ApiClient("office_officer").post(f"/transfers/{transfer_id}/accept").status_code in (403, 404)
    accepted = receiving.post(f"/transfers/{transfer_id}/accept", {})
    assert accepted.status_code == 200
    assert accepted.json()["managing_office"]["code"] == "SFS320104001"
    assert actions(case.pk)[-2:] == ["transfer_requested", "transfer_accepted"]


def test_it_keeps_the_case_when_the_transfer_is_declined(case: Case) -> None:
    transfer_id = (
        ApiClient("office_officer")
        .post(f"/cases/{case.pk}/transfer", {"to_office": "SFS320104001", "reason": "搬家"})
        .json()["transfer_id"]
    )
    no_reason = ApiClient("office_officer_b").post(f"/transfers/{transfer_id}/decline", {"note": ""})
    assert no_reason.status_code == 400
    declined = ApiClient("office_officer_b").post(f"/transfers/{transfer_id}/decline", {"note": "查无此地址"})
    assert declined.status_code == 200
    assert Case.objects.get(pk=case.pk).managing_office.code == "SFS320102001"
    assert Transfer.objects.get(pk=transfer_id).status == "declined"


def test_it_refuses_a_transfer_to_the_same_office(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/transfer", {"to_office": "SFS320102001", "reason": "x"}
    )
    assert response.status_code == 400
    assert "to_office" in response.json()["error"]["fields"]


# --- lost contact and traces -----------------------------------------------------------------------------------------


def test_it_marks_lost_contact_and_restores_it(case: Case) -> None:
    client = ApiClient("office_officer")
    lost = client.post(f"/cases/{case.pk}/lost-contact", {"noted_on": iso(TODAY), "reason": "电话停机，走访不遇"})
    assert lost.json()["status"] == "lost_contact"
    assert client.post(f"/cases/{case.pk}/lost-contact", {"noted_on": iso(TODAY), "reason": "x"}).status_code == 409
    restored = client.post(f"/cases/{case.pk}/contact-restored", {"restored_on": iso(TODAY), "note": "本人来所"})
    assert restored.json()["status"] == "active"
    assert ContactLoss.objects.get(case=case).restored_on == TODAY


def test_it_sends_a_trace_request_to_the_police_who_answer_it(case: Case) -> None:
    sent = ApiClient("office_officer").post(
        f"/cases/{case.pk}/trace-requests", {"to": "GA320102", "reason": "脱管", "last_known_address": "示范路 1 号"}
    )
    assert sent.status_code == 201
    trace_id = sent.json()["id"]
    police = ApiClient("police_officer")
    incoming = police.get("/trace-requests", direction="incoming").json()
    assert [t["id"] for t in incoming["items"]] == [trace_id]
    no_address = police.post(f"/trace-requests/{trace_id}/respond", {"result": "located"})
    assert no_address.status_code == 400
    assert "address" in no_address.json()["error"]["fields"]
    answered = police.post(f"/trace-requests/{trace_id}/respond", {"result": "located", "address": "某旅馆"})
    assert answered.status_code == 200
    assert answered.json()["status"] == "answered"
    assert actions(case.pk)[-2:] == ["trace_sent", "trace_answered"]
    assert police.post(f"/trace-requests/{trace_id}/respond", {"result": "not_located"}).status_code == 409


def test_it_refuses_an_answer_to_someone_elses_trace_request(case: Case) -> None:
    trace_id = (
        ApiClient("office_officer")
        .post(f"/cases/{case.pk}/trace-requests", {"to": "GA320102", "reason": "脱管"})
        .json()["id"]
    )
    assert (
        ApiClient("other_county_officer")
        .post(f"/trace-requests/{trace_id}/respond", {"result": "not_located"})
        .status_code
        == 404
    )
    assert (
        ApiClient("county_officer").post(f"/trace-requests/{trace_id}/respond", {"result": "not_located"}).status_code
        == 403
    )


# --- closure ----------------------------------------------------------------------------------------------------------


def test_it_closes_a_case_for_reoffence_with_the_new_offence(case: Case) -> None:
    client = ApiClient("office_officer")
    missing = client.post(f"/cases/{case.pk}/close", {"reason": "reoffended", "closed_on": iso(TODAY)})
    assert missing.status_code == 400
    assert "detail" in missing.json()["error"]["fields"]
    closed = client.post(
        f"/cases/{case.pk}/close", {"reason": "reoffended", "closed_on": iso(TODAY), "detail": "因盗窃罪被刑事拘留"}
    )
    assert closed.json()["closure"] == {"reason": "reoffended", "closed_on": iso(TODAY), "detail": "因盗窃罪被刑事拘留"}
    again = client.post(f"/cases/{case.pk}/close", {"reason": "died", "closed_on": iso(TODAY)})
    assert again.status_code == 409


def test_it_lists_the_timeline(case: Case) -> None:
    body = ApiClient("office_officer").get(f"/cases/{case.pk}/events").json()
    assert body["items"][0]["action"] == "opened"


# --- dual management --------------------------------------------------------------------------------------------------


def test_it_lets_the_residence_office_manage_and_the_hukou_office_see_and_note() -> None:
    dual: Any = checked_in_case(person={"id_number": make_id_number(seq=501), "residence_region": "320104001000"})
    assert dual.managing_office.code == "SFS320104001"
    assert dual.hukou_office.code == "SFS320102001"
    hukou, residence = ApiClient("office_officer"), ApiClient("office_officer_b")
    assert hukou.get(f"/cases/{dual.pk}").json()["dual_managed"] is True
    assert hukou.post(f"/cases/{dual.pk}/notes", {"note": "户籍地协助"}).status_code == 201
    assert (
        hukou.post(
            f"/cases/{dual.pk}/visits", {"visited_on": iso(TODAY), "method": "home", "outcome": "met"}
        ).status_code
        == 403
    )
    assert (
        residence.post(
            f"/cases/{dual.pk}/visits", {"visited_on": iso(TODAY), "method": "home", "outcome": "met"}
        ).status_code
        == 201
    )


# --- worklist and the nightly scan ------------------------------------------------------------------------------------


def test_it_puts_due_visits_and_incoming_traces_on_the_worklist(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(next_visit_due=TODAY - dt.timedelta(days=1))
    items = ApiClient("office_officer").get("/worklist").json()["items"]
    assert items[0]["kind"] == "visit_overdue"
    assert items[0]["case_id"] == case.pk
    ApiClient("office_officer").post(f"/cases/{case.pk}/trace-requests", {"to": "GA320102", "reason": "x"})
    police_items = ApiClient("police_officer").get("/worklist").json()["items"]
    assert [i["kind"] for i in police_items] == ["trace_response_due"]


def test_it_expires_periods_and_marks_lost_contact_in_the_nightly_scan(case: Case) -> None:
    other: Any = checked_in_case(person={"id_number": make_id_number(seq=601)})
    Case.objects.filter(pk=case.pk).update(period_end=TODAY - dt.timedelta(days=1))
    # an ordinary case: visited every 90 days, lost 60 days past that
    Case.objects.filter(pk=other.pk).update(last_contact_on=TODAY - dt.timedelta(days=151))
    counts = services.scan_cases(as_of=TODAY)
    assert counts["period_expired"] == 1
    assert counts["lost_contact"] == 1
    assert Case.objects.get(pk=case.pk).closure_reason == "period_expired"
    assert Case.objects.get(pk=other.pk).status == "lost_contact"
    assert ContactLoss.objects.get(case=other).reason == "no successful contact for 150 days"
    assert services.scan_cases(as_of=TODAY) == {"period_expired": 0, "lost_contact": 0, "traces_escalated": 0}


@pytest.mark.parametrize(
    ("key", "days", "lost"),
    [(True, 90, False), (True, 91, True), (False, 89, False), (False, 150, False), (False, 151, True)],
)
def test_it_marks_lost_contact_only_past_the_visit_interval_and_the_lost_contact_days(
    key: bool, days: int, lost: bool
) -> None:
    """An ordinary case visited on its 90-day schedule is not lost at day 61 (lost_contact_after_days is 60): it is
    lost 60 days after its contact fell due; a key case, due every 30 days, after 90."""
    case: Any = checked_in_case(key_target=key, key_target_reasons=["涉毒"] if key else [])
    assert case.level == ("key" if key else "ordinary")
    Case.objects.filter(pk=case.pk).update(last_contact_on=TODAY - dt.timedelta(days=days))
    assert services.scan_cases(as_of=TODAY)["lost_contact"] == int(lost)


def test_it_applies_the_nearest_regional_override_of_the_lost_contact_days() -> None:
    """A province shortens lost_contact_after_days to 10; one county inside it lengthens it to 100; the nearer value
    rules each case (DESIGN §4)."""
    in_county: Any = checked_in_case(person={"id_number": make_id_number(seq=621)})
    in_province: Any = checked_in_case(person={"id_number": make_id_number(seq=631)})
    elsewhere: Any = checked_in_case(person={"id_number": make_id_number(seq=641)})
    Case.objects.filter(pk=in_province.pk).update(region_id="320104001000")
    outside = Region.objects.filter(level="county").exclude(code__startswith="32").values_list("code", flat=True)
    Case.objects.filter(pk=elsewhere.pk).update(region_id=outside.first())
    Case.objects.update(last_contact_on=TODAY - dt.timedelta(days=120))  # 90 + 30
    since = TODAY - dt.timedelta(days=400)
    for region, value in (("320000000000", 10), ("320102000000", 100)):
        PolicyValue.objects.create(name="lost_contact_after_days", region_id=region, value=value, effective_from=since)
    assert services.scan_cases(as_of=TODAY)["lost_contact"] == 1
    assert Case.objects.get(pk=in_province.pk).status == "lost_contact"  # 90 + 10 < 120
    assert Case.objects.get(pk=in_county.pk).status == "active"  # 90 + 100 > 120
    assert Case.objects.get(pk=elsewhere.pk).status == "active"  # national 90 + 60 > 120


def test_it_escalates_an_overdue_trace_request(case: Case) -> None:
    trace = services.send_trace_request(
        case=case,
        to=persona("police_officer").organisation,  # type: ignore[arg-type]
        reason="x",
        last_known_address="",
        by=Actor(persona("office_officer")),
    )
    TraceRequest.objects.filter(pk=trace.pk).update(respond_by=TODAY - dt.timedelta(days=1))
    services.scan_cases(as_of=TODAY)
    assert TraceRequest.objects.get(pk=trace.pk).escalated_on == TODAY


def test_it_finds_a_groups_case_by_name_for_the_volunteer(case: Case) -> None:
    services.add_group_member(
        case=case, part="volunteer", name="", username="volunteer", by=Actor(persona("office_officer"))
    )
    assert ApiClient("volunteer").get("/cases", q="zhangceshi").json()["count"] == 1
    assert ApiClient("volunteer").get("/cases", q="李").json()["count"] == 0


def test_it_hides_the_new_offence_of_a_reoffence_from_the_volunteer(case: Case) -> None:
    services.add_group_member(
        case=case, part="volunteer", name="", username="volunteer", by=Actor(persona("office_officer"))
    )
    services.close_case(
        case=case, reason="reoffended", closed_on=TODAY, detail="因抢劫罪被逮捕", by=Actor(persona("office_officer"))
    )
    closure = ApiClient("volunteer").get(f"/cases/{case.pk}").json()["closure"]
    assert closure["reason"] == "reoffended"
    assert closure["detail"] == ""


def test_it_refuses_notes_on_a_closed_case(case: Case) -> None:
    services.close_case(case=case, reason="died", closed_on=TODAY, by=Actor(persona("office_officer")))
    assert ApiClient("office_officer").post(f"/cases/{case.pk}/notes", {"note": "补记"}).status_code == 409
