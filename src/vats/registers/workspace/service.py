"""Workspace actions on one obligation: complete (with evidence), assign an owner, request and approve
a waiver (four-eyes), reopen; and the reads behind an obligation's page (owner, evidence, history).

Callers resolve the obligation first (`Target`: the engine's obligation, its stable id and its
organisation, already checked against the caller's scope); every function here takes keyword-only
arguments so the API, the web pages, the CLI and jobs call them alike. Each action is recorded as an
event of the shared vocabulary — the rules engine, the status cache, ICS and reports follow at once —
and as a line of the obligation's history.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.clock import now_utc, today
from vats.model.errors import ConflictError, InputError, NotFoundError, RefusedError
from vats.model.obligation_ids import obligation_id
from vats.model.obligations import Event, Obligation, ObligationStatus, RuleKind
from vats.model.sm3 import sm3_hex
from vats.reference.rules_library import CONTROL_EVENT, Rule, default_library
from vats.registers.base import visible
from vats.registers.upload import Upload
from vats.registers.workspace.models import (
    DefaultOwner,
    EvidenceItem,
    ObligationAction,
    ObligationOwner,
    WaiverRequest,
)
from vats.store.models import Actor, EventRow
from vats.store.scope import scope_of

MAX_FILES = 10
MAX_NOTE = 2000
MAX_REASON = 1000
MAX_RECORDS = 20
EARLIEST = date(2000, 1, 1)
OPEN = (ObligationStatus.OVERDUE, ObligationStatus.DUE_SOON, ObligationStatus.UPCOMING)
CLOSED = (ObligationStatus.SATISFIED, ObligationStatus.WAIVED)

ACTION_LABELS = {
    "completed": "已完成",
    "completed_unevidenced": "已完成（无附件，规则允许）",
    "assigned": "指定负责人",
    "waiver_requested": "申请豁免",
    "waiver_approved": "豁免已批准",
    "waiver_rejected": "豁免已驳回",
    "reopened": "重新打开",
}


@dataclass(frozen=True, slots=True)
class Target:
    """An obligation the caller may see: the engine's object, its stable id and its organisation."""

    id: str
    obligation: Obligation
    organisation_id: int | None

    @classmethod
    def of(cls, ob: Obligation, organisation_id: int | None) -> Target:
        return cls(obligation_id(ob), ob, organisation_id)


def rule_of(ob: Obligation) -> Rule:
    rule = default_library().rule(ob.rule_id)
    if rule is None:
        raise NotFoundError(f"规则 {ob.rule_id} 不存在 / unknown rule", field="rule_id")
    return rule


def _actor(session: Session) -> str:
    return scope_of(session).actor


def _history(session: Session, target: Target, action: str, detail: str, event: EventRow | None) -> None:
    session.add(
        ObligationAction(
            obligation_id=target.id,
            licence=target.obligation.licence,
            organisation_id=target.organisation_id,
            action=action,
            detail=detail[:MAX_NOTE],
            event_id=None if event is None else event.id,
            actor=_actor(session),
        )
    )


