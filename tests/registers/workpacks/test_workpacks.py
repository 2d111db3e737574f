"""Annual report workpacks on both databases: pre-fill with sources from the registers and inventory,
the remaining count, validation, draft saves, submission through the filings register (the obligation's
event) and the read-only workpack afterwards."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.errors import InputError, NotFoundError, RefusedError
from vats.reference.annual_report import load_form
from vats.registers.upload import Upload
from vats.registers.workpacks import service
from vats.store.scope import Scope as SessionScope
from vats.store.scope import bind

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 3, 20)


def _history(s: Session, licence: str) -> None:
    """Register records in 2025 (counted) and 2024 (not), plus a declared site and app."""
    from vats.checks.inventory import InventoryItem
    from vats.model.licence import SiteKind
    from vats.registers.cases import service as cases
    from vats.registers.complaints import service as complaints
    from vats.store.checks import import_inventory

    c1 = complaints.add_complaint(
        s,
        licence=licence,
        received_at=date(2025, 3, 1),
        channel="phone",
        topic="billing",
        complainant_ref="T-1",
        today=TODAY,
    )
    complaints.reply_complaint(s, complaint_id=c1.id, replied_at=date(2025, 3, 5), today=TODAY)
    c2 = complaints.add_complaint(
        s,
        licence=licence,
        received_at=date(2025, 6, 1),
        channel="phone",
        topic="billing",
        complainant_ref="T-2",
        today=TODAY,
    )
    complaints.reply_complaint(s, complaint_id=c2.id, replied_at=date(2025, 8, 1), today=TODAY)
    complaints.add_complaint(
        s,
        licence=licence,
        received_at=date(2024, 6, 1),
        channel="phone",
        topic="billing",
        complainant_ref="T-3",
        today=TODAY,
    )
    case = cases.add_case(
        s,
        licence=licence,
        site="shop.example.cn",
        content_ref="post 9",
        category="rumours",
        discovered_at=date(2025, 5, 1),
        today=TODAY,
    )
    cases.dispose_case(
        s, case_id=case.id, disposed_at=date(2025, 5, 1), action="delete", records_ref="log-9", today=TODAY
    )
    import_inventory(
        s,
        items=[
            InventoryItem(
                kind=SiteKind.WEBSITE, name="商城", domain="shop.example.cn", owner="张三", licence=licence
            ),
            InventoryItem(kind=SiteKind.APP, name="优车APP", owner="李四", licence=licence),
        ],
        source="inventory.yaml",
    )


def test_prefill_carries_sources_and_counts_only_the_report_year(scope: Scope, licence: str) -> None:
    with scope() as s:
        _history(s, licence)
        wid = service.open_workpack(s, licence=licence, year=2025).id
    with scope() as s:
        view = service.view_workpack(s, workpack_id=wid, today=TODAY)
        rows = {r.slot.key: r for r in view.rows}
    assert rows["company"].value == "重庆万象优车科技有限公司"
    assert licence in rows["company"].source
    assert (rows["complaints_received"].value, rows["complaints_answered_in_time"].value) == (2, 1)
    assert "用户投诉登记簿" in rows["complaints_received"].source
    assert "2025" in rows["complaints_received"].source
    assert rows["disposal_cases"].value == 1
    assert (rows["sites_listed"].value, rows["apps_listed"].value) == (1, 1)
    assert "shop.example.cn" in rows["sites_listed"].source
    assert rows["owners"].value == "张三、李四"
    assert rows["revenue"].human_only and rows["revenue"].value is None
    # the 业务发展 table repeats for each licensed service
    assert "development.B25.launched" in rows and "development.B21.users" in rows
    human = [r for r in view.rows if r.human_only and r.slot.field.required]
    # per-service boxes beyond 开通 are needed only once a service is marked 开通
    needed = [r for r in human if not r.slot.service or r.slot.field.id == "launched"]
    # plus the USCC: vats could pre-fill it, but the organisation has none on file
    assert rows["uscc"].value is None and not rows["uscc"].human_only
    assert view.remaining == len(needed) + 1
    assert view.remaining_label == f"还需填写 {len(needed) + 1} 项"
    assert view.window.phase == "open" and view.window.due == date(2026, 3, 31)


def _complete(s: Session, wid: int, **extra: object) -> None:
    form = load_form(2025)
    values: dict[str, object] = {
        "pledge": form.pledge.text,
        "uscc": "91500112MA5UUUUU1X",
        "registered_capital": "1000",
        "address": "重庆市渝北区",
        "contact_name": "王五",
        "contact_phone": "023-12345678",
        "staff": "40",
        "service_commitment_published": "是",
        "revenue": "5,000,000",
        "cost": "3000000",
        "telecom_revenue": "2000000",
        "tax": "100000",
        "security_staff": "3",
        "security_officer": "赵六",
        "development.B25.launched": "开通",
        "development.B25.users": "12000",
        "development.B25.service_revenue": "2000000",
        "development.B21.launched": "未开通",
        "special_terms_complied": "true",
        "registered_users": "12000",
        "active_users": "3000",
        "internet_revenue": "2000000",
    }
    values.update(extra)
    service.fill_workpack(s, workpack_id=wid, values=values)


def test_fill_validates_types_and_cross_table_rules(scope: Scope, licence: str) -> None:
    with scope() as s:
        wid = service.open_workpack(s, licence=licence, year=2025).id
    with pytest.raises(InputError) as info, scope() as s:
        service.fill_workpack(s, workpack_id=wid, values={"staff": "四十"})
    assert info.value.field == "staff"
    with pytest.raises(InputError) as info, scope() as s:
        service.fill_workpack(s, workpack_id=wid, values={"no_such_box": "1"})
    assert info.value.field == "no_such_box"
    with pytest.raises(InputError) as info, scope() as s:
        service.fill_workpack(s, workpack_id=wid, values={"development.B25.launched": "maybe"})
    assert info.value.field == "development.B25.launched"
    with scope() as s:
        _complete(
            s,
            wid,
            active_users="99999",  # more active than registered
            apps_listed="3",  # the inventory holds none
            **{"development.B21.users": "10", "pledge": "本企业承诺"},
        )
    with scope() as s:
        view = service.view_workpack(s, workpack_id=wid, today=TODAY)
    codes = {(p.key, p.code) for p in view.blocking}
    assert ("active_users", "cross") in codes
    assert ("apps_listed", "inventory") in codes
    assert ("development.B21.users", "cross") in codes  # data for a service not marked 开通
    assert ("pledge", "pledge") in codes
    assert view.remaining == 0
    # a blank value clears the box and the pre-filled count comes back
    with scope() as s:
        service.fill_workpack(s, workpack_id=wid, values={"apps_listed": ""})
        rows = {r.slot.key: r for r in service.view_workpack(s, workpack_id=wid, today=TODAY).rows}
    assert rows["apps_listed"].value == 0 and not rows["apps_listed"].entered


def test_submission_satisfies_the_obligation_and_freezes(scope: Scope, licence: str) -> None:
    from vats.registers.filings.models import Filing
    from vats.store.models import EventRow

    with scope() as s:
        wid = service.open_workpack(s, licence=licence, year=2025).id
    with pytest.raises(InputError), scope() as s:  # incomplete: refused, nothing written
        service.submit_workpack(
            s,
            workpack_id=wid,
            submitted_at=date(2026, 3, 18),
            receipt=Upload("回执.png", b"png"),
            today=TODAY,
        )
    with scope() as s:
        assert s.scalars(select(Filing)).all() == []
        _complete(s, wid)
    assert _annual_report_status(scope, licence) != "satisfied"
    with scope() as s:
        wp = service.submit_workpack(
            s,
            workpack_id=wid,
            submitted_at=date(2026, 3, 18),
            receipt=Upload("回执.png", b"\x89PNG receipt"),
            receipt_no="NB-2025",
            today=TODAY,
        )
        filing = s.get(Filing, wp.filing_id)
        assert filing is not None and filing.status == "submitted"
        assert [a.filename for a in filing.attachments] == ["回执.png"]
        event = s.scalars(select(EventRow).where(EventRow.type == "annual_report_filed")).one()
    assert (event.licence, event.fields["year"], event.date) == (licence, 2025, date(2026, 3, 18))
    assert _annual_report_status(scope, licence) == "satisfied"
    with pytest.raises(RefusedError), scope() as s:
        service.fill_workpack(s, workpack_id=wid, values={"staff": "41"})
    with scope() as s:
        view = service.view_workpack(s, workpack_id=wid, today=date(2026, 6, 1))
        rows = {r.slot.key: r for r in view.rows}
    assert view.status_label == "已报送（只读）"
    assert rows["staff"].value == 40 and rows["company"].source.startswith("许可证")


def _annual_report_status(scope: Scope, licence: str) -> str:
    """The engine's answer for the 2025 report, from the stored licence and events."""
    from vats.rules.engine import evaluate
    from vats.store.events import events_of_licences
    from vats.store.licences import get_licence, load_domain_licences

    with scope() as s:
        lic = load_domain_licences(s, numbers=[licence])[0]
        record = get_licence(s, number=licence)
        assert record is not None
        events = events_of_licences(s, [(lic, record.organisation_id)])[0]
    found = [
        o
        for o in evaluate([lic], events, TODAY).obligations
        if o.rule_id == "licence.annual_report" and o.due_date == date(2026, 3, 31)
    ]
    assert len(found) == 1, found
    return found[0].status.value


def test_unknown_year_and_licence_are_refused_by_field(scope: Scope, licence: str) -> None:
    with pytest.raises(InputError) as info, scope() as s:
        service.open_workpack(s, licence=licence, year=1999)
    assert info.value.field == "year"
    with pytest.raises(NotFoundError) as missing, scope() as s:
        service.open_workpack(s, licence="京B2-20990001", year=2025)
    assert missing.value.field == "licence"


def test_other_organisations_workpack_looks_missing(scope: Scope, licence: str) -> None:
    with scope() as s:
        wid = service.open_workpack(s, licence=licence, year=2025).id
    with pytest.raises(NotFoundError), scope() as s:
        bind(s, SessionScope.of("t", {-1}))
        service.view_workpack(s, workpack_id=wid, today=TODAY)


def test_a_workpack_is_kept_for_its_retention_period(scope: Scope, licence: str) -> None:
    from vats.registers.workpacks.models import Workpack

    with scope() as s:
        wid = service.open_workpack(s, licence=licence, year=2025).id
    with pytest.raises(RefusedError, match="workpacks"), scope() as s:
        s.delete(s.get(Workpack, wid))
    with scope() as s:
        assert s.get(Workpack, wid) is not None
