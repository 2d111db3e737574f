"""Compliance report rendering (HTML and PDF), against the same page with automatic table layout.

    .venv/bin/python -m benchmarks.bench_report [--licences 10] [--repeat 3]

audit     — `audit_portfolio` for the licences (one engine run), once;
html      — `render_html` of the report (Jinja2);
pdf       — `render_pdf`: WeasyPrint lays out the page and writes the PDF (vats' template fixes every
            table's column widths in a colgroup, `table-layout: fixed`);
baseline  — WeasyPrint on the same HTML with `table-layout: fixed` removed: automatic table layout,
            which measures every cell's content before placing it (what a plain template gets).
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
    HTML(string=html).write_pdf()  # font discovery and loading, outside the timings

    best = {"pdf": float("inf"), "baseline": float("inf")}
    pages = {}
    for _ in range(args.repeat):
        for name, page in (("pdf", html), ("baseline", automatic)):
            t0 = time.perf_counter()
            document = HTML(string=page).render()
            document.write_pdf()
            best[name] = min(best[name], time.perf_counter() - t0)
            pages[name] = len(document.pages)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(licences)
    print(f"{n} licences, {sum(len(a.obligations) for a in audits)} obligations, as of {AS_OF}")
    print(f"audit    : {audit_s:.2f} s (one engine run)")
    print(f"html     : {html_s * 1000:.0f} ms, {len(html) / 1024:.0f} KB")
    for name in ("pdf", "baseline"):
        label = "pdf" if name == "pdf" else "baseline (automatic table layout)"
        print(
            f"{label:<9}: {best[name]:.2f} s, {pages[name]} pages, {pages[name] / best[name]:.1f} pages/s, "
            f"{best[name] / n:.2f} s per licence"
        )
    print(f"ratio    : pdf takes {best['pdf'] / best['baseline']:.2f} of the baseline's time")
    print(f"memory   : process peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
