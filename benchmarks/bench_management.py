"""The management view at portfolio scale: its figures against the dashboard's numbers (same run).

    .venv/bin/python -m benchmarks.bench_management [--licences 10000] [--records 20000]

Loads `licences` synthetic licences and `records` events (`bench_store.load`), evaluates the
portfolio once (what any first page pays, outside the clock), then times, best of `--repeat`, each
on a fresh copy of the evaluated portfolio (so neither reads a memoised result):

  baseline  — `views.dashboard` numbers: counts over every obligation (the page the officer opens);
  figures   — `api.management.management_figures`: twelve months of completion per month and per
              organisation, overdue at eleven month ends, open items by owner, 90 days per week;
  page      — the figures plus the SVG charts and tables (`management_view.render_body`);
  pdf       — the PDF of the view (WeasyPrint), once.

Wall and CPU time are both given (the machine is shared).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any


def _timed(fn: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--licences", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from benchmarks.bench_store import AS_OF, load
    from vats.api import views
    from vats.api.deps import Principal
    from vats.api.management import management_figures
    from vats.model.clock import now_utc
    from vats.model.roles import Role
    from vats.report.management_view import render_body, render_pdf
    from vats.store.db import make_engine, session_scope

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-mgmt-')) / 'v.db'}"
    load(url, args.licences, args.records)
    engine = make_engine(url)
    admin = Principal(name="bench", role=Role.ADMIN)
    with session_scope(engine, actor="bench") as session:
        warm_s, _cpu, p = _timed(lambda: views.portfolio(session, admin, as_of=AS_OF))

        def fresh() -> None:  # an evaluated portfolio with nothing memoised on it
            p.derived.clear()

        def best(fn: Any) -> tuple[float, float]:
            runs = []
            for _ in range(args.repeat):
                fresh()
                runs.append(_timed(fn)[:2])
            return min(w for w, _ in runs), min(c for _, c in runs)

        base = best(lambda: views.dashboard(session, admin, as_of=AS_OF))
        figures = best(lambda: management_figures(session, admin, as_of=AS_OF))
        page = best(lambda: render_body(management_figures(session, admin, as_of=AS_OF)))
        fresh()
        f = management_figures(session, admin, as_of=AS_OF)
        pdf = _timed(lambda: render_pdf(f, generated_at=now_utc(), base_url="http://127.0.0.1/"))
    print(f"licences {args.licences:,}, obligations {len(p.obligations):,}, evaluation {warm_s:.1f} s (once)")
    due = sum(m.tally.counted for m in f.months)
    soon = sum(w.count for w in f.weeks)
    orgs = len(f.organisations)
    print(f"counted: {due:,} fell due, {len(f.owners)} owners, {orgs} organisations, {soon:,} due in 90 days")
    for name, (wall, cpu) in (("dashboard (baseline)", base), ("figures", figures), ("page", page)):
        print(f"{name:<22}{wall * 1000:>9.0f} ms wall {cpu * 1000:>9.0f} ms CPU   ×{cpu / base[1]:.2f} CPU")
    print(f"{'pdf':<22}{pdf[0] * 1000:>9.0f} ms wall {pdf[1] * 1000:>9.0f} ms CPU")
    engine.dispose()


if __name__ == "__main__":
    main()
