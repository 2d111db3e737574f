"""The organisation choice on web forms: the organisations a user may pick from, and the picked
value parsed so that a tampered one is a 400 naming the field rather than a server error."""

from __future__ import annotations

from typing import Any

from vats.api.deps import Principal
from vats.model.errors import InputError


def visible_organisations(session: Any, user: Principal) -> list[Any]:
    """The organisations `user` may see, for a form's organisation select."""
    from vats.store.organisations import list_organisations

    return [o for o in list_organisations(session) if user.can_see(o.id)]


def chosen_organisation(value: str) -> int | None:
    """The `organisation_id` form value as an id; empty means none was chosen."""
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 10:
        raise InputError("组织编号无效 / organisation_id must be a number", field="organisation_id")
    return int(value)


__all__ = ["chosen_organisation", "visible_organisations"]
