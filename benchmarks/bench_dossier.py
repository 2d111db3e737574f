"""Application dossiers: the daily opening of renewal dossiers over a portfolio, and the export of one
full dossier, each against a baseline measured in the same run.

    .venv/bin/python -m benchmarks.bench_dossier [--licences 1000] [--files 40] [--db sqlite|postgresql]

A migrated database holds N synthetic licences (ingest's generator, bulk-loaded). Reported:
  select    — the baseline: reading every live licence's number and expiry date (what any daily job
              over the portfolio reads first);
  open_due  — `registers.dossiers.service.open_due` on a day when every licence's dossier is due:
              first run (creates N dossiers, audited) and again (nothing to create);
  cover     — the baseline for exports: one dossier's cover and checklist as PDF with no files;
  export    — the same dossier with F files (a third each: 3-page PDFs, PNG scans, other files) as
              one PDF (pages inserted, images embedded) and as one ZIP.
Times are wall clock, best of 3, with this process's CPU time in brackets (the machine is shared).
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from benchmarks.bench_sheet import database, licences


def populate(url: str, n: int) -> list[Any]:
    from vats.model.serialise import to_jsonable
    from vats.store.bulk import BulkLicence, bulk_import_licences
    from vats.store.db import make_engine, session_scope

    items = licences(n)
    engine = make_engine(url)
    with session_scope(engine, actor="bench") as s:
        bulk_import_licences(
            s, items=[BulkLicence(to_jsonable(x), b"-", f"doc{i}", None) for i, x in enumerate(items)]
        )
    engine.dispose()
    return items


def _files(count: int) -> list[tuple[str, bytes]]:
    from PIL import Image
    from weasyprint import HTML

    body = "".join(f'<p style="page-break-after: always">材料第 {n} 页</p>' for n in range(3))
    pdf = bytes(HTML(string=f"<html><body>{body}</body></html>").write_pdf())
    buf = io.BytesIO()
    Image.new("RGB", (1240, 1754), (250, 250, 250)).save(buf, format="PNG")  # an A4 scan at 150 dpi
    png = buf.getvalue()
    kinds = [("f{}.pdf", pdf), ("f{}.png", png), ("f{}.docx", b"PK\x03\x04" + b"x" * 50_000)]
    return [(kinds[i % 3][0].format(i), kinds[i % 3][1]) for i in range(count)]


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
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    from sqlalchemy import select

    from vats.registers.dossiers import service
    from vats.report.dossier_export import render
    from vats.store.models import LicenceRecord

    with database(args.db) as url:
        items = populate(url, args.licences)
        day = max(x.expiry_date for x in items if x.expiry_date) + (date(2100, 1, 1) - date(2099, 12, 31))

        def select_all(s: Any) -> int:
            stmt = select(LicenceRecord.number, LicenceRecord.expiry_date)
            return len(s.execute(stmt.where(LicenceRecord.archived.is_(False))).all())

        from vats.rules.validate import renewal_deadline

        renewal_deadline(day)  # loads the rules library and holiday calendar once, as a server has
        base = best(url, select_all)
        first = best(url, lambda s: len(service.open_due(s, today=day)), runs=1)
        again = best(url, lambda s: len(service.open_due(s, today=day)))
        print(f"licences {args.licences} on {args.db}")
        print(f"select    {base[0] * 1000:8.1f} ms ({base[1] * 1000:.1f} ms CPU), {base[2]} rows")
        print(f"open_due  first {first[0] * 1000:8.1f} ms ({first[1] * 1000:.1f} ms CPU), {first[2]} opened")
        print(f"open_due  again {again[0] * 1000:8.1f} ms ({again[1] * 1000:.1f} ms CPU), {again[2]} opened")
        print(f"ratio     first {first[0] / base[0]:.0f}×, again {again[0] / base[0]:.1f}×")

        files = _files(args.files)

        def attach(s: Any) -> int:
            d = service.list_dossiers(s)[0]
            ids = list(d.items)
            for n, (name, content) in enumerate(files):
                service.attach(s, dossier_id=d.id, item=ids[n % len(ids)], filename=name, content=content)
            return int(d.id)

        dossier_id = best(url, attach, runs=1)[2]

        def export(fmt: str, with_files: bool) -> Callable[[Any], int]:
            def run(s: Any) -> int:
                view = service.view_dossier(s, dossier_id=dossier_id, today=day)
                return len(render(view, service.contents(s, view.dossier) if with_files else [], fmt))

            return run

        best(url, export("pdf", False), runs=1)  # loads WeasyPrint and the fonts once
        cover = best(url, export("pdf", False))
        pdf = best(url, export("pdf", True))
        zipped = best(url, export("zip", True))
        size = sum(len(c) for _n, c in files)
        print(f"cover     {cover[0] * 1000:8.1f} ms ({cover[1] * 1000:.1f} ms CPU), {cover[2]} B")
        print(
            f"pdf       {pdf[0] * 1000:8.1f} ms ({pdf[1] * 1000:.1f} ms CPU), {pdf[2]} B, "
            f"{args.files} files {size} B"
        )
        print(f"zip       {zipped[0] * 1000:8.1f} ms ({zipped[1] * 1000:.1f} ms CPU), {zipped[2]} B")
        print(f"ratio     pdf {pdf[0] / cover[0]:.1f}×, zip {zipped[0] / cover[0]:.1f}× the cover alone")


if __name__ == "__main__":
    main()
