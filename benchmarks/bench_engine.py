"""Obligations engine throughput, against a naive per-licence scan (the baseline), same run.

    .venv/bin/python -m benchmarks.bench_engine [--licences 10000] [--events 100000] [--sample 200]

engine   — `vats.rules.engine.evaluate(licences, events, as_of)` once for the whole portfolio: events
           are indexed once by licence and type, and due dates / explanation heads are memoised.
naive    — for each licence, scan every event to find its own, then evaluate that licence alone
           (what a straightforward loop does). Scanning is O(licences × events), so it is timed on
           `--sample` licences and extrapolated linearly to the full portfolio (printed as such).
memory   — peak traced allocation during one engine run (tracemalloc, separate pass) and the
           process's peak RSS.
text     — explanations and deadline steps are written when first read; the time to read every
           obligation's explanation after the run is printed too (what a full JSON export adds).
Target: < 2 s and < 500 MB for 10,000 licences with 100,000 events, one evaluation date.
Licences come from `vats.ingest.render.synthetic_licence` (seeded, deterministic); events are a
seeded mix of triggers (disposals, complaints, incidents, changes, gradings) and the records that
satisfy them, linked by subject, plus homepage checks and annual-report filings.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import time
import tracemalloc
from datetime import date, timedelta

from vats.model.licence import Licence
from vats.model.obligations import Event

AS_OF = date(2026, 11, 28)
PAIRS = [
    ("illegal_info_disposed", "illegal_info_reported"),
    ("complaint_received", "complaint_replied"),
    ("incident_occurred", "incident_reported"),
    ("security_assessment_completed", "security_assessment_reported"),
    ("local_org_changed", "local_org_change_reported"),
]


def make_licences(count: int) -> list[Licence]:
    from vats.ingest.render import synthetic_licence

    return [synthetic_licence(seed) for seed in range(count)]


def make_events(licences: list[Licence], count: int, seed: int = 7) -> list[Event]:
    """A deterministic event stream: ~60 % trigger/answer pairs, the rest checks, filings, gradings."""
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    out: list[Event] = []
    i = 0
    while len(out) < count:
        lic = licences[rng.randrange(len(licences))]
        day = start + timedelta(days=rng.randrange(0, 1060))
        roll = rng.random()
        i += 1
        if roll < 0.6:
            trigger, answer = PAIRS[rng.randrange(len(PAIRS))]
            subject = f"s{i}"
            out.append(Event(trigger, day, licence=lic.number, id=f"e{i}", fields={"subject": subject}))
            if rng.random() < 0.7:
                late = timedelta(days=rng.randrange(0, 40))
                out.append(
                    Event(answer, day + late, licence=lic.number, id=f"a{i}", fields={"subject": subject})
                )
        elif roll < 0.8 and lic.sites:
            site = lic.sites[rng.randrange(len(lic.sites))]
            kind = "site_check_passed" if rng.random() < 0.9 else "site_check_failed"
            out.append(Event(kind, day, licence=lic.number, id=f"e{i}", fields={"domain": site.domain}))
        elif roll < 0.9:
            out.append(
                Event(
                    "annual_report_filed", day, licence=lic.number, id=f"e{i}", fields={"year": day.year - 1}
                )
            )
        elif roll < 0.95:
            kind = rng.choice(["name", "legal_representative", "capital", "address"])
            out.append(
                Event(
                    "registration_changed", day, licence=lic.number, id=f"e{i}", fields={"change_kind": kind}
                )
            )
        else:
            unit = f"unit{rng.randrange(3)}"
            fields = {"unit": unit, "level": rng.choice([1, 2, 3])}
            out.append(Event("network_unit_graded", day, licence=lic.number, id=f"e{i}", fields=fields))
    return out[:count]


def naive(licences: list[Licence], events: list[Event]) -> int:
    """Baseline: per licence, scan all events for its own, evaluate it alone."""
    from vats.rules.engine import evaluate

    total = 0
    for lic in licences:
        mine = [e for e in events if e.licence in (lic.number, None)]
        total += len(evaluate([lic], mine, AS_OF).obligations)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--licences", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200, help="licences timed for the naive baseline")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from vats.reference.rules_library import default_library
    from vats.rules.calendar import default_calendar
    from vats.rules.engine import evaluate

    default_calendar()
    default_library()  # data loading is a one-off cost outside the evaluation
    t0 = time.perf_counter()
    licences = make_licences(args.licences)
    events = make_events(licences, args.events)
    print(
        f"fixtures: {len(licences)} licences, {len(events)} events built in {time.perf_counter() - t0:.1f} s"
    )

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    best = best_cpu = float("inf")
    result = None
    for _ in range(args.repeat):
        result = None  # never hold two evaluations at once
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        result = evaluate(licences, events, AS_OF)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    assert result is not None
    print(
        f"engine : {best:.2f} s wall, {best_cpu:.2f} s CPU  "
        f"({len(result.obligations)} obligations, {len(result.findings)} findings)"
    )

    start = time.perf_counter()
    lines = sum(len(o.explanation) for o in result.obligations)
    print(
        f"text   : reading all {lines} explanation lines afterwards took {time.perf_counter() - start:.2f} s "
        "(written on first read; counts, findings and the status cache never read them)"
    )

    sample = licences[: args.sample]
    start, cpu = time.perf_counter(), time.process_time()
    naive_count = naive(sample, events)
    scale = len(licences) / len(sample)
    naive_time = (time.perf_counter() - start) * scale
    naive_cpu = (time.process_time() - cpu) * scale
    print(
        f"naive  : {naive_time:.1f} s wall, {naive_cpu:.1f} s CPU  "
        f"(extrapolated from {len(sample)} licences, {naive_count} obligations)"
    )
    print(f"speed-up vs naive: {naive_time / best:.0f}x wall, {naive_cpu / best_cpu:.0f}x CPU")

    result = None
    gc.collect()
    tracemalloc.start()
    evaluate(licences, events, AS_OF)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory : peak traced {peak / 2**20:.0f} MB during evaluate; process peak RSS {rss_mb:.0f} MB "
        f"({rss_before:.0f} MB before the first evaluation: interpreter, data files and fixtures)"
    )
    verdict = "OK" if best < 2 and peak / 2**20 < 500 else "MISSED"
    print(f"target < 2 s and < 500 MB: {verdict} (CPU time is the fairer figure on a shared machine)")


if __name__ == "__main__":
    main()
