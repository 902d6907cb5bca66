"""The registries every area of the work plugs into.

Each app declares what it adds to the system in one module, ``<app>/contrib.py``, as ``AREA = Area(...)``: its
navigation entries, home cards, worklist kinds, capabilities, metric families, policy parameters, audit action
labels, demo steps, jobs and hooks. ``discover()`` imports those modules once at start-up (``CoreConfig.ready``), in
``INSTALLED_APPS`` order; nothing below an area names it, so adding an area means adding its app and its
``contrib.py``, and editing nothing in ``core/`` or ``directory/``.

Ordering never depends on ``INSTALLED_APPS``: jobs and demo steps name what they run ``after=``, and the registry
sorts them (a cycle or an unknown name is a start-up error, not a silent reordering).

Hooks replace imports upward: a lower layer fires a named hook (``fire("handover.checked_in", ...)``) inside its own
transaction and the areas above that registered for it run there, synchronously, so a failure rolls everything back.
No signals (STYLE.md): the caller sees every hook it runs by name and gets their results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Protocol

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.functional import Promise

from core.errors import Forbidden

Label = str | Promise
# Users are ``directory.User``; core is below directory, so it only needs these attributes.
UserLike = Any


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation for the roles that may use the page behind it."""

    label: Label
    url_name: str
    # Who sees it; None for every signed-in user.
    roles: frozenset[str] | None = None
    # Position in the bar, lower first: 0 home, 100 hand-over, 200 cases, 300-700 areas, 800 statistics, 900 admin.
    order: int = 500
    # Only when this also holds for the user (e.g. an office officer of a given kind of office).
    when: Callable[[UserLike], bool] | None = None


@dataclass(frozen=True)
class HomeIntro:
    """The title and one-line introduction of a role's home page."""

    role: str
    title: Label
    intro: Label


@dataclass(frozen=True)
class HomeCard:
    """A task card on a role's home page.

    ``key`` names the card: a later area that registers a card with the same key and role replaces it, so a role's
    home can announce work whose area has not landed yet (no link, a dash for a count) and the area fills it in.
    The count comes from ``worklist`` (the same query as that worklist kind, so the card and the worklist agree) or
    from ``count``; with neither the card shows a dash, never a made-up number.
    """

    key: str
    role: str
    label: Label
    hint: Label = ""
    url_name: str | None = None
    worklist: str | None = None
    count: Callable[[UserLike], int] | None = None
    order: int = 500


@dataclass(frozen=True)
class WorkItem:
    """One due or overdue item of a user's worklist. ``ref`` holds the ids an API client needs (``case_id``...)."""

    kind: str
    due: dt.date | None
    overdue: bool
    title: str
    url: str
    ref: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class WorklistKind:
    """A source of worklist items. ``rows(user, on)`` is the one query (already scoped with ``visible_to``) that
    both the worklist and the home card's count read; ``item(row, on)`` turns a row into the item. ``labels`` names
    every ``WorkItem.kind`` the source can give (a visit source gives ``visit_due`` and ``visit_overdue``) and
    ``rank`` places each kind's section on the worklist page (lower first: the most pressing); ``action`` is the
    link text that takes the user to where the item is done."""

    name: str
    labels: Mapping[str, Label]
    roles: frozenset[str]
    rows: Callable[[UserLike, dt.date], QuerySet[Any]]
    item: Callable[[Any, dt.date], WorkItem]
    action: Label = ""
    rank: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Capability:
    """A named permission: ``rule(user, obj)`` decides it for pages (which buttons show) and services (which refuse)
    alike. ``obj`` is None for a capability that is not about one object (e.g. may this user export lists)."""

    name: str
    rule: Callable[[UserLike, Any], bool]
    label: Label = ""


class ParameterLike(Protocol):
    """What the registry needs of a policy parameter an area declares; its full shape is
    ``directory.policy.Parameter`` (the directory owns the values and their rules)."""

    @property
    def name(self) -> str: ...


class MetricFamilyLike(Protocol):
    """What the registry needs of a metric family; its full shape is ``core.metrics.MetricFamily``."""

    @property
    def key(self) -> str: ...


@dataclass(frozen=True)
class DemoContext:
    """What every demo step is given: the demo password and the requested size (how many people the demo makes up;
    None: each step's own default)."""

    password: str
    size: int | None = None


@dataclass(frozen=True)
class DemoStep:
    """Loads one area's synthetic demo data, idempotently; returns the lines the ``demo`` command prints."""

    name: str
    run: Callable[[DemoContext], Sequence[str]]
    after: tuple[str, ...] = ()
    # After every other step (the sign-in list the command prints at the end).
    last: bool = False


