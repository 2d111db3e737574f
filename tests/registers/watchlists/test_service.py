"""Stored regulator lists: an import keeps the source and entries, matches the organisation's company,
licences and counterparties, records one finding per hit with an owner, and a re-import of the same
list records nothing new. Other organisations' parties are never matched, nor are they reachable."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from vats.model.errors import InputError, NotFoundError
from vats.registers.watchlists import counterparties, service
from vats.registers.watchlists.models import ListFinding, RegulatorList, RegulatorListEntry
from vats.store.models import LicenceRecord, Organisation
from vats.store.scope import Scope, bind

USCC_SUPPLIER = "91110000MA0123456P"
USCC_OTHER = "91500000MA5U00000W"
HEADER = "企业名称,统一社会信用代码,许可证编号,处理日期,列入事由,列入单位"
LIST = "\n".join(
    [
        HEADER,
        "重庆万象优车科技股份有限公司,,,2025-05-10,未按时报送年报,重庆市通信管理局",  # the holding by name
        f"某某网络公司,{USCC_SUPPLIER},,2025-05-10,虚假材料,北京市通信管理局",  # the supplier by USCC
        "无关公司,,京B2-20990001,2025-05-10,违规,北京市通信管理局",  # nobody
        "乙方公司,,渝B2-20990009,2025-05-10,违规,重庆市通信管理局",  # B's licence: not A's business
    ]
).encode("gb18030")


@pytest.fixture
def orgs(scope, licence):  # type: ignore[no-untyped-def]
    """A = the organisation holding the reference licence (plus a supplier); B = another one."""
    with scope() as s:
        org_a = s.scalar(select(LicenceRecord.organisation_id).where(LicenceRecord.number == licence))
        org_b = Organisation(name="乙方公司")
        s.add(org_b)
        s.flush()
        s.add(LicenceRecord(number="渝B2-20990009", company="乙方公司", organisation_id=org_b.id, data={}))
        counterparties.add_counterparty(s, organisation_id=org_a, role="supplier", name="某某网络有限公司",
                                        uscc=USCC_SUPPLIER)  # fmt: skip
        return org_a, org_b.id


def test_import_matches_own_parties_once_and_keeps_the_source(scope, orgs) -> None:  # type: ignore[no-untyped-def]
    org_a, _org_b = orgs
    with scope() as s:
        done = service.import_list(
            s, organisation_id=org_a, kind="bad", data=LIST, filename="bad-2025.csv", actor="officer"
        )
        assert done.regulator_list.rows == 4 and done.hits == 2 and len(done.new_findings) == 2
        list_id = done.regulator_list.id
    with scope() as s:
        stored = s.get(RegulatorList, list_id)
        assert stored is not None
        assert (stored.kind, stored.source, stored.imported_by) == ("bad", "bad-2025.csv", "officer")
        assert stored.mapping["name"] == "企业名称" and len(stored.sm3) == 64 and stored.content == LIST
        assert s.scalar(select(func.count()).select_from(RegulatorListEntry)) == 4
        found = service.list_findings(s, organisation_id=org_a)
        assert {(f.party_kind, f.matched_by) for f in found} == {("holding", "name"), ("supplier", "uscc")}
        assert all(f.owner == "officer" and f.status == "open" for f in found)
        holding = next(f for f in found if f.party_kind == "holding")
        assert holding.severity == "critical" and "未按时报送年报" in holding.message_zh
        assert "bad-2025.csv" in holding.evidence and holding.line == 2
    with scope() as s:
        again = service.import_list(
            s, organisation_id=org_a, kind="bad", data=LIST, filename="bad-2025b.csv", actor="other"
        )
        assert again.hits == 2 and again.new_findings == () and again.known_findings == 2
        assert s.scalar(select(func.count()).select_from(ListFinding)) == 2
        # The same party on another kind of list is another finding.
        other = service.import_list(s, organisation_id=org_a, kind="dishonest", data=LIST, filename="d.csv",
                                    actor="officer", owner="合规专员")  # fmt: skip
        assert len(other.new_findings) == 2 and {f.owner for f in other.new_findings} == {"合规专员"}


def test_scope_hides_other_organisations(scope, orgs) -> None:  # type: ignore[no-untyped-def]
    org_a, org_b = orgs
    with scope() as s:
        service.import_list(s, organisation_id=org_b, kind="bad", data=LIST, filename="b.csv", actor="b")
    with scope() as s:
        bind(s, Scope.of("a", {org_a}))
        assert service.list_lists(s) == [] and service.list_findings(s) == []
        with pytest.raises(NotFoundError):
            service.import_list(s, organisation_id=org_b, kind="bad", data=LIST, filename="x.csv", actor="a")
        with pytest.raises(NotFoundError):
            counterparties.add_counterparty(s, organisation_id=org_b, role="customer", name="x")
    with scope() as s:
        b_list = s.scalars(select(RegulatorList)).one()
        b_found = list(s.scalars(select(ListFinding)))
        assert {(f.party_kind, f.licence) for f in b_found} == {
            ("holding", None),
            ("licence", "渝B2-20990009"),
        }
        b_finding = b_found[0]
    with scope() as s:
        bind(s, Scope.of("a", {org_a}))
        with pytest.raises(NotFoundError):
            service.get_list(s, list_id=b_list.id)
        with pytest.raises(NotFoundError):
            service.update_finding(s, finding_id=b_finding.id, status="closed")


def test_mapping_preview_and_bad_input(scope, orgs) -> None:  # type: ignore[no-untyped-def]
    org_a, _ = orgs
    preview = service.preview_list(data=LIST, filename="l.csv")
    assert preview.rows == 4 and preview.column_of("uscc") == "统一社会信用代码"
    assert preview.sample[0].name == "重庆万象优车科技股份有限公司"
    moved = service.preview_list(data=LIST, filename="l.csv", mapping={"name": "列入单位", "uscc": None})
    assert moved.sample[0].name == "重庆市通信管理局" and "uscc" not in moved.mapping
    with pytest.raises(InputError) as bad:
        service.preview_list(data=LIST, filename="l.csv", mapping={"name": "不存在"})
    assert bad.value.field == "mapping.name"
    with scope() as s, pytest.raises(InputError) as kind:
        service.import_list(s, organisation_id=org_a, kind="nope", data=LIST, filename="l.csv", actor="a")
    assert kind.value.field == "kind"
    with scope() as s:
        assert s.scalar(select(func.count()).select_from(RegulatorList)) == 0


def test_counterparty_csv_all_or_nothing(scope, orgs) -> None:  # type: ignore[no-untyped-def]
    org_a, _ = orgs
    good = f"角色,名称,统一社会信用代码,许可证编号\n应用商店,某应用市场,,\n客户,,{USCC_OTHER},\n".encode()
    with scope() as s:
        assert counterparties.import_counterparties(
            s, organisation_id=org_a, data=good, filename="c.csv"
        ) == (2, 0)
        assert counterparties.import_counterparties(
            s, organisation_id=org_a, data=good, filename="c.csv"
        ) == (0, 2)
    bad = "角色,名称,统一社会信用代码\n客户,甲,\n朋友,乙,\n客户,丙,12345\n".encode()
    with scope() as s, pytest.raises(InputError) as refused:
        counterparties.import_counterparties(s, organisation_id=org_a, data=bad, filename="c.csv")
    assert "第 3 行 role" in refused.value.message and "第 4 行 uscc" in refused.value.message
    with scope() as s:
        names = {c.name for c in counterparties.list_counterparties(s, organisation_id=org_a)}
        assert names == {"某某网络有限公司", "某应用市场", None}
