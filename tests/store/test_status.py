"""Portfolio status: chunked evaluation gives the same answer as one engine run over everything."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import Engine

from store.helpers import make_licence
from vats.model.obligations import Event
from vats.rules.engine import evaluate
from vats.store.db import session_scope
from vats.store.events import list_events, record_event
from vats.store.licences import import_licence, load_domain_licences
from vats.store.status import portfolio_status

AS_OF = date(2026, 11, 28)


def _portfolio(engine: Engine) -> None:
    with session_scope(engine, actor="t") as s:
        for i in range(7):
            lic = make_licence(200 + i)
            lic = dataclasses.replace(lic, expiry_date=AS_OF + timedelta(days=40 * i - 100))
            import_licence(s, licence=lic)
            disposed = AS_OF - timedelta(days=30 + i)
            subject = f"case:{i}"
            record_event(
                s, event=Event("illegal_info_disposed", disposed, lic.number, fields={"subject": subject})
            )
            if i % 2:
                reported = disposed + timedelta(days=5 + 3 * i)
                record_event(
                    s, event=Event("illegal_info_reported", reported, lic.number, fields={"subject": subject})
                )
        record_event(s, event=Event("annual_report_filed", date(2026, 3, 1), fields={"year": 2025}))


def test_chunked_status_equals_whole_portfolio_evaluation(engine: Engine) -> None:
    _portfolio(engine)
    with session_scope(engine, actor="t") as s:
        small = portfolio_status(s, as_of=AS_OF, chunk=2, top=1000)
        big = portfolio_status(s, as_of=AS_OF, chunk=1000, top=1000)
        whole = evaluate(load_domain_licences(s), list_events(s), AS_OF)
    assert small == big
    assert small.obligations_by_status == dict(
        sorted(Counter(o.status.value for o in whole.obligations).items())
    )
    assert small.late_completions == sum(
        1 for o in whole.obligations if o.late and o.status.value not in ("overdue", "due_soon")
    )
    assert small.licences_total == 7
    assert small.licences_expired == sum(1 for i in range(7) if 40 * i - 100 < 0)
    assert [line.days_left for line in small.licences] == sorted(40 * i - 100 for i in range(7))


def test_top_n_keeps_the_most_urgent(engine: Engine) -> None:
    _portfolio(engine)
    with session_scope(engine, actor="t") as s:
        full = portfolio_status(s, as_of=AS_OF, chunk=3, top=1000)
        top3 = portfolio_status(s, as_of=AS_OF, chunk=3, top=3)
    assert top3.obligations == full.obligations[:3]
    assert top3.late == full.late[:3]
    assert len(top3.licences) == 3
