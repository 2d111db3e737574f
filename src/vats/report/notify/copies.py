"""Reminders before a purpose-bound copy expires, for the notifier's one message per run.

A copy that is about to lapse usually needs a fresh one for the same recipient (an app store's
annual re-review): the holder hears of it once, `COPY_REMINDER_DAYS` ahead, through the same
channels and de-duplication as obligations (`notification_log`, key `copy:<id>`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

COPY_REMINDER_DAYS = 14


def expiring_copies(
    session: Session, *, as_of: date, within_days: int = COPY_REMINDER_DAYS
) -> list[tuple[str, str, str]]:
    """(key, status, line) of each copy to announce; the notifier makes them its notices."""
    from vats.store.copies import expiring

    return [
        (
            f"copy:{c.copy_id}",
            "expiring",
            f"- **副本即将到期 copy expiring** {c.copy_id} {c.licence_number} → {c.recipient}"
            f"（{c.purpose}）— {c.expires_on.isoformat()}",
        )
        for c in expiring(session, as_of=as_of, within_days=within_days)
    ]
