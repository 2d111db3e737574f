"""The filings register: annual reports, renewal and change applications, with attached files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, Date, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vats.model import clock
from vats.registers.base import RegisterColumns
from vats.store.audit import Audited, organisation_via
from vats.store.base import Base


class Filing(RegisterColumns, Audited, Base):
    """One submission to the authority; `year` is the reporting year of an annual report."""

    __tablename__ = "filings"
    subject_prefix = "filing"
    noun = "申报 / filing"

    kind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    title: Mapped[str] = mapped_column(String(500))
    submitted_at: Mapped[date | None] = mapped_column(Date, default=None)
    receipt_no: Mapped[str | None] = mapped_column(String(100), default=None)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="filing", cascade="all, delete-orphan", order_by="Attachment.id", lazy="selectin"
    )


class FileColumns:
    """The columns of a stored evidence file: name, type, size, SM3 digest and the bytes (deferred:
    listing files never reads them), who kept it and when."""

    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sm3: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now_utc)
    created_by: Mapped[str] = mapped_column(String(200))


class Attachment(FileColumns, Audited, Base):
    """A file kept with a filing. Bytes live in the database so a backup or export is complete; the SM3
    digest lets an inspector verify a copy. Insert-only: a corrected file is a new attachment.
    The audit trail logs the content as its SM3 digest, not the bytes."""

    __tablename__ = "attachments"
    __audit_digest__ = frozenset({"content"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id", ondelete="CASCADE"), index=True)

    def audit_organisation(self, conn: Connection) -> int | None:
        return organisation_via(conn, Filing.organisation_id, Filing.id, self.filing_id)

    filing: Mapped[Filing] = relationship(back_populates="attachments")
