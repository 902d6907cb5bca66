"""Every list page and its .xlsx come from one declaration (``core.pages.ListPage`` through ``show_list``): a list
page copied by hand, with its own ``?format=xlsx`` branch, fails here.

The few pages below answer their .xlsx themselves, each for a reason the declaration does not cover; a new one
joins them only with its reason.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from core import exports
from core.areas import registry
from core.metrics import MetricFamily
from core.pages import ListPage

APPS = ("anbang", "core", "directory", "people", "handover", "cases", "stats")

# module: why its page answers ?format=xlsx without show_list
OWN_EXPORTS = {
    "directory.audit_views": "the audit log: keyset paging by cursor over the append-only log (no page numbers, "
    "no COUNT over a log that grows with every read), for audit admins (a refusal audited too), its read audited as "
    "audit.view rather than a list of people, written before the page is read (the page shows it) and also when "
    "the filters do not parse (the page then empty, not a 400)",
}

# ListExport.name: why no ListPage declares it
UNLISTED_EXPORTS = {
    "handover.unmatched": "an API export (GET /api/v1/release-notices/unmatched.xlsx), not a page",
}

ANSWERS_XLSX = ("wants_xlsx(", "xlsx_response(")


def _modules() -> Iterator[ModuleType]:
    for app in APPS:
        package = importlib.import_module(app)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".tests" in info.name or ".migrations" in info.name or info.name.endswith(("wsgi", "asgi")):
                continue
            yield importlib.import_module(info.name)


def _declared(module: ModuleType, kind: type) -> Iterator[Any]:
    """The module's own top-level ``kind`` objects, alone or as the values of a dict (a page's tabs)."""
    for value in vars(module).values():
        for item in value.values() if isinstance(value, dict) else (value,):
            if isinstance(item, kind):
                yield item


def _views(patterns: list[Any]) -> Iterator[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield inspect.unwrap(pattern.callback)


def test_it_answers_every_page_xlsx_through_show_list() -> None:
    modules = {inspect.getmodule(view) for view in _views(get_resolver().url_patterns)}
    page_modules = {module.__name__: module for module in modules if module and module.__name__.startswith(APPS)}
    assert "cases.views.lists" in page_modules  # the walk reaches the pages
    by_hand = {
        name
        for name, module in page_modules.items()
        if not name.startswith("core.") and any(call in inspect.getsource(module) for call in ANSWERS_XLSX)
    }
    assert by_hand == set(OWN_EXPORTS)


def test_it_declares_every_list_export_in_a_list_page() -> None:
    modules = list(_modules())
    listed = {page.export.name for module in modules for page in _declared(module, ListPage) if page.export}
    # the list behind a number of a metric family: a ListPage the list view declares per request from the family
    listed |= {family.list_export.name for family in registry.metric_families() if isinstance(family, MetricFamily)}
    defined = {export.name for module in modules for export in _declared(module, exports.ListExport)}
    pages = {"cases.case_list", "handover.inbox.verify", "handover.returned", "cases.traces", "cases.worklist"}
    assert pages | {"handover.first_72_hours"} <= listed
    assert {"stats.handover_list", "stats.register_list"} <= listed
    assert defined - listed == set(UNLISTED_EXPORTS)


def test_it_answers_xlsx_outside_show_list_only_in_the_known_places() -> None:
    """No module but the known ones builds a file itself (an API or a view not in the URLconf's pages included)."""
    root = Path(__file__).resolve().parents[2]
    known = {"core/exports.py", "core/pages.py", "handover/import_api.py"} | {
        name.replace(".", "/") + ".py" for name in OWN_EXPORTS
    }
    calls = {
        str(path.relative_to(root))
        for app in APPS
        for path in (root / app).rglob("*.py")
        if "tests" not in path.parts and "xlsx_response(" in path.read_text(encoding="utf-8")
    }
    assert calls <= known
