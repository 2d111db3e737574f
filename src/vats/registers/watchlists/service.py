"""Regulator lists, counterparties and list findings: service functions with keyword-only arguments
that the API, the web pages and the CLI call alike.

Every function that takes an organisation applies the session's organisation scope: an organisation
the caller cannot see answers like a missing one, on writes as on reads. An import is one
transaction: the list, its entries and its findings are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from vats.checks.regulator_lists import (
    COLUMNS,
    LIST_KINDS,
    Hit,
    ListEntry,
    Party,
    Table,
    code_key,
    entries,
    guess_mapping,
    hit_findings,
    match,
    normalise_name,
    read_table,
)
from vats.model.errors import InputError, NotFoundError
from vats.model.sm3 import sm3_hex
from vats.registers.base import check_version, visible
from vats.registers.watchlists.models import Counterparty, ListFinding, RegulatorList, RegulatorListEntry
from vats.store.models import LicenceRecord, Organisation
from vats.store.scope import scope_of

ROLES: dict[str, str] = {
    "supplier": "供应商",
    "access_provider": "接入服务商",
    "app_store": "应用商店",
    "customer": "客户",
}
PARTY_LABELS: dict[str, str] = {"holding": "本组织", "licence": "本组织许可证", **ROLES}
FINDING_STATUSES: dict[str, str] = {"open": "待处理", "closed": "已处理"}
PREVIEW_ROWS = 5
ENTRY_BATCH = 2000


@dataclass(frozen=True, slots=True)
class ListPreview:
    """What an upload would import: its header, the mapping (field → column index), the first rows
    as they would be read, and how many rows there are."""

    filename: str
    header: tuple[str, ...]
    mapping: dict[str, int]
    sample: tuple[ListEntry, ...]
    rows: int
    raw: tuple[tuple[int, tuple[str, ...]], ...] = field(default=())

    def column_of(self, key: str) -> str | None:
        index = self.mapping.get(key)
        return self.header[index] if index is not None and index < len(self.header) else None


@dataclass(frozen=True, slots=True)
class ImportResult:
    regulator_list: RegulatorList
    hits: int
    new_findings: tuple[ListFinding, ...]
    known_findings: int


def organisation_for(session: Session, organisation_id: int | None) -> Organisation:
    """The organisation if the caller may see it; otherwise the same answer as a missing one."""
    if organisation_id is None:
        raise InputError("请选择组织 / choose an organisation", field="organisation_id")
    org = session.get(Organisation, organisation_id)
    if org is None or not visible(session, org.id):
        raise NotFoundError("组织不存在 / organisation not found", field="organisation_id")
    return org


_Query = TypeVar("_Query", bound=Select[Any])


def scoped(session: Session, query: _Query, column: Any, organisation_id: int | None) -> _Query:
    """`query` kept to the caller's organisations on `column`, and to `organisation_id` when one is
    named (refused like a missing one when the caller may not see it)."""
    if organisation_id is not None:
        query = query.where(column == organisation_for(session, organisation_id).id)
    return query.where(*scope_of(session).where(column))


def _kind(kind: str) -> str:
    if kind not in LIST_KINDS:
        raise InputError(f"名单类型应为 {'、'.join(LIST_KINDS)} 之一 / unknown list kind", field="kind")
    return kind


def resolve_mapping(table: Table, mapping: Mapping[str, Any] | None) -> dict[str, int]:
    """The guessed mapping, with the caller's choices on top: a field maps to a 0-based column index
    or a header text; an empty value or None unmaps it."""
    columns = guess_mapping(table.header)
    for key, value in (mapping or {}).items():
        if key not in COLUMNS:
            raise InputError(f"未知字段 / unknown field {str(key)[:40]!r}", field="mapping")
        if value is None or value == "":
            columns.pop(key, None)
        elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(table.header):
            columns[key] = value
        elif isinstance(value, str) and value.isdigit() and int(value) < len(table.header):
            columns[key] = int(value)
        elif isinstance(value, str) and value in table.header:
            columns[key] = table.header.index(value)
        else:
            raise InputError(f"没有此列 / no such column: {str(value)[:40]!r}", field=f"mapping.{key}")
    return columns


def preview_list(*, data: bytes, filename: str, mapping: Mapping[str, Any] | None = None) -> ListPreview:
    """Read a saved list and show how it would be mapped; nothing is stored."""
    table = read_table(data, filename=filename)
    columns = resolve_mapping(table, mapping)
    sample = tuple(entries(Table(table.header, table.rows[:PREVIEW_ROWS]), columns))
    return ListPreview(
        filename=filename,
        header=table.header,
        mapping=columns,
        sample=sample,
        rows=len(table.rows),
        raw=table.rows[:PREVIEW_ROWS],
    )


@dataclass(frozen=True, slots=True)
class _Watched:
    """A party with what identifies it across imports and, for a counterparty, its row."""

    key: str
    counterparty_id: int | None


def organisation_parties(session: Session, organisation: Organisation) -> dict[int, tuple[Party, _Watched]]:
    """The organisation itself, its live licences and its counterparties, keyed by `id(party)`."""
    out: dict[int, tuple[Party, _Watched]] = {}

    def add(party: Party, watched: _Watched) -> None:
        out[id(party)] = (party, watched)

    own_name = normalise_name(organisation.name)
    add(
        Party(
            kind="holding", name=organisation.name, uscc=organisation.uscc, label=f"组织 {organisation.name}"
        ),
        _Watched("org", None),
    )
    for number, company in session.execute(
        select(LicenceRecord.number, LicenceRecord.company).where(
            LicenceRecord.organisation_id == organisation.id, LicenceRecord.archived.is_(False)
        )
    ):
        # The holding already answers for its own name; a licence adds only another company's name.
        key = normalise_name(company) if company else None
        name = company if key and key != own_name else None
        add(
            Party(
                kind="licence",
                name=name,
                licence=number,
                label=f"许可证 {number}",
                name_key=key if name else None,
            ),
            _Watched(f"licence:{number}", None),
        )
    c = Counterparty
    for cid, role, name, uscc, licence in session.execute(
        select(c.id, c.role, c.name, c.uscc, c.licence).where(c.organisation_id == organisation.id)
    ):
        add(
            Party(
                kind=role,
                name=name,
                uscc=uscc,
                licence=licence,
                label=f"{ROLES.get(role, role)} {name or uscc or licence}",
            ),
            _Watched(f"counterparty:{cid}", cid),
        )
    return out


def _entry_key(entry: ListEntry) -> str:
    """The entry's strongest identifier: a later publication of the same list names the same party
    the same way even when row numbers, dates or wording around it change."""
    if entry.uscc:
        return f"uscc:{code_key(entry.uscc)}"
    if entry.licence:
        return f"licence:{code_key(entry.licence)}"
    return f"name:{normalise_name(entry.name or '')}"


def hit_key(kind: str, watched: _Watched, entry: ListEntry) -> str:
    return sm3_hex(f"{kind}|{watched.key}|{_entry_key(entry)}".encode())


def import_list(
    session: Session,
    *,
    organisation_id: int | None,
    kind: str,
    data: bytes,
    filename: str,
    actor: str,
    mapping: Mapping[str, Any] | None = None,
    source_url: str | None = None,
    owner: str | None = None,
) -> ImportResult:
    """Store the list with its entries, match it against the organisation's parties and record one
    finding per new hit (owner: `owner`, else the importing user). Hits already recorded from an
    earlier import are counted, not recorded again."""
    org = organisation_for(session, organisation_id)
    _kind(kind)
    owner = (owner or actor).strip()[:200] or actor
    table = read_table(data, filename=filename)
    columns = resolve_mapping(table, mapping)
    items = entries(table, columns)
    stored = RegulatorList(
        organisation_id=org.id,
        kind=kind,
        source=filename[:500],
        source_url=source_url[:2000] if source_url else None,
        sm3=sm3_hex(data),
        content=data,
        mapping={k: table.header[i] if i < len(table.header) else str(i) for k, i in columns.items()},
        rows=len(items),
        imported_by=actor[:200],
    )
    session.add(stored)
    session.flush()
    values = [
        {"list_id": stored.id, "line": e.line, "name": e.name, "uscc": e.uscc, "licence": e.licence,
         "date": e.date, "reason": e.reason, "unit": e.unit}
        for e in items
    ]  # fmt: skip
    for start in range(0, len(values), ENTRY_BATCH):
        session.execute(insert(RegulatorListEntry), values[start : start + ENTRY_BATCH])
    watched = organisation_parties(session, org)
    hits = match(items, [party for party, _ in watched.values()])
    known = {
        row.hit_key: row
        for row in session.scalars(select(ListFinding).where(ListFinding.organisation_id == org.id))
    }
    created: list[ListFinding] = []
    seen: set[str] = set()
    for hit in hits:
        who = watched[id(hit.party)][1]
        key = hit_key(kind, who, hit.entry)
        if key in seen:
            continue
        seen.add(key)
        if key in known:
            known[key].last_list_id = stored.id
            continue
        created.append(_finding(hit, who, key=key, kind=kind, stored=stored, owner=owner))
    session.add_all(created)
    stored.hits = len(seen)
    stored.new_findings = len(created)
    session.flush()
    return ImportResult(stored, len(seen), tuple(created), len(seen) - len(created))


def _finding(
    hit: Hit, who: _Watched, *, key: str, kind: str, stored: RegulatorList, owner: str
) -> ListFinding:
    finding = hit_findings([hit], list_kind=kind, source=stored.source)[0]
    evidence = finding.evidence[0]
    return ListFinding(
        organisation_id=stored.organisation_id,
        hit_key=key,
        list_id=stored.id,
        last_list_id=stored.id,
        list_kind=kind,
        line=hit.entry.line,
        party_kind=hit.party.kind,
        party_label=(hit.party.label or hit.party.kind)[:300],
        counterparty_id=who.counterparty_id,
        licence=hit.party.licence[:64] if hit.party.licence else None,
        subject=(finding.subject or "?")[:300],
        matched_by=",".join(hit.by),
        severity=finding.severity.value,
        message_zh=finding.message_zh,
        message_en=finding.message_en,
        evidence=f"{evidence.value or ''}（{evidence.note}）",
        owner=owner,
    )


def fetch_list(url: str, *, policy: Any = None, max_bytes: int | None = None) -> tuple[bytes, str]:
    """`fetch_list_async` for callers without an event loop (the CLI)."""
    import asyncio

    return asyncio.run(fetch_list_async(url, policy=policy, max_bytes=max_bytes))


async def fetch_list_async(
    url: str, *, policy: Any = None, max_bytes: int | None = None
) -> tuple[bytes, str]:
    """A public page the user named, fetched through the crawler (its SSRF guard vets every hop's
    address; redirects followed hop by hop). Returns the body and a file name for the reader."""
    from urllib.parse import urlsplit

    from vats.checks.fetch import Fetcher, FetchSettings
    from vats.checks.regulator_lists import MAX_BYTES

    url = url.strip()
    parts = urlsplit(url)
    if len(url) > 2000 or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError("应为 http(s) 网址 / expected an http(s) URL", field="url")
    cap = max_bytes or MAX_BYTES
    async with Fetcher(FetchSettings(max_bytes=cap, retries=0), policy) as fetcher:
        fetched = await fetcher.fetch(url)
    if fetched.error == "refused_address":
        raise InputError("此网址指向内部地址，已拒绝 / the URL points at a private address", field="url")
    if not fetched.ok:
        status = fetched.status if fetched.status is not None else (fetched.error or "error")
        raise InputError(f"无法获取该网页 / could not fetch the page ({status})", field="url")
    if fetched.truncated:
        raise InputError(f"网页超过 {cap} 字节 / the page is larger than {cap} bytes", field="url")
    ctype = (fetched.content_type or "").lower()
    path = urlsplit(fetched.final_url or url).path.lower()
    suffix = next((s for s in ("csv", "xlsx") if path.endswith("." + s)), None)
    if suffix is None:
        suffix = "csv" if "csv" in ctype else "xlsx" if "spreadsheet" in ctype else "html"
    return fetched.body, f"{parts.hostname}.{suffix}"


def list_lists(session: Session, *, organisation_id: int | None = None) -> list[RegulatorList]:
    """Imported lists the caller may see, newest first."""
    query = select(RegulatorList).order_by(RegulatorList.imported_at.desc(), RegulatorList.id.desc())
    query = scoped(session, query, RegulatorList.organisation_id, organisation_id)
    return list(session.scalars(query.limit(500)))


def get_list(session: Session, *, list_id: int) -> RegulatorList:
    found = session.get(RegulatorList, list_id)
    if found is None or not visible(session, found.organisation_id):
        raise NotFoundError("名单不存在 / list not found", field="list_id")
    return found


def list_entries(
    session: Session, *, list_id: int, limit: int = 200, offset: int = 0
) -> list[RegulatorListEntry]:
    stored = get_list(session, list_id=list_id)
    query = (
        select(RegulatorListEntry)
        .where(RegulatorListEntry.list_id == stored.id)
        .order_by(RegulatorListEntry.line)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def list_findings(
    session: Session,
    *,
    organisation_id: int | None = None,
    licence: str | None = None,
    status: str | None = None,
    list_id: int | None = None,
) -> list[ListFinding]:
    """Stored list findings the caller may see (most severe first, then newest)."""
    from vats.model.findings import Severity

    query = select(ListFinding)
    query = scoped(session, query, ListFinding.organisation_id, organisation_id)
    if licence:
        query = query.where(ListFinding.licence == licence)
    if status:
        if status not in FINDING_STATUSES:
            raise InputError("状态应为 open 或 closed / status must be open or closed", field="status")
        query = query.where(ListFinding.status == status)
    if list_id is not None:
        query = query.where(ListFinding.list_id == list_id)
    rows = list(
        session.scalars(query.order_by(ListFinding.found_at.desc(), ListFinding.id.desc()).limit(2000))
    )
    rank = {s.value: s.rank for s in Severity}
    return sorted(rows, key=lambda r: rank.get(r.severity, 99))


def get_finding(session: Session, *, finding_id: int) -> ListFinding:
    found = session.get(ListFinding, finding_id)
    if found is None or not visible(session, found.organisation_id):
        raise NotFoundError("名单命中不存在 / list finding not found", field="finding_id")
    return found


def update_finding(
    session: Session,
    *,
    finding_id: int,
    owner: str | None = None,
    status: str | None = None,
    expected_version: int | None = None,
) -> ListFinding:
    """Hand a finding to another owner, or mark it handled (or open again)."""
    finding = get_finding(session, finding_id=finding_id)
    check_version(finding, expected_version, what="名单命中 / list finding")  # type: ignore[arg-type]
    if owner is not None:
        owner = owner.strip()
        if not owner or len(owner) > 200:
            raise InputError("负责人应为 1–200 个字符 / owner must be 1–200 characters", field="owner")
        finding.owner = owner
    if status is not None:
        if status not in FINDING_STATUSES:
            raise InputError("状态应为 open 或 closed / status must be open or closed", field="status")
        finding.status = status
    session.flush()
    return finding
