"""Licence services: import a document as a new revision, look licences up, load domain `Licence`s.

A licence is identified by its canonical number. Importing the same bytes again is a no-op (same SM3
digest); importing a different document for the same number adds revision N+1 and makes it current,
so `vats licence diff NUMBER@1 NUMBER@2` can show what the authority changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from vats.model.errors import InputError, NotFoundError
from vats.model.licence import Licence
from vats.model.sm3 import sm3_hex
from vats.store.decode import to_licence
from vats.store.events import list_events, record_event
from vats.store.models import LicenceRecord, LicenceRevision
from vats.store.organisations import ensure_organisation
from vats.store.scope import scope_of

__all__ = [
    "get_licence",
    "import_licence",
    "iter_domain_licences",
    "list_events",
    "load_domain_licences",
    "record_event",
    "require_licence",
    "revision",
    "revisions",
    "to_licence",
]


def _parse(content: bytes, source_name: str | None) -> Licence:
    from vats.ingest.document import parse_licence_bytes

    return parse_licence_bytes(content, source_name=source_name)


def licence_json(licence: Licence) -> dict[str, Any]:
    from vats.model.serialise import to_jsonable

    data: dict[str, Any] = to_jsonable(licence)
    return data


def import_licence(
    session: Session,
    *,
    path: str | Path | None = None,
    data: bytes | None = None,
    licence: Licence | None = None,
    source_name: str | None = None,
    organisation_id: int | None = None,
) -> LicenceRecord:
    """Store a licence document (a file `path`, raw `data` bytes, or an already parsed `licence`).

    Without `organisation_id` the licence is filed under an organisation named like the company
    (created when missing). Returns the licence record, whose `current_revision` tells whether a new
    revision was added.
    """
    media_type = "text/plain"
    if path is not None:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"无法读取 / cannot read file: {exc.strerror}", source=str(path)) from None
        source_name = source_name or path.name
    if licence is None:
        if data is None:
            raise InputError("需要文件或内容 / give a path, document bytes or a parsed licence")
        licence = _parse(data, source_name or (str(path) if path else None))
    parsed = licence_json(licence)
    if licence.source is not None:
        media_type = licence.source.media_type
    content = data if data is not None else _canon_bytes(parsed)
    digest = sm3_hex(content)

    record = session.scalar(select(LicenceRecord).where(LicenceRecord.number == licence.number))
    if record is None:
        if organisation_id is None:
            region = licence.number_info.region if licence.number_info else None
            organisation_id = ensure_organisation(session, name=licence.company, region=region).id
        record = LicenceRecord(
            number=licence.number,
            organisation_id=organisation_id,
            company=licence.company,
            issue_date=licence.issue_date,
            expiry_date=licence.expiry_date,
            current_revision=1,
            data=parsed,
        )
        session.add(record)
        session.flush()
        n = 1
    else:
        latest = session.scalar(
            select(LicenceRevision)
            .where(LicenceRevision.licence_id == record.id)
            .order_by(LicenceRevision.revision.desc())
            .limit(1)
        )
        if latest is not None and latest.sm3 == digest:
            return record  # same document again: nothing to do
        n = (latest.revision if latest else 0) + 1
        record.company = licence.company
        record.issue_date = licence.issue_date
        record.expiry_date = licence.expiry_date
        record.current_revision = n
        record.data = (
            {**parsed, "first_issued": record.first_issued.isoformat()}
            if record.first_issued is not None
            else parsed
        )
        if organisation_id is not None:
            record.organisation_id = organisation_id
    session.add(
        LicenceRevision(
            licence_id=record.id,
            revision=n,
            source_name=source_name,
            media_type=media_type,
            content=content,
            sm3=digest,
            data=parsed,
            imported_by=scope_of(session).actor,
        )
    )
    session.flush()
    return record


def _canon_bytes(data: dict[str, Any]) -> bytes:
    import json

    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def get_licence(session: Session, *, number: str, any_organisation: bool = False) -> LicenceRecord | None:
    """The stored licence with this canonical number within the session's organisation scope, or None.

    A licence of an organisation the caller may not see is None, exactly like a missing one, so no
    answer reveals that a number exists in another tenant. `any_organisation` is for the one caller
    that must see past the scope (an import refusing a number held by another organisation)."""
    query = select(LicenceRecord).where(LicenceRecord.number == number.strip())
    if not any_organisation:
        query = query.where(*scope_of(session).where(LicenceRecord.organisation_id))
    return session.scalar(query)


def require_licence(session: Session, *, number: str) -> LicenceRecord:
    record = get_licence(session, number=number)
    if record is None:
        raise NotFoundError(f"许可证不存在 / no stored licence {number}", field="number")
    return record


def set_first_issued(session: Session, *, number: str, first_issued: date | None) -> LicenceRecord:
    """Record when the holder first obtained this licence (None clears it). The date wins over the
    year read from the number when the engine decides which annual reports are owed; it cannot be
    later than this copy's issue date (a renewal is issued after the first grant, never before)."""
    record = require_licence(session, number=number)
    if first_issued is not None:
        if first_issued.year < 1990:
            raise InputError("首次取得日期过早 / first-issue date before 1990", field="first_issued")
        if record.issue_date is not None and first_issued > record.issue_date:
            raise InputError(
                f"首次取得日期不能晚于本证发证日期 {record.issue_date} / the first-issue date cannot be "
                f"after this copy's issue date {record.issue_date}",
                field="first_issued",
            )
    record.first_issued = first_issued
    data = {k: v for k, v in record.data.items() if k != "first_issued"}
    if first_issued is not None:
        data["first_issued"] = first_issued.isoformat()
    record.data = data
    session.flush()
    from vats.store.obligation_refresh import mark_dirty

    mark_dirty(session, [record.number])
    return record


