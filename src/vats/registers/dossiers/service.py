"""Application dossiers: open (a renewal or expired-licence dossier per licence and expiry, a change
dossier per recorded change), view, track each checklist item, attach files, submit, approve.
Service functions with keyword-only arguments that the CLI, API, web and scheduler call alike.

Submission goes through the registers the obligations already follow: a renewal is recorded as a
`renewal` filing (its `renewal_applied` event satisfies the renewal duty), a change through the
change's own filing step (`change_application_filed` or `local_org_change_reported`). Approval
imports the new licence document as the next revision and keeps its difference from the previous one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from vats.model import clock
from vats.model.errors import InputError, NotFoundError, RefusedError
from vats.reference.dossiers import Checklist, Item, load_checklist, setting
from vats.registers.base import LicenceRef, check_version, get_or_raise, resolve_licence
from vats.registers.dossiers.clocks import Clocks, change_clocks
from vats.registers.dossiers.models import Dossier, DossierAttachment
from vats.registers.dossiers.proof import LaunchProof, StopList, launch_proof, stop_list
from vats.registers.upload import Upload
from vats.store.models import LicenceRecord
from vats.store.scope import scope_of

OPEN, SUBMITTED, APPROVED = "open", "submitted", "approved"
STATUS_LABELS = {OPEN: "准备中", SUBMITTED: "已提交申请", APPROVED: "已获批准"}
KIND_LABELS = {"renewal": "续期申请", "expired": "已过期：停止经营并重新申请", "change": "变更申请"}
TODO, READY, NOT_APPLICABLE = "todo", "ready", "na"
ITEM_STATUS_LABELS = {TODO: "待准备", READY: "已备齐", NOT_APPLICABLE: "不适用"}
FAMILIES = {
    "entity_change_decided": "entity",
    "registration_changed": "registration",
    "local_org_changed": "local_org",
}
FAMILY_LABELS = {
    "entity": "经营主体或业务范围",
    "registration": "名称、法定代表人、注册资本等",
    "local_org": "当地业务经营机构",
}
MAX_ATTACHMENTS = 200
"""Files per dossier: a complete application has a few dozen; the cap bounds one dossier's export."""
MAX_TOTAL_BYTES = 200 * 1024 * 1024
"""All files of one dossier together: the export holds them in memory at once."""
MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class ItemRow:
    item: Item
    owner: str | None
    status: str
    note: str | None
    attachments: tuple[DossierAttachment, ...]

    @property
    def status_label(self) -> str:
        return ITEM_STATUS_LABELS[self.status]


@dataclass(frozen=True)
class DossierView:
    """A dossier as shown: checklist rows, and what its kind adds (proof, stop list or clocks)."""

    dossier: Dossier
    checklist: Checklist
    rows: tuple[ItemRow, ...]
    renewal_deadline: date | None
    proof: LaunchProof | None
    stops: StopList | None
    clocks: Clocks | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.dossier.kind]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.dossier.status]

    @property
    def missing(self) -> list[ItemRow]:
        """Required items not yet ready (or marked not applicable)."""
        return [r for r in self.rows if r.item.required and r.status == TODO]

    @property
    def progress_label(self) -> str:
        done = sum(1 for r in self.rows if r.status != TODO)
        return f"已备齐 {done} / {len(self.rows)} 项"

    @property
    def lead(self) -> str | None:
        """When a renewal dossier opens by itself, with the setting it comes from (UNCONFIRMED)."""
        if self.dossier.kind != "renewal" or self.renewal_deadline is None:
            return None
        days, spec = setting("renewal", "lead_days")
        mark = "（可配置，未经官方确认）" if spec.unconfirmed else "（可配置）"
        return f"续期申请截止日前 {days} 天自动建立{mark}：{spec.note}"

    @property
    def late(self) -> bool:
        """A renewal applied for after the last day (Order 42 art. 27: a late application is refused)."""
        d = self.dossier
        if d.kind != "renewal" or self.renewal_deadline is None:
            return False
        return (d.submitted_at or clock.today()) > self.renewal_deadline


