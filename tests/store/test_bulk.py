"""Bulk licence import: same stored data as the one-by-one path, one audit entry per batch."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from store.helpers import make_licence
from vats.model.errors import ConflictError
from vats.model.serialise import to_jsonable
from vats.store.auditlog import list_entries, verify
from vats.store.bulk import BulkLicence, bulk_import_licences
from vats.store.db import session_scope
from vats.store.licences import load_domain_licences, revision


def test_bulk_rows_read_back_like_imported_ones(engine: Engine) -> None:
    licences = [make_licence(300 + i) for i in range(5)]
    items = [
        BulkLicence(data=to_jsonable(lic), content=f"doc {i}".encode(), source_name=f"{i}.txt")
        for i, lic in enumerate(licences)
    ]
    with session_scope(engine, actor="loader") as s:
        assert bulk_import_licences(s, items=items, batch=2) == 5
    with session_scope(engine, actor="t") as s:
        assert load_domain_licences(s) == licences
        rev = revision(s, f"{licences[3].number}@1")
        assert rev.content == b"doc 3" and rev.data == to_jsonable(licences[3])
        entries = list_entries(s, entity="licences")
        assert [e.action for e in entries] == ["bulk_insert"] * 3  # batches of 2, 2, 1
        assert sum(e.after["count"] for e in entries if e.after) == 5
        assert verify(s).ok


def test_existing_numbers_are_refused_and_nothing_is_written(engine: Engine) -> None:
    lic = make_licence(400)
    item = BulkLicence(data=to_jsonable(lic), content=b"x")
    with session_scope(engine, actor="t") as s:
        bulk_import_licences(s, items=[item])
    with pytest.raises(ConflictError, match=lic.number), session_scope(engine, actor="t") as s:
        bulk_import_licences(s, items=[BulkLicence(data=to_jsonable(make_licence(401)), content=b"y"), item])
    with session_scope(engine, actor="t") as s:
        assert [x.number for x in load_domain_licences(s)] == [lic.number]
