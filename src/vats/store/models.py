"""Core tables (STORE): organisations, licences with their document revisions, actors and events.

Licences keep every imported document as a `LicenceRevision` (original bytes, SM3 digest, parsed JSON);
`LicenceRecord.data` is a copy of the current revision's parsed JSON so loading the portfolio for the
rules engine reads one table. Events are the domain `vats.model.obligations.Event`, persisted; registers
and checks write them, the rules engine reads them back.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

if TYPE_CHECKING:
    from sqlalchemy import Connection

from vats.model.clock import now_utc
from vats.store.audit import Audited, organisation_via
from vats.store.base import Base


class Organisation(Audited, Base):
    """A licence holder. `uscc` is the 18-character unified social credit code (GB 32100)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info={"zh": "编号"})
    name: Mapped[str] = mapped_column(String(200), unique=True, info={"zh": "名称"})
    uscc: Mapped[str | None] = mapped_column(
        String(18), unique=True, default=None, info={"zh": "统一社会信用代码"}
    )
    region: Mapped[str | None] = mapped_column(String(8), default=None, info={"zh": "地区"})
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, info={"zh": "创建时间"}
    )
    version: Mapped[int] = mapped_column(Integer, default=1, info={"zh": "版本"})

    __mapper_args__ = {"version_id_col": version}

    def audit_organisation(self, conn: Connection) -> int | None:
        return self.id


class LicenceRecord(Audited, Base):
    """One licence (by canonical number) and a copy of its current revision's parsed data."""

    __tablename__ = "licences"
    __table_args__ = (
        # covers `vats status`: live-licence counts and the soonest expiries without reading the
        # wide rows (each carries the licence's parsed JSON)
        Index("ix_licences_live_expiry", "archived", "expiry_date", "number"),
    )
    __audit_digest__: ClassVar[frozenset[str]] = frozenset({"data"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info={"zh": "编号"})
    number: Mapped[str] = mapped_column(String(64), unique=True, info={"zh": "许可证号"})
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True, default=None, info={"zh": "组织"}
    )
    company: Mapped[str] = mapped_column(String(200), info={"zh": "公司名称"})
    issue_date: Mapped[date | None] = mapped_column(Date, default=None, info={"zh": "发证日期"})
    expiry_date: Mapped[date | None] = mapped_column(Date, index=True, default=None, info={"zh": "有效期至"})
    # set by the user (not printed): when the holder first obtained the licence; copied into `data`
    first_issued: Mapped[date | None] = mapped_column(Date, default=None, info={"zh": "首次取得日期"})
    current_revision: Mapped[int] = mapped_column(Integer, default=1, info={"zh": "当前修订"})
    data: Mapped[dict[str, Any]] = mapped_column(JSON, info={"zh": "许可证数据"})
    archived: Mapped[bool] = mapped_column(Boolean, default=False, info={"zh": "已归档"})
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, info={"zh": "创建时间"}
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, onupdate=now_utc, info={"zh": "更新时间"}
    )
    version: Mapped[int] = mapped_column(Integer, default=1, info={"zh": "版本"})

    __mapper_args__ = {"version_id_col": version}


class LicenceRevision(Audited, Base):
    """One imported document of a licence: the original bytes, their SM3 digest and the parse."""

    __tablename__ = "licence_revisions"
    __table_args__ = (
        UniqueConstraint("licence_id", "revision", name="uq_licence_revisions_licence_revision"),
    )
    __audit_digest__: ClassVar[frozenset[str]] = frozenset({"data", "content"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id", ondelete="RESTRICT"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    source_name: Mapped[str | None] = mapped_column(String(500), default=None)
    media_type: Mapped[str] = mapped_column(String(100), default="text/plain")
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sm3: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    imported_by: Mapped[str] = mapped_column(String(200), default="system")

    def audit_organisation(self, conn: Connection) -> int | None:
        return organisation_via(conn, LicenceRecord.organisation_id, LicenceRecord.id, self.licence_id)


class Actor(Audited, Base):
    """Someone or something that changes data: a person, a scheduled job, or an API client."""

    __tablename__ = "actors"
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="human")  # human | system | api
    role: Mapped[str] = mapped_column(String(10), default="viewer")  # admin | officer | viewer | auditor
    password_hash: Mapped[str | None] = mapped_column(Text, default=None)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class EventRow(Audited, Base):
    """A stored `Event`. `licence` NULL means it concerns every licence of the holder."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_licence_date", "licence", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info={"zh": "编号"})
    type: Mapped[str] = mapped_column(String(64), index=True, info={"zh": "事件类型"})
    date: Mapped[date] = mapped_column(Date, info={"zh": "日期"})
    licence: Mapped[str | None] = mapped_column(String(64), default=None, info={"zh": "许可证号"})
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True, default=None, info={"zh": "组织"}
    )
    event_key: Mapped[str | None] = mapped_column(String(200), default=None)  # Event.id as given
    subject: Mapped[str | None] = mapped_column(
        String(200), index=True, default=None, info={"zh": "关联对象"}
    )
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info={"zh": "字段"})
    source_register: Mapped[str | None] = mapped_column(String(40), default=None, info={"zh": "来源登记簿"})
    source_record: Mapped[str | None] = mapped_column(String(64), default=None, info={"zh": "来源记录"})
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, info={"zh": "记录时间"}
    )
