"""Two tenants on one real server, for the tenancy matrices (API and web).

Organisation A is the one `vats.api.testing` creates (its officer, viewer and auditor are granted A
only). Organisation B gets the reference licence, one record of every register on it, an attachment,
an inventory item, a stored check result and a user of its own. The matrices aim A's users at B's
things and assert they get nothing and change nothing (`snapshot` before and after).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import LargeBinary, MetaData, func, select

from vats.api.testing import PASSWORD, Server

NUMBER_B = "渝B2-20210467"
NAME_B = "乙方数据科技有限公司"
USER_B = "viewer-of-b"
SAMPLE = {"date": "2026-10-09", "datetime-local": "2026-10-09T10:00", "number": "2"}
# Rows that change with every request whatever it does (sessions); everything else must stay put.
# web sessions change with every login; the obligation cache is derived from licences and events
# (no one's data of its own) and any page listing obligations brings it up to date first
VOLATILE_TABLES = {
    "web_sessions",
    "obligation_cache",
    "obligation_cache_state",
    "obligation_cache_meta",
    "obligation_cache_tally",
}


@dataclass
class World:
    server: Server
    org_a: int
    org_b: int
    records: dict[str, int] = field(default_factory=dict)  # plural -> id of B's record
    attachment: int = 0
    check_result: int = 0
    token_b: int = 0
    workpack: int = 0  # B's 2025 annual report workpack
    dossier: int = 0  # B's renewal (expired-licence) dossier
    dossier_file: int = 0  # a file attached to it
    document: bytes = b""
    copy_b: str = "VC-BBBB-BBBB"  # a purpose-bound copy of B's licence
    obligation_b: str = ""  # an open obligation of B's licence
    done_b: str = ""  # one of B's obligations completed with an evidence file
    evidence_b: int = 0
    waiver_b: int = 0  # a pending waiver request on `obligation_b`
    job_b: int = 0  # a failed background job of B's organisation that produced a file
    list_b: int = 0  # a regulator list imported by B (naming B, so it holds a finding)
    list_finding_b: int = 0
    counterparty_b: int = 0
    scan_token_b: str = ""  # a scan B's user uploaded, staged for review
    scan_file_b: int = 0  # a scan file kept with B's licence

    @property
    def markers(self) -> tuple[str, ...]:
        """Strings that appear only in B's data: none may reach a user of A."""
        return (NUMBER_B, NAME_B)


def body_model(plural: str, action: str | None = None) -> Any:
    """The input model of a register's create (or of one of its steps), from its spec."""
    from vats.registers import spec_for

    spec = spec_for(plural)
    if action is None:
        return spec.create
    step = spec.step(action.replace("-", "_"))  # URL segment ("follow-up") or action
    return step.body if step is not None else None


def sample_values(model: Any, *, licence: str) -> dict[str, str]:
    """Valid form values for every field of `model` (checkboxes left unticked)."""
    from vats.registers import specs
    from vats.web.registers import form_fields

    spec = next(s for s in specs() if model in (s.create, *(step.body for step in s.steps)))
    values: dict[str, str] = {}
    for f in form_fields(spec, model, "zh-CN") if model is not None else []:
        if f.name == "licence":
            values[f.name] = licence
        elif f.name == "year":
            values[f.name] = "2025"
        elif f.kind == "select":
            values[f.name] = f.options[0][0]
        elif f.kind in SAMPLE:
            values[f.name] = SAMPLE[f.kind]
        elif f.kind != "checkbox":
            values[f.name] = f"{f.name} 1"
    return values