def _record(session: Session, number: str) -> LicenceRecord:
    from vats.store.licences import get_licence

    record = get_licence(session, number=number)
    if record is None:
        raise NotFoundError(f"未找到许可证 {number} / licence {number} not found", field="licence")
    return record


def renewal_deadline(expiry: date | None) -> date | None:
    """The last day to apply for renewal (one home: the rules' renewal horizon)."""
    from vats.rules.validate import renewal_deadline as deadline

    return deadline(expiry) if expiry else None


def lead_days() -> int:
    """Days before the renewal deadline that the renewal dossier opens (a setting, UNCONFIRMED)."""
    return setting("renewal", "lead_days")[0]


def opens_on(expiry: date | None) -> date | None:
    """When a licence's renewal dossier opens by itself: the lead days before its renewal deadline."""
    from datetime import timedelta

    deadline = renewal_deadline(expiry)
    return deadline - timedelta(days=lead_days()) if deadline else None


def _new(ref: Any, *, kind: str, cycle: str, today: date, family: str | None = None) -> Dossier:
    checklist = load_checklist(kind)
    return Dossier(
        licence=ref.number,
        organisation_id=ref.organisation_id,
        status=OPEN,
        kind=kind,
        cycle=cycle,
        family=family,
        checklist_version=checklist.version,
        opened_on=today,
        items={i.id: {"status": TODO} for i in checklist.items_for(family)},
    )


def _existing(session: Session, number: str, kind: str, cycle: str) -> Dossier | None:
    return session.scalar(
        select(Dossier).where(Dossier.licence == number, Dossier.kind == kind, Dossier.cycle == cycle)
    )


def open_renewal(session: Session, *, licence: str, today: date | None = None) -> Dossier:
    """The dossier of a licence's coming expiry: a renewal dossier while the licence is valid, the
    "stop operating / apply anew" dossier once it has expired. Opening again returns the same one."""
    today = today or clock.today()
    ref = resolve_licence(session, licence)
    record = _record(session, ref.number)
    if record.expiry_date is None:
        raise InputError(
            f"许可证 {ref.number} 没有有效期，无法建立续期材料包 / no expiry date", field="licence"
        )
    kind = "expired" if today > record.expiry_date else "renewal"
    cycle = record.expiry_date.isoformat()
    found = _existing(session, ref.number, kind, cycle)
    if found is not None:
        return found
    dossier = _new(ref, kind=kind, cycle=cycle, today=today)
    session.add(dossier)
    session.flush()
    return dossier


def open_due(session: Session, *, today: date | None = None) -> list[Dossier]:
    """Open every visible live licence's renewal (or expired) dossier whose opening day has come:
    what the daily job runs so nobody has to remember. Reads only numbers, dates and organisations
    (not the licences' parsed documents) and writes the new dossiers in one flush."""
    today = today or clock.today()
    stmt = select(LicenceRecord.number, LicenceRecord.expiry_date, LicenceRecord.organisation_id).where(
        LicenceRecord.archived.is_(False), LicenceRecord.expiry_date.is_not(None)
    )
    stmt = stmt.where(*scope_of(session).where(LicenceRecord.organisation_id))  # as get_licence does
    have = {(n, k, c) for n, k, c in session.execute(select(Dossier.licence, Dossier.kind, Dossier.cycle))}
    created = []
    for number, expiry, organisation_id in session.execute(stmt):
        start = opens_on(expiry)
        if expiry is None or start is None or today < start:
            continue
        kind = "expired" if today > expiry else "renewal"
        if (number, kind, expiry.isoformat()) in have:
            continue
        ref = LicenceRef(number=number, organisation_id=organisation_id)
        created.append(_new(ref, kind=kind, cycle=expiry.isoformat(), today=today))
    session.add_all(created)
    session.flush()
    return created


