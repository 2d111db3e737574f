"""Application dossiers and the files attached to their checklist items."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vats.registers.base import RegisterColumns
from vats.registers.changes.models import CorporateChange
from vats.registers.filings.models import FileColumns, Filing
from vats.store.audit import Audited, organisation_via
from vats.store.base import Base


class Dossier(RegisterColumns, Audited, Base):
    """One application being prepared. `cycle` keeps one dossier per occasion (the expiry date a
    renewal is for, the change it applies for), so opening again finds the same dossier; `items`
    holds each checklist item's owner, status and note keyed by the item id of the data file."""

    __tablename__ = "dossiers"
    __table_args__ = (UniqueConstraint("licence", "kind", "cycle", name="uq_dossiers_licence_kind_cycle"),)
    subject_prefix = "dossier"
    noun = "申请材料包 / dossier"

    kind: Mapped[str] = mapped_column(String(20))
    cycle: Mapped[str] = mapped_column(String(40))
    family: Mapped[str | None] = mapped_column(String(20), default=None)
    checklist_version: Mapped[int] = mapped_column(Integer)
    opened_on: Mapped[date] = mapped_column(Date)
    items: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    change_id: Mapped[int | None] = mapped_column(
        ForeignKey("corporate_changes.id", ondelete="SET NULL"), default=None, index=True
    )
    filing_id: Mapped[int | None] = mapped_column(
        ForeignKey("filings.id", ondelete="SET NULL"), default=None, index=True
    )
    submitted_at: Mapped[date | None] = mapped_column(Date, default=None)
    receipt_no: Mapped[str | None] = mapped_column(String(100), default=None)
    approved_at: Mapped[date | None] = mapped_column(Date, default=None)
    revision_before: Mapped[int | None] = mapped_column(Integer, default=None)
    revision_after: Mapped[int | None] = mapped_column(Integer, default=None)
    diff: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    attachments: Mapped[list[DossierAttachment]] = relationship(
        back_populates="dossier",
        cascade="all, delete-orphan",
        order_by="DossierAttachment.id",
        lazy="selectin",
    )


class DossierAttachment(FileColumns, Audited, Base):
    """A file kept for one checklist item. Bytes live in the database with their SM3 digest so the
    export and a backup are complete and verifiable; insert-only, a corrected file is a new one."""

    __tablename__ = "dossier_attachments"
    __audit_digest__ = frozenset({"content"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(40))

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")

    def audit_organisation(self, conn: Connection) -> int | None:
        return organisation_via(conn, Dossier.organisation_id, Dossier.id, self.dossier_id)


FOREIGN_TABLES = (Filing.__tablename__, CorporateChange.__tablename__)
"""Tables the foreign keys above point at, imported here so a dossier can be flushed in a process
that has not loaded those registers yet."""
