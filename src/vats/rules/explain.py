"""Readable derivations: each obligation carries numbered steps a compliance officer can check by hand.

Explanations are stored as a flat tuple of lines, Chinese first then English for each step, so every
output (text table, JSON, ICS description, web page) can print them without knowing their structure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

from vats.model.licence import Licence, Service
from vats.model.obligations import ObligationStatus
from vats.reference.rules_library import PROFILE_KEYS, Rule, default_library
from vats.rules.calendar import Step, day_text

Pair = tuple[str, str]

STATUS_TEXT: dict[ObligationStatus, Pair] = {
    ObligationStatus.UPCOMING: ("未到期", "upcoming"),
    ObligationStatus.DUE_SOON: ("即将到期", "due soon"),
    ObligationStatus.OVERDUE: ("已逾期", "overdue"),
    ObligationStatus.SATISFIED: ("已满足", "satisfied"),
    ObligationStatus.WAIVED: ("已豁免", "waived"),
    ObligationStatus.NOT_APPLICABLE: ("不适用", "not applicable"),
}


_NUMBERS = tuple(f"{i}. " for i in range(100))  # step prefixes, formatted once
_INDENTED = tuple(f"   {i}. " for i in range(100))


def flatten(pairs: Iterable[Pair], start: int = 1) -> tuple[str, ...]:
    """Number the steps and interleave the languages: `1. 中文`, `   1. English`, `2. …`."""
    out: list[str] = []
    for i, (zh, en) in enumerate(pairs, start=start):
        if i < 100:
            out.append(_NUMBERS[i] + zh)
            out.append(_INDENTED[i] + en)
        else:
            out.append(f"{i}. {zh}")
            out.append(f"   {i}. {en}")
    return tuple(out)


def from_steps(steps: Sequence[Step]) -> list[Pair]:
    return [(s.zh, s.en) for s in steps]


def rule_line(rule: Rule) -> Pair:
    """What the rule says, with its sources (reliability shown, UNCONFIRMED called out)."""
    cites = "；".join(f"{s.ref.label()}〔{s.ref.reliability.value}〕" for s in rule.sources)
    zh = f"规则 {rule.id}：{rule.explanation.zh}（依据：{cites}）"
    en = f"rule {rule.id}: {rule.explanation.en} (sources: {cites})"
    if rule.unconfirmed:
        zh += " 注意：该期限来源未经核实，数字可配置。"
        en += " Note: this number is UNCONFIRMED and configurable."
    return zh, en


def _service_label(service: Service) -> str:
    """`B25（仅限互联网信息服务；含…；不含信息搜索查询服务、信息即时交互服务）` as the licence scopes it."""
    parts = []
    if service.limited_to:
        parts.append("仅限" + "、".join(service.limited_to))
    if service.includes:
        parts.append("含" + "、".join(service.includes))
    if service.excludes:
        parts.append("不含" + "、".join(service.excludes))
    return service.code + (f"（{'；'.join(parts)}）" if parts else "")


def applicability_line(rule: Rule, licence: Licence, lists_scope: bool = False) -> Pair:
    """Why the rule applies: the services it is about (or, for scope rules, the whole licensed scope).

    Independent of the licence number and subject, and mentioning no service the rule does not
    concern, so the engine can share the line between licences."""
    a = rule.applies
    if a.services:
        relevant = [
            s for s in licence.services if any(s.code == c or s.code.startswith(c + "-") for c in a.services)
        ]
        held = ", ".join(_service_label(s) for s in relevant)
        zh = f"适用原因：许可证含业务 {held}，本规则适用于 {'、'.join(a.services)}"
        en = f"applies because the licence holds {held}; this rule covers {', '.join(a.services)}"
    else:
        zh, en = "适用原因：本规则适用于所有增值电信业务许可证", "applies to every VATS licence"
    if lists_scope:
        scope = ", ".join(_service_label(s) for s in licence.services)
        zh += f"；本证许可范围：{scope}"
        en += f"; this licence's scope: {scope}"
    if a.subtypes:
        zh += f"，且业务限于/包含 {'、'.join(a.subtypes)}"
        en += f", and the licence covers {', '.join(a.subtypes)}"
    if a.scope != "any":
        zh += "，且为省级许可证" if a.scope == "provincial" else "，且为跨地区许可证"
        en += f", and it is a {a.scope.replace('_', '-')} licence"
    profile = [c for c in a.conditions if c != "holds_cross_regional"]  # that one is an event
    if profile:
        labels = [PROFILE_KEYS.get(c, (c, c)) for c in profile]
        zh += f"，且组织档案登记为：{'、'.join(z for z, _ in labels)}"
        en += f", and the organisation profile records: {'; '.join(e for _, e in labels)}"
    return zh, en


@lru_cache(maxsize=256)
def evidence_names(evidence: tuple[str, ...]) -> tuple[str, str]:
    """The evidence event types by their titles, Chinese and English (`-` when none is named)."""
    if not evidence:
        return "-", "-"
    zh = " / ".join(_event_name(e, 0) or e for e in evidence)
    en = " / ".join(_event_name(e, 1) or e for e in evidence)
    return zh, en


def event_title(code: str) -> str:
    """An event type's Chinese title (the code for an unknown type)."""
    return _event_name(code, 0) or code


