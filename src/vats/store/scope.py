"""Who a session acts for: the `Scope` bound to every store session, read through `scope_of`.

Every write names its actor in the audit log, and every read or write that takes a reference keeps
to the caller's organisations. Both facts travel with the session so services need no extra
arguments; they are bound in one place (`bind`, called by `vats.store.db.session_scope`) and read in
one way (`scope_of`), so no caller spells a `session.info` key of its own.

This module imports no SQLAlchemy at run time: the column conditions are built from the column's own
methods, so the pure layers can name a scope without pulling in the database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

SYSTEM_ACTOR = "system"
_KEY = "vats.scope"


@dataclass(frozen=True, slots=True)
class Scope:
    """The actor written to the audit log and the organisations it may touch (None: every one)."""

    actor: str = SYSTEM_ACTOR
    organisations: frozenset[int] | None = None

    @classmethod
    def of(cls, actor: str, organisations: Collection[int] | None = None) -> Scope:
        return cls(actor, None if organisations is None else frozenset(organisations))

    @property
    def unrestricted(self) -> bool:
        return self.organisations is None

    def sees(self, organisation_id: int | None, *, unowned: bool = True) -> bool:
        """Whether a row of `organisation_id` is in scope; a row of no organisation is in scope when
        `unowned` (register records, which any organisation may file before a licence is assigned)."""
        if self.organisations is None:
            return True
        if organisation_id is None:
            return unowned
        return organisation_id in self.organisations

    def where(self, column: Any, *, unowned: bool = False) -> list[ColumnElement[bool]]:
        """The WHERE conditions keeping `column` (an organisation id column) in scope: none when every
        organisation is visible; rows of no organisation only when `unowned`."""
        if self.organisations is None:
            return []
        inside = column.in_(sorted(self.organisations))
        return [column.is_(None) | inside if unowned else inside]

    def everywhere(self) -> Scope:
        """The same actor over every organisation (for work shared by all callers, such as a cache)."""
        return replace(self, organisations=None)


SYSTEM = Scope()


def bind(session: Any, scope: Scope) -> None:
    """Make `scope` the session's scope (done once, where the session is opened)."""
    session.info[_KEY] = scope


def scope_of(session: Any) -> Scope:
    """The session's scope; a session opened without one acts as the system over every organisation."""
    found: Scope = session.info.get(_KEY, SYSTEM)
    return found


@contextmanager
def widened(session: Any) -> Iterator[None]:
    """Lift the organisation limit for the block (same actor), restoring the caller's scope after."""
    before = scope_of(session)
    bind(session, before.everywhere())
    try:
        yield
    finally:
        bind(session, before)


__all__ = ["SYSTEM", "SYSTEM_ACTOR", "Scope", "bind", "scope_of", "widened"]
