"""Compliance report rendering (HTML and PDF), against the same page with automatic table layout.

    .venv/bin/python -m benchmarks.bench_report [--licences 10] [--repeat 3] [--skip-pdf]

audit     — `audit_portfolio` for the licences (one engine run), once;
html      — `render_html` of the report (Jinja2);
pdf       — `render_pdf`: WeasyPrint lays out the page and writes the PDF (vats' template fixes every
            table's column widths in a colgroup, `table-layout: fixed`);
baseline  — WeasyPrint on the same HTML with `table-layout: fixed` removed: automatic table layout,
            which measures every cell's content before placing it (what a plain template gets).
xlsx      — `render_xlsx` (three styled sheets); its baseline is the same obligation rows appended to a
            bare openpyxl sheet and saved (no styles, no other sheets).
The two PDF variants alternate, best of `--repeat` each, so a busy machine shifts both alike; fonts are
loaded once before timing. Licences come from `vats.ingest.render.synthetic_licence` (seeded).
Reported: seconds, pages, pages per second, the ratio to the baseline, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC, date, datetime

AS_OF = date(2026, 11, 28)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--licences", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-pdf", action="store_true", help="HTML and XLSX only (large portfolios)")
    args = parser.parse_args()

    from weasyprint import HTML

    from vats.ingest.render import synthetic_licence
    from vats.report.compliance import build_report, render_html
    from vats.rules.audit import audit_portfolio

    unique = {}
    seed = 0
    while len(unique) < args.licences:  # the generator repeats a few numbers: keep distinct ones
        lic = synthetic_licence(seed)
        unique.setdefault(lic.number, lic)
        seed += 1
    licences = list(unique.values())
    t0 = time.perf_counter()
    audits = audit_portfolio(licences, [], as_of=AS_OF)
    audit_s = time.perf_counter() - t0
    report = build_report(audits, as_of=AS_OF, generated_at=datetime.now(UTC))
    t0 = time.perf_counter()
    html = render_html(report)
    html_s = time.perf_counter() - t0
    automatic = html.replace("table-layout: fixed;", "")
    assert automatic != html, "the template no longer fixes table layout: update this benchmark"
    best = {"pdf": float("nan"), "baseline": float("nan")}
    pages = {"pdf": 0, "baseline": 0}
    if not args.skip_pdf:
        HTML(string=html).write_pdf()  # font discovery and loading, outside the timings
        best = {"pdf": float("inf"), "baseline": float("inf")}
        for _ in range(args.repeat):
            for name, page in (("pdf", html), ("baseline", automatic)):
                t0 = time.perf_counter()
                document = HTML(string=page).render()
                document.write_pdf()
                best[name] = min(best[name], time.perf_counter() - t0)
                pages[name] = len(document.pages)
    sheet_s, bare_s = _xlsx_times(report, args.repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(licences)
    print(f"{n} licences, {sum(len(a.obligations) for a in audits)} obligations, as of {AS_OF}")
    print(f"audit    : {audit_s:.2f} s (one engine run)")
    print(f"html     : {html_s * 1000:.0f} ms, {len(html) / 1024:.0f} KB")
    for name in () if args.skip_pdf else ("pdf", "baseline"):
        label = "pdf" if name == "pdf" else "baseline (automatic table layout)"
        print(
            f"{label:<9}: {best[name]:.2f} s, {pages[name]} pages, {pages[name] / best[name]:.1f} pages/s, "
            f"{best[name] / n:.2f} s per licence"
        )
    if not args.skip_pdf:
        print(f"ratio    : pdf takes {best['pdf'] / best['baseline']:.2f} of the baseline's time")
    print(
        f"xlsx     : {sheet_s:.2f} s; bare openpyxl rows {bare_s:.2f} s; ratio {sheet_s / bare_s:.2f} "
        f"({sheet_s / n * 1000:.1f} ms per licence)"
    )
    print(f"memory   : process peak RSS {rss:.0f} MB")


def _xlsx_times(report: object, repeat: int) -> tuple[float, float]:
    """Best time of the report workbook and of the bare baseline (same obligation rows, one plain sheet)."""
    import io

    from openpyxl import Workbook

    from vats.report.compliance import render
    from vats.report.compliance_xlsx import _obligation_row

    rows = [_obligation_row(o) for s in report.sections for o in (*s.dated, *s.continuing)]  # type: ignore[attr-defined]

    def bare() -> None:
        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)  # type: ignore[union-attr]
        book.save(io.BytesIO())

    best_sheet = best_bare = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        render(report, "xlsx")  # type: ignore[arg-type]
        best_sheet = min(best_sheet, time.perf_counter() - t0)
        t0 = time.perf_counter()
        bare()
        best_bare = min(best_bare, time.perf_counter() - t0)
    return best_sheet, best_bare


if __name__ == "__main__":
    main()
