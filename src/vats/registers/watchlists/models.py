"""Stored regulator lists, their entries, counterparties and list findings, all owned by one
organisation (deleting the organisation deletes them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vats.model.clock import now_utc
from vats.store.audit import Audited
from vats.store.base import Base


def _org() -> Mapped[int]:
    return mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)


class RegulatorList(Audited, Base):
    """One imported list: what kind, where it came from (file name or URL), its bytes' SM3 digest,
    the column mapping used and when and by whom it was imported. The bytes are kept (bounded on
    import) so the entries can always be traced back to what was published."""

    __tablename__ = "regulator_lists"
    __audit_digest__ = frozenset({"content"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = _org()
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(500))
    source_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    sm3: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    new_findings: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    imported_by: Mapped[str] = mapped_column(String(200))


class RegulatorListEntry(Base):
    """One row of a stored list as mapped (not audited one by one: the list row carries the digest)."""

    __tablename__ = "regulator_list_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("regulator_lists.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(500), default=None)
    uscc: Mapped[str | None] = mapped_column(String(500), default=None)
    licence: Mapped[str | None] = mapped_column(String(500), default=None)
    date: Mapped[str | None] = mapped_column(String(500), default=None)
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
    unit: Mapped[str | None] = mapped_column(String(500), default=None)


class Counterparty(Audited, Base):
    """A party the organisation deals with and wants watched: supplier, access provider, app store
    or customer, by name, USCC and licence number (any of them)."""

    __tablename__ = "counterparties"
    __table_args__ = (Index("ix_counterparties_org_name", "organisation_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = _org()
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    uscc: Mapped[str | None] = mapped_column(String(18), default=None)
    licence: Mapped[str | None] = mapped_column(String(64), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    source: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ListFinding(Audited, Base):
    """A party of the organisation found on a list. `hit_key` identifies the hit across imports
    (list kind, party, the entry's strongest identifier), so importing the list again finds the
    existing row instead of adding one; the notifier announces each row once."""

    __tablename__ = "list_findings"
    __table_args__ = (UniqueConstraint("organisation_id", "hit_key", name="uq_list_findings_org_hit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = _org()
    hit_key: Mapped[str] = mapped_column(String(300))
    list_id: Mapped[int | None] = mapped_column(
        ForeignKey("regulator_lists.id", ondelete="SET NULL"), index=True, default=None
    )
    last_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("regulator_lists.id", ondelete="SET NULL"), default=None
    )
    list_kind: Mapped[str] = mapped_column(String(20))
    line: Mapped[int | None] = mapped_column(Integer, default=None)
    party_kind: Mapped[str] = mapped_column(String(20))
    party_label: Mapped[str] = mapped_column(String(300))
    counterparty_id: Mapped[int | None] = mapped_column(
        ForeignKey("counterparties.id", ondelete="SET NULL"), default=None
    )
    licence: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    subject: Mapped[str] = mapped_column(String(300))
    matched_by: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="open")
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
