"""Continuous duties: standing obligations per licence or per site, evidence-free ones shared by shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from vats.model.dates import add_months
from vats.model.licence import Licence, Site
from vats.model.obligations import Event, Obligation, ObligationStatus
from vats.reference.rules_library import CONTROL_EVENT, Rule
from vats.rules.engine.applicability import (
    rule_sites,
)
from vats.rules.engine.build import make, new_obligation, shared_fields
from vats.rules.engine.context import RunContext
from vats.rules.engine.index import (
    LicenceEvents,
)
from vats.rules.explain import Pair

if TYPE_CHECKING:
    from vats.rules.engine.run import Plan


def retention_steps(ctx: RunContext, rule: Rule) -> list[Pair]:
    """The retention line of a record-keeping duty (a fresh list: `make` appends to it)."""
    r = rule.retention
    if r is None:
        return []
    hit = ctx.retention.get(rule.id)
    if hit is None:
        amount = ctx.settings.number(r.setting, r.period if r.period is not None else r.offset)
        unit_zh = {"days": "日", "months": "个月", "years": "年"}[r.unit]
        hit = ctx.retention[rule.id] = (
            f"保存期限：不少于 {amount}{unit_zh}",
            f"retention: at least {amount} {r.unit}",
        )
    return [hit]


def continuous_duties(
    ctx: RunContext, rule: Rule, licence: Licence, events: LicenceEvents
) -> list[Obligation]:
    conditional = ctx.condition(rule, ctx.renewed_note(licence))
    if rule.attest_every is not None:
        return [control(ctx, rule, licence, events, conditional)]
    if rule.trigger.per != "site":
        found = events.of(rule.satisfied_by) if rule.satisfied_by else []
        if not found and ctx.waiver(rule, licence, None) is None:
            return [standing(ctx, rule, licence, conditional)]
        steps = retention_steps(ctx, rule)
        return [
            make(
                ctx,
                rule,
                licence,
                subject=None,
                due=None,
                steps=steps,
                satisfying=found[-1] if found else None,
                conditional=conditional,
            )
        ]
    steps = retention_steps(ctx, rule)
    out: list[Obligation] = []
    checks = events.of((*rule.satisfied_by, *rule.violated_by))
    age = rule.evidence_max_age
    max_age = ctx.settings.number(age.setting, age.offset) if age is not None else None
    latest: dict[str, Event] = {}  # the last check of each domain up to today (events are by date)
    for e in checks:
        if e.date <= ctx.as_of:
            latest[str(e.fields.get("domain", "")).lower()] = e
    for site in rule_sites(rule, licence):
        last = latest.get(site.domain.lower())
        if last is not None and last.type in rule.violated_by:
            out.append(
                make(
                    ctx,
                    rule,
                    licence,
                    subject=site.domain,
                    due=last.date,
                    steps=(_site_steps, (steps, site, last, False, max_age)),
                    status=ObligationStatus.OVERDUE,
                    conditional=conditional,
                    event=last,
                )
            )
            continue
        fresh = last is not None and (max_age is None or (ctx.as_of - last.date).days <= max_age)
        out.append(
            make(
                ctx,
                rule,
                licence,
                subject=site.domain,
                due=None,
                steps=(_site_steps, (steps, site, None, not fresh, max_age)),
                satisfying=last if fresh else None,
                conditional=conditional,
            )
        )
    return out


def control(
    ctx: RunContext, rule: Rule, licence: Licence, events: LicenceEvents, conditional: str | None
) -> Obligation:
    """A control: done while its last attestation is younger than the rule's period, due soon in the
    last `due_soon_days` before the next review, overdue after it; never attested, due now (undated).
    The obligation's anchor date and event id are the last attestation (the evidence it rests on)."""
    att = rule.attest_every
    assert att is not None
    amount = ctx.settings.number(att.setting, att.period)
    last: Event | None = None
    for e in events.of(rule.satisfied_by):  # by date
        if e.date > ctx.as_of:
            break
        if e.type != CONTROL_EVENT or e.fields.get("rule") == rule.id:
            last = e
    steps = retention_steps(ctx, rule)
    if last is None:
        waived = ctx.waiver(rule, licence, None) is not None
        return make(
            ctx,
            rule,
            licence,
            subject=None,
            due=None,
            steps=[*steps, never_attested(ctx, rule, amount)],
            status=None if waived else ObligationStatus.DUE_SOON,
            conditional=conditional,
        )
    months = att.months(amount)
    review = add_months(last.date, months) if months is not None else last.date + timedelta(days=amount)
    fresh = ctx.status(review) is ObligationStatus.UPCOMING
    return make(
        ctx,
        rule,
        licence,
        subject=None,
        due=review,
        steps=[*steps, _attested_line(rule, last, amount, review)],
        satisfying=last if fresh else None,
        conditional=conditional,
        anchor=last.date,
        event=last,
    )