@dataclass(frozen=True)
class Job:
    """A periodic job: ``run(as_of)`` over database rows, safe to run twice (core.jobs)."""

    name: str
    run: Callable[[dt.date], str]
    after: tuple[str, ...] = ()
    # After every other job (the audit head notes what the others audited).
    last: bool = False


HookFunc = Callable[..., Mapping[str, Any] | None]


@dataclass(frozen=True)
class Area:
    """Everything one app adds to the system; declared once in ``<app>/contrib.py`` as ``AREA``."""

    name: str
    nav: Sequence[NavEntry] = ()
    homes: Sequence[HomeIntro] = ()
    cards: Sequence[HomeCard] = ()
    worklist: Sequence[WorklistKind] = ()
    capabilities: Sequence[Capability] = ()
    metrics: Sequence[MetricFamilyLike] = ()
    # Policy parameters the area's deadlines and rules read (``directory.policy.Parameter``), beside the directory's.
    parameters: Sequence[ParameterLike] = ()
    audit_labels: Mapping[str, Label] = field(default_factory=dict)
    demo: Sequence[DemoStep] = ()
    jobs: Sequence[Job] = ()
    hooks: Mapping[str, Sequence[HookFunc]] = field(default_factory=dict)


def _ordered(steps: Sequence[Any], kind: str) -> list[Any]:
    """``steps`` (each with ``name``, ``after``, ``last``) in an order that honours every ``after``; among those
    ready at once, the one registered first (so the order is stable and reads as declared)."""
    names = {step.name for step in steps}
    needs: dict[str, set[str]] = {}
    for step in steps:
        unknown = [name for name in step.after if name not in names]
        if unknown:
            raise ImproperlyConfigured(f"{kind} {step.name!r} runs after unknown {kind}(s): {', '.join(unknown)}")
        needs[step.name] = set(step.after)
        if step.last:
            needs[step.name] |= {other.name for other in steps if not other.last}
    remaining, done, order = list(steps), set[str](), []
    while remaining:
        ready = next((step for step in remaining if needs[step.name] <= done), None)
        if ready is None:
            circle = ", ".join(step.name for step in remaining)
            raise ImproperlyConfigured(f"{kind}s wait for each other in a circle: {circle}")
        order.append(ready)
        done.add(ready.name)
        remaining.remove(ready)
    return order


