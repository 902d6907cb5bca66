"""Reads of person records within the caller's reach, and search by name, pinyin, initials or ID number."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.errors import DomainError, NotFound
from core.idnumbers import id_number_hash, normalize_id_number
from directory.models import User
from people.models import Person


def search_people(*, user: User, q: str) -> QuerySet[Person]:
    """People within reach matching ``q``: an ID number matches exactly (by its keyed hash); latin letters match the
    pinyin or the initials from the start (``zhangs``, ``zs``); anything else matches the name or a former name."""
    base = Person.objects.visible_to(user)
    q = (q or "").strip()
    if not q:
        return base
    if len(q) in (15, 18) and q[:14].isdigit():
        try:
            return base.filter(id_number_hash=id_number_hash(normalize_id_number(q, field="q")))
        except DomainError:
            return base.none()
    if q.isascii() and q.replace(" ", "").isalpha():
        letters = q.replace(" ", "").lower()
        return base.filter(Q(name_pinyin__startswith=letters) | Q(name_initials__startswith=letters))
    return base.filter(Q(name__contains=q) | Q(former_names__contains=q))


def get_person_for_user(user: User, person_id: int) -> Person:
    person = Person.objects.visible_to(user).filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    return person
