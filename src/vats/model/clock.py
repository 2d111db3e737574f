"""The one clock: what "today" and "now" mean for vats.

Legal deadlines are Beijing calendar dates whatever the server's time zone, and stored instants are
UTC. `VATS_AS_OF=YYYY-MM-DD` pins today's date so a demo or a test sees the same obligations on every
run; every caller asks this module instead of reading the system clock itself.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from vats.model.errors import InputError

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today's Beijing date, or the pinned `VATS_AS_OF` date."""
    pinned = os.environ.get("VATS_AS_OF")
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            raise InputError(f"VATS_AS_OF is not an ISO date: {pinned!r}", field="VATS_AS_OF") from None
    return datetime.now(CHINA).date()


def now_utc() -> datetime:
    """The current instant, timezone-aware in UTC (how instants are stored)."""
    return datetime.now(UTC)


def in_beijing(moment: datetime) -> datetime:
    """`moment` as Beijing wall time; naive values are taken to be UTC (how the store keeps them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA)


def minute_text(moment: datetime) -> str:
    """A moment as Beijing wall time to the minute, `2026-11-21 09:15` (how deadlines in hours are shown)."""
    return in_beijing(moment).strftime("%Y-%m-%d %H:%M")


def minute_iso(moment: datetime) -> str:
    """The same moment for machines: ISO 8601 to the minute with the Beijing offset,
    `2026-11-21T09:15+08:00`."""
    return in_beijing(moment).strftime("%Y-%m-%dT%H:%M") + "+08:00"


def as_utc(moment: datetime) -> datetime:
    """`moment` as aware UTC; naive values (SQLite returns them) are taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def assume_beijing(moment: datetime) -> datetime:
    """A user-entered time as aware UTC: without a zone it is Beijing wall time (what staff type)."""
    return as_utc(moment.replace(tzinfo=CHINA) if moment.tzinfo is None else moment)


def china_date(moment: datetime) -> date:
    """The Beijing calendar date of an instant (what an event's date means legally)."""
    return as_utc(moment).astimezone(CHINA).date()
