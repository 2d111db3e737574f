"""Organisation profiles: facts only the holder's staff can state (important-data processor, large
platform, …) that decide whether the data-law rules apply. One row per organisation and key; a key
that is absent or false leaves the rules that name it out, so they do not fire for everyone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from vats.model.clock import now_utc
from vats.model.errors import InputError
from vats.reference.rules_library import PROFILE_KEYS
from vats.store.audit import Audited
from vats.store.base import Base
from vats.store.models import LicenceRecord

# keys the user sets; `holds_cross_regional` comes from a recorded event instead
SETTABLE = tuple(k for k in PROFILE_KEYS if k != "holds_cross_regional")
_TRUE = {"true", "yes", "1", "是"}
_FALSE = {"false", "no", "0", "否"}


class OrganisationProfile(Audited, Base):
    """One profile key of one organisation (value true or false, as the user set it)."""

    __tablename__ = "organisation_profiles"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, info={"zh": "组织"}
    )
    key: Mapped[str] = mapped_column(String(40), primary_key=True, info={"zh": "档案项"})
    value: Mapped[bool] = mapped_column(Boolean, default=False, info={"zh": "取值"})
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, onupdate=now_utc, info={"zh": "更新时间"}
    )


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


def profiles_by_licence(session: Session, numbers: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each licence's organisation profile as the set of keys that are true (the engine's input)."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    rows = session.execute(
        select(LicenceRecord.number, OrganisationProfile.key)
        .join(OrganisationProfile, OrganisationProfile.organisation_id == LicenceRecord.organisation_id)
        .where(OrganisationProfile.value.is_(True), LicenceRecord.number.in_(wanted))
    ).all()
    out: dict[str, set[str]] = {}
    for number, key in rows:
        out.setdefault(number, set()).add(key)
    return {n: frozenset(keys) for n, keys in out.items()}
