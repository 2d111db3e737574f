"""Organisation services: add, find, list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.errors import ConflictError, InputError, NotFoundError
from vats.model.uscc import validate_uscc
from vats.store.models import Organisation


def add_organisation(
    session: Session, *, name: str, uscc: str | None = None, region: str | None = None
) -> Organisation:
    """Create an organisation; duplicate names or codes are a `ConflictError`."""
    name = name.strip()
    if not name:
        raise InputError("名称不能为空 / name is empty", field="name")
    code = validate_uscc(uscc) if uscc else None
    if session.scalar(select(Organisation).where(Organisation.name == name)) is not None:
        raise ConflictError(f"组织已存在 / organisation {name!r} already exists", field="name")
    if code and session.scalar(select(Organisation).where(Organisation.uscc == code)) is not None:
        raise ConflictError(
            f"统一社会信用代码已登记 / code {code} already belongs to an organisation", field="uscc"
        )
    org = Organisation(name=name, uscc=code, region=(region or None))
    session.add(org)
    session.flush()
    return org


def find_organisation(session: Session, ref: str) -> Organisation:
    """By id, code or exact name."""
    ref = ref.strip()
    query = select(Organisation).where(
        (Organisation.name == ref)
        | (Organisation.uscc == ref.upper())
        | (Organisation.id == (int(ref) if ref.isdigit() else -1))
    )
    org = session.scalar(query)
    if org is None:
        raise NotFoundError(f"组织不存在 / no organisation {ref!r}", field="org")
    return org


def ensure_organisation(session: Session, *, name: str, region: str | None = None) -> Organisation:
    """The organisation with this name, created (without a code) when missing."""
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, region=region)
        session.add(org)
        session.flush()
    return org


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))