def iter_domain_licences(
    session: Session, *, chunk: int = 1000, numbers: Collection[str] | None = None
) -> Iterator[list[Licence]]:
    """Domain licences in chunks (keyset pagination by id), so a portfolio of 100,000 never sits in
    memory at once. Archived licences are left out."""
    t = LicenceRecord.__table__
    last = 0
    while True:
        query = (
            select(t.c.id, t.c.data)
            .where(t.c.id > last, t.c.archived.is_(False))
            .order_by(t.c.id)
            .limit(chunk)
        )
        if numbers is not None:
            query = query.where(t.c.number.in_(sorted(numbers)))
        query = query.where(*scope_of(session).where(t.c.organisation_id))
        rows = session.execute(query).all()
        if not rows:
            return
        yield [to_licence(row.data) for row in rows]
        last = rows[-1].id


def load_domain_licences(session: Session, *, numbers: Collection[str] | None = None) -> list[Licence]:
    """Every stored (non-archived) licence as a domain `Licence`, ordered by record id."""
    return [lic for chunk in iter_domain_licences(session, numbers=numbers) for lic in chunk]


def revisions(
    session: Session, *, number: str | None = None, licence_id: int | None = None
) -> list[LicenceRevision]:
    """Every revision of a licence (by number or record id), oldest first; bytes and JSON deferred."""
    if licence_id is None:
        licence_id = require_licence(session, number=number or "").id
    return list(
        session.scalars(
            select(LicenceRevision)
            .where(LicenceRevision.licence_id == licence_id)
            .order_by(LicenceRevision.revision)
        )
    )


def revision(session: Session, ref: str) -> LicenceRevision:
    """A revision by id ("12") or by "NUMBER@N" (N may be omitted for the current one)."""
    ref = ref.strip()
    query = select(LicenceRevision).options(undefer(LicenceRevision.data), undefer(LicenceRevision.content))
    if ref.isdigit():
        found = session.scalar(query.where(LicenceRevision.id == int(ref)))
    else:
        number, _, n = ref.partition("@")
        record = require_licence(session, number=number)
        if n and not n.isdigit():
            raise InputError(f"修订号应为数字 / revision must be a number: {ref!r}", field="revision")
        wanted = int(n) if n else record.current_revision
        found = session.scalar(
            query.where(LicenceRevision.licence_id == record.id, LicenceRevision.revision == wanted)
        )
    if found is None:
        raise NotFoundError(f"修订不存在 / no such revision {ref!r}", field="revision")
    return found


def count_licences(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(LicenceRecord)) or 0)
