"""Sheet import against real databases: provenance, organisations, scope, nothing half-written,
obligations at once, the round trip through the export, and the document arriving later."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from vats.ingest.sheet import SheetLimits
from vats.model.errors import InputError, NotFoundError
from vats.model.licence import SHEET_ROW_MEDIA_TYPE
from vats.model.uscc import check_char
from vats.store.checks import InventoryItemRow
from vats.store.db import make_engine, session_scope, upgrade
from vats.store.licences import import_licence, load_domain_licences, revision, revisions
from vats.store.models import Actor, LicenceRecord, Organisation
from vats.store.scope import Scope, bind
from vats.store.sheet import import_sheet, preview_sheet, sheet_row

HEADER = [
    "公司名称",
    "统一社会信用代码",
    "许可证编号",
    "业务种类",
    "覆盖范围",
    "发证日期",
    "有效期至",
    "网站/APP",
    "负责人",
]
CQ = "91500103MA5U6Y7RX" + check_char("91500103MA5U6Y7RX")
BJ = "91110108MA01ABCDX" + check_char("91110108MA01ABCDX")
SERVICES = "B25 信息服务业务(仅限互联网信息服务)不含信息搜索查询服务、信息即时交互服务。"
ROWS = [
    ["重庆万象优车科技有限公司", CQ, "渝B2-20210467", SERVICES, "", "2026/5/20", "2026-12-31",
     "卖车通(maichetong.com.cn)", "ALICE@example.com"],
    ["北京甲科技有限公司", BJ, "京B2-20200001", "B25", "", "46162", "2031.05.19", "jia.cn", "bob"],
    ["坏行公司", "", "京ICP备11041704号-15", "B25", "", "2020-01-01", "2025-01-01", "", ""],
]  # fmt: skip


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("gb18030")


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine, actor="t") as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_valid_rows_import_with_sheet_provenance_and_the_rest_is_reported(engine: Engine) -> None:
    with session_scope(engine, actor="t") as session:
        session.add(Actor(name="alice@example.com", kind="human", role="officer"))
    with session_scope(engine, actor="t") as session:
        summary = import_sheet(session, data=_csv(ROWS), name="台账.csv")
    assert (summary.rows, summary.valid_rows, summary.imported, summary.errors) == (3, 2, 2, 1)
    (error,) = [p for p in summary.problems if p.severity == "error"]
    assert (error.row, error.column) == (4, "许可证编号")
    with session_scope(engine, actor="t") as session:
        first = revision(session, "渝B2-20210467@1")
        assert first.media_type == SHEET_ROW_MEDIA_TYPE and first.source_name == "台账.csv#2"
        row = sheet_row(first.content)
        assert row["row"] == 2 and row["owner"] == "alice@example.com"
        assert row["values"]["number"] == "渝B2-20210467"
        orgs = {o.name: (o.uscc, o.region) for o in session.scalars(select(Organisation))}
        assert orgs == {"重庆万象优车科技有限公司": (CQ, "CQ"), "北京甲科技有限公司": (BJ, "BJ")}
        licences = {lic.number: lic for lic in load_domain_licences(session)}
        assert set(licences) == {"渝B2-20210467", "京B2-20200001"}
        assert all(lic.from_sheet for lic in licences.values())
        items = {
            (i.organisation, i.key, i.owner, i.licence) for i in session.scalars(select(InventoryItemRow))
        }
        assert items == {
            ("重庆万象优车科技有限公司", "maichetong.com.cn", "alice@example.com", "渝B2-20210467"),
            ("北京甲科技有限公司", "jia.cn", "bob", "京B2-20200001"),
        }


def test_obligations_are_derived_at_once(engine: Engine) -> None:
    from vats.store.obligation_cache import CachedObligation
    from vats.store.obligation_refresh import refresh_obligation_cache

    with session_scope(engine, actor="t") as session:
        import_sheet(session, data=_csv(ROWS[:2]), name="台账.csv")
    with session_scope(engine, actor="t") as session:
        assert refresh_obligation_cache(session, as_of=date(2026, 6, 1)) == 2
        assert session.scalar(select(func.count()).select_from(CachedObligation)) > 0


def test_preview_writes_nothing(engine: Engine) -> None:
    with session_scope(engine, actor="t") as session:
        summary = preview_sheet(session, data=_csv(ROWS), name="台账.csv")
    assert (summary.licences, summary.new_organisations) == (
        2,
        ["北京甲科技有限公司", "重庆万象优车科技有限公司"],
    )
    assert _count(engine, LicenceRecord) == 0 and _count(engine, Organisation) == 0


def test_a_refusal_while_streaming_leaves_nothing_behind(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vats.store.sheet.BATCH", 1)  # rows are written before the cap is reached
    rows = [[*ROWS[1][:2], f"京B2-2020000{i}", *ROWS[1][3:]] for i in range(1, 6)]
    with pytest.raises(InputError, match="行数超过上限"), session_scope(engine, actor="t") as session:
        import_sheet(session, data=_csv(rows), name="台账.csv", limits=SheetLimits(max_rows=3))
    assert _count(engine, LicenceRecord) == 0 and _count(engine, Organisation) == 0
    assert _count(engine, InventoryItemRow) == 0


def _two_tenants(engine: Engine) -> tuple[int, int]:
    with session_scope(engine, actor="t") as session:
        a = Organisation(name="北京甲科技有限公司", uscc=BJ)
        b = Organisation(name="乙公司")
        session.add_all([a, b])
        session.flush()
        row = ["乙公司", "", "B2-20230001", "B25", "全国", "", "2030-01-01", "", ""]
        import_sheet(session, data=_csv([row]), name="b.csv", organisation_id=b.id)
        return a.id, b.id


def test_numbers_of_another_tenant_and_unknown_organisations_are_refused_within_scope(engine: Engine) -> None:
    a, b = _two_tenants(engine)
    rows = [
        ROWS[1],  # matches organisation A by credit code
        ["北京甲科技有限公司", BJ, "B2-20230001", "B25", "全国", "", "2030-01-01", "", ""],  # B's number
        ["新公司", "", "京B2-20200002", "B25", "", "", "2030-01-01", "", ""],  # would need a new organisation
        ["乙公司", "", "京B2-20200003", "B25", "", "", "2030-01-01", "", ""],  # B's organisation by name
    ]
    with session_scope(engine, actor="officer") as session:
        bind(session, Scope.of("t", {a}))
        summary = import_sheet(session, data=_csv(rows), name="a.csv", can_create=False)
    messages = {p.row: p.message for p in summary.problems if p.severity == "error"}
    assert summary.imported == 1
    assert "already registered" in messages[3] and "乙" not in messages[3]
    assert "no organisation matches" in messages[4]
    assert messages[5] == messages[4]  # another tenant's organisation answers like a missing one
    with session_scope(engine, actor="t") as session:
        held = dict(session.execute(select(LicenceRecord.number, LicenceRecord.organisation_id)).all())
    assert held == {"京B2-20200001": a, "B2-20230001": b}


def test_a_foreign_organisation_cannot_be_chosen(engine: Engine) -> None:
    a, b = _two_tenants(engine)
    with pytest.raises(NotFoundError), session_scope(engine, actor="officer") as session:
        bind(session, Scope.of("t", {a}))
        import_sheet(session, data=_csv(ROWS[:1]), name="a.csv", organisation_id=b, can_create=False)


def test_round_trip_export_then_import_into_an_empty_database(
    db_url: str, new_database_like: Callable[[str], str], tmp_path: Path
) -> None:
    from vats.report.sheet import export_sheet

    first, second = make_engine(db_url), make_engine(new_database_like(db_url))
    try:
        upgrade(first)
        upgrade(second)
        extra = ["丙公司", "", "B1.B2-20190001", "B11 互联网数据中心业务\nB25", "北京市、上海市",
                 "2019-03-01", "2029-02-28", "丙云(APP:bing.cn)、丙站(bing.com)", ""]  # fmt: skip
        with session_scope(first, actor="t") as session:
            assert import_sheet(session, data=_csv([*ROWS[:2], extra]), name="台账.csv").imported == 3
            assert export_sheet(session, path=tmp_path / "out.xlsx") == 3
        data = (tmp_path / "out.xlsx").read_bytes()
        with session_scope(second, actor="t") as session:
            summary = import_sheet(session, data=data, name="out.xlsx")
        assert (summary.imported, summary.errors) == (3, 0)

        def portfolio(engine: Engine) -> tuple[object, ...]:
            with session_scope(engine, actor="t") as session:
                licences = sorted((lic.essentials() for lic in load_domain_licences(session)), key=str)
                orgs = sorted(session.execute(select(Organisation.name, Organisation.uscc)))
                owners = sorted(
                    sheet_row(r.content)["owner"] or ""
                    for number in ("渝B2-20210467", "京B2-20200001")
                    for r in [revision(session, f"{number}@1")]
                )
                return licences, orgs, owners

        assert portfolio(first) == portfolio(second)
    finally:
        first.dispose()
        second.dispose()


def test_the_document_uploaded_later_shows_where_the_sheet_differed(engine: Engine, seed_path: Path) -> None:
    from vats.store.diff import diff_licences

    with session_scope(engine, actor="t") as session:
        import_sheet(session, data=_csv(ROWS[:1]), name="台账.csv")
    with session_scope(engine, actor="t") as session:
        record = import_licence(session, path=seed_path)
        assert record.current_revision == 2
    with session_scope(engine, actor="t") as session:
        first, second = revisions(session, number="渝B2-20210467")
        diff = diff_licences(revision(session, str(first.id)).data, revision(session, str(second.id)).data)
        (licence,) = load_domain_licences(session)
    assert not licence.from_sheet
    assert ("expiry_date", "2026-12-31", "2026-10-20") in [(c.field, c.before, c.after) for c in diff.changes]
    assert diff.services_added  # the document lists B21, the sheet did not
    assert diff.sites_added


def test_long_sheets_spill_their_memory_of_rows_and_organisations_to_disk(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the in-memory threshold the duplicate checks and new organisations read back from disk:
    a company spread over several write batches is created once and holds every licence."""
    from vats.ingest.sheet import seen
    from vats.store import sheet

    monkeypatch.setattr(seen, "DEFAULT_MEMORY_ENTRIES", 2)
    monkeypatch.setattr(sheet, "BATCH", 2)
    rows = [
        ["重庆万象优车科技有限公司", CQ, f"渝B2-2021{n:04d}", "B25", "", "2026/5/20", "2030-12-31", "", ""]
        for n in range(1, 8)
    ]
    rows.append(list(rows[0]))  # a duplicate row, noticed after the spill
    rows.append(["北京甲科技有限公司", BJ, "渝B2-20210003", "B25", "", "2026/5/20", "2030-12-31", "", ""])
    with session_scope(engine, actor="t") as session:
        preview = preview_sheet(session, data=_csv(rows), name="长表.csv")
    assert (preview.new_organisation_count, preview.new_organisations) == (1, ["重庆万象优车科技有限公司"])
    errors = sorted(p.message for p in preview.problems if p.severity == "error")
    assert errors[0].startswith("与第 2 行重复") and "已见于第 4 行" in errors[1]
    with session_scope(engine, actor="t") as session:
        summary = import_sheet(session, data=_csv(rows), name="长表.csv")
    assert (summary.imported, summary.errors) == (7, 2)
    with session_scope(engine, actor="t") as session:
        (org,) = session.scalars(select(Organisation)).all()
        held = session.scalars(select(LicenceRecord.organisation_id)).all()
    assert org.uscc == CQ and held == [org.id] * 7
