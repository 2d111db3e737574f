"""RFC 5545 calendar export of dated obligations (icalendar library).

One all-day VEVENT per dated obligation. The UID is derived from `Obligation.key` (licence, rule,
subject), so importing a re-exported file updates events in the user's calendar instead of adding
duplicates. When a previous export is given, SEQUENCE is bumped and LAST-MODIFIED set only for events
whose content changed, which is what calendar clients use to accept an update.
Titles are Chinese (the officer's working language); the English title and the derivation go in
DESCRIPTION. Reminders (VALARM) fire a configurable number of days before open obligations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from vats.model.obligations import Obligation, ObligationStatus

DEFAULT_ALARMS = (30, 7, 1)
PRODID = "-//vats//增值电信合规义务 Obligations//ZH"
UID_DOMAIN = "vats.obligations"
_OPEN = {ObligationStatus.UPCOMING, ObligationStatus.DUE_SOON, ObligationStatus.OVERDUE}
_MARK = {
    ObligationStatus.OVERDUE: "【已逾期】",
    ObligationStatus.DUE_SOON: "【即将到期】",
    ObligationStatus.SATISFIED: "【已完成】",
    ObligationStatus.WAIVED: "【已豁免】",
}


def uid_for(obligation: Obligation) -> str:
    """Stable UID: a digest of the obligation key (licence|rule|subject)."""
    digest = hashlib.sha256(obligation.key.encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def _summary(o: Obligation) -> str:
    subject = f"·{o.subject}" if o.subject else ""
    return f"{_MARK.get(o.status, '')}{o.title_zh}（{o.licence}{subject}）"


def _description(o: Obligation) -> str:
    lines = [o.title_en, f"状态 / status: {o.status.value}", f"规则 / rule: {o.rule_id}"]
    if o.conditional:
        lines.append(f"条件 / condition: {o.conditional}")
    if o.provisional_reason:
        lines.append(f"暂定 / provisional: {o.provisional_reason}")
    if o.evidence_required:
        lines.append(f"所需证据 / evidence: {o.evidence_required}")
    lines.append("")
    lines.extend(o.explanation)
    if o.sources:
        lines.append("")
        lines.extend(f"依据 / source: {s.label()} [{s.reliability.value}]" for s in o.sources)
    return "\n".join(lines)


def _fingerprint(o: Obligation, alarms: Sequence[int]) -> str:
    """What, if changed, makes a client need the update (compared through a property we embed)."""
    body = "\x1f".join([_summary(o), _description(o), str(o.due_date), ",".join(map(str, alarms))])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _previous_state(previous: bytes | None) -> dict[str, tuple[int, str, datetime | None]]:
    """UID -> (SEQUENCE, content fingerprint, LAST-MODIFIED) from an earlier export."""
    if not previous:
        return {}
    from icalendar import Calendar

    state: dict[str, tuple[int, str, datetime | None]] = {}
    for ev in Calendar.from_ical(previous).walk("VEVENT"):
        modified = ev.get("last-modified")
        state[str(ev.get("uid"))] = (
            int(ev.get("sequence", 0)),
            str(ev.get("x-vats-fingerprint", "")),
            modified.dt if modified is not None else None,
        )
    return state


def obligations_to_ics(
    obligations: Iterable[Obligation],
    *,
    now: datetime,
    alarms: Sequence[int] = DEFAULT_ALARMS,
    previous: bytes | None = None,
    name: str = "增值电信合规义务 / VATS obligations",
) -> bytes:
    """Render dated obligations as an iCalendar file; `previous` (an earlier export) keeps SEQUENCE right."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    before = _previous_state(previous)
    seen: set[str] = set()
    for o in obligations:
        if o.due_date is None or o.status is ObligationStatus.NOT_APPLICABLE:
            continue
        uid = uid_for(o)
        if uid in seen:  # same key twice (should not happen): keep the first, never emit duplicates
            continue
        seen.add(uid)
        fingerprint = _fingerprint(o, alarms)
        sequence, modified = 0, now
        if uid in before:
            old_seq, old_fp, old_modified = before[uid]
            if old_fp == fingerprint:
                sequence, modified = old_seq, old_modified or now
            else:
                sequence = old_seq + 1
        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", now)
        ev.add("last-modified", modified)
        ev.add("sequence", sequence)
        ev.add("dtstart", o.due_date)
        ev.add("dtend", o.due_date + timedelta(days=1))
        ev.add("summary", _summary(o))
        ev.add("description", _description(o))
        ev.add("categories", ["vats", o.rule_id])
        ev.add("transp", "TRANSPARENT")
        ev.add("x-vats-key", o.key)
        ev.add("x-vats-fingerprint", fingerprint)
        if o.status in _OPEN:
            for days in sorted(set(alarms), reverse=True):
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("trigger", timedelta(days=-days))
                alarm.add("description", f"{days} 天后到期：{o.title_zh} / due in {days} days: {o.title_en}")
                ev.add_component(alarm)
        cal.add_component(ev)
    data: bytes = cal.to_ical()
    return data


def parse_alarms(text: str) -> tuple[int, ...]:
    """`30,7,1` -> (30, 7, 1); an empty string means no reminders."""
    from vats.model.errors import InputError

    if not text.strip():
        return ()
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise InputError(
            f"提醒天数应为逗号分隔的整数 / expected numbers like 30,7,1: {text!r}", field="--alarms"
        ) from None
    if any(v < 0 for v in values):
        raise InputError("提醒天数不能为负 / reminder days must not be negative", field="--alarms")
    return values
