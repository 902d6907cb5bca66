"""A small, hand-built set of notices with known figures, made through the hand-over services.

The services accept a release date in the past (a release is recorded after it happened) and a check-in date in the
past, so no date needs writing by hand; the nightly scan (``scan_deadlines``) marks the missed intakes, as in
production. The period asked about is March 2025 (``MARCH``).

| who | office (township)      | key | escort | released | checked in         | counts as                       |
|-----|------------------------|-----|--------|----------|--------------------|---------------------------------|
| A   | 玄武 示范一 320102001  | no  | —      | 03-05    | 03-10              | handed over on time             |
| B   | 玄武 示范一 320102001  | no  | —      | 03-10    | 04-20 (late)       | handed over AND missed          |
| C   | 玄武 示范二 320102002  | no  | —      | 03-15    | never              | missed                          |
| D   | 玄武 示范二 320102002  | yes | yes    | 03-20    | 03-20              | key, escorted, on time          |
| E   | 秦淮 320104001         | yes | none   | 03-25    | 03-27              | key, not escorted, on time      |
| F   | 姑苏 320508001         | yes | False  | 03-28    | never              | key, not escorted, missed       |
| I   | 玄武 示范一 320102001  | no  | —      | 03-12    | 03-14 (backfilled) | handed over on time             |
| G   | 玄武 示范一 320102001  | no  | —      | 04-05    | 04-06              | outside March                   |
| H   | 玄武 示范一 320102001  | no  | —      | not yet  | —                  | awaiting verification: nowhere  |
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anbang.testing import make_id_number, persona
from core.audit import Actor
from handover import services
from handover.models import ReleaseNotice
from people.services import PersonData

MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
OFFICE_USER = {
    "320102001000": "office_officer",
    "320102002000": "county_officer",  # no office user there: the county acts for it
    "320104001000": "office_officer_b",
    "320508001000": "other_office_officer",
}


def person(name: str, seq: int, township: str) -> PersonData:
    number = make_id_number("19800101", area=township[:6], seq=seq)
    return PersonData(name=name, gender="male", id_number=number, hukou_region=township, residence_region=township)


def send(name: str, seq: int, township: str, *, key_target: bool = False) -> ReleaseNotice:
    data = services.NoticeData(
        person=person(name, seq, township),
        expected_release_date=timezone.localdate() + dt.timedelta(days=40),
        offence="盗窃罪",
        sentence_months=24,
        key_target=key_target,
        key_target_reasons=["涉毒"] if key_target else [],
    )
    return services.send_release_notice(data=data, by=Actor(persona("facility_liaison")))


def released(
    name: str,
    seq: int,
    township: str,
    *,
    on: dt.date,
    key_target: bool = False,
    escort: services.Escort | None = None,
) -> ReleaseNotice:
    notice = send(name, seq, township, key_target=key_target)
    office = Actor(persona(OFFICE_USER[township]))
    services.verify_notice(notice=notice, result="confirmed", by=office)
    return services.record_release(notice=notice, released_on=on, escort=escort, by=Actor(persona("facility_liaison")))


def check_in(notice: ReleaseNotice, on: dt.date) -> None:
    office = Actor(persona(OFFICE_USER[notice.region_id]))
    services.check_in(notice=notice, checked_in_on=on, method="self_reported", by=office)


def build_march() -> dict[str, ReleaseNotice]:
    """The set of the table above; returns the notices by letter."""
    d = dt.date
    escorted = services.Escort(escorted=True, staff=["王干部"], family=["父亲"])
    n = {
        "A": released("甲一", 1, "320102001000", on=d(2025, 3, 5)),
        "B": released("乙二", 3, "320102001000", on=d(2025, 3, 10)),
        "C": released("丙三", 5, "320102002000", on=d(2025, 3, 15)),
        "D": released("丁四", 7, "320102002000", on=d(2025, 3, 20), key_target=True, escort=escorted),
        "E": released("戊五", 9, "320104001000", on=d(2025, 3, 25), key_target=True),
        "F": released(
            "己六", 11, "320508001000", on=d(2025, 3, 28), key_target=True, escort=services.Escort(escorted=False)
        ),
        "G": released("庚七", 13, "320102001000", on=d(2025, 4, 5)),
        "H": send("辛八", 15, "320102001000"),
    }
    check_in(n["A"], d(2025, 3, 10))
    check_in(n["D"], d(2025, 3, 20))
    check_in(n["E"], d(2025, 3, 27))
    check_in(n["G"], d(2025, 4, 6))
    # the night after the deadlines: B, C and F are missed intakes (B reports late afterwards)
    services.scan_deadlines(as_of=timezone.localdate())
    check_in(ReleaseNotice.objects.get(pk=n["B"].pk), d(2025, 4, 20))
    opened = services.backfill(
        data=services.BackfillData(
            person=person("壬九", 17, "320102001000"),
            released_on=d(2025, 3, 12),
            checked_in_on=d(2025, 3, 14),
            method="self_reported",
            offence="诈骗罪",
            facility_name="外省监狱",
        ),
        by=Actor(persona("office_officer")),
    )
    n["I"] = ReleaseNotice.objects.get(pk=opened["notice_id"])
    return {key: ReleaseNotice.objects.get(pk=notice.pk) for key, notice in n.items()}