def _period_text(rule: Rule, amount: int) -> tuple[str, str]:
    unit = rule.attest_every.unit if rule.attest_every is not None else "months"
    zh = {"days": "日", "months": "个月", "years": "年"}[unit]
    return f"{amount}{zh}", f"{amount} {unit}"


def never_attested(ctx: RunContext, rule: Rule, amount: int) -> Pair:
    """The line of a control with no attestation on record: due now, and how often afterwards."""
    zh, en = _period_text(rule, amount)
    return (
        f"从未复核确认：没有“{rule.title.zh}”的证明记录，应立即完成首次复核并上传证据；此后每 {zh}复核一次",
        f"never attested: no record attests this control; attest it now with evidence, then every {en}",
    )


def _attested_line(rule: Rule, last: Event, amount: int, review: date) -> Pair:
    zh, en = _period_text(rule, amount)
    return (
        f"上次复核确认：{last.date}（{last.id or last.type}）；每 {zh}复核一次 → 下次复核日期 {review}",
        f"last attested on {last.date} ({last.id or last.type}); every {en} -> next review {review}",
    )


def _site_steps(
    steps: list[Pair], site: Site, failed: Event | None, stale: bool, max_age: int | None
) -> list[Pair]:
    """A per-site duty: the record-keeping line (if any), the site, then a failed check or, when no
    passed check is recent enough (`stale`), the look-back it was sought in."""
    out = [*steps, (f"网站：{site.name}（{site.domain}）", f"site: {site.name} ({site.domain})")]
    if failed is not None:
        evidence = failed.fields.get("evidence", "")
        out.append((f"{failed.date} 检查未通过（{evidence}）", f"check failed on {failed.date} ({evidence})"))
    elif stale:
        out.append(
            (
                f"近 {max_age} 天内没有通过的首页检查记录",
                f"no passed homepage check in the last {max_age} days",
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Standing:
    """A continuous duty's obligation for licences of one shape and renewal state, less the licence
    number and condition text, which are filled in per licence (`build.SHARED_HEAD`, `SHARED_TAIL`)."""

    rule: Rule
    before: tuple[Any, ...]  # the fields between number and condition
    after: tuple[Any, ...]  # the fields after the condition
    note: str | None  # the condition text of a licence still in force
    evidence: tuple[str, ...]  # event types that would make the duty licence-specific


def standing_proto(ctx: RunContext, rule: Rule, licence: Licence) -> Standing:
    """A continuous duty with no evidence yet: identical for every licence with the same services and
    renewal state except for the number, so its explanation is built once and shared."""
    expired = licence.expiry_date is not None and ctx.as_of > licence.expiry_date
    key = (rule.id, ctx.wording(rule, licence), expired)
    proto = ctx.duties.get(key)
    if proto is None:
        steps = retention_steps(ctx, rule)
        conditional = ctx.condition(rule, ctx.renewed_note(licence))
        status = None
        att = rule.attest_every
        if att is not None:  # a control never attested: due now
            steps.append(never_attested(ctx, rule, ctx.settings.number(att.setting, att.period)))
            status = ObligationStatus.DUE_SOON
        made = make(
            ctx, rule, licence, subject=None, due=None, steps=steps, conditional=conditional, status=status
        )
        head, tail = shared_fields(made)
        proto = ctx.duties[key] = Standing(rule, head, tail, ctx.condition(rule, None), rule.satisfied_by)
    return proto


def standing(ctx: RunContext, rule: Rule, licence: Licence, conditional: str | None) -> Obligation:
    p = standing_proto(ctx, rule, licence)
    return new_obligation(rule.id, licence.number, *p.before, conditional, *p.after)


def standing_duties(
    ctx: RunContext, plan: Plan, licence: Licence, events: LicenceEvents, out: list[Obligation]
) -> None:
    """A licence's continuous per-licence duties (over half of all obligations): evidence-free ones
    from the prototypes its shape shares, the rest through `continuous_duties`. No waiver may touch the
    licence (the caller checks)."""
    expired = licence.expiry_date is not None and ctx.as_of > licence.expiry_date
    protos = plan.protos.get(expired)
    if protos is None:
        protos = plan.protos[expired] = [standing_proto(ctx, rule, licence) for rule in plan.standing]
    number, renewed, present = licence.number, ctx.renewed_note(licence), events.by_type.keys()
    for p in protos:
        if p.evidence and not present.isdisjoint(p.evidence):
            out.extend(continuous_duties(ctx, p.rule, licence, events))
            continue
        conditional = p.note if renewed is None else ctx.condition(p.rule, renewed)
        out.append(new_obligation(p.rule.id, number, *p.before, conditional, *p.after))
