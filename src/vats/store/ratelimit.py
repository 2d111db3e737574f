"""Request counters shared by every web process through the database.

The login limiter counts in memory, which bounds a single process; the public routes (copy
verification, calendar feeds, published keys) answer anyone without a login, so their budget must
hold however many processes or machines serve the site. One row per (bucket, window) counts hits
with an atomic upsert, so concurrent requests in different processes never lose a count.
"""

from __future__ import annotations

import time

from sqlalchemy import BigInteger, Integer, String, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from vats.store.base import Base

MAX_BUCKET = 200
"""Characters of a bucket key kept (a client address plus a route name fits well within it)."""


class RateWindow(Base):
    """Hits of one bucket (route family + client address) in one fixed window."""

    __tablename__ = "rate_windows"

    bucket: Mapped[str] = mapped_column(String(MAX_BUCKET), primary_key=True)
    window_no: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)


def count_hit(engine: Engine, *, bucket: str, window_s: int, now: float | None = None) -> int:
    """Count one hit of `bucket` in the current window and return the window's count so far.

    One statement (INSERT … ON CONFLICT DO UPDATE … RETURNING) per hit, committed at once, so the
    count is exact across processes. When a bucket opens a new window, the windows that ended
    before the previous one are swept so the table stays as small as the number of active clients.
    """
    window = int((time.time() if now is None else now) // window_s)
    key = bucket[:MAX_BUCKET]
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(RateWindow).values(bucket=key, window_no=window, hits=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[RateWindow.bucket, RateWindow.window_no],
        set_={"hits": RateWindow.hits + 1},
    ).returning(RateWindow.hits)
    with engine.begin() as conn:
        hits = int(conn.execute(stmt).scalar_one())
        if hits == 1:
            conn.execute(delete(RateWindow).where(RateWindow.window_no < window - 1))
    return hits
