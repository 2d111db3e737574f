"""Organisation profiles: facts only the holder's staff can state (important-data processor, large
platform, …) that decide whether the data-law rules apply. One row per organisation and key; a key
that is absent or false leaves the rules that name it out, so they do not fire for everyone."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.errors import InputError
from vats.reference.rules_library import PROFILE_KEYS
from vats.store.models import LicenceRecord
from vats.store.profile_rows import OrganisationProfile, profiles_by_licence

# keys the user sets; `holds_cross_regional` comes from a recorded event instead
SETTABLE = tuple(k for k in PROFILE_KEYS if k != "holds_cross_regional")
_TRUE = {"true", "yes", "1", "是"}
_FALSE = {"false", "no", "0", "否"}


def parse_assignment(text: str) -> tuple[str, bool]:
    """`key=value` from the CLI (`important_data_processor=true`), bounded and checked."""
    if len(text) > 100 or "=" not in text:
        raise InputError("应为 key=true|false / expected key=true|false", field="--set")
    key, _, raw = text.partition("=")
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise InputError(f"取值应为 true 或 false / {key.strip()}: expected true or false", field="--set")
    return key.strip(), value in _TRUE


def profile_of(session: Session, *, organisation_id: int) -> dict[str, bool]:
    """Every settable key with its value (unset keys read false)."""
    rows = session.scalars(
        select(OrganisationProfile).where(OrganisationProfile.organisation_id == organisation_id)
    )
    stored = {r.key: r.value for r in rows}
    return {k: stored.get(k, False) for k in SETTABLE}


def set_profile(session: Session, *, organisation_id: int, values: Mapping[str, bool]) -> dict[str, bool]:
    """Set profile keys (all checked before any is written) and mark the organisation's licences for
    re-evaluation; returns the whole profile."""
    for key, value in values.items():
        if key not in SETTABLE:
            raise InputError(
                f"未知档案项 / unknown profile key {key!r}; known: {', '.join(SETTABLE)}", field="profile"
            )
        if not isinstance(value, bool):
            raise InputError(f"{key}: 应为 true 或 false / expected true or false", field="profile")
    for key, value in values.items():
        row = session.get(OrganisationProfile, (organisation_id, key))
        if row is None:
            session.add(OrganisationProfile(organisation_id=organisation_id, key=key, value=value))
        elif row.value != value:
            row.value = value
    session.flush()
    numbers = session.scalars(
        select(LicenceRecord.number).where(LicenceRecord.organisation_id == organisation_id)
    ).all()
    if numbers:
        from vats.store.obligation_refresh import mark_dirty

        mark_dirty(session, numbers)
    return profile_of(session, organisation_id=organisation_id)


__all__ = [
    "SETTABLE",
    "OrganisationProfile",
    "parse_assignment",
    "profile_of",
    "profiles_by_licence",
    "set_profile",
]
