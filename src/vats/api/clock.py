"""The server's idea of "today": the Beijing calendar date, pinnable for demos and tests.

Legal deadlines are Beijing dates whatever the server's time zone. `VATS_AS_OF=YYYY-MM-DD` pins the
date so a test or a demo sees the same obligations every run (no wall-clock dependence).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from vats.model.errors import InputError

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> date:
    pinned = os.environ.get("VATS_AS_OF")
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            raise InputError(f"VATS_AS_OF is not an ISO date: {pinned!r}", field="VATS_AS_OF") from None
    return datetime.now(CHINA).date()