def build(server: Server, seed_path: Path) -> World:
    """Create organisation B and its data through the admin API (and the store where no route is)."""
    from vats.api import accounts
    from vats.registers.states import registers
    from vats.store.checks import CheckResultRow, CheckRun, InventoryItemRow
    from vats.store.db import make_engine, session_scope

    document = seed_path.read_bytes()
    admin = server.client("admin")
    org_b = admin.post("/api/v1/organisations", json={"name": NAME_B}).json()["id"]
    org_a = next(o["id"] for o in admin.get("/api/v1/organisations").json()["items"] if o["id"] != org_b)
    imported = admin.post(
        "/api/v1/licences",
        files={"document": ("seed.txt", document, "text/plain")},
        data={"organisation_id": str(org_b)},
    )
    assert imported.status_code == 201, imported.text
    world = World(server=server, org_a=org_a, org_b=org_b, document=document)
    for info in registers():
        made = admin.post(
            f"/api/v1/{info.plural}", json=sample_values(body_model(info.plural), licence=NUMBER_B)
        )
        assert made.status_code == 201, (info.plural, made.text)
        world.records[info.plural] = made.json()["id"]
    attached = admin.post(
        f"/api/v1/filings/{world.records['filings']}/attachments",
        files={"file": ("回执.pdf", b"%PDF-1.4 receipt of B", "application/pdf")},
    )
    assert attached.status_code == 201, attached.text
    world.attachment = attached.json()["id"]
    _obligations(admin, world)
    opened = admin.post("/api/v1/workpacks", json={"licence": NUMBER_B, "year": 2025})
    assert opened.status_code == 200, opened.text
    world.workpack = opened.json()["id"]
    _watchlists(admin, world)
    dossier = admin.post("/api/v1/dossiers", json={"licence": NUMBER_B})
    assert dossier.status_code == 200, dossier.text
    world.dossier = dossier.json()["id"]
    item = dossier.json()["items"][0]["id"]
    kept = admin.post(
        f"/api/v1/dossiers/{world.dossier}/items/{item}/attachments",
        files={"file": ("停止公告.pdf", b"%PDF-1.4 notice of B", "application/pdf")},
    )
    assert kept.status_code == 201, kept.text
    world.dossier_file = kept.json()["id"]
    engine = make_engine(server.db_url)
    now = datetime.now(UTC)
    with session_scope(engine, actor="setup") as s:
        accounts.create_user(s, name=USER_B, role="viewer", password=PASSWORD)
        accounts.grant(s, name=USER_B, organisation_id=org_b)
        world.token_b = accounts.create_token(s, user=USER_B, name="b").id
        s.add(
            InventoryItemRow(
                organisation=NAME_B,
                kind="website",
                key="b.example.cn",
                name="乙方站点",
                domain="b.example.cn",
                features=[],
                licence=NUMBER_B,
                source="test",
                updated_at=now,
            )
        )
        run = CheckRun(
            started_at=now,
            finished_at=now,
            actor="setup",
            scope=NUMBER_B,
            options={},
            sites=1,
            sites_passed=1,
            sites_failed=0,
        )
        s.add(run)
        s.flush()
        result = CheckResultRow(
            run_id=run.id,
            licence=NUMBER_B,
            domain="b.example.cn",
            check_kind="homepage",
            outcome="pass",
            code="ok",
            message_zh=NAME_B,
            message_en=NAME_B,
            requested_url="https://b.example.cn/",
            elapsed_ms=1.0,
            body_bytes=0,
            truncated=False,
            checked_at=now,
            evidence={},
        )
        s.add(result)
        s.flush()
        world.check_result = result.id
        _copy_of_b(s, world)
        world.job_b = _job_of_b(s, world)
        _scans_of_b(s, world)
    engine.dispose()
    return world


def _scans_of_b(session: Any, world: World) -> None:
    """A staged scan of B's user and a scan page kept with B's licence (written by the store)."""
    from vats.store.models import LicenceRecord, LicenceRevision
    from vats.store.scans import PAGE, FileIn, attach_files, revision_files, stage_upload

    page = FileIn(PAGE, 1, f"{NAME_B}.jpg", "image/jpeg", NAME_B.encode(), 10, 10)
    staged = stage_upload(session, reading={}, files=[page], organisation_id=world.org_b, created_by=USER_B)
    world.scan_token_b = staged.token
    licence = session.scalar(select(LicenceRecord).where(LicenceRecord.number == NUMBER_B))
    revision = session.scalar(select(LicenceRevision).where(LicenceRevision.licence_id == licence.id))
    attach_files(session, revision_id=revision.id, organisation_id=world.org_b, files=[page])
    world.scan_file_b = revision_files(session, revision_id=revision.id)[0].id