def open_change(session: Session, *, change_id: int, today: date | None = None) -> Dossier:
    """The dossier of a recorded corporate change (its family decides the checklist's items)."""
    from vats.registers.changes.service import get_change
    from vats.registers.vocab import vocabulary

    change = get_change(session, change_id=change_id)
    term = vocabulary().term("change_kinds", change.kind, field="kind")
    family = FAMILIES.get(term.event or "")
    if family is None:
        raise InputError(
            f"变更种类 {change.kind} 无需向发证机关申请 / nothing to apply for", field="change_id"
        )
    cycle = f"change:{change.id}"
    found = _existing(session, change.licence, "change", cycle)
    if found is not None:
        return found
    ref = resolve_licence(session, change.licence)
    dossier = _new(ref, kind="change", cycle=cycle, today=today or clock.today(), family=family)
    dossier.change_id = change.id
    session.add(dossier)
    session.flush()
    return dossier


def get_dossier(session: Session, *, dossier_id: int) -> Dossier:
    return get_or_raise(session, Dossier, dossier_id)


def list_dossiers(
    session: Session, *, licence: str | None = None, kind: str | None = None, status: str | None = None
) -> list[Dossier]:
    stmt = select(Dossier).order_by(Dossier.opened_on.desc(), Dossier.id.desc())
    if licence:  # a filter, not a reference: another organisation's number just finds nothing
        stmt = stmt.where(Dossier.licence == licence.strip())
    if kind:
        if kind not in KIND_LABELS:
            raise InputError(f"未知类型 / unknown kind {kind!r}", field="kind")
        stmt = stmt.where(Dossier.kind == kind)
    if status:
        if status not in STATUS_LABELS:
            raise InputError(f"未知状态 / unknown status {status!r}", field="status")
        stmt = stmt.where(Dossier.status == status)
    stmt = stmt.where(*scope_of(session).where(Dossier.organisation_id, unowned=True))
    return list(session.scalars(stmt.limit(1000)).all())


def view_dossier(session: Session, *, dossier_id: int, today: date | None = None) -> DossierView:
    today = today or clock.today()
    dossier = get_dossier(session, dossier_id=dossier_id)
    record = _record(session, dossier.licence)
    checklist = load_checklist(dossier.kind)
    by_item: dict[str, list[DossierAttachment]] = {}
    for a in dossier.attachments:
        by_item.setdefault(a.item, []).append(a)
    rows = []
    for item in checklist.items_for(dossier.family):
        state = (dossier.items or {}).get(item.id) or {}
        rows.append(
            ItemRow(
                item,
                state.get("owner"),
                state.get("status", TODO),
                state.get("note"),
                tuple(by_item.get(item.id, ())),
            )
        )
    proof = stops = clocks = None
    if dossier.kind == "renewal":
        proof = launch_proof(session, record, today=today)
    elif dossier.kind == "expired":
        stops = stop_list(session, record, today=today)
    elif dossier.change_id is not None:
        from vats.registers.changes.models import CorporateChange

        change = session.get(CorporateChange, dossier.change_id)
        clocks = change_clocks(change) if change is not None else None
    # the expiry this dossier was opened for, even after an approved renewal moved the licence's own
    expiry = date.fromisoformat(dossier.cycle) if dossier.kind != "change" else None
    return DossierView(dossier, checklist, tuple(rows), renewal_deadline(expiry), proof, stops, clocks)


def _editable(dossier: Dossier, expected_version: int | None) -> None:
    check_version(dossier, expected_version, what=dossier.noun)
    if dossier.status != OPEN:
        raise RefusedError(
            f"申请材料包已{STATUS_LABELS[dossier.status]}，只读 / the dossier is {dossier.status}; read-only",
            field="status",
        )


def _item(dossier: Dossier, item: str) -> Item:
    found = load_checklist(dossier.kind).item(item)
    if found is None or item not in (dossier.items or {}):
        raise InputError(f"材料清单中没有此项 / no such checklist item: {item!r}", field="item")
    return found