def field_title(event_type: str | None, field: str) -> str:
    """How forms name an event field, in Chinese (the field's own name when it has no label)."""
    etype = default_library().event_types.get(event_type or "")
    spec = etype.fields.get(field) if etype is not None else None
    return spec.label.zh if spec is not None and spec.label is not None else field


def _event_name(code: str | None, lang: int) -> str | None:
    """An event type's title (0 Chinese, 1 English); an event id stays as it is; None stays None."""
    if code is None:
        return None
    found = default_library().event_types.get(code)
    if found is None:
        return code
    return found.title.zh if lang == 0 else found.title.en


def status_line(
    status: ObligationStatus,
    *,
    as_of: date,
    due: date | None,
    evidence: Sequence[str],
    completed_on: date | None = None,
    satisfied_by: str | None = None,
    late: bool = False,
) -> Pair:
    """The status and the evidence it rests on (or the evidence still needed)."""
    zh_s, en_s = STATUS_TEXT[status]
    wanted_zh, wanted = evidence_names(tuple(evidence))
    today = day_text(as_of)
    if status is ObligationStatus.SATISFIED:
        done = None if completed_on is None else day_text(completed_on)
        lateness = ""
        lateness_en = ""
        if late and due is not None and completed_on is not None:
            days = (completed_on - due).days
            lateness, lateness_en = f"，晚于期限 {days} 天", f", {days} days after the due date"
        return (
            f"状态：{zh_s}——{done} 的 {_event_name(satisfied_by, 0) or wanted_zh} 为证据{lateness}",
            f"status: {en_s} by {_event_name(satisfied_by, 1) or wanted} on {done}{lateness_en}",
        )
    if status is ObligationStatus.OVERDUE and due is not None:
        days, when = (as_of - due).days, day_text(due)
        return (
            f"状态：截至 {today} 未见证据（{wanted_zh}），自 {when} 起已逾期 {days} 天",
            f"status: as of {today} no evidence ({wanted}); overdue since {when} ({days} days)",
        )
    if due is None and status is ObligationStatus.DUE_SOON:  # a control never attested
        return (f"状态：应立即复核确认；所需证据：{wanted_zh}", f"status: due now; evidence needed: {wanted}")
    if due is None:
        return (
            f"状态：{zh_s}（持续有效）；证据：{wanted_zh}",
            f"status: {en_s} (continuous); evidence: {wanted}",
        )
    days, when = (due - as_of).days, day_text(due)
    return (
        f"状态：{zh_s}，截至 {today} 距期限 {when} 还有 {days} 天；所需证据：{wanted_zh}",
        f"status: {en_s}; {days} days left until {when} as of {today}; evidence needed: {wanted}",
    )
