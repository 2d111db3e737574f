"""Honest homepage-check states for the web: 通过 / 未通过 / 从未检查, and 已过期 (stale) when the
last check is older than the display rule's evidence age (`display_check_max_age_days`, 90 days by
default) — a site never checked is never shown as passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from vats.model.clock import in_beijing

FAILED = frozenset({"fail", "error"})
LABELS = {"pass": "通过", "fail": "未通过", "never": "从未检查"}


@dataclass(frozen=True, slots=True)
class SiteState:
    licence: str
    domain: str
    name: str
    state: str  # pass | fail | never
    stale: bool
    checked_at: datetime | None
    result_id: int | None
    message: str | None

    @property
    def label(self) -> str:
        text = LABELS[self.state]
        return f"{text}（已超过复查期限）" if self.stale else text


def max_age_days() -> int:
    from vats.rules.settings import configured_settings

    return int(configured_settings().number("display_check_max_age_days", 90))


def site_states(session: Session, licences: list[Any], *, as_of: date, limit: int = 500) -> list[SiteState]:
    """The websites of `licences` (first `limit`) with the state of their latest check."""
    from vats.store.checks import latest_results

    sites = [(lic.number, s) for lic in licences for s in lic.sites if s.kind.value == "website"][:limit]
    latest = latest_results(session, domains=[s.domain for _n, s in sites])
    age = max_age_days()
    out = []
    for number, site in sites:
        row = latest.get(site.domain.lower())
        if row is None:
            out.append(SiteState(number, site.domain, site.name, "never", False, None, None, None))
            continue
        state = "fail" if row.outcome in FAILED else "pass"
        stale = (as_of - in_beijing(row.checked_at).date()).days > age
        out.append(
            SiteState(number, site.domain, site.name, state, stale, row.checked_at, row.id, row.message_zh)
        )
    order = {"fail": 0, "never": 1, "pass": 2}
    return sorted(out, key=lambda s: (order[s.state], not s.stale, s.licence, s.domain))
