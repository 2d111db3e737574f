"""Reports of stored licences: one client's licences only, their recorded events, unknown numbers named."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from vats.model.errors import NotFoundError
from vats.model.obligations import Event
from vats.report.stored import stored_audits
from vats.rules.audit import audit_licence
from vats.store.db import make_engine, session_scope, upgrade
from vats.store.events import record_event
from vats.store.licences import import_licence
from vats.store.organisations import add_organisation

AS_OF = date(2026, 11, 28)


@pytest.fixture
def clients(db_url: str) -> tuple[Engine, int, list[str], list[str]]:
    from vats.ingest.render import synthetic_licence

    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine, actor="t") as s:
        a = add_organisation(s, name="客户甲").id
        b = add_organisation(s, name="客户乙").id
        mine = [import_licence(s, licence=synthetic_licence(i), organisation_id=a).number for i in (5, 1)]
        theirs = [import_licence(s, licence=synthetic_licence(i), organisation_id=b).number for i in (2,)]
        record_event(
            s, event=Event("illegal_info_disposed", date(2026, 9, 28), mine[0], fields={"subject": "case:1"})
        )
    yield engine, a, mine, theirs
    engine.dispose()


def test_one_clients_licences_with_their_recorded_events(
    clients: tuple[Engine, int, list[str], list[str]],
) -> None:
    engine, a, mine, _theirs = clients
    with session_scope(engine, actor="t") as s:
        audits = stored_audits(s, as_of=AS_OF, organisation_id=a)
    assert [x.licence.number for x in audits] == sorted(mine)
    disposal = [o for x in audits for o in x.obligations if o.rule_id == "illegal_info.report"]
    assert [o.due_date for o in disposal] == [date(2026, 10, 16)] and disposal[0].licence == mine[0]
    first = next(x for x in audits if x.licence.number == mine[0])
    recorded = [
        Event("illegal_info_disposed", date(2026, 9, 28), mine[0], id="event:1", fields={"subject": "case:1"})
    ]
    assert [f.id for f in first.findings] == [
        f.id for f in audit_licence(first.licence, as_of=AS_OF, events=recorded)
    ]


def test_numbers_asked_for_must_be_stored(clients: tuple[Engine, int, list[str], list[str]]) -> None:
    engine, _a, mine, theirs = clients
    with session_scope(engine, actor="t") as s:
        assert [x.licence.number for x in stored_audits(s, as_of=AS_OF, numbers=[theirs[0]])] == theirs
        with pytest.raises(NotFoundError, match="京B2-20990001"):
            stored_audits(s, as_of=AS_OF, numbers=[mine[0], "京B2-20990001"])
