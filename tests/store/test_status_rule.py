"""The status-by-date rule gives the same answer in Python (engine, cache) and in SQL (status
queries), on SQLite and PostgreSQL, including at the boundaries."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Column, Date, Integer, MetaData, Table, literal, select

from vats.rules.status import status_on, status_sql
from vats.store.db import make_engine

AS_OF = date(2026, 11, 2)
SOON = 30
EXPECTED = ["upcoming", "overdue", "overdue", "due_soon", "due_soon", "due_soon", "due_soon"]
EXPECTED += ["upcoming", "upcoming"]


def test_python_and_sql_agree(db_url: str) -> None:
    days = [None, *(AS_OF + timedelta(days=n) for n in (-400, -1, 0, 1, 29, 30, 31, 365))]
    dues = Table("dues", MetaData(), Column("n", Integer, primary_key=True), Column("due", Date))
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            dues.create(conn)
            conn.execute(dues.insert(), [{"n": i, "due": d} for i, d in enumerate(days)])
            query = select(dues.c.n, status_sql(dues.c.due, as_of=AS_OF, due_soon_days=SOON))
            sql = {int(n): status for n, status in conn.execute(query)}
            waived = status_sql(literal(AS_OF), as_of=AS_OF, due_soon_days=SOON, fixed=literal("waived"))
            fixed = conn.scalar(select(waived))
    finally:
        engine.dispose()
    python = {i: status_on(d, as_of=AS_OF, due_soon_days=SOON).value for i, d in enumerate(days)}
    assert sql == python
    assert [python[i] for i in range(len(days))] == EXPECTED
    assert fixed == "waived"
