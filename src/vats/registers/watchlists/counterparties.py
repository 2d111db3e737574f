"""Counterparties an organisation watches on regulator lists: suppliers, access providers, app stores
and customers, entered one by one or imported from a CSV. Organisation-scoped like every service."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.checks.regulator_lists import decode_text
from vats.model.errors import InputError, NotFoundError
from vats.registers.base import visible
from vats.registers.watchlists.models import Counterparty
from vats.registers.watchlists.service import ROLES, organisation_for, scoped

MAX_COUNTERPARTY_BYTES = 2 * 1024 * 1024
MAX_COUNTERPARTY_ROWS = 50_000
MAX_PROBLEMS = 20
COUNTERPARTY_HEADERS: dict[str, tuple[str, ...]] = {
    "role": ("role", "角色", "类型", "kind"),
    "name": ("name", "名称", "企业名称", "公司名称"),
    "uscc": ("uscc", "统一社会信用代码", "信用代码"),
    "licence": ("licence", "license", "许可证编号", "许可证号"),
    "note": ("note", "备注"),
}
_ROLE_WORDS = {**{v: k for k, v in ROLES.items()}, **{k: k for k in ROLES}}


def _counterparty_values(
    *, role: str, name: str | None, uscc: str | None, licence: str | None, note: str | None
) -> dict[str, Any]:
    from vats.model.uscc import validate_uscc

    role = _ROLE_WORDS.get((role or "").strip(), "")
    if not role:
        raise InputError(f"角色应为 {'、'.join(ROLES.values())} 之一 / unknown role", field="role")
    name = (name or "").strip() or None
    uscc = (uscc or "").strip() or None
    licence = (licence or "").strip() or None
    note = (note or "").strip() or None
    if not (name or uscc or licence):
        raise InputError(
            "名称、统一社会信用代码、许可证编号至少填一项 / give a name, USCC or licence", field="name"
        )
    if name and len(name) > 200:
        raise InputError("名称不超过 200 个字符 / name longer than 200 characters", field="name")
    if uscc:
        uscc = validate_uscc(uscc, field="uscc")
    if licence and len(licence) > 64:
        raise InputError("许可证编号不超过 64 个字符 / licence number too long", field="licence")
    if note and len(note) > 2000:
        raise InputError("备注不超过 2000 个字符 / note longer than 2000 characters", field="note")
    return {"role": role, "name": name, "uscc": uscc, "licence": licence, "note": note}


def add_counterparty(
    session: Session,
    *,
    organisation_id: int | None,
    role: str,
    name: str | None = None,
    uscc: str | None = None,
    licence: str | None = None,
    note: str | None = None,
) -> Counterparty:
    org = organisation_for(session, organisation_id)
    values = _counterparty_values(role=role, name=name, uscc=uscc, licence=licence, note=note)
    row = Counterparty(organisation_id=org.id, source="手工录入", **values)
    session.add(row)
    session.flush()
    return row


def import_counterparties(
    session: Session, *, organisation_id: int | None, data: bytes, filename: str
) -> tuple[int, int]:
    """`import_counterparty_rows`, counted: (added, skipped)."""
    added, skipped = import_counterparty_rows(
        session, organisation_id=organisation_id, data=data, filename=filename
    )
    return len(added), skipped


def import_counterparty_rows(
    session: Session, *, organisation_id: int | None, data: bytes, filename: str
) -> tuple[list[Counterparty], int]:
    """A CSV of counterparties (header: role/角色, name/名称, uscc/统一社会信用代码, licence/许可证编号,
    note/备注). All rows are checked first; one bad row refuses the file naming its line and field.
    Rows identical to a stored counterparty are skipped. Returns the rows added (so a page can show
    exactly what its count counts) and how many were skipped."""
    org = organisation_for(session, organisation_id)
    if len(data) > MAX_COUNTERPARTY_BYTES:
        raise InputError(f"文件超过 {MAX_COUNTERPARTY_BYTES} 字节 / file too large", field="file")
    reader = csv.reader(io.StringIO(decode_text(data)))
    header = [h.strip().lower() for h in next(reader, [])]
    index = {
        key: next((i for i, h in enumerate(header) if h in words), None)
        for key, words in COUNTERPARTY_HEADERS.items()
    }
    if index["role"] is None or not any(index[k] is not None for k in ("name", "uscc", "licence")):
        raise InputError(
            "表头应含角色及名称、统一社会信用代码或许可证编号 / header needs role and name, uscc or licence",
            field="file",
        )
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for line, cells in enumerate(reader, 2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_COUNTERPARTY_ROWS:
            raise InputError(
                f"超过 {MAX_COUNTERPARTY_ROWS} 行 / more than {MAX_COUNTERPARTY_ROWS} rows", field="file"
            )

        def cell(key: str, cells: Sequence[str] = cells) -> str | None:
            i = index[key]
            return cells[i] if i is not None and i < len(cells) else None

        try:
            rows.append(
                _counterparty_values(
                    role=cell("role") or "",
                    name=cell("name"),
                    uscc=cell("uscc"),
                    licence=cell("licence"),
                    note=cell("note"),
                )
                | {"source": f"{filename[:200]}:{line}"}
            )
        except InputError as exc:
            problems.append(f"第 {line} 行 {exc.field}: {exc.message}")
            if len(problems) >= MAX_PROBLEMS:
                break
    if problems:
        raise InputError("；".join(problems), field="file")
    existing = {
        (c.role, c.name, c.uscc, c.licence)
        for c in session.scalars(select(Counterparty).where(Counterparty.organisation_id == org.id))
    }
    added: list[Counterparty] = []
    for values in rows:
        identity = (values["role"], values["name"], values["uscc"], values["licence"])
        if identity in existing:
            continue
        existing.add(identity)
        added.append(Counterparty(organisation_id=org.id, **values))
    session.add_all(added)
    session.flush()
    return added, len(rows) - len(added)


def list_counterparties(session: Session, *, organisation_id: int | None = None) -> list[Counterparty]:
    query = select(Counterparty).order_by(Counterparty.role, Counterparty.name, Counterparty.id)
    query = scoped(session, query, Counterparty.organisation_id, organisation_id)
    return list(session.scalars(query.limit(5000)))


def delete_counterparty(session: Session, *, counterparty_id: int) -> None:
    row = session.get(Counterparty, counterparty_id)
    if row is None or not visible(session, row.organisation_id):
        raise NotFoundError("交易方不存在 / counterparty not found", field="counterparty_id")
    session.delete(row)
    session.flush()
