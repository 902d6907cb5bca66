from __future__ import annotations

from django.http import HttpRequest

from directory.models import User
from directory.navigation import NavItem, nav_for


def current_nav_url(items: list[NavItem], path: str) -> str | None:
    """The navigation item a page belongs to: the one whose URL is the longest prefix of the page's path (a case page
    under 帮教档案, an import result under 批量导入), else the first link of its section (the register pages under
    统计分析); the home page only by itself.
    Links with a query string count by their path."""
    best, best_length = None, -1
    for item in items:
        base = item.url.split("?", 1)[0]
        belongs = base == path or (base != "/" and path.startswith(base))
        if belongs and len(base) > best_length:  # strictly longer: of two equal links the first wins
            best, best_length = item.url, len(base)
    if best is None and path != "/":
        # a page with no link of its own (the register dashboard, reached from 统计分析): the first link of its section
        section = "/" + path.strip("/").split("/", 1)[0] + "/"
        best = next((item.url for item in items if item.url.startswith(section)), None)
    return best


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        items = nav_for(user)
        return {"nav_items": items, "nav_current": current_nav_url(items, request.path)}
    return {"nav_items": [], "nav_current": None}
