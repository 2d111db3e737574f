"""Onboarding from a spreadsheet: preview time, import against the bulk load from documents, memory.

    .venv/bin/python -m benchmarks.bench_sheet [--rows 10000] [--small 1000] [--db sqlite|postgresql]

The sheet is the export shape (`ingest.sheet.shape.licence_row`) of N distinct synthetic licences
(ingest's generator), written as XLSX with a shared-strings table like Excel's. Times are wall clock
and, in brackets, this process's CPU time (the machine is shared: the CPU time is what the code
costs). Reported:
  preview  — `store.sheet.preview_sheet` of the N-row sheet against an empty database, best of 2
             (target ≤ 5 s at 10,000 rows);
  import   — `store.sheet.import_sheet` of the sheet into an empty database, against the baseline
             measured in the same run: the same N licences as text documents, parsed
             (`parse_licence_bytes`) and loaded with `bulk_import_licences` into another empty
             database (target: import ≤ 3× baseline);
  memory   — tracemalloc peak of the preview at `--small` rows and at N rows, the sheet bytes
             excluded (target: flat, i.e. the same order at both sizes).
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import multiprocessing
import os
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PG_ADMIN = os.environ.get("VATS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def licences(n: int) -> list[Any]:
    """N synthetic licences with distinct numbers."""
    from vats.ingest.render import synthetic_licence

    found: dict[str, Any] = {}
    seed = 0
    while len(found) < n:
        seed += 1
        licence = synthetic_licence(seed)
        found.setdefault(licence.number, licence)
    return list(found.values())


def sheet_bytes(items: list[Any]) -> bytes:
    from openpyxl import Workbook

    from vats.ingest.sheet.shape import header_row, licence_row

    book = Workbook()  # shared strings, as Excel and WPS write them (write-only mode inlines them)
    ws = book.active
    ws.append(header_row())
    for licence in items:
        ws.append(list(licence_row(licence).values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@contextmanager
def database(kind: str) -> Iterator[str]:
    """An empty, migrated database URL (dropped afterwards)."""
    from vats.store.db import make_engine, upgrade

    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            yield url
        return
    import psycopg

    name = f"vats_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        url = f"{base}/{name}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def timed(url: str, work: Callable[[Any], Any]) -> tuple[float, Any]:
    from vats.store.db import make_engine, session_scope

    engine = make_engine(url)
    try:
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        with session_scope(engine, actor="bench") as session:
            result = work(session)
        timed.cpu = time.process_time() - cpu  # type: ignore[attr-defined]
        return time.perf_counter() - started, result
    finally:
        engine.dispose()


def preview(data: bytes) -> Callable[[Any], Any]:
    from vats.store.sheet import preview_sheet

    return lambda session: preview_sheet(session, data=data, name="bench.xlsx")


def import_rows(data: bytes) -> Callable[[Any], Any]:
    from vats.store.sheet import import_sheet

    return lambda session: import_sheet(session, data=data, name="bench.xlsx")


def load_documents(documents: list[bytes]) -> Callable[[Any], int]:
    """The baseline: parse every document, then the bulk path (organisations created as for sheets)."""
    from vats.ingest.document import parse_licence_bytes
    from vats.model.serialise import to_jsonable
    from vats.store.bulk import BulkLicence, bulk_import_licences
    from vats.store.organisations import ensure_organisation

    def work(session: Any) -> int:
        items = []
        orgs: dict[str, int] = {}
        for i, document in enumerate(documents):
            licence = parse_licence_bytes(document, source_name=f"doc{i}.txt")
            if licence.company not in orgs:
                orgs[licence.company] = ensure_organisation(session, name=licence.company).id
            items.append(BulkLicence(to_jsonable(licence), document, f"doc{i}.txt", orgs[licence.company]))
        return bulk_import_licences(session, items=items)

    return work


def csv_bytes(items: list[Any]) -> bytes:
    """The same rows as a UTF-8 CSV (no shared-strings table: what a streamed reader need not hold)."""
    from vats.ingest.sheet.shape import header_row, licence_row

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header_row())
    for licence in items:
        writer.writerow(list(licence_row(licence).values()))
    return buffer.getvalue().encode("utf-8")


def peak_preview_mb(url: str, data: bytes, name: str = "bench.xlsx") -> float:
    from vats.store.sheet import preview_sheet

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        timed(url, lambda session: preview_sheet(session, data=data, name=name))
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _rss_child(url: str, warm: bytes, data: bytes, name: str, answer: Any) -> None:
    from vats.store.sheet import preview_sheet

    timed(url, lambda session: preview_sheet(session, data=warm, name=name))  # imports, caches
    before = _status_kib("VmRSS")
    timed(url, lambda session: preview_sheet(session, data=data, name=name))
    answer.put((_status_kib("VmHWM") - before) / 1024)


def rss_growth_mb(url: str, warm: bytes, data: bytes, name: str) -> float:
    """Resident memory the preview adds in a fresh process (VmHWM after − VmRSS before): counts what
    tracemalloc cannot see, such as SQLite's page cache for the spilled duplicate checks."""
    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=_rss_child, args=(url, warm, data, name, answer))
    child.start()
    value = float(answer.get(timeout=600))
    child.join()
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    from vats.ingest.render import render_licence

    items = licences(args.rows)
    data = sheet_bytes(items)
    small = sheet_bytes(items[: args.small])
    documents = [render_licence(lic).encode("utf-8") for lic in items]
    print(f"{args.rows} licences; sheet {len(data) / 1e6:.1f} MB XLSX; database {args.db}")

    with database(args.db) as url:
        runs = []
        for _ in range(2):
            wall, summary = timed(url, preview(data))
            runs.append((wall, timed.cpu))  # type: ignore[attr-defined]
        best = min(runs)
        print(
            f"preview: {best[0]:.2f} s [cpu {best[1]:.2f} s] (best of 2: "
            f"{', '.join(f'{w:.2f} [{c:.2f}]' for w, c in runs)}) — "
            f"{summary.rows} rows, {summary.licences} licences, {summary.errors} errors, "
            f"{summary.warnings} warnings (target ≤ 5 s)"
        )
        if summary.errors:
            print("  first problems:", [p.message for p in summary.problems[:3]])
        small_csv, large_csv = csv_bytes(items[: args.small]), csv_bytes(items)
        for label, name, warm, small_data, large_data in (
            ("XLSX", "bench.xlsx", sheet_bytes(items[:5]), small, data),
            ("CSV", "bench.csv", csv_bytes(items[:5]), small_csv, large_csv),
        ):
            small_mb = peak_preview_mb(url, small_data, name)
            large_mb = peak_preview_mb(url, large_data, name)
            small_rss = rss_growth_mb(url, warm, small_data, name)
            large_rss = rss_growth_mb(url, warm, large_data, name)
            print(
                f"memory, {label}: preview peak (tracemalloc) {small_mb:.1f} MB at {args.small} rows, "
                f"{large_mb:.1f} MB at {args.rows} rows (×{large_mb / small_mb:.2f} for "
                f"×{args.rows / args.small:.0f} rows); resident growth {small_rss:.1f} / {large_rss:.1f} MB"
            )
    with database(args.db) as url:
        sheet_s, done = timed(url, import_rows(data))
        sheet_cpu = timed.cpu  # type: ignore[attr-defined]
    with database(args.db) as url:
        docs_s, loaded = timed(url, load_documents(documents))
        docs_cpu = timed.cpu  # type: ignore[attr-defined]
    print(
        f"import: sheet {sheet_s:.2f} s [cpu {sheet_cpu:.2f}] ({done.imported} licences, "
        f"{done.inventory_added} inventory items) vs documents parsed + bulk-loaded {docs_s:.2f} s "
        f"[cpu {docs_cpu:.2f}] ({loaded} licences) = {sheet_s / docs_s:.2f}× wall, "
        f"{sheet_cpu / docs_cpu:.2f}× cpu (target ≤ 3×)"
    )


if __name__ == "__main__":
    main()
