"""Reads of person records within the caller's reach, and search by name, pinyin, initials or ID number."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.errors import DomainError, NotFound
from core.idnumbers import id_number_hash, normalize_id_number
from directory.models import User
from people.models import Person


def person_matches(q: str, *, path: str = "") -> Q:
    """A condition on person fields (reached through ``path``, e.g. ``"person__"``) matching ``q``: an ID number
    matches exactly (by its keyed hash); latin letters match the pinyin or the initials from the start (``zhangs``,
    ``zs``); anything else matches the name or a former name. It applies no reach: callers narrow a queryset that
    ``visible_to`` has already scoped (people, notices, cases)."""
    q = (q or "").strip()
    if len(q) in (15, 18) and q[:14].isdigit():
        try:
            return Q(**{f"{path}id_number_hash": id_number_hash(normalize_id_number(q, field="q"))})
        except DomainError:
            return Q(pk__in=[])
    if q.isascii() and q.replace(" ", "").isalpha():
        letters = q.replace(" ", "").lower()
        return Q(**{f"{path}name_pinyin__startswith": letters}) | Q(**{f"{path}name_initials__startswith": letters})
    return Q(**{f"{path}name__contains": q}) | Q(**{f"{path}former_names__contains": q})


def search_people(*, user: User, q: str) -> QuerySet[Person]:
    """People within reach matching ``q`` (see ``person_matches``)."""
    base = Person.objects.visible_to(user)
    if not (q or "").strip():
        return base
    return base.filter(person_matches(q))


def get_person_for_user(user: User, person_id: int) -> Person:
    person = Person.objects.visible_to(user).filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    return person
