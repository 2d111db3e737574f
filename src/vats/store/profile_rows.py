"""Organisation profile rows and the engine's read of them, apart from the service that sets them.

The obligation cache reads profiles while refreshing, and setting a profile marks the cache dirty:
keeping the rows and the read here lets both depend on this module without depending on each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from vats.model.clock import now_utc
from vats.store.audit import Audited
from vats.store.base import Base
from vats.store.models import LicenceRecord


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
