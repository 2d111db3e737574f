"""The shared pagination helper: totals agree with filters, pages are capped, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from vats.model.errors import InputError
from vats.store.db import make_engine, session_scope, upgrade
from vats.store.listing import MAX_PER_PAGE, Page, paginate
from vats.store.models import Organisation


def test_pages_and_totals_follow_the_filter(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine, actor="test") as session:
        for i in range(7):
            session.add(Organisation(name=f"公司{i:02d}" + ("甲" if i % 2 else "乙")))
        session.flush()
        stmt = select(Organisation).where(Organisation.name.like("%甲")).order_by(Organisation.name)
        first = paginate(session, stmt, page=Page(1, 2))
        second = paginate(session, stmt, page=Page(2, 2))
        beyond = paginate(session, stmt, page=Page(3, 2))
        assert first.total == second.total == beyond.total == 3
        assert [o.name for o in first] == ["公司01甲", "公司03甲"]
        assert [o.name for o in second] == ["公司05甲"]
        assert beyond.items == []
        rows = paginate(
            session, select(Organisation.name).order_by(Organisation.name), page=Page(1, 3), rows=True
        )
        assert rows.total == 7 and [r.name for r in rows] == ["公司00乙", "公司01甲", "公司02乙"]
    engine.dispose()


@pytest.mark.parametrize(("number", "per_page"), [(0, 10), (1, 0), (1, MAX_PER_PAGE + 1)])
def test_out_of_range_pages_are_input_errors(number: int, per_page: int) -> None:
    with pytest.raises(InputError):
        Page(number, per_page)


def test_slice_of_a_materialised_list() -> None:
    assert Page(2, 3).slice(list(range(10))) == [3, 4, 5]
    assert Page(2, 3).offset == 3