def _copy_of_b(session: Any, world: World) -> None:
    """A registered copy of B's licence (written by the store: no key or rendering needed)."""
    from datetime import date

    from vats.store.copies import CopyRequest, record_copy
    from vats.store.models import LicenceRecord

    licence = session.scalar(select(LicenceRecord).where(LicenceRecord.number == NUMBER_B))
    record_copy(
        session,
        request=CopyRequest(NUMBER_B, "乙方的接收方", "上架审核使用", date(2026, 9, 30)),
        licence=licence,
        copy_id=world.copy_b,
        issued_on=date(2026, 3, 1),
        revision=1,
        source="rendering",
        source_sm3="0" * 64,
        output_sm3="0" * 64,
        kid="k",
        statement=f"{NAME_B} {NUMBER_B}",
        pdf=f"{NAME_B}".encode(),
    )


def _job_of_b(session: Any, world: World) -> int:
    """A failed report job of B's organisation that kept a file (retry and download are B's only)."""
    from vats.store import background

    request = background.JobRequest("report", "report:b", "admin", f"合规报告 {NAME_B}", world.org_b, {})
    job = background.submit(session, request).job
    job.state, job.error = background.FAILED, NAME_B
    job.output_name, job.output_type, job.output = "b.html", "text/html", NAME_B.encode()
    session.flush()
    return int(job.id)


def list_of_b() -> bytes:
    """A saved regulator list naming B's company and licence."""
    return f"经营者名称,许可证编号,列入事由\n{NAME_B},{NUMBER_B},未按时报送年报\n".encode()


def _watchlists(admin: Any, world: World) -> None:
    """B's counterparty, and a list imported for B whose row names B (so B has a list finding)."""
    made = admin.post(
        "/api/v1/counterparties",
        json={"organisation_id": world.org_b, "role": "supplier", "name": f"{NAME_B}的供应商"},
    )
    assert made.status_code == 201, made.text
    world.counterparty_b = made.json()["id"]
    imported = admin.post(
        "/api/v1/regulator-lists",
        data={"organisation_id": str(world.org_b), "kind": "bad"},
        files={"file": ("乙方名单.csv", list_of_b(), "text/csv")},
    )
    assert imported.status_code == 201, imported.text
    world.list_b = imported.json()["id"]
    world.list_finding_b = imported.json()["findings"][0]["id"]


def _obligations(admin: Any, world: World) -> None:
    """B's obligation workspace: one completion with evidence, one open duty with a pending waiver."""
    items = admin.get("/api/v1/obligations", params={"licence": NUMBER_B, "status": "overdue"}).json()[
        "items"
    ]
    done = next(i["id"] for i in items if i["rule_id"] == "licence.annual_report")
    completed = admin.post(
        f"/api/v1/obligations/{done}/completions",
        data={"done_on": "2026-03-20"},
        files={"files": ("乙方回执.pdf", b"%PDF-1.4 B", "application/pdf")},
    )
    assert completed.status_code == 201, completed.text
    world.done_b, world.evidence_b = done, completed.json()["evidence"][0]["id"]
    world.obligation_b = next(i["id"] for i in items if i["rule_id"] == "licence.renewal")
    waiver = admin.post(
        f"/api/v1/obligations/{world.obligation_b}/waivers",
        json={"reason": NAME_B, "expires_on": "2027-06-30"},
    )
    assert waiver.status_code == 201, waiver.text
    world.waiver_b = waiver.json()["id"]


def snapshot(world: World) -> dict[str, Any]:
    """Every row of every table (documents as their size) and the audit log's length."""
    from vats.store.db import make_engine

    engine = make_engine(world.server.db_url)
    meta = MetaData()
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        meta.reflect(conn)
        for name, table in sorted(meta.tables.items()):
            if name in VOLATILE_TABLES or name == "alembic_version":
                continue
            cols = [func.length(c) if isinstance(c.type, LargeBinary) else c for c in table.c]
            out[name] = sorted(map(repr, conn.execute(select(*cols)).all()))
        out["audit_log entries"] = conn.execute(
            select(func.count()).select_from(meta.tables["audit_log"])
        ).scalar()
    engine.dispose()
    return out


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def leaked(response: httpx.Response, world: World) -> list[str]:
    """B's markers found in a response (text bodies; binary reports are decoded leniently)."""
    text = response.content.decode("utf-8", errors="replace")
    return [m for m in world.markers if m in text]
