"""What every area's page forms share: one way to read a list typed into one box, and one way to put a service's
refusal back on the form it came from."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms

from core.errors import DomainError

# A list typed into one box: half-width or full-width (Chinese input method) semicolons and commas, the enumeration
# comma "、", or one item per line.
LIST_SEPARATORS = re.compile(r"[;；,，、\n]")


def split_list(text: str) -> list[str]:
    """The items of a list typed into one box, stripped, blanks dropped."""
    return [item.strip() for item in LIST_SEPARATORS.split(text or "") if item.strip()]


def add_domain_errors(
    form: forms.Form,
    error: DomainError,
    *,
    field_for: Callable[[str], str] = str,
    name_unknown: bool = False,
) -> None:
    """Put a service's refusal on ``form``: each named field's message next to that field, the summary on top.

    ``field_for`` turns the service's field name into the form's (``person.id_number`` → ``id_number``). A field the
    form already marks wrong keeps the form's own message (it is the more basic one: a date the browser sent
    garbled, say); a field the form does not have goes to the top, with its name when ``name_unknown``.
    """
    form.add_error(None, error.message)
    for name, message in error.fields.items():
        target = field_for(name)
        if target in form.fields:
            if target not in form.errors:
                form.add_error(target, message)
        else:
            form.add_error(None, f"{name}: {message}" if name_unknown else message)