def _text(value: str | None, *, field: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InputError(f"{field} 不能为空 / {field} is required", field=field)
    if len(text) > limit:
        raise InputError(f"{field} 超过 {limit} 字 / longer than {limit} characters", field=field)
    return text


def _record(session: Session, event: Event, organisation_id: int | None) -> EventRow:
    from vats.rules.events import check_event
    from vats.store.events import record_event

    check_event(event)
    return record_event(session, event=event, organisation_id=organisation_id)


# ---------------------------------------------------------------------------------------------
# completion


def completion_types(ob: Obligation) -> tuple[str, ...]:
    """The event types that satisfy this obligation (the rule's `satisfied_by`)."""
    return rule_of(ob).satisfied_by


def attestable(ob: Obligation) -> bool:
    """A control already done may be attested again before its review (the period restarts)."""
    return ob.status is ObligationStatus.SATISFIED and rule_of(ob).attest_every is not None


def completion_fields(ob: Obligation, event_type: str) -> dict[str, Any]:
    """The fields that tie a completion event to this very occurrence: the reporting year of a
    window, the subject of an event-driven duty (in the rule's subject field), the site's domain."""
    rule = rule_of(ob)
    etype = default_library().event_types[event_type]
    out: dict[str, Any] = {}
    if event_type == CONTROL_EVENT:
        out["rule"] = rule.id  # the attestation names the control it attests
    elif rule.trigger.per == "site" and "domain" in etype.fields and ob.subject:
        out["domain"] = ob.subject
    elif ob.kind is RuleKind.RECURRING and rule.trigger.type == "calendar_window" and ob.subject:
        if "year" in etype.fields and ob.subject.isdigit():
            out["year"] = int(ob.subject)
    elif ob.subject:
        name = rule.trigger.subject_field or "subject"
        if name in etype.fields:
            out[name] = ob.subject
    return out


def _check_records(session: Session, records: Sequence[str], organisation_id: int | None) -> list[str]:
    """Register references ("filing:3"), each existing and visible to the caller."""
    from vats.registers import spec_for

    if len(records) > MAX_RECORDS:
        raise InputError(
            f"最多关联 {MAX_RECORDS} 条登记记录 / at most {MAX_RECORDS} records", field="records"
        )
    out = []
    for ref in records:
        key, _, raw = ref.strip().partition(":")
        if not raw.isdigit() or len(raw) > 9:
            raise InputError(
                f"登记记录引用无效 / not a record reference such as filing:3: {ref!r}", field="records"
            )
        info = spec_for(key)
        model = info.load_model()
        row = session.get(model, int(raw))
        if row is None or not visible(session, row.organisation_id):
            raise NotFoundError(f"登记记录 {ref} 不存在 / record {ref} not found", field="records")
        if organisation_id is not None and row.organisation_id not in (None, organisation_id):
            raise NotFoundError(f"登记记录 {ref} 不存在 / record {ref} not found", field="records")
        out.append(f"{info.key}:{int(raw)}")
    return out


def _check_files(files: Sequence[Upload]) -> list[Upload]:
    from vats.registers.filings.service import max_attachment_bytes

    if len(files) > MAX_FILES:
        raise InputError(f"最多上传 {MAX_FILES} 个文件 / at most {MAX_FILES} files", field="files")
    cap = max_attachment_bytes()
    out = []
    for f in files:
        name = f.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not name or name in (".", "..") or len(name) > 255:
            raise InputError("文件名无效 / invalid file name", field="files")
        if not f.content:
            raise InputError(f"文件 {name} 为空 / the file is empty", field="files")
        if len(f.content) > cap:
            raise RefusedError(
                f"文件 {name} 超过上限 {cap} 字节 / {name} is over the {cap}-byte cap", field="files"
            )
        out.append(Upload(name, f.content, f.media_type))
    return out


def complete(
    session: Session,
    *,
    target: Target,
    done_on: date,
    note: str | None = None,
    files: Sequence[Upload] = (),
    records: Sequence[str] = (),
    event_type: str | None = None,
    fields: Mapping[str, Any] | None = None,
) -> EventRow:
    """Record that the obligation was done on `done_on`, with its evidence (files stored with their SM3
    digest, links to register records). Without evidence only where the rule allows it."""
    ob = target.obligation
    rule = rule_of(ob)
    if ob.status in CLOSED and not attestable(ob):
        raise ConflictError("该义务已完成或已豁免 / the obligation is already closed", field="status")
    if ob.status is ObligationStatus.NOT_APPLICABLE:
        raise ConflictError("该义务不适用 / the obligation does not apply", field="status")
    if not rule.satisfied_by:
        raise RefusedError(
            "该义务是持续性要求，没有可记录的完成事件 / a standing duty has no completion event", field="id"
        )
    chosen = event_type or rule.satisfied_by[0]
    if chosen not in rule.satisfied_by:
        raise InputError(
            f"事件类型应为 {', '.join(rule.satisfied_by)} / event_type must be one of these",
            field="event_type",
        )
    if done_on > today():
        raise InputError("完成日期不能晚于今天 / done_on is in the future", field="done_on")
    if done_on < EARLIEST:
        raise InputError("完成日期过早 / done_on is before 2000", field="done_on")
    text = _text(note, field="note", limit=MAX_NOTE)
    uploads = _check_files(files)
    links = _check_records(session, records, target.organisation_id)
    if not uploads and not links and not rule.completion_without_evidence:
        raise InputError(
            "此义务需要证据：请上传文件或关联登记记录 / evidence required: attach a file or link a record",
            field="files",
        )
    values: dict[str, Any] = dict(fields or {})
    if values and all(isinstance(v, str) for v in values.values()):
        auto = completion_fields(ob, chosen)
        values = typed_input(chosen, {**values, **{k: str(v) for k, v in auto.items()}})
    values.update(completion_fields(ob, chosen))
    if text:
        values["note"] = text
    event = Event(type=chosen, date=done_on, licence=ob.licence, fields=MappingProxyType(values))
    row = _record(session, event, target.organisation_id)
    # every item of this completion, file or linked record, belongs to the same obligation and event
    owner = {
        "obligation_id": target.id,
        "licence": ob.licence,
        "organisation_id": target.organisation_id,
        "event_id": row.id,
        "created_by": _actor(session),
    }
    for u in uploads:
        kind = u.media_type or mimetypes.guess_type(u.filename)[0] or "application/octet-stream"
        size, digest = len(u.content), sm3_hex(u.content)
        item = EvidenceItem(**owner, filename=u.filename, media_type=kind[:100], size=size, sm3=digest)
        item.content = u.content
        session.add(item)
    session.add_all(EvidenceItem(**owner, record=ref) for ref in links)
    action = "completed" if uploads or links else "completed_unevidenced"
    _history(session, target, action, f"{done_on.isoformat()} {text}".strip(), row)
    session.flush()
    return row


# ---------------------------------------------------------------------------------------------
# owners


def _user(session: Session, name: str, *, field: str = "owner") -> Actor:
    """An enabled human user the caller may assign: admins, or someone sharing an organisation."""
    clean = _text(name, field=field, limit=200, required=True)
    actor = session.scalar(select(Actor).where(Actor.name == clean))
    if actor is None or actor.disabled or actor.kind != "human":
        raise NotFoundError(f"用户 {clean} 不存在 / user not found", field=field)
    return actor


def _may_own(session: Session, actor: Actor, organisation_id: int | None) -> bool:
    from vats.store.web import OrgGrant

    if actor.role == "admin" or organisation_id is None:
        return True
    found = session.scalar(
        select(OrgGrant.id).where(OrgGrant.actor_id == actor.id, OrgGrant.organisation_id == organisation_id)
    )
    return found is not None


def assign_owner(session: Session, *, target: Target, owner: str) -> ObligationOwner:
    """Make `owner` answer for this obligation; they must be able to see its organisation."""
    actor = _user(session, owner)
    if not _may_own(session, actor, target.organisation_id):
        raise NotFoundError(f"用户 {owner} 不存在 / user not found", field="owner")
    row = session.get(ObligationOwner, target.id)
    if row is None:
        row = ObligationOwner(
            obligation_id=target.id,
            licence=target.obligation.licence,
            organisation_id=target.organisation_id,
            actor_id=actor.id,
            assigned_by=_actor(session),
        )
        session.add(row)
    else:
        row.actor_id = actor.id
        row.assigned_by = _actor(session)
        row.assigned_at = now_utc()
    _history(session, target, "assigned", actor.name, None)
    session.flush()
    return row


def set_default_owner(
    session: Session, *, organisation_id: int, owner: str, rule_id: str | None = None
) -> DefaultOwner:
    """The organisation's default owner (of one rule's obligations, or of all without their own)."""
    if not visible(session, organisation_id):
        raise NotFoundError("组织不存在 / organisation not found", field="organisation")
    rule = (rule_id or "").strip()
    if rule and all(r.id != rule for r in default_library().rules):
        raise NotFoundError(f"规则 {rule} 不存在 / unknown rule", field="rule_id")
    actor = _user(session, owner)
    if not _may_own(session, actor, organisation_id):
        raise NotFoundError(f"用户 {owner} 不存在 / user not found", field="owner")
    row = session.scalar(
        select(DefaultOwner).where(
            DefaultOwner.organisation_id == organisation_id, DefaultOwner.rule_id == rule
        )
    )
    if row is None:
        row = DefaultOwner(organisation_id=organisation_id, rule_id=rule, actor_id=actor.id)
        session.add(row)
    else:
        row.actor_id = actor.id
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class Owners:
    """Owner resolution for many obligations at once: explicit owner, else the organisation's default
    for the rule, else its default for every rule."""

    explicit: Mapping[str, str]
    defaults: Mapping[tuple[int, str], str]

    def of(self, target_id: str, rule_id: str, organisation_id: int | None) -> str | None:
        found = self.explicit.get(target_id)
        if found is not None or organisation_id is None:
            return found
        return self.defaults.get((organisation_id, rule_id)) or self.defaults.get((organisation_id, ""))


def owners(session: Session, ids: Iterable[str] | None = None) -> Owners:
    """Owners of the given obligation ids (None: every explicit owner) and every default owner."""
    query = select(ObligationOwner.obligation_id, Actor.name).join(
        Actor, Actor.id == ObligationOwner.actor_id
    )
    if ids is not None:
        wanted = sorted(set(ids))
        explicit: dict[str, str] = {}
        for start in range(0, len(wanted), 1000):
            chunk = query.where(ObligationOwner.obligation_id.in_(wanted[start : start + 1000]))
            explicit.update({k: v for k, v in session.execute(chunk)})
    else:
        explicit = {k: v for k, v in session.execute(query)}
    dq = select(DefaultOwner.organisation_id, DefaultOwner.rule_id, Actor.name).join(
        Actor, Actor.id == DefaultOwner.actor_id
    )
    defaults = {(org, rule): name for org, rule, name in session.execute(dq)}
    return Owners(explicit, defaults)


def owned_ids(session: Session, *, user: str) -> tuple[set[str], set[tuple[int, str]]]:
    """What `user` owns: explicit obligation ids, and (organisation, rule) default slots ('' = all)."""
    actor = session.scalar(select(Actor.id).where(Actor.name == user))
    if actor is None:
        return set(), set()
    ids = set(session.scalars(select(ObligationOwner.obligation_id).where(ObligationOwner.actor_id == actor)))
    slots = {
        (org, rule)
        for org, rule in session.execute(
            select(DefaultOwner.organisation_id, DefaultOwner.rule_id).where(DefaultOwner.actor_id == actor)
        )
    }
    return ids, slots


# ---------------------------------------------------------------------------------------------
# waivers (four-eyes)


def request_waiver(session: Session, *, target: Target, reason: str, expires_on: date) -> WaiverRequest:
    """Ask for the obligation to be waived until `expires_on`; a second person must approve it."""
    ob = target.obligation
    if ob.status in CLOSED or ob.status is ObligationStatus.NOT_APPLICABLE:
        raise ConflictError("该义务已关闭 / the obligation is already closed", field="status")
    text = _text(reason, field="reason", limit=MAX_REASON, required=True)
    if expires_on <= today():
        raise InputError("豁免到期日应晚于今天 / expires_on must be after today", field="expires_on")
    if (expires_on - today()).days > 3 * 366:
        raise InputError("豁免期限不能超过三年 / a waiver lasts at most three years", field="expires_on")
    pending = session.scalar(
        select(WaiverRequest.id).where(
            WaiverRequest.obligation_id == target.id, WaiverRequest.state == "pending"
        )
    )
    if pending is not None:
        raise ConflictError(f"已有待审批的豁免申请 #{pending} / a waiver request is pending", field="id")
    row = WaiverRequest(
        obligation_id=target.id,
        licence=ob.licence,
        organisation_id=target.organisation_id,
        rule_id=ob.rule_id,
        subject=ob.subject,
        reason=text,
        expires_on=expires_on,
        requested_by=_actor(session),
    )
    session.add(row)
    session.flush()
    _history(session, target, "waiver_requested", f"#{row.id} {text}（至 {expires_on}）", None)
    session.flush()
    return row


def get_waiver(session: Session, *, request_id: int) -> WaiverRequest:
    row = session.get(WaiverRequest, request_id)
    if row is None or not visible(session, row.organisation_id):
        raise NotFoundError(f"豁免申请 {request_id} 不存在 / waiver request not found", field="waiver")
    return row


def pending_waivers(session: Session, *, obligation: str | None = None) -> list[WaiverRequest]:
    query = select(WaiverRequest).where(WaiverRequest.state == "pending").order_by(WaiverRequest.id)
    if obligation is not None:
        query = query.where(WaiverRequest.obligation_id == obligation)
    return [w for w in session.scalars(query) if visible(session, w.organisation_id)]


def decide_waiver(
    session: Session, *, target: Target, request_id: int, approve: bool = True
) -> WaiverRequest:
    """Approve (recording `obligation_waived` with its expiry) or reject a pending request; the person
    deciding must not be the one who asked."""
    row = get_waiver(session, request_id=request_id)
    if row.obligation_id != target.id:
        raise NotFoundError(f"豁免申请 {request_id} 不存在 / waiver request not found", field="waiver")
    if row.state != "pending":
        raise ConflictError("该豁免申请已处理 / the request was already decided", field="waiver")
    who = _actor(session)
    if who == row.requested_by:
        raise RefusedError(
            "豁免须由申请人以外的人审批 / a waiver needs an approver other than the requester",
            field="approver",
        )
    row.state = "approved" if approve else "rejected"
    row.decided_by = who
    row.decided_at = now_utc()
    event_row = None
    if approve:
        values: dict[str, Any] = {"rule": row.rule_id, "reason": row.reason, "expires_on": row.expires_on}
        if row.subject is not None:
            values["subject"] = row.subject
        values["note"] = f"申请人 {row.requested_by}，审批人 {who}"
        event = Event(
            type="obligation_waived", date=today(), licence=row.licence, fields=MappingProxyType(values)
        )
        event_row = _record(session, event, row.organisation_id)
        row.event_id = event_row.id
    _history(session, target, "waiver_approved" if approve else "waiver_rejected", f"#{row.id}", event_row)
    session.flush()
    return row


# ---------------------------------------------------------------------------------------------
# reopen


def reopen(session: Session, *, target: Target, reason: str) -> EventRow:
    """Undo a completion or waiver: its event is retracted (events are append-only) with the reason."""
    ob = target.obligation
    if ob.status not in CLOSED or not ob.satisfied_by:
        raise ConflictError(
            "该义务未完成或未豁免，无需重新打开 / the obligation is not closed", field="status"
        )
    text = _text(reason, field="reason", limit=MAX_REASON, required=True)
    values: dict[str, Any] = {"event": ob.satisfied_by, "reason": text}
    if ob.subject:
        values["subject"] = ob.subject
    event = Event(type="event_retracted", date=today(), licence=ob.licence, fields=MappingProxyType(values))
    row = _record(session, event, target.organisation_id)
    _history(session, target, "reopened", text, row)
    session.flush()
    return row


# ---------------------------------------------------------------------------------------------
# reads


def evidence_of(session: Session, *, target_id: str) -> list[EvidenceItem]:
    """Evidence of the obligation, oldest first (bytes not loaded). Evidence of a retracted completion
    stays listed: the history must show what was once submitted."""
    query = select(EvidenceItem).where(EvidenceItem.obligation_id == target_id).order_by(EvidenceItem.id)
    return list(session.scalars(query))


def evidence_file(session: Session, *, target_id: str, evidence_id: int) -> EvidenceItem:
    from sqlalchemy.orm import undefer

    row = session.scalar(
        select(EvidenceItem)
        .where(EvidenceItem.id == evidence_id, EvidenceItem.obligation_id == target_id)
        .options(undefer(EvidenceItem.content))
    )
    if row is None or row.content is None or not visible(session, row.organisation_id):
        raise NotFoundError(f"证据 {evidence_id} 不存在 / evidence not found", field="evidence")
    return row


def history_of(session: Session, *, target_id: str) -> list[ObligationAction]:
    query = select(ObligationAction).where(ObligationAction.obligation_id == target_id)
    return list(session.scalars(query.order_by(ObligationAction.id)))


def waivers_of(session: Session, *, target_id: str) -> list[WaiverRequest]:
    query = select(WaiverRequest).where(WaiverRequest.obligation_id == target_id)
    return list(session.scalars(query.order_by(WaiverRequest.id)))


# ---------------------------------------------------------------------------------------------
# the generic event form


def recordable_types() -> tuple[str, ...]:
    """Every event type that can satisfy an obligation (some rule's `satisfied_by`), in library order."""
    seen: dict[str, None] = {}
    for rule in default_library().rules:
        for t in rule.satisfied_by:
            seen.setdefault(t)
    return tuple(seen)


def typed_input(event_type: str, raw: Mapping[str, str]) -> dict[str, Any]:
    """Form text converted to the vocabulary's field types; errors name the field's Chinese label."""
    etype = default_library().event_types.get(event_type)
    if etype is None:
        raise InputError("请选择事件类型 / choose an event type", field="event_type")
    out: dict[str, Any] = {}
    for name, spec in etype.fields.items():
        label = spec.label.zh if spec.label else name
        text = (raw.get(name) or "").strip()
        if not text:
            if spec.required:
                raise InputError(f"请填写{label} / {name} is required", field=name)
            continue
        if len(text) > MAX_NOTE:
            raise InputError(f"{label}过长 / too long", field=name)
        if spec.type == "int":
            if not text.isdigit() or len(text) > 9:
                raise InputError(f"{label}应为整数 / {name} must be a whole number", field=name)
            out[name] = int(text)
        elif spec.type == "date":
            try:
                out[name] = date.fromisoformat(text)
            except ValueError:
                raise InputError(f"{label}应为日期 / {name} must be a date", field=name) from None
        else:
            if spec.values and text not in spec.values:
                raise InputError(f"请选择{label} / choose a value for {name}", field=name)
            out[name] = text
    return out


def record_event_form(
    session: Session, *, licence: str, event_type: str, on: date, fields: Mapping[str, str]
) -> EventRow:
    """Record one event of a recordable type for a licence the caller may see (the generic form)."""
    from vats.registers.base import resolve_licence

    if event_type not in recordable_types():
        raise InputError("请选择事件类型 / choose an event type", field="event_type")
    ref = resolve_licence(session, licence)
    if on > today():
        raise InputError("日期不能晚于今天 / the date is in the future", field="date")
    if on < EARLIEST:
        raise InputError("日期过早 / the date is before 2000", field="date")
    values = typed_input(event_type, fields)
    event = Event(type=event_type, date=on, licence=ref.number, fields=MappingProxyType(values))
    return _record(session, event, ref.organisation_id)
