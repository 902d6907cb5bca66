"""The assistance metric family: GET /api/v1/stats/assistance, the dashboard at /stats/assistance/ and the list
behind each number with its .xlsx. Each figure is moved by exactly one row made with the models (tests may set up
with them), and the other figures of the issue stay where they were."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from anbang.testing import ApiClient, checked_in_case, make_id_number, persona
from assistance.metrics import METRICS, years_before
from assistance.models import AidEntry, Briefing, Placement, Referral
from cases.models import Case
from directory.models import Organisation
from people.models import Person

pytestmark = pytest.mark.django_db

# the period asked: the first half of 2026 (today, in these tests, is later)
PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}
START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
BEFORE = dt.date(2025, 12, 1)  # before the period
RELEASED, OPENED = dt.date(2026, 1, 31), dt.date(2026, 2, 1)
COUNTS = ("referrals", "approved", "rejected", "pending", "overdue", "on_dibao", "on_tekun", "placements")
XUANWU = "320102000000"


def _case(seq: int = 123, birth: str = "19850312") -> Case:
    """A case of 玄武区示范一街道, released on 31 January 2026 and opened the next day."""
    case = checked_in_case(person={"id_number": make_id_number(birth, seq=seq), "birth_date": _iso(birth)})
    Case.objects.filter(pk=case.pk).update(opened_on=OPENED)
    assert case.notice is not None
    type(case.notice).objects.filter(pk=case.notice_id).update(released_on=RELEASED)
    return Case.objects.select_related("notice", "person").get(pk=case.pk)


def _iso(birth: str) -> str:
    return f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"


@pytest.fixture
def case() -> Case:
    return _case()


def _referral(case: Case, scheme: str = "medical_aid", **fields: Any) -> Referral:
    to = {"medical_aid": "WJ320102"}.get(scheme, "MZ320102")
    if to == "WJ320102":
        Organisation.objects.get_or_create(
            code=to, defaults={"name": "玄武区卫生健康委员会", "kind": Organisation.Kind.HEALTH, "region_id": XUANWU}
        )
    values: dict[str, Any] = {
        "case": case,
        "scheme": scheme,
        "from_office": case.managing_office,
        "to_organisation": Organisation.objects.get(code=to),
        "reason": "测试",
        "submitted_on": BEFORE,
        "respond_by": dt.date(2026, 12, 31),
        "created_by": persona("office_officer"),
        **fields,
    }
    return Referral.objects.create(**values)


def _granted(case: Case, scheme: str = "medical_aid", **fields: Any) -> Referral:
    values = {"status": "approved", "decided_on": dt.date(2026, 3, 10), "starts_on": dt.date(2026, 3, 10), **fields}
    return _referral(case, scheme, **values)


def _placement(case: Case, **fields: Any) -> Placement:
    values: dict[str, Any] = {
        "case": case,
        "employer": "示范物流有限公司",
        "job": "仓储员",
        "started_on": dt.date(2026, 3, 2),
        "contract_months": 12,
        "social_insurance": True,
        "recorded_by": persona("office_officer"),
        **fields,
    }
    return Placement.objects.create(**values)


def figures(username: str = "county_officer", **params: str) -> dict[str, Any]:
    response = ApiClient(username).get("/stats/assistance", **{**PERIOD, **params})
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def moved(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """The counts of the issue that changed, and by how much."""
    return {key: after[key] - before[key] for key in COUNTS if after[key] != before[key]}


# --- each figure, moved by one ----------------------------------------------------------------------------------------


def test_a_referral_submitted_in_the_period_counts_in_referrals_and_pending_until_decided(case: Case) -> None:
    before = figures()
    _referral(case, submitted_on=dt.date(2026, 3, 1))
    assert moved(before, figures()) == {"referrals": 1, "pending": 1}
    later = _referral(case, "temporary_aid", submitted_on=dt.date(2026, 3, 1), status="rejected")
    Referral.objects.filter(pk=later.pk).update(decided_on=dt.date(2026, 3, 5), decision_reason="不符合条件")
    assert moved(before, figures()) == {"referrals": 2, "pending": 1, "rejected": 1}


def test_a_referral_waiting_since_before_the_period_counts_only_as_pending(case: Case) -> None:
    before = figures()
    _referral(case, status="under_review")
    assert moved(before, figures()) == {"pending": 1}


def test_a_referral_decided_after_the_end_was_pending_on_it(case: Case) -> None:
    before = figures()
    _granted(case, decided_on=dt.date(2026, 8, 1), starts_on=dt.date(2026, 8, 1))
    assert moved(before, figures()) == {"pending": 1}


def test_a_pending_referral_past_its_deadline_is_overdue(case: Case) -> None:
    _referral(case, "dibao", respond_by=dt.date(2026, 12, 31))
    before = figures()
    _referral(case, respond_by=dt.date(2026, 6, 29))
    assert moved(before, figures()) == {"pending": 1, "overdue": 1}
    # due on the last day itself is not yet overdue
    _referral(case, "temporary_aid", respond_by=END)
    assert moved(before, figures()) == {"pending": 2, "overdue": 1}


def test_an_approval_in_the_period_counts_once_and_stays_counted_when_it_ends(case: Case) -> None:
    before = figures()
    _granted(case)
    assert moved(before, figures()) == {"approved": 1}
    _granted(case, "temporary_aid", status="ended", ended_on=dt.date(2026, 4, 1))
    _granted(case, "employment_aid", status="review_due", review_on=dt.date(2026, 5, 1))
    assert moved(before, figures()) == {"approved": 3}
    # decided before the period: not this period's approval
    _granted(case, "housing_aid", decided_on=BEFORE, starts_on=BEFORE)
    assert moved(before, figures()) == {"approved": 3}


def test_a_rejection_in_the_period_counts_once(case: Case) -> None:
    before = figures()
    _referral(case, status="rejected", decided_on=dt.date(2026, 2, 10), decision_reason="收入超过标准")
    assert moved(before, figures()) == {"rejected": 1}


def test_a_dibao_in_force_on_the_last_day_counts_the_person_once(case: Case) -> None:
    before = figures()
    _granted(case, "dibao", decided_on=BEFORE, starts_on=dt.date(2025, 12, 15), amount=Decimal("980.00"))
    assert moved(before, figures()) == {"on_dibao": 1}
    # ended by the last day: no longer on it; ended after it: still on it then
    assert figures(to="2026-06-30")["on_dibao"] == before["on_dibao"] + 1
    Referral.objects.filter(scheme="dibao").update(status="ended", ended_on=dt.date(2026, 6, 30))
    assert moved(before, figures()) == {}
    Referral.objects.filter(scheme="dibao").update(ended_on=dt.date(2026, 7, 1))
    assert moved(before, figures()) == {"on_dibao": 1}
    # not yet started on the last day
    assert figures(**{"from": "2025-01-01", "to": "2025-12-14"})["on_dibao"] == 0


def test_a_tekun_in_force_counts_in_on_tekun(case: Case) -> None:
    before = figures()
    _granted(case, "tekun", decided_on=BEFORE, starts_on=BEFORE)
    assert moved(before, figures()) == {"on_tekun": 1}


def test_a_placement_started_in_the_period_counts_once(case: Case) -> None:
    before = figures()
    _placement(case, ended_on=dt.date(2026, 4, 30), end_reason="合同到期")
    after = figures()
    assert moved(before, after) == {"placements": 1}
    assert after["employed"] == before["employed"]  # ended before the last day: not at work on it
    _placement(case, started_on=BEFORE)
    assert moved(before, figures()) == {"placements": 1}


def test_a_briefing_by_the_end_counts_the_case_opened_in_the_period_as_briefed(case: Case) -> None:
    before = figures()
    assert before["opened"] == 1 and before["briefed"] == 0 and before["briefing_rate"] == 0
    late = Briefing.objects.create(
        case=case,
        briefed_on=dt.date(2026, 7, 2),
        schemes=["dibao"],
        acknowledged=True,
        recorded_by=persona("office_officer"),
    )
    assert figures()["briefed"] == 0  # after the end: not yet briefed on it
    Briefing.objects.create(
        case=case, briefed_on=OPENED, schemes=["dibao"], acknowledged=True, recorded_by=persona("office_officer")
    )
    late.delete()
    after = figures()
    assert (after["opened"], after["briefed"], after["briefing_rate"]) == (1, 1, 1.0)
    assert moved(before, after) == {}  # none of the issue's counts moves


def test_the_employment_rate_is_placements_in_force_over_working_age_on_register(case: Case) -> None:
    assert figures(**{"from": "2020-01-01", "to": "2020-12-31"})["employment_rate"] is None  # nobody on register
    before = figures()
    assert (before["working_age"], before["employed"], before["employment_rate"]) == (1, 0, 0.0)
    _placement(case)
    after = figures()
    assert (after["employed"], after["employment_rate"]) == (1, 1.0)
    other = _case(seq=125)
    assert figures()["employment_rate"] == 0.5
    # a case closed by the last day is off the register
    Case.objects.filter(pk=other.pk).update(status="closed", closed_on=dt.date(2026, 6, 1), closure_reason="died")
    assert figures()["working_age"] == 1


def test_working_age_is_sixteen_to_fifty_nine_on_the_last_day() -> None:
    on = END
    for seq, born in enumerate(
        [
            years_before(on, 60),  # 60 that day: out
            years_before(on, 60) + dt.timedelta(days=1),  # 59: in
            years_before(on, 16),  # 16 that day: in
            years_before(on, 16) + dt.timedelta(days=1),  # 15: out
        ]
    ):
        _case(seq=131 + 2 * seq, birth=born.strftime("%Y%m%d"))
    assert figures()["working_age"] == 2
    assert years_before(dt.date(2028, 2, 29), 16) == dt.date(2012, 2, 29)
    assert years_before(dt.date(2028, 2, 29), 17) == dt.date(2011, 2, 28)


def test_the_aid_total_is_the_sum_of_the_period_as_two_places(case: Case) -> None:
    assert figures()["aid_total"] == "0.00"
    before = figures()
    AidEntry.objects.create(
        case=case,
        kind="cash",
        amount=Decimal("123.45"),
        given_on=dt.date(2026, 5, 1),
        purpose="临时生活补助",
        recorded_by=persona("office_officer"),
    )
    after = figures()
    assert Decimal(after["aid_total"]) - Decimal(before["aid_total"]) == Decimal("123.45")
    assert after["aid_total"] == "123.45" and moved(before, after) == {}
    AidEntry.objects.create(
        case=case,
        kind="in_kind",
        amount=Decimal("50"),
        given_on=BEFORE,
        purpose="棉被",
        recorded_by=persona("office_officer"),
    )
    assert figures()["aid_total"] == "123.45"


def test_the_approval_rate_and_median_days_to_decision(case: Case) -> None:
    empty = figures()
    assert empty["approval_rate"] is None and empty["median_days_to_decision"] is None
    _granted(case, submitted_on=dt.date(2026, 3, 1), decided_on=dt.date(2026, 3, 11), starts_on=dt.date(2026, 3, 11))
    body = figures()
    assert (body["approval_rate"], body["median_days_to_decision"]) == (1.0, 10.0)
    _referral(case, "dibao", submitted_on=dt.date(2026, 3, 1), status="rejected", decided_on=dt.date(2026, 3, 21))
    body = figures()
    assert (body["approval_rate"], body["median_days_to_decision"]) == (0.5, 15.0)


def test_the_median_days_to_first_job_counts_from_the_release(case: Case) -> None:
    assert figures()["median_days_to_first_job"] is None
    _placement(case, started_on=dt.date(2026, 3, 2))  # 30 days after the release of 31 January
    _placement(case, started_on=dt.date(2026, 5, 2))  # a second job: not a first
    body = figures()
    assert (body["first_placements"], body["median_days_to_first_job"]) == (1, 30.0)
    # without a notice, from the day the case was opened
    other = _case(seq=125)
    Case.objects.filter(pk=other.pk).update(notice=None)
    _placement(other, started_on=dt.date(2026, 2, 11))
    assert figures()["median_days_to_first_job"] == 20.0


# --- the shape, the reach ---------------------------------------------------------------------------------------------


def test_it_answers_the_shape_of_the_issue_with_region_and_period(case: Case) -> None:
    body = figures()
    issue = {
        "referrals", "approved", "rejected", "pending", "overdue", "approval_rate", "median_days_to_decision",
        "on_dibao", "on_tekun", "placements", "employment_rate", "median_days_to_first_job", "aid_total",
    }  # fmt: skip
    assert issue <= set(body)
    assert body["region"] == {"code": XUANWU, "name": "玄武区"}
    assert (body["from"], body["to"]) == ("2026-01-01", "2026-06-30")


def test_it_defaults_to_this_year_to_today() -> None:
    body = ApiClient("county_officer").get("/stats/assistance").json()
    today = dt.date.fromisoformat(body["to"])
    assert body["from"] == f"{today.year}-01-01"


def test_it_counts_a_case_where_it_is_managed(case: Case) -> None:
    _granted(case)
    assert figures("city_officer")["approved"] == 1
    assert figures("county_officer", region="320102001000")["approved"] == 1
    assert figures("county_officer", region="320102002000")["approved"] == 0
    assert figures("office_officer_b")["approved"] == 0  # 秦淮区示范街道


def test_it_refuses_anonymous_callers() -> None:
    assert ApiClient().get("/stats/assistance").status_code == 401


def test_it_answers_404_for_another_county() -> None:
    assert ApiClient("other_county_officer").get("/stats/assistance", region=XUANWU).status_code == 404


@pytest.mark.parametrize("username", ["partner_officer", "social_worker", "facility_liaison"])
def test_it_refuses_roles_that_are_not_officers(username: str) -> None:
    response = ApiClient(username).get("/stats/assistance")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("params", "field"), [({"from": "2026-13-01"}, "from"), ({"region": "3201"}, "region")])
def test_it_names_the_bad_field(params: dict[str, str], field: str) -> None:
    response = ApiClient("county_officer").get("/stats/assistance", **params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_it_refuses_a_period_that_ends_before_it_starts() -> None:
    response = ApiClient("county_officer").get("/stats/assistance", **{"from": "2026-04-01", "to": "2026-03-01"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["from"]


def test_the_schema_documents_each_figure() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/stats/assistance"]["get"]
    assert operation["summary"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    for key in ("referrals", "approval_rate", "median_days_to_decision", "aid_total", "employment_rate"):
        assert properties[key]["description"], key


# --- the pages --------------------------------------------------------------------------------------------------------


def _client(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def _everything(case: Case) -> None:
    _referral(case, submitted_on=dt.date(2026, 3, 1), respond_by=dt.date(2026, 3, 30))  # pending, overdue
    _granted(case, "dibao", decided_on=dt.date(2026, 2, 20), starts_on=dt.date(2026, 3, 1))
    _referral(case, "temporary_aid", status="rejected", decided_on=dt.date(2026, 4, 1))
    _placement(case)
    other = _case(seq=125)
    _granted(other, "tekun", decided_on=dt.date(2026, 2, 20), starts_on=dt.date(2026, 3, 1))
    AidEntry.objects.create(
        case=other, kind="voucher", amount=Decimal("200"), given_on=dt.date(2026, 4, 1), purpose="节日慰问",
        recorded_by=persona("office_officer"),
    )  # fmt: skip


def test_every_list_holds_exactly_the_rows_its_number_counts(case: Case) -> None:
    _everything(case)
    body = figures()
    client = _client("county_officer")
    for slug, count in METRICS.figures.items():
        response = client.get("/stats/assistance/list/", {**PERIOD, "region": XUANWU, "figure": slug})
        assert response.status_code == 200, slug
        gaps = {"not_employed": body["working_age"] - body["employed"], "not_briefed": body["opened"] - body["briefed"]}
        expected = body[count.key] if count.counted else gaps[count.key]
        assert response.context["page"].paginator.count == expected, slug


def test_the_dashboard_shows_the_figures_and_links_each_number(case: Case) -> None:
    _everything(case)
    response = _client("county_officer").get("/stats/assistance/", PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>救助与就业帮扶统计</h1>" in page
    kpis = {str(kpi.label): kpi for kpi in response.context["kpis"]}
    assert kpis["转介"].text == "1" and "figure=referrals" in (kpis["转介"].url or "")
    assert kpis["批准率"].text == "66.7%"  # dibao and tekun approved, temporary aid refused
    assert kpis["帮扶金额（元）"].text == "200.00"
    assert kpis["决定用时中位数"].text.endswith("天")
    rows = {row.code: row for row in response.context["rows"]}
    assert set(rows) == {"320102001000", "320102002000"}
    assert response.context["total"].cells[0].text == "1"


def test_the_list_downloads_as_xlsx(case: Case) -> None:
    _everything(case)
    response = _client("county_officer").get(
        "/stats/assistance/list/", {**PERIOD, "region": XUANWU, "figure": "approved", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert any("最低生活保障" in str(cell) for row in values for cell in row)
    assert not any(str(Person.objects.get(pk=case.person_id).id_number) in str(cell) for row in values for cell in row)


def test_the_pages_keep_the_reach_and_role_rules() -> None:
    assert _client("other_county_officer").get("/stats/assistance/", {"region": XUANWU}).status_code == 404
    assert _client("partner_officer").get("/stats/assistance/").status_code == 403
    assert _client("partner_officer").get("/stats/assistance/list/", {"figure": "pending"}).status_code == 403
