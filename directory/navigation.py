"""The main navigation and each role's home page, assembled from what the areas registered (``core.areas``).

Each role's home page is a row of task cards. A card names a piece of work, says in one line what it holds, links to
the page that lists it once that page exists, and shows a count once a query can give one: the worklist kind's own
query when the card is about due work, so the card and the worklist never disagree. Until then the card shows a
dash, never a made-up number. This module names no area: the areas declare their entries in their ``contrib.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.areas import HomeCard, HomeIntro, registry, worklist_count
from directory.models import User

DEFAULT_HOME = HomeIntro("", _("工作台"), _("您的账号尚未分配角色，请联系系统管理员。"))


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str


@dataclass(frozen=True)
class TaskCard:
    """A task as the home page shows it to one user."""

    label: str | Promise
    hint: str | Promise
    url: str | None
    count: int | None


def home_for(user: User) -> HomeIntro:
    return registry.home_intro(user.role) or DEFAULT_HOME


def card_count(card: HomeCard, user: User) -> int | None:
    if card.worklist is not None:
        return worklist_count(user, card.worklist, on=timezone.localdate())
    if card.count is not None:
        return card.count(user)
    return None


def cards_for(user: User) -> list[TaskCard]:
    return [
        TaskCard(
            label=card.label,
            hint=card.hint,
            url=reverse(card.url_name) if card.url_name else None,
            count=card_count(card, user),
        )
        for card in registry.home_cards(user.role)
    ]


def nav_for(user: User) -> list[NavItem]:
    return [NavItem(entry.label, reverse(entry.url_name)) for entry in registry.nav_entries(user)]