def _text(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InputError(f"不能超过 {MAX_TEXT} 字 / longer than {MAX_TEXT} characters", field=field)
    return value or None


def update_item(
    session: Session,
    *,
    dossier_id: int,
    item: str,
    owner: str | None = None,
    status: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Set a checklist item's owner, status or note. "Ready" needs at least one attached file, so a
    tick always points at the material it claims; "not applicable" needs a note saying why."""
    dossier = get_dossier(session, dossier_id=dossier_id)
    _editable(dossier, expected_version)
    _item(dossier, item)
    state = dict((dossier.items or {}).get(item) or {})
    if owner is not None:
        state["owner"] = _text(owner, "owner")
    if note is not None:
        state["note"] = _text(note, "note")
    if status is not None:
        if status not in ITEM_STATUS_LABELS:
            raise InputError(
                f"状态应为 {'、'.join(ITEM_STATUS_LABELS)} / unknown status {status!r}", field="status"
            )
        if status == READY and not any(a.item == item for a in dossier.attachments):
            raise InputError(
                "标为已备齐前请先上传该项材料 / attach the material before marking it ready", field="status"
            )
        if status == NOT_APPLICABLE and not state.get("note"):
            raise InputError("标为不适用时请在备注中说明理由 / say why in the note", field="note")
        state["status"] = status
    dossier.items = {**(dossier.items or {}), item: state}
    session.flush()
    return dossier


def attach(
    session: Session,
    *,
    dossier_id: int,
    item: str,
    filename: str,
    content: bytes,
    media_type: str | None = None,
    expected_version: int | None = None,
) -> DossierAttachment:
    """Keep a file for a checklist item with its SM3 digest (refused above the size or count cap)."""
    from vats.registers.filings.attachments import checked_file

    dossier = get_dossier(session, dossier_id=dossier_id)
    _editable(dossier, expected_version)
    _item(dossier, item)
    checked = checked_file(filename, content, media_type)
    if len(dossier.attachments) >= MAX_ATTACHMENTS:
        raise RefusedError(f"每个材料包最多 {MAX_ATTACHMENTS} 个文件 / too many files", field="content")
    if sum(a.size for a in dossier.attachments) + len(content) > MAX_TOTAL_BYTES:
        raise RefusedError(
            f"材料包文件合计不能超过 {MAX_TOTAL_BYTES} 字节 / over the dossier's total size cap",
            field="content",
        )
    attachment = DossierAttachment(dossier_id=dossier.id, item=item, **checked.columns(session))
    session.add(attachment)
    dossier.updated_at = clock.now_utc()  # a new file is a change of the dossier (its version moves)
    session.flush()
    session.refresh(dossier, ["attachments"])
    return attachment


def get_attachment(session: Session, *, dossier_id: int, attachment_id: int) -> DossierAttachment:
    """One attached file with its bytes, within a dossier the caller may see."""
    dossier = get_dossier(session, dossier_id=dossier_id)
    found = session.scalar(
        select(DossierAttachment)
        .where(DossierAttachment.id == attachment_id, DossierAttachment.dossier_id == dossier.id)
        .options(undefer(DossierAttachment.content))
    )
    if found is None:
        raise NotFoundError(f"附件 {attachment_id} 不存在 / attachment {attachment_id} not found", field="id")
    return found


def contents(session: Session, dossier: Dossier) -> list[tuple[DossierAttachment, bytes]]:
    """Every attached file with its bytes, in checklist order then upload order (for the export)."""
    order = {i.id: n for n, i in enumerate(load_checklist(dossier.kind).items)}
    rows = session.execute(
        select(DossierAttachment, DossierAttachment.content).where(DossierAttachment.dossier_id == dossier.id)
    ).all()
    return sorted(((a, c) for a, c in rows), key=lambda p: (order.get(p[0].item, len(order)), p[0].id))


def submit(
    session: Session,
    *,
    dossier_id: int,
    submitted_at: date,
    receipt_no: str | None = None,
    not_continuing: bool = False,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dossier:
    """Record that the application was submitted (every required item ready or not applicable).
    A renewal dossier may instead record the report that the business will not continue after
    expiry (Order 42 art. 27), which answers the same renewal duty."""
    from vats.registers.base import not_future

    today = today or clock.today()
    dossier = get_dossier(session, dossier_id=dossier_id)
    _editable(dossier, expected_version)
    not_future(submitted_at, field="submitted_at", today=today)
    if submitted_at < dossier.opened_on:
        raise InputError(
            f"提交日期早于材料包建立日期 {dossier.opened_on} / before the dossier opened",
            field="submitted_at",
        )
    view = view_dossier(session, dossier_id=dossier_id, today=today)
    if view.missing:
        first = view.missing[0]
        raise InputError(
            f"尚有 {len(view.missing)} 项必备材料未备齐，如：{first.item.label} / items missing",
            field=first.item.id,
        )
    receipt = _text(receipt_no, "receipt_no")
    if not_continuing and dossier.kind != "renewal":
        raise InputError(
            "只有续期材料包可以登记不再继续经营 / only a renewal dossier", field="not_continuing"
        )
    if dossier.kind == "renewal":
        from vats.registers.filings import service as filings

        kind = "not_continuing" if not_continuing else "renewal"
        filing = filings.add_filing(session, licence=dossier.licence, kind=kind, today=today)
        filings.submit_filing(
            session, filing_id=filing.id, submitted_at=submitted_at, receipt_no=receipt, today=today
        )
        dossier.filing_id = filing.id
    elif dossier.kind == "change" and dossier.change_id is not None:
        from vats.registers.changes.models import CorporateChange
        from vats.registers.changes.service import file_change

        change = session.get(CorporateChange, dossier.change_id)
        if change is not None and change.status == "open":
            file_change(session, change_id=change.id, filed_at=submitted_at, receipt_no=receipt, today=today)
    dossier.submitted_at = submitted_at
    dossier.receipt_no = receipt
    dossier.status = SUBMITTED
    session.flush()
    return dossier


def approve(
    session: Session,
    *,
    dossier_id: int,
    approved_at: date,
    document: Upload,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dossier:
    """Record the authority's approval with the licence it issued: the document is imported as the
    licence's next revision and its difference from the previous revision is kept on the dossier."""
    from vats.ingest.document import parse_licence_bytes
    from vats.registers.base import not_future
    from vats.registers.filings.attachments import clean_filename, max_attachment_bytes
    from vats.store.diff import diff_licences
    from vats.store.licences import import_licence, licence_json, revision

    today = today or clock.today()
    dossier = get_dossier(session, dossier_id=dossier_id)
    check_version(dossier, expected_version, what=dossier.noun)
    if dossier.status != SUBMITTED:
        raise RefusedError(
            "只有已提交的申请才能登记批准 / only a submitted application can be approved", field="status"
        )
    not_future(approved_at, field="approved_at", today=today)
    if dossier.submitted_at and approved_at < dossier.submitted_at:
        raise InputError(
            f"批准日期早于提交日期 {dossier.submitted_at} / before submission", field="approved_at"
        )
    name = clean_filename(document.filename or "licence")
    content = document.content
    if not content or len(content) > max_attachment_bytes():
        raise InputError(
            "许可证文件为空或过大 / the licence document is empty or too large", field="document"
        )
    try:
        licence = parse_licence_bytes(content, source_name=name)
    except InputError as exc:
        raise InputError(
            f"无法识别为许可证：{exc.message} / not a licence document", field="document"
        ) from None
    if licence.number != dossier.licence:
        raise InputError(
            f"文件中的许可证编号为 {licence.number}，不是 {dossier.licence} / another licence",
            field="document",
        )
    record = _record(session, dossier.licence)
    before = record.current_revision
    updated = import_licence(
        session, data=content, licence=licence, source_name=name, organisation_id=record.organisation_id
    )
    if updated.current_revision == before:
        raise InputError(
            "该文件与当前版本相同，未导入新版本 / the document is the current revision", field="document"
        )
    old = revision(session, f"{dossier.licence}@{before}").data
    dossier.diff = dataclasses.asdict(diff_licences(old, licence_json(licence)))
    dossier.revision_before, dossier.revision_after = before, updated.current_revision
    dossier.approved_at = approved_at
    dossier.status = APPROVED
    session.flush()
    return dossier
