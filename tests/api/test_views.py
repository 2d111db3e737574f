"""The cached portfolio read model: correct after every write, and incremental."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from vats.api import views
from vats.api.deps import Principal, Role

ADMIN = Principal(name="admin", role=Role.ADMIN)
AS_OF = date(2026, 11, 2)


def test_writes_invalidate_and_only_changed_licences_are_re_evaluated(db_url: str, seed_path: Path) -> None:
    import dataclasses

    from vats.ingest.render import synthetic_licence
    from vats.registers.cases import service
    from vats.registers.vocab import vocabulary
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.licences import import_licence

    engine = make_engine(db_url)
    upgrade(engine)
    other = dataclasses.replace(synthetic_licence(7), expiry_date=date(2030, 1, 1))
    with session_scope(engine, actor="t") as s:
        seed = import_licence(s, path=seed_path).number
        import_licence(s, licence=other)
    with session_scope(engine, actor="t") as s:
        first = views.portfolio(s, ADMIN, as_of=AS_OF)
        assert views.portfolio(s, ADMIN, as_of=AS_OF) is first  # no write: same object
    url = str(engine.url)
    before = dict(views._CACHE.entries[(url, AS_OF)])
    with session_scope(engine, actor="t") as s:
        case = service.add_case(
            s,
            licence=seed,
            site="maichetong.com.cn",
            content_ref="p1",
            category=vocabulary().terms("categories").codes()[0],
            discovered_at=date(2026, 10, 9),
            today=AS_OF,
        )
        service.dispose_case(
            s,
            case_id=case.id,
            disposed_at=date(2026, 10, 10),
            action=vocabulary().terms("disposal_actions").codes()[0],
            records_ref="box 1",
            today=AS_OF,
        )
    with session_scope(engine, actor="t") as s:
        second = views.portfolio(s, ADMIN, as_of=AS_OF)
    after = views._CACHE.entries[(url, AS_OF)]
    assert second is not first
    assert after[other.number] is before[other.number]  # untouched licence reused
    assert after[seed] is not before[seed]
    assert any(o.subject and o.subject.startswith("case:") for o in second.obligations)
    assert not any(o.subject and o.subject.startswith("case:") for o in first.obligations)
    outsider = Principal(name="o", role=Role.VIEWER, organisations=frozenset({999}))
    with session_scope(engine, actor="t") as s:
        assert views.portfolio(s, outsider, as_of=AS_OF).licences == ()
        numbers = views.dashboard(s, ADMIN, as_of=AS_OF)
    assert numbers.licences == 2 and numbers.expired == 1 and numbers.open_cases == 1
    assert [lic.number for lic in numbers.expired_licences] == [seed]
    engine.dispose()