class Registry:
    """The areas known to this process, and what they declared, merged."""

    def __init__(self) -> None:
        self._areas: dict[str, Area] = {}

    def register(self, area: Area) -> None:
        if area.name in self._areas:
            raise ImproperlyConfigured(f"area {area.name!r} registered twice")
        self._areas[area.name] = area

    def unregister(self, name: str) -> None:
        self._areas.pop(name, None)

    @contextmanager
    def added(self, area: Area) -> Iterator[Area]:
        """``area`` registered for the duration of a block (the test suite's throwaway area)."""
        self.register(area)
        try:
            self.check()
            yield area
        finally:
            self.unregister(area.name)

    @property
    def areas(self) -> list[Area]:
        return list(self._areas.values())

    def check(self) -> None:
        """Refuse an ordering mistake or a name given twice, at start-up rather than in the night's job run."""
        # Fail at start-up on an ordering mistake or a duplicate name, not in the night's job run.
        self.jobs()
        self.demo_steps()
        for what, names in (
            ("worklist kinds", [kind.name for kind in self.worklist_kinds()]),
            ("policy parameters", [parameter.name for parameter in self.parameters()]),
        ):
            if len(names) != len(set(names)):
                raise ImproperlyConfigured(f"{what} registered twice: {sorted(n for n in names if names.count(n) > 1)}")

    # -- navigation and home -------------------------------------------------------------------------------------
    def nav_entries(self, user: UserLike) -> list[NavEntry]:
        entries = [
            entry
            for area in self._areas.values()
            for entry in area.nav
            if (entry.roles is None or user.role in entry.roles) and (entry.when is None or entry.when(user))
        ]
        return sorted(entries, key=lambda entry: entry.order)

    def home_intro(self, role: str) -> HomeIntro | None:
        found = None
        for area in self._areas.values():
            for intro in area.homes:
                if intro.role == role:
                    found = intro
        return found

    def home_roles(self) -> set[str]:
        return {intro.role for area in self._areas.values() for intro in area.homes}

    def home_cards(self, role: str) -> list[HomeCard]:
        cards: dict[str, HomeCard] = {}
        for area in self._areas.values():
            for card in area.cards:
                if card.role == role:
                    cards[card.key] = card  # a later area fills in (replaces) a card announced earlier
        return sorted(cards.values(), key=lambda card: card.order)

    # -- worklist ------------------------------------------------------------------------------------------------
    def worklist_kinds(self) -> list[WorklistKind]:
        return [kind for area in self._areas.values() for kind in area.worklist]

    def worklist_kind(self, name: str) -> WorklistKind:
        for kind in self.worklist_kinds():
            if kind.name == name:
                return kind
        raise LookupError(f"no worklist kind {name!r}")

    def work_labels(self) -> dict[str, Label]:
        return {kind: label for source in self.worklist_kinds() for kind, label in source.labels.items()}

    def work_kind_of(self, kind: str) -> WorklistKind | None:
        """The source that gives items of ``kind``."""
        return next((source for source in self.worklist_kinds() if kind in source.labels), None)

    def work_rank(self, kind: str) -> int:
        source = self.work_kind_of(kind)
        return source.rank.get(kind, 500) if source else 1000

    # -- capabilities --------------------------------------------------------------------------------------------
    def capability(self, name: str) -> Capability:
        for area in self._areas.values():
            for capability in area.capabilities:
                if capability.name == name:
                    return capability
        raise LookupError(f"no capability {name!r}: declare it in an area's contrib.py")

    def capabilities(self) -> list[Capability]:
        return [capability for area in self._areas.values() for capability in area.capabilities]

    # -- metrics, audit labels -----------------------------------------------------------------------------------
    def metric_families(self) -> list[MetricFamilyLike]:
        return [family for area in self._areas.values() for family in area.metrics]

    def parameters(self) -> list[ParameterLike]:
        return [parameter for area in self._areas.values() for parameter in area.parameters]

    def audit_labels(self) -> dict[str, Label]:
        return {action: label for area in self._areas.values() for action, label in area.audit_labels.items()}

    # -- demo and jobs -------------------------------------------------------------------------------------------
    def demo_steps(self) -> list[DemoStep]:
        return _ordered([step for area in self._areas.values() for step in area.demo], "demo step")

    def jobs(self) -> list[Job]:
        return _ordered([job for area in self._areas.values() for job in area.jobs], "job")

    # -- hooks ---------------------------------------------------------------------------------------------------
    def hooks(self, name: str) -> list[HookFunc]:
        return [func for area in self._areas.values() for func in area.hooks.get(name, ())]


registry = Registry()
_discovered = False


def discover() -> None:
    """Import every installed app's ``contrib`` module and register its ``AREA`` (once per process)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.contrib")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.contrib":
                raise  # the module exists and imports something missing: say so
            continue
        area = getattr(module, "AREA", None)
        if not isinstance(area, Area):
            raise ImproperlyConfigured(f"{config.name}.contrib must define AREA = Area(...)")
        registry.register(area)
    registry.check()


# -- what pages, services and jobs call ------------------------------------------------------------------------------
def can(user: UserLike, capability: str, obj: Any = None) -> bool:
    """Whether ``user`` holds ``capability`` (on ``obj``): the one rule pages and services both ask."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(registry.capability(capability).rule(user, obj))


def require(user: UserLike, capability: str, obj: Any = None, *, message: Label | None = None) -> None:
    """Refuse (403, ``forbidden``) unless ``user`` holds ``capability``."""
    if not can(user, capability, obj):
        raise Forbidden(message or "forbidden")


def fire(hook: str, **kwargs: Any) -> dict[str, Any]:
    """Run every function registered for ``hook`` with ``kwargs``, in the caller's transaction; their results merged
    (a later area's keys win)."""
    merged: dict[str, Any] = {}
    for func in registry.hooks(hook):
        result = func(**kwargs)
        if result:
            merged.update(result)
    return merged


def worklist_for(user: UserLike, *, on: dt.date, limit: int = 100) -> list[WorkItem]:
    """The user's due and overdue items of every kind that applies to their role, overdue first, then by due date."""
    items: list[WorkItem] = []
    for kind in registry.worklist_kinds():
        if user.role not in kind.roles:
            continue
        items += [kind.item(row, on) for row in kind.rows(user, on)[:limit]]
    items.sort(key=lambda item: (not item.overdue, item.due or dt.date.max))
    return items


def worklist_count(user: UserLike, kind: str, *, on: dt.date) -> int:
    """How many items of ``kind`` wait for ``user``: the worklist's own query, counted (the home card's number)."""
    source = registry.worklist_kind(kind)
    if user.role not in source.roles:
        return 0
    return source.rows(user, on).count()


def iter_areas() -> Iterable[Area]:
    return registry.areas
