"""Annual report workpacks for an agency portfolio: generation with pre-fill against the register
counts alone, and one export.

    .venv/bin/python -m benchmarks.bench_workpack [--licences 1000] [--db sqlite|postgresql]

A migrated database holds N synthetic licences (ingest's generator, bulk-loaded) and, per licence,
register records for the report year and the year before (complaints, disposal cases, incidents,
assessments, corporate changes) plus two inventory items. Times are wall clock, best of 3, and in
brackets this process's CPU time (the machine is shared). Reported:
  counts    — the baseline, measured in the same run: the register count queries the pre-fill needs,
              grouped per licence for the report year (one per register, inventory rows), nothing else;
  generate  — `registers.workpacks.generate.generate_workpacks` for every licence, each workpack's
              pre-filled values, remaining count and problems worked out (target ≤ 3× counts):
              first, cold — the first run in this process (creates and audits the N workpack rows;
                  also pays imports, the form file and the rules library, once per process);
              first, warm — the same on a second, identical database after the process is warm;
              again — the rows exist and nothing changed, in the same process (outcomes remembered);
              again, new process — the same with the remembered outcomes dropped first;
  export    — one workpack as XLSX and as PDF (target ≤ 2 s each). For PDF the server's start-up
              warm-up (`vats.report.warmup.warm_pdf`: import WeasyPrint, render one CJK line) is
              timed first, then the first workpack export after it, then another; a process without
              the warm-up (the CLI) pays roughly the sum of the first two.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from benchmarks.bench_sheet import database, licences

YEAR = 2025
TODAY = date(2026, 3, 20)


def populate(url: str, n: int) -> None:
    from sqlalchemy import insert

    from vats.model.serialise import to_jsonable
    from vats.registers.assessments.models import Assessment
    from vats.registers.cases.models import DisposalCase
    from vats.registers.changes.models import CorporateChange
    from vats.registers.complaints.models import Complaint
    from vats.registers.incidents.models import Incident
    from vats.store.bulk import BulkLicence, bulk_import_licences
    from vats.store.checks import InventoryItemRow
    from vats.store.db import make_engine, session_scope

    items = licences(n)
    engine = make_engine(url)
    now = datetime.now(UTC)
    with session_scope(engine, actor="bench") as s:
        bulk_import_licences(
            s, items=[BulkLicence(to_jsonable(x), b"-", f"doc{i}", None) for i, x in enumerate(items)]
        )
        common = {"status": "open", "created_at": now, "updated_at": now, "version": 1}
        complaints, cases, incidents, assessments, changes, inventory = [], [], [], [], [], []
        for i, x in enumerate(items):
            n_ = x.number
            for year in (YEAR - 1, YEAR):
                for k in range(3):
                    got = date(year, 1 + (i + k) % 12, 1 + k)
                    complaints.append(
                        {**common, "licence": n_, "received_at": got, "channel": "phone", "topic": "billing",
                         "complainant_ref": f"T{i}-{k}", "replied_at": got if k else None}
                    )  # fmt: skip
                cases.append(
                    {**common, "licence": n_, "site": "x.example.cn", "content_ref": "p",
                     "category": "rumours", "discovered_at": date(year, 5, 1),
                     "disposed_at": date(year, 5, 2), "action": "delete",
                     "records_kept": False, "reported_at": date(year, 5, 3) if i % 2 else None}
                )  # fmt: skip
                incidents.append(
                    {**common, "licence": n_, "kind": "outage", "severity": "minor", "title": "t",
                     "started_at": datetime(year, 6, 1, tzinfo=UTC), "follow_ups": []}
                )  # fmt: skip
                assessments.append(
                    {**common, "licence": n_, "kind": "new_service", "scope": "s",
                     "completed_at": date(year, 7, 1)}
                )  # fmt: skip
                changes.append({**common, "licence": n_, "kind": "name", "filed_at": date(year, 8, 1)})
            for kind, key in (("website", f"s{i}.example.cn"), ("app", f"app{i}")):
                inventory.append(
                    {"organisation": "", "kind": kind, "key": key, "name": key,
                     "domain": key if kind == "website" else None, "owner": "张三", "features": [],
                     "licence": n_, "source": "inv.yaml",
                     "updated_at": now, "version": 1}
                )  # fmt: skip
        for model, rows in (
            (Complaint, complaints),
            (DisposalCase, cases),
            (Incident, incidents),
            (Assessment, assessments),
            (CorporateChange, changes),
            (InventoryItemRow, inventory),
        ):
            s.execute(insert(model), rows)
    engine.dispose()


def counts(session: Any) -> int:
    """The baseline: the register counts the pre-fill needs, grouped per licence, for the year."""
    from sqlalchemy import func, select

    from vats.registers.assessments.models import Assessment
    from vats.registers.cases.models import DisposalCase
    from vats.registers.changes.models import CorporateChange
    from vats.registers.complaints.models import Complaint
    from vats.registers.incidents.models import Incident
    from vats.store.checks import CheckResultRow, InventoryItemRow

    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    start, end = datetime(YEAR, 1, 1, tzinfo=UTC), datetime(YEAR + 1, 1, 1, tzinfo=UTC)
    queries = [
        select(Complaint.licence, Complaint.received_at, Complaint.replied_at).where(
            Complaint.received_at.between(first, last)
        ),
        select(DisposalCase.licence, func.count(), func.count(DisposalCase.reported_at))
        .where(DisposalCase.disposed_at.between(first, last))
        .group_by(DisposalCase.licence),
        select(Incident.licence, func.count(), func.count(Incident.reported_at))
        .where(Incident.started_at >= start, Incident.started_at < end)
        .group_by(Incident.licence),
        select(Assessment.licence, func.count())
        .where(Assessment.completed_at.between(first, last))
        .group_by(Assessment.licence),
        select(CorporateChange.licence, func.count())
        .where(CorporateChange.filed_at.between(first, last))
        .group_by(CorporateChange.licence),
        select(CheckResultRow.licence, func.count())
        .where(CheckResultRow.checked_at >= start, CheckResultRow.checked_at < end)
        .group_by(CheckResultRow.licence),
        select(InventoryItemRow.licence, InventoryItemRow.kind, InventoryItemRow.key),
    ]
    return sum(len(session.execute(q).all()) for q in queries)


def generate(session: Any) -> int:
    from vats.registers.workpacks.generate import generate_workpacks

    return len(generate_workpacks(session, year=YEAR))


def generate_afresh(session: Any) -> int:
    """A run with nothing remembered, as the first one in a new process once the rows exist."""
    from vats.registers.workpacks.generate import forget

    forget()
    return generate(session)


def best(url: str, work: Callable[[Any], Any], runs: int = 3) -> tuple[float, float, Any]:
    from vats.store.db import make_engine, session_scope

    engine = make_engine(url)
    results = []
    try:
        for _ in range(runs):
            started, cpu = time.perf_counter(), time.process_time()
            with session_scope(engine, actor="bench") as session:
                out = work(session)
            results.append((time.perf_counter() - started, time.process_time() - cpu, out))
    finally:
        engine.dispose()
    return min(results, key=lambda r: r[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--licences", type=int, default=1000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with database(args.db) as url, database(args.db) as second:
        populate(url, args.licences)
        populate(second, args.licences)
        cold = best(url, generate, runs=1)  # creates the rows
        warm = best(second, generate, runs=1)
        base = best(url, counts)
        again = best(url, generate)
        fresh = best(url, generate_afresh)
        print(f"licences {args.licences} on {args.db}")
        print(f"counts    {base[0] * 1000:8.1f} ms ({base[1] * 1000:.1f} ms CPU), {base[2]} rows")
        for label, took in (
            ("first, cold", cold),
            ("first, warm", warm),
            ("again", again),
            ("again, new process", fresh),
        ):
            wall, cpu, n = took
            print(
                f"generate  {label:19} {wall * 1000:8.1f} ms ({cpu * 1000:.1f} ms CPU), {n} workpacks;"
                f" {wall / base[0]:.1f}× counts ({cpu / base[1]:.1f}× in CPU; target ≤ 3×)"
            )
        from vats.store.db import make_engine, session_scope

        engine = make_engine(url)
        with session_scope(engine, actor="bench") as s:
            from vats.registers.workpacks.models import Workpack
            from vats.registers.workpacks.service import view_workpack
            from vats.report.workpack_export import render

            wid = s.query(Workpack.id).order_by(Workpack.id).first()[0]
            from vats.report.warmup import warm_pdf

            started = time.perf_counter()
            warm_pdf()
            warm_ms = (time.perf_counter() - started) * 1000
            print(f"pdf warm-up (in the background at server start) {warm_ms:7.1f} ms")
            for fmt in ("xlsx", "pdf"):
                took = []
                for _ in range(2):  # the first call loads the library (XLSX) or the workpack's glyphs (PDF)
                    started = time.perf_counter()
                    data = render(view_workpack(s, workpack_id=wid, today=TODAY), fmt)
                    took.append((time.perf_counter() - started) * 1000)
                print(f"export    {fmt:4} first {took[0]:7.1f} ms, again {took[1]:7.1f} ms, {len(data)} B")
        engine.dispose()


if __name__ == "__main__":
    main()
