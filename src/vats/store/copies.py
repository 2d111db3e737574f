"""The register of purpose-bound licence copies: who gave which copy to whom, for what, until when.

Each row is one copy handed out (an app store's listing review, a partner's due diligence). The row is
written in the same transaction that signs the copy's statement, so no signed copy exists that the
register does not know; revoking sets `revoked_at` (audited like every change) and the public
verification page answers 已撤销 from then on. State is derived, never stored: revoked, else expired
after `expires_on`, else valid.

Rendering the copy happens above this layer (`vats.report.copies`); this module only validates,
records and looks copies up, within the caller's organisation scope.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from vats.model import copystatement as cs
from vats.model.clock import now_utc, today
from vats.model.errors import InputError, NotFoundError
from vats.store.audit import Audited
from vats.store.base import Base
from vats.store.models import LicenceRecord
from vats.store.scope import scope_of

MAX_RECIPIENT = 100
MAX_PURPOSE = 200
MAX_REASON = 200
MAX_YEARS = 5  # a copy for longer than this is a second original, not a purpose-bound copy
COPY_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


class LicenceCopy(Audited, Base):
    """One copy issued. `statement` is the QR text exactly as signed (it re-prints the same QR)."""

    __tablename__ = "licence_copies"
    __table_args__ = (Index("ix_licence_copies_org_recipient", "organisation_id", "recipient"),)
    __audit_digest__: ClassVar[frozenset[str]] = frozenset({"pdf"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info={"zh": "编号"})
    copy_id: Mapped[str] = mapped_column(String(20), unique=True, info={"zh": "副本编号"})
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True, default=None, info={"zh": "组织"}
    )
    licence_id: Mapped[int] = mapped_column(
        ForeignKey("licences.id", ondelete="RESTRICT"), index=True, info={"zh": "许可证"}
    )
    licence_number: Mapped[str] = mapped_column(String(64), info={"zh": "许可证号"})
    revision: Mapped[int | None] = mapped_column(Integer, default=None, info={"zh": "所据修订"})
    recipient: Mapped[str] = mapped_column(String(MAX_RECIPIENT), info={"zh": "接收方"})
    purpose: Mapped[str] = mapped_column(String(MAX_PURPOSE), info={"zh": "用途"})
    issued_on: Mapped[date] = mapped_column(Date, info={"zh": "签发日期"})
    expires_on: Mapped[date] = mapped_column(Date, index=True, info={"zh": "有效期至"})
    issued_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, info={"zh": "签发时间"}
    )
    issued_by: Mapped[str] = mapped_column(String(200), default="system", info={"zh": "签发人"})
    source: Mapped[str] = mapped_column(String(10), default="rendering", info={"zh": "来源"})
    source_sm3: Mapped[str] = mapped_column(String(64), info={"zh": "原件 SM3"})
    output_sm3: Mapped[str | None] = mapped_column(String(64), default=None, info={"zh": "副本 SM3"})
    kid: Mapped[str] = mapped_column(String(16), default="", info={"zh": "签名密钥"})
    statement: Mapped[str] = mapped_column(Text, default="", info={"zh": "签名声明"})
    # the file exactly as handed out: evidence of what the recipient holds, downloadable again
    pdf: Mapped[bytes | None] = mapped_column(
        LargeBinary, deferred=True, default=None, info={"zh": "副本文件"}
    )
    revoked_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=None, info={"zh": "撤销时间"}
    )
    revoked_by: Mapped[str | None] = mapped_column(String(200), default=None, info={"zh": "撤销人"})
    revoke_reason: Mapped[str | None] = mapped_column(
        String(MAX_REASON), default=None, info={"zh": "撤销原因"}
    )
    version: Mapped[int] = mapped_column(Integer, default=1, info={"zh": "版本"})

    __mapper_args__ = {"version_id_col": version}

    def state_on(self, as_of: date) -> cs.State:
        if self.revoked_at is not None:
            return cs.State.REVOKED
        if as_of > self.expires_on:
            return cs.State.EXPIRED
        return cs.State.VALID


@dataclass(frozen=True, slots=True)
class CopyRequest:
    """A validated request to issue a copy (what the form, the API body and the CLI options say)."""

    number: str
    recipient: str
    purpose: str
    until: date


def _text(value: str | None, *, field: str, limit: int) -> str:
    """Trimmed single-line text: empty, over-long or control characters are refused, naming the field."""
    text = (value or "").strip()
    if not text:
        raise InputError(f"{field} 不能为空 / {field} is empty", field=field)
    if len(text) > limit:
        raise InputError(f"{field} 超过 {limit} 字 / {field} over {limit} characters", field=field)
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in text):
        raise InputError(f"{field} 含控制字符 / {field} has control characters", field=field)
    return text


def check_request(
    session: Session, *, number: str, recipient: str, purpose: str, until: date | None, as_of: date
) -> tuple[CopyRequest, LicenceRecord]:
    """Validate a request against the stored licence (in the caller's scope): the copy must start
    valid, end within `MAX_YEARS`, and not outlive the licence it copies."""
    from vats.store.licences import require_licence

    number = _text(number, field="number", limit=64)
    record = require_licence(session, number=number)
    req_recipient = _text(recipient, field="recipient", limit=MAX_RECIPIENT)
    req_purpose = _text(purpose, field="purpose", limit=MAX_PURPOSE)
    if until is None:
        raise InputError("需要有效期至 / until is required", field="until")
    if until < as_of:
        raise InputError(f"有效期至 {until} 早于今天 {as_of} / until is before today", field="until")
    if until > as_of + timedelta(days=366 * MAX_YEARS):
        raise InputError(f"有效期超过 {MAX_YEARS} 年 / until is over {MAX_YEARS} years away", field="until")
    if record.expiry_date is not None and until > record.expiry_date:
        raise InputError(
            f"副本有效期不能晚于许可证有效期 {record.expiry_date} / a copy cannot outlive the licence "
            f"(valid until {record.expiry_date})",
            field="until",
        )
    if record.expiry_date is not None and record.expiry_date < as_of:
        raise InputError(
            f"许可证已于 {record.expiry_date} 过期 / the licence expired on {record.expiry_date}",
            field="number",
        )
    return CopyRequest(record.number, req_recipient, req_purpose, until), record


def new_copy_id(session: Session) -> str:
    """A fresh copy number such as `VC-7KQ3-M9XA`: random (so the register's size is not public)."""
    while True:
        raw = "".join(secrets.choice(COPY_ID_ALPHABET) for _ in range(8))
        copy_id = f"VC-{raw[:4]}-{raw[4:]}"
        if session.scalar(select(LicenceCopy.id).where(LicenceCopy.copy_id == copy_id)) is None:
            return copy_id


def record_copy(
    session: Session,
    *,
    request: CopyRequest,
    licence: LicenceRecord,
    copy_id: str,
    issued_on: date,
    revision: int | None,
    source: str,
    source_sm3: str,
    output_sm3: str,
    kid: str,
    statement: str,
    pdf: bytes | None = None,
) -> LicenceCopy:
    row = LicenceCopy(
        copy_id=copy_id,
        organisation_id=licence.organisation_id,
        licence_id=licence.id,
        licence_number=licence.number,
        revision=revision,
        recipient=request.recipient,
        purpose=request.purpose,
        issued_on=issued_on,
        expires_on=request.until,
        issued_by=scope_of(session).actor,
        source=source,
        source_sm3=source_sm3,
        output_sm3=output_sm3,
        kid=kid,
        statement=statement,
        pdf=pdf,
    )
    session.add(row)
    session.flush()
    return row


def _scoped(query: Any, session: Session) -> Any:
    return query.where(*scope_of(session).where(LicenceCopy.organisation_id))


def get_copy(session: Session, *, copy_id: str) -> LicenceCopy:
    """A copy within the caller's organisations; another organisation's copy is missing, like none."""
    text = (copy_id or "").strip().upper()
    if not text or len(text) > 20:
        raise NotFoundError(f"副本不存在 / no copy {copy_id!r}", field="copy_id")
    row: LicenceCopy | None = session.scalar(
        _scoped(select(LicenceCopy).where(LicenceCopy.copy_id == text), session)
    )
    if row is None:
        raise NotFoundError(f"副本不存在 / no copy {copy_id!r}", field="copy_id")
    return row


def list_copies(
    session: Session,
    *,
    recipient: str | None = None,
    number: str | None = None,
    state: str | None = None,
    as_of: date | None = None,
    limit: int = 500,
) -> list[LicenceCopy]:
    """Copies newest first, by recipient (exact, after trimming) and/or licence, optionally by state."""
    as_of = as_of or today()
    query = select(LicenceCopy)
    if recipient:
        query = query.where(LicenceCopy.recipient == _text(recipient, field="recipient", limit=MAX_RECIPIENT))
    if number:
        query = query.where(LicenceCopy.licence_number == _text(number, field="number", limit=64))
    if state:
        if state == "revoked":
            query = query.where(LicenceCopy.revoked_at.is_not(None))
        elif state == "expired":
            query = query.where(LicenceCopy.revoked_at.is_(None), LicenceCopy.expires_on < as_of)
        elif state == "valid":
            query = query.where(LicenceCopy.revoked_at.is_(None), LicenceCopy.expires_on >= as_of)
        else:
            raise InputError(f"未知状态 / unknown state {state!r} (valid/expired/revoked)", field="state")
    query = _scoped(query, session).order_by(LicenceCopy.issued_at.desc(), LicenceCopy.id.desc())
    return list(session.scalars(query.limit(max(1, min(limit, 5000)))))


def recipients(session: Session) -> list[tuple[str, int]]:
    """(recipient, copies given) within the caller's scope, most copies first: "what did we give whom"."""
    query = select(LicenceCopy.recipient, func.count()).group_by(LicenceCopy.recipient)
    rows = session.execute(_scoped(query, session).order_by(func.count().desc(), LicenceCopy.recipient))
    return [(str(r), int(n)) for r, n in rows]


def revoke_copy(session: Session, *, copy_id: str, reason: str | None = None) -> LicenceCopy:
    """Revoke at once (idempotent: a second revocation keeps the first time and reason)."""
    row = get_copy(session, copy_id=copy_id)
    if row.revoked_at is None:
        row.revoked_at = now_utc()
        row.revoked_by = scope_of(session).actor
        row.revoke_reason = _text(reason, field="reason", limit=MAX_REASON) if reason else None
        session.flush()
    return row


def expiring(session: Session, *, as_of: date, within_days: int) -> list[LicenceCopy]:
    """Unrevoked copies that expire within `within_days` of `as_of` (reminders; every organisation)."""
    query = select(LicenceCopy).where(
        LicenceCopy.revoked_at.is_(None),
        LicenceCopy.expires_on >= as_of,
        LicenceCopy.expires_on <= as_of + timedelta(days=within_days),
    )
    return list(session.scalars(_scoped(query, session).order_by(LicenceCopy.expires_on)))


def verify_online(
    session: Session, *, text: str, keys: Sequence[Any], as_of: date | None = None
) -> cs.Verdict:
    """The public verdict: the offline check, then the register (revoked, or unknown to us).

    Deliberately unscoped: anyone holding a copy may check it, and the answer carries only what
    the signed statement itself already shows."""
    as_of = as_of or today()
    verdict = cs.verify(text, keys, today=as_of, revoked=())
    if verdict.statement is None or verdict.state in (cs.State.NOT_OURS, cs.State.ALTERED):
        return verdict
    row = session.scalar(select(LicenceCopy).where(LicenceCopy.copy_id == verdict.statement.copy_id))
    if row is None:
        return cs.Verdict(
            cs.State.NOT_OURS, verdict.statement, reason="副本登记簿中没有此副本 / not in our copies register"
        )
    revoked = {row.copy_id} if row.revoked_at is not None else set()
    return cs.verify(text, keys, today=as_of, revoked=revoked)
