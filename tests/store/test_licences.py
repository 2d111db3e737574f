"""Licence import as revisions (original bytes + SM3 + parse), lookups, domain round trip, diffs."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from store.helpers import make_licence, service, site
from vats.model.errors import NotFoundError
from vats.model.obligations import Event
from vats.store.db import session_scope
from vats.store.diff import diff_licences, render_diff
from vats.store.events import list_events, record_event
from vats.store.licence_filters import LicenceFilters, licence_page
from vats.store.licences import (
    get_licence,
    import_licence,
    load_domain_licences,
    revision,
    revisions,
)
from vats.store.models import Organisation


def test_reference_licence_keeps_bytes_digest_and_parse(engine: Engine, seed_path: Path) -> None:
    raw = seed_path.read_bytes()
    with session_scope(engine, actor="officer") as s:
        record = import_licence(s, path=seed_path)
        number = record.number
    with session_scope(engine, actor="officer") as s:
        again = import_licence(s, path=seed_path)  # same bytes: no new revision
        assert again.current_revision == 1
        (_rev,) = revisions(s, number=number)
        full = revision(s, f"{number}@1")
        assert full.content == raw
        assert full.sm3 == hashlib.new("sm3", raw).hexdigest()
        assert full.data["number"] == number == "渝B2-20210467"
        org = s.get_one(Organisation, get_licence(s, number=number).organisation_id)  # type: ignore[union-attr]
        assert org.name == full.data["company"]
        (domain,) = load_domain_licences(s)
        assert domain.number == number and domain.sites


def test_new_document_adds_revision_and_diff_shows_changes(engine: Engine) -> None:
    first = make_licence(
        3,
        expiry_date=date(2027, 1, 1),
        sites=(site("a.example.cn"), site("b.example.cn")),
        services=(service("B25", excludes=("网络出版",)),),
    )
    second = dataclasses.replace(
        first,
        expiry_date=date(2032, 1, 1),
        sites=(site("a.example.cn"), site("c.example.cn")),
        services=(service("B25", coverage=("重庆市", "四川省")), service("B21")),
    )
    with session_scope(engine, actor="o") as s:
        import_licence(s, licence=first)
    with session_scope(engine, actor="o") as s:
        record = import_licence(s, licence=second)
        assert record.current_revision == 2
        assert record.expiry_date == date(2032, 1, 1)
        d = diff_licences(revision(s, f"{first.number}@1").data, revision(s, f"{first.number}@2").data)
        rev_ids = [r.id for r in revisions(s, number=first.number)]
        assert revision(s, str(rev_ids[0])).revision == 1
        assert load_domain_licences(s) == [second]
    assert [c.field for c in d.changes] == ["expiry_date"]
    assert d.sites_added == ["c.example.cn (c.example.cn)"]
    assert d.sites_removed == ["b.example.cn (b.example.cn)"]
    assert d.services_added == ["B21 信息服务业务"]
    assert {c.field for c in d.scope_changes} == {"B25.coverage", "B25.excludes"}
    text = render_diff(d, a_label="@1", b_label="@2")
    assert "+ 网站 / site c.example.cn" in text and "B25.excludes: 网络出版 -> —" in text
    assert diff_licences(revision_data(first), revision_data(first)).empty


def revision_data(lic):  # type: ignore[no-untyped-def]
    from vats.model.serialise import to_jsonable

    return to_jsonable(lic)


def test_lookups_and_missing_revisions(engine: Engine) -> None:
    lic = make_licence(5)
    with session_scope(engine, actor="o") as s:
        import_licence(s, licence=lic)
        assert get_licence(s, number="nope") is None
        listed = licence_page(s, filters=LicenceFilters(), as_of=date(2026, 1, 1), page=None)
        assert [r.number for r in listed] == [lic.number]
        with pytest.raises(NotFoundError):
            revision(s, f"{lic.number}@9")
        with pytest.raises(NotFoundError):
            revision(s, "99999")


def test_events_round_trip_and_licence_filter(engine: Engine) -> None:
    a, b = make_licence(7), make_licence(8)
    with session_scope(engine, actor="o") as s:
        import_licence(s, licence=a)
        import_licence(s, licence=b)
        record_event(
            s,
            event=Event(
                type="illegal_info_disposed",
                date=date(2026, 9, 28),
                licence=a.number,
                fields={"subject": "case:1", "n": 2},
            ),
        )
        record_event(
            s,
            event=Event(
                type="annual_report_filed",
                date=date(2026, 3, 1),
                licence=b.number,
                id="ext-1",
                fields={"year": 2025},
            ),
        )
    with session_scope(engine, actor="o") as s:
        (ev,) = list_events(s, licence=a.number)
        assert (ev.type, ev.date, ev.licence, dict(ev.fields)) == (
            "illegal_info_disposed",
            date(2026, 9, 28),
            a.number,
            {"subject": "case:1", "n": 2},
        )
        assert [e.id for e in list_events(s)] == ["ext-1", ev.id]
        from vats.store.models import EventRow

        row = s.scalars(select(EventRow).where(EventRow.subject == "case:1")).one()
        assert (row.source_register, row.source_record) == ("case", "1")
