"""Application dossiers on both databases: automatic opening before the renewal window, the launch
proof per licensed service, the expired licence's stop list, a change dossier's two clocks, item
tracking with attachments, submission through the registers the obligations follow, and approval
importing the new revision with its difference."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import NUMBER, make_reference
from vats.model.errors import InputError, NotFoundError, RefusedError
from vats.model.licence import Site, SiteKind
from vats.registers.dossiers import service
from vats.registers.upload import Upload
from vats.store.scope import Scope as SessionScope
from vats.store.scope import bind

Scope = Callable[[], AbstractContextManager[Session]]
VALID = date(2026, 6, 1)  # before expiry (2026-10-20), after the dossier's opening day
EXPIRED = date(2026, 12, 3)


def _store(scope: Scope) -> None:
    """The reference licence with one website carrying B25 only and an app carrying B21."""
    from vats.store.licences import import_licence

    licence = dataclasses.replace(
        make_reference(),
        sites=(
            Site(SiteKind.WEBSITE, "卖车通", "maichetong.com.cn", services=("B25",)),
            Site(SiteKind.APP, "懂车帝", "dcarapi.com", services=("B21",)),
        ),
    )
    with scope() as s:
        import_licence(s, licence=licence)


def _check(scope: Scope, domain: str, when: datetime, status: int | None) -> int:
    from vats.store.checks import CheckResultRow, CheckRun

    with scope() as s:
        run = CheckRun(
            started_at=when, finished_at=when, actor="t", scope="all", options={}, sites=1,
            sites_passed=1, sites_failed=0,
        )  # fmt: skip
        s.add(run)
        s.flush()
        row = CheckResultRow(
            run_id=run.id, licence=NUMBER, domain=domain, check_kind="homepage", outcome="pass",
            code="ok", message_zh="", message_en="", requested_url=f"https://{domain}/",
            final_url=None, status_code=status, elapsed_ms=1.0, body_sm3=None, body_bytes=0,
            truncated=False, snippet=None, snippet_start=None, in_footer=None, link=None,
            checked_at=when, evidence={},
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


@pytest.fixture
def stored(scope: Scope) -> str:
    _store(scope)
    return NUMBER


def test_renewal_opens_by_itself_once_and_only_after_its_opening_day(scope: Scope, stored: str) -> None:
    with scope() as s:
        assert service.open_due(s, today=date(2026, 1, 1)) == []
        created = service.open_due(s, today=VALID)
        assert [(d.licence, d.kind) for d in created] == [(NUMBER, "renewal")]
        assert service.open_due(s, today=VALID) == []  # already there: not a second one
        again = service.open_renewal(s, licence=NUMBER, today=VALID)
        assert again.id == created[0].id
    with scope() as s:
        view = service.view_dossier(s, dossier_id=again.id, today=VALID)
    assert view.renewal_deadline is not None and view.renewal_deadline < date(2026, 7, 23)
    assert view.rows[0].item.id == "application_form"
    assert view.progress_label == f"已备齐 0 / {len(view.rows)} 项"
    assert view.lead is not None and "90 天" in view.lead and "未经官方确认" in view.lead


def test_the_lead_days_setting_moves_the_opening_day(
    scope: Scope, stored: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VATS_DOSSIER_LEAD_DAYS", "10")
    with scope() as s:
        assert service.open_due(s, today=VALID) == []  # the deadline is more than 10 days away
    monkeypatch.setenv("VATS_DOSSIER_LEAD_DAYS", "ninety")
    with pytest.raises(InputError) as bad, scope() as s:
        service.open_due(s, today=VALID)
    assert bad.value.field == "VATS_DOSSIER_LEAD_DAYS"


def test_launch_proof_names_each_service_without_proof(scope: Scope, stored: str) -> None:
    _check(scope, "maichetong.com.cn", datetime(2026, 5, 25, 2, tzinfo=UTC), 200)
    _check(scope, "maichetong.com.cn", datetime(2025, 5, 25, 2, tzinfo=UTC), 200)  # before the period
    with scope() as s:
        d = service.open_renewal(s, licence=NUMBER, today=VALID)
        proof = service.view_dossier(s, dossier_id=d.id, today=VALID).proof
    assert proof is not None
    by_code = {p.code: p for p in proof.services}
    assert by_code["B25"].proven and len(by_code["B25"].seen) == 1
    assert by_code["B25"].seen[0].when == "2026-05-25 10:00"
    assert not by_code["B21"].proven
    findings = proof.findings(NUMBER)
    assert [(f.id, f.subject, f.message_zh) for f in findings] == [
        ("dossier.service_apps_only", "service:B21", by_code["B21"].finding)
    ]
    assert findings[0].sources[0].article == "第二十七条" and findings[0].evidence[0].value == "dcarapi.com"
    assert "只有应用" in (by_code["B21"].finding or "")


def test_an_unreachable_site_is_not_proof(scope: Scope, stored: str) -> None:
    _check(scope, "maichetong.com.cn", datetime(2026, 5, 25, 2, tzinfo=UTC), 503)
    with scope() as s:
        d = service.open_renewal(s, licence=NUMBER, today=VALID)
        proof = service.view_dossier(s, dossier_id=d.id, today=VALID).proof
    assert proof is not None and not proof.services[0].proven
    assert "没有一次首页检查成功访问" in (proof.services[0].finding or "")


def test_expired_licence_gets_the_stop_path_with_its_sites(scope: Scope, stored: str) -> None:
    seen = _check(scope, "maichetong.com.cn", datetime(2026, 11, 30, 2, tzinfo=UTC), 200)
    with scope() as s:
        d = service.open_renewal(s, licence=NUMBER, today=EXPIRED)
        view = service.view_dossier(s, dossier_id=d.id, today=EXPIRED)
    assert d.kind == "expired" and view.proof is None and view.stops is not None
    assert view.stops.expired_on == date(2026, 10, 20)
    items = {i.declared.name: i for i in view.stops.items}
    assert items["卖车通"].last_seen is not None and items["卖车通"].last_seen.result_id == seen
    assert items["懂车帝"].last_seen is None
    assert [s.article for s in view.stops.sources] == ["第二十七条", "第四条"]
    assert view.rows[0].item.id == "stop_services"


def _ready(s: Session, dossier_id: int, rows: list[str]) -> None:
    for item in rows:
        service.attach(s, dossier_id=dossier_id, item=item, filename=f"{item}.pdf", content=b"%PDF-1.4 x")
        service.update_item(s, dossier_id=dossier_id, item=item, status="ready", owner="王五")


def test_items_need_a_file_to_be_ready_and_a_reason_to_be_not_applicable(scope: Scope, stored: str) -> None:
    with scope() as s:
        d = service.open_renewal(s, licence=NUMBER, today=VALID)
        with pytest.raises(InputError) as no_file:
            service.update_item(s, dossier_id=d.id, item="business_licence", status="ready")
        assert no_file.value.field == "status"
        with pytest.raises(InputError) as no_reason:
            service.update_item(s, dossier_id=d.id, item="business_licence", status="na")
        assert no_reason.value.field == "note"
        with pytest.raises(InputError) as unknown:
            service.update_item(s, dossier_id=d.id, item="nope", owner="x")
        assert unknown.value.field == "item"
        a = service.attach(
            s, dossier_id=d.id, item="business_licence", filename="执照.pdf", content=b"%PDF-1"
        )
        assert len(a.sm3) == 64 and a.size == 6
        service.update_item(s, dossier_id=d.id, item="business_licence", status="ready", owner="张三")
        with pytest.raises(InputError) as empty:
            service.attach(s, dossier_id=d.id, item="business_licence", filename="a.pdf", content=b"")
        assert empty.value.field == "content"


def test_attachments_over_the_cap_are_refused(
    scope: Scope, stored: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VATS_ATTACHMENT_MAX_BYTES", "10")
    with scope() as s:
        d = service.open_renewal(s, licence=NUMBER, today=VALID)
        with pytest.raises(RefusedError) as big:
            service.attach(s, dossier_id=d.id, item="business_licence", filename="a.pdf", content=b"x" * 11)
    assert big.value.field == "content"
    monkeypatch.setattr(service, "MAX_TOTAL_BYTES", 15)
    with scope() as s:
        service.attach(s, dossier_id=d.id, item="business_licence", filename="a.pdf", content=b"x" * 8)
        with pytest.raises(RefusedError) as total:
            service.attach(s, dossier_id=d.id, item="business_licence", filename="b.pdf", content=b"x" * 8)
    assert total.value.field == "content" and "合计" in total.value.message


def test_renewal_submission_is_the_renewal_filing_and_its_event(scope: Scope, stored: str) -> None:
    from vats.registers.filings.models import Filing
    from vats.store.models import EventRow

    with scope() as s:
        d = service.open_renewal(s, licence=NUMBER, today=VALID)
        with pytest.raises(InputError) as missing:
            service.submit(s, dossier_id=d.id, submitted_at=VALID, today=VALID)
        assert missing.value.field == "application_form"
        _ready(s, d.id, list(d.items))
        service.submit(s, dossier_id=d.id, submitted_at=VALID, receipt_no="R-1", today=VALID)
    with scope() as s:
        filing = s.scalars(select(Filing).where(Filing.kind == "renewal")).one()
        assert filing.status == "submitted" and filing.receipt_no == "R-1"
        event = s.scalars(select(EventRow).where(EventRow.type == "renewal_applied")).one()
        assert event.date == VALID and event.licence == NUMBER
        with pytest.raises(RefusedError):
            service.update_item(s, dossier_id=d.id, item="application_form", owner="x")
        assert service.get_dossier(s, dossier_id=d.id).filing_id == filing.id


def test_a_renewal_dossier_may_report_not_continuing_instead(scope: Scope, stored: str) -> None:
    from vats.registers.filings.models import Filing
    from vats.store.models import EventRow

    with scope() as s:
        d = service.open_renewal(s, licence=NUMBER, today=VALID)
        _ready(s, d.id, list(d.items))
        service.submit(s, dossier_id=d.id, submitted_at=VALID, not_continuing=True, today=VALID)
    with scope() as s:
        assert s.scalars(select(Filing.kind)).all() == ["not_continuing"]
        assert s.scalars(select(EventRow.type).where(EventRow.type == "not_continuing_reported")).one()


def test_change_dossier_shows_both_clocks_and_files_the_change(scope: Scope, stored: str) -> None:
    from vats.registers.changes import service as changes

    with scope() as s:
        change = changes.add_change(
            s, licence=NUMBER, kind="merger", decided_at=date(2026, 11, 1),
            effective_at=date(2027, 1, 15), today=date(2026, 11, 29),
        )  # fmt: skip
        d = service.open_change(s, change_id=change.id, today=date(2026, 11, 29))
        view = service.view_dossier(s, dossier_id=d.id, today=date(2026, 11, 29))
        assert d.family == "entity" and "registration_notice" not in d.items
        assert view.clocks is not None and view.clocks.conflict
        assert (
            view.clocks.binding is not None and view.clocks.binding.rule_id == "change.entity.before_effect"
        )
        assert {c.due for c in view.clocks.clocks} == {date(2026, 12, 1), date(2026, 10, 16)}
        _ready(s, d.id, list(d.items))
        service.submit(s, dossier_id=d.id, submitted_at=date(2026, 11, 29), today=date(2026, 11, 29))
        assert changes.get_change(s, change_id=change.id).status == "filed"


def test_approval_imports_the_new_revision_and_keeps_the_diff(
    scope: Scope, stored: str, seed_path: Path
) -> None:
    from vats.registers.changes import service as changes

    today = date(2026, 11, 29)
    with scope() as s:
        change = changes.add_change(
            s, licence=NUMBER, kind="name", registered_at=date(2026, 11, 1), today=today
        )
        d = service.open_change(s, change_id=change.id, today=today)
        with pytest.raises(RefusedError):
            service.approve(
                s, dossier_id=d.id, approved_at=today, document=Upload("a.txt", b"x"), today=today
            )
        _ready(s, d.id, list(d.items))
        service.submit(s, dossier_id=d.id, submitted_at=today, today=today)
        another = seed_path.read_bytes().replace("渝B2-20210467".encode(), "渝B2-20210468".encode())
        with pytest.raises(InputError) as other:
            service.approve(
                s, dossier_id=d.id, approved_at=today, today=today, document=Upload("x.txt", another)
            )
        assert other.value.field == "document"
        with pytest.raises(InputError) as garbage:
            service.approve(
                s, dossier_id=d.id, approved_at=today, document=Upload("x.bin", b"\x00\x01"), today=today
            )
        assert garbage.value.field == "document"
        service.approve(
            s,
            dossier_id=d.id,
            approved_at=today,
            document=Upload("new.txt", seed_path.read_bytes()),
            today=today,
        )
    with scope() as s:
        done = service.get_dossier(s, dossier_id=d.id)
        assert done.status == "approved" and (done.revision_before, done.revision_after) == (1, 2)
        assert done.diff is not None and done.diff["number"] == NUMBER
        assert "巨懂车 (autoengine.com)" in done.diff["sites_added"]


def test_another_organisations_dossier_looks_missing(scope: Scope, stored: str) -> None:
    with scope() as s:
        d = service.open_renewal(s, licence=NUMBER, today=VALID)
        a = service.attach(s, dossier_id=d.id, item="business_licence", filename="a.pdf", content=b"%PDF")
    with scope() as s:
        bind(s, SessionScope.of("tester", {-1}))
        with pytest.raises(NotFoundError):
            service.view_dossier(s, dossier_id=d.id, today=VALID)
        with pytest.raises(NotFoundError):
            service.get_attachment(s, dossier_id=d.id, attachment_id=a.id)
        with pytest.raises(NotFoundError):
            service.open_renewal(s, licence=NUMBER, today=VALID)
        assert service.list_dossiers(s) == []
        assert service.open_due(s, today=VALID) == []
