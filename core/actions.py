"""One view for every action form of an object's page (the case page, the notice page, the next area's pages).

An area declares its page (``ObjectPage``: how the object is found within the user's reach, how its page is drawn,
where it lives) and a table of actions (each an ``ObjectAction``: its capability, whether the page offers it now,
its form, its service call); ``object_view(page)`` is the page's GET view and ``action_view(page, action)`` the
POST view of one action, answered by ``core.pages.act`` in the one order every page follows. Core names no other
app here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.views.decorators.http import require_GET, require_POST

from core import areas
from core.audit import Actor
from core.errors import DomainError
from core.forms import add_domain_errors
from core.pages import act

O = TypeVar("O")  # noqa: E741 - the object a page shows
O_contra = TypeVar("O_contra", contravariant=True)
ActionView = Callable[..., HttpResponse]


@dataclass(frozen=True)
class ObjectPage(Generic[O]):
    """The page of one object, that its action forms post back to.

    - ``load(request, pk)``: the signed-in user and the object within their reach (404 otherwise);
    - ``render(request, user, obj, bound, status)``: the page, with the bound forms (``{form_name: form}``) shown open;
    - ``url(obj)``: where the page is; ``pk_name``: the URL's name for the object's key (``case_id``);
    - ``errors_onto``: how a service's refusal goes onto a form (``core.forms.add_domain_errors`` by default).
    """

    load: Callable[[HttpRequest, int], tuple[Any, O]]
    render: Callable[[HttpRequest, Any, O, dict[str, Form], int], HttpResponse]
    url: Callable[[O], str]
    pk_name: str
    view_prefix: str
    errors_onto: Callable[[Form, DomainError], None] = add_domain_errors


class ObjectAction(Protocol[O_contra]):
    """One action form of an object's page (``name``: ``risk`` → ``risk_form`` in the template)."""

    @property
    def name(self) -> str: ...

    @property
    def capability(self) -> str: ...

    @property
    def form_name(self) -> str:
        """The template's name for the form (``risk`` → ``risk_form``)."""

    def refusal_for(self, user: Any, obj: O_contra) -> str | Promise | None:
        """Why the page no longer offers the form (the object moved on), or None while it does."""

    def bind(self, user: Any, obj: O_contra, data: QueryDict | None) -> Form: ...

    def perform(self, obj: O_contra, data: dict[str, Any], by: Actor) -> tuple[str, str]:
        """Call the service; what the user reads and the page to go to."""


def object_view(page: ObjectPage[O]) -> ActionView:
    """The GET view of ``page``: the object within the user's reach (404 otherwise), drawn with no form open."""

    @login_required
    @require_GET
    def view(request: HttpRequest, **kwargs: int) -> HttpResponse:
        user, obj = page.load(request, kwargs[page.pk_name])
        return page.render(request, user, obj, {}, 200)

    view.__name__ = view.__qualname__ = f"{page.view_prefix}_detail"
    return view


def action_view(page: ObjectPage[O], action: ObjectAction[O]) -> ActionView:
    """The POST view of ``action`` on ``page``: who may (its capability, else 403), whether the page offers it now
    (else back to the page with the reason), the form (else the page again, 400), the service (a conflict back to
    the page with the service's words; another refusal onto the form); done, the page ``perform`` names."""

    @login_required
    @require_POST
    def view(request: HttpRequest, **kwargs: int) -> HttpResponse:
        pk = kwargs[page.pk_name]
        user, obj = page.load(request, pk)

        def run(data: Mapping[str, Any]) -> HttpResponse:
            message, to = action.perform(obj, dict(data), Actor.of(request))
            messages.success(request, message)
            return redirect(to)

        def again(form: Form, status: int) -> HttpResponse:
            # the service rolled back, or nothing ran: the object as it now is
            now_user, now_obj = page.load(request, pk)
            return page.render(request, now_user, now_obj, {action.form_name: form}, status)

        return act(
            request,
            allowed=areas.can(user, action.capability, obj),
            refusal=action.refusal_for(user, obj),
            form=action.bind(user, obj, request.POST),
            run=run,
            render=again,
            back=page.url(obj),
            errors_onto=page.errors_onto,
        )

    view.__name__ = view.__qualname__ = f"{page.view_prefix}_{action.name}"
    return view
