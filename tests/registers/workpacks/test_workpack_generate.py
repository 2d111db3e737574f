"""Generating a year's workpacks for the portfolio, on both databases: the same pre-filled values,
remaining count and problems as one workpack's page, each new row audited, no duplicates, and a
run after any change to a workpack's inputs giving what a fresh computation gives."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.registers.workpacks import service
from vats.registers.workpacks.generate import Generated, forget, generate_workpacks

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 3, 20)


def _complaint(s: Session, licence: str, ref: str, received: date, replied: date | None = None) -> None:
    from vats.registers.complaints import service as complaints

    c = complaints.add_complaint(
        s,
        licence=licence,
        received_at=received,
        channel="phone",
        topic="billing",
        complainant_ref=ref,
        today=TODAY,
    )
    if replied is not None:
        complaints.reply_complaint(s, complaint_id=c.id, replied_at=replied, today=TODAY)


def _site(s: Session, licence: str, *domains: str) -> None:
    from vats.checks.inventory import InventoryItem
    from vats.model.licence import SiteKind
    from vats.store.checks import import_inventory

    items = [
        InventoryItem(kind=SiteKind.WEBSITE, name=d, domain=d, owner="张三", licence=licence) for d in domains
    ]
    import_inventory(s, items=items, source="inventory.yaml")


def _matches_page(s: Session, generated: Generated) -> None:
    view = service.view_workpack(s, workpack_id=generated.workpack_id)
    assert (generated.remaining, generated.problems) == (view.remaining, view.problems)
    assert generated.blocking == len(view.blocking)


def test_generate_for_the_portfolio_matches_one_by_one(scope: Scope, licence: str) -> None:
    from vats.registers.workpacks.models import Workpack
    from vats.registers.workpacks.prefill import licence_facts, prefill_many
    from vats.store.auditlog import AuditEntry

    with scope() as s:
        _complaint(s, licence, "T-1", date(2025, 3, 1), date(2025, 3, 5))
        _complaint(s, licence, "T-2", date(2024, 6, 1))
        _site(s, licence, "shop.example.cn")
        generated = generate_workpacks(s, year=2025)
        assert [g.licence for g in generated] == [licence]
        bulk = prefill_many(s, licence_facts(s), year=2025, whole_portfolio=True)[licence]
        bulk_rows = {k: (v.value, v.source) for k, v in bulk.items()}
    with scope() as s:
        wid = service.find_workpack(s, licence=licence, year=2025).id
        view = service.view_workpack(s, workpack_id=wid)
        single = {r.slot.field.prefill: (r.value, r.source) for r in view.rows if r.prefilled is not None}
        _matches_page(s, generated[0])
        again = generate_workpacks(s, year=2025)
        assert [g.workpack_id for g in again] == [wid] == [generated[0].workpack_id]  # no duplicate
        logged = s.scalars(select(AuditEntry).where(AuditEntry.entity == "workpacks")).all()
        assert [(e.entity_id, e.action) for e in logged] == [(str(wid), "insert")]
        assert logged[0].after is not None and logged[0].after["licence"] == licence
        assert (logged[0].after["status"], logged[0].after["version"]) == ("draft", 1)
        # the same columns as the flush hook logs for a workpack added as a mapped object
        org = logged[0].after["organisation_id"]
        s.add(Workpack(licence=licence, organisation_id=org, status="draft", year=2024, values={}))
        s.flush()
        hooked = s.scalars(select(AuditEntry).where(AuditEntry.entity == "workpacks")).all()[-1]
        assert hooked.after is not None and set(hooked.after) == set(logged[0].after)
        assert {
            k: v for k, v in hooked.after.items() if k not in ("id", "year", "created_at", "updated_at")
        } == {k: v for k, v in logged[0].after.items() if k not in ("id", "year", "created_at", "updated_at")}
    assert {k: bulk_rows[k] for k in single} == single
    assert single["complaints.received"][0] == 1 and single["inventory.websites"][0] == 1
    assert generated[0].blocking > 0


def test_generating_again_follows_every_change_to_the_inputs(scope: Scope, licence: str) -> None:
    with scope() as s:
        _site(s, licence, "shop.example.cn")
        first = generate_workpacks(s, year=2025)[0]
    with scope() as s:
        assert generate_workpacks(s, year=2025) == [first]  # nothing changed: remembered
        forget()
        assert generate_workpacks(s, year=2025) == [first]  # and the same when worked out again
        # entered values: a box filled, a count that disagrees with the registers and the inventory
        values = {"staff": "40", "complaints_answered_in_time": "3", "sites_listed": "1"}
        service.fill_workpack(s, workpack_id=first.workpack_id, values=values)
    with scope() as s:
        filled = generate_workpacks(s, year=2025)[0]
        _matches_page(s, filled)
        assert filled.remaining == first.remaining - 1
        assert ("complaints_answered_in_time", "cross") in {(p.key, p.code) for p in filled.problems}
        assert "inventory" not in {p.code for p in filled.problems}
        _complaint(s, licence, "T-1", date(2025, 3, 1), date(2025, 3, 2))  # a register count
        _complaint(s, licence, "T-2", date(2025, 4, 1), date(2025, 4, 2))
        _complaint(s, licence, "T-3", date(2025, 5, 1), date(2025, 5, 2))
    with scope() as s:
        counted = generate_workpacks(s, year=2025)[0]
        _matches_page(s, counted)
        assert ("complaints_answered_in_time", "cross") not in {(p.key, p.code) for p in counted.problems}
        _site(s, licence, "shop.example.cn", "news.example.cn")  # the inventory
    with scope() as s:
        declared = generate_workpacks(s, year=2025)[0]
        _matches_page(s, declared)
        inventory = [p for p in declared.problems if p.code == "inventory"]
        assert len(inventory) == 1 and "news.example.cn" in inventory[0].message
