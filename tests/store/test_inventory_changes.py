"""A change in the declared inventory of a licensed site is a change of website address or service
items (Order 292 art. 11): it records `service_change_planned`, and the 30-day rule asks for a date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from vats.checks.inventory import InventoryItem
from vats.model.licence import SiteKind
from vats.rules.engine import evaluate
from vats.store.checks import import_inventory
from vats.store.db import session_scope
from vats.store.events import list_events
from vats.store.licences import import_licence, load_domain_licences

NUMBER = "渝B2-20210467"


def _site(domain: str, features: tuple[str, ...] = ()) -> InventoryItem:
    return InventoryItem(SiteKind.WEBSITE, domain, domain=domain, features=features, licence=NUMBER)


def test_a_new_site_in_a_later_inventory_asks_for_the_30_day_filing(
    engine: Engine, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VATS_AS_OF", "2026-08-01")
    with session_scope(engine, actor="t") as s:
        import_licence(s, path=seed_path)
        import_inventory(s, items=[_site("a.example.cn")])  # the first declaration: no change
        assert not [e for e in list_events(s) if e.type == "service_change_planned"]
    with session_scope(engine, actor="t") as s:
        import_inventory(s, items=[_site("a.example.cn"), _site("b.example.cn")])
        planned = [e for e in list_events(s) if e.type == "service_change_planned"]
        assert [(e.licence, e.date, e.fields["change_kind"], e.fields["domain"]) for e in planned] == [
            (NUMBER, date(2026, 8, 1), "website_address", "b.example.cn")
        ]
        licences = load_domain_licences(s, numbers={NUMBER})
        obs = evaluate(licences, list_events(s), date(2026, 8, 1)).obligations
    (ob,) = [o for o in obs if o.rule_id == "change.icp_items_or_address"]
    assert ob.due_date is None and "effective_date" in (ob.conditional or "")
