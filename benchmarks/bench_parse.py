"""Licence parsing throughput, against merely reading the same files (the baseline), same run.

    .venv/bin/python -m benchmarks.bench_parse [--count 1000] [--repeat 3]

Measures, on one core:
  reference — parse time of the reference licence 渝B2-20210467 (median of many runs);
  baseline  — read the bytes of `count` synthetic licence files from a temp dir;
  parse     — `read_licence` on the same files (read + decode + normalise + extract);
  memory    — peak traced allocation while parsing the batch (tracemalloc, separate pass) and the
              process's peak RSS;
  process   — `vats parse <reference>` start-to-exit (JSON and text), against `python -c pass`.
Half the synthetic files carry scan noise (page headers, broken lines, duplicated fragments).
Target: ≥ 1,000 licences/s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_7a435923dd1aee64.txt"


def _best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def _process(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from vats.ingest.document import read_licence
    from vats.ingest.render import render_licence, synthetic_licence

    if REFERENCE.is_file():
        read_licence(REFERENCE)  # warm caches (catalogue, regions, compiled patterns)
        runs = 200
        start = time.perf_counter()
        for _ in range(runs):
            read_licence(REFERENCE)
        per_ref = (time.perf_counter() - start) / runs
        print(f"reference licence: {per_ref * 1000:.3f} ms per parse ({REFERENCE.stat().st_size} bytes)")

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for seed in range(args.count):
            path = Path(tmp) / f"licence_{seed:05d}.txt"
            text = render_licence(synthetic_licence(seed), noise=seed % 2 == 0, seed=seed)
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        total_bytes = sum(p.stat().st_size for p in paths)

        def read_only() -> None:
            for path in paths:
                path.read_bytes()

        def parse_all() -> None:
            for path in paths:
                read_licence(path)

        baseline = _best(read_only, args.repeat)
        parsing = _best(parse_all, args.repeat)
        tracemalloc.start()
        parse_all()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    print(f"batch: {args.count} synthetic licences, {total_bytes / 1e6:.1f} MB (half with scan noise)")
    print(f"  baseline read only : {baseline:.3f} s  ({args.count / baseline:,.0f} files/s)")
    print(f"  read_licence       : {parsing:.3f} s  ({args.count / parsing:,.0f} licences/s)")
    per_licence = parsing / args.count * 1000
    print(f"  parse / read ratio : {parsing / baseline:.1f}x  (per licence {per_licence:.3f} ms)")
    print(f"  peak traced memory while parsing the batch: {peak / 1e6:.2f} MB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(f"  peak RSS of this benchmark process (incl. generating the batch): {rss:.0f} MB")
    target = "OK" if args.count / parsing >= 1000 else "BELOW TARGET"
    print(f"  target >= 1,000 licences/s: {target}")

    if REFERENCE.is_file():
        exe = [sys.executable, "-m", "vats.cli.main"]
        floor = _process([sys.executable, "-c", "pass"], 5)
        as_json = _process([*exe, "parse", str(REFERENCE)], 5)
        as_text = _process([*exe, "parse", str(REFERENCE), "--format", "text"], 5)
        print("process start-to-exit (median of 5):")
        print(f"  python -c pass              : {floor * 1000:.0f} ms (floor)")
        print(f"  vats parse (json)           : {as_json * 1000:.0f} ms ({as_json / floor:.1f}x floor)")
        print(f"  vats parse --format text    : {as_text * 1000:.0f} ms ({as_text / floor:.1f}x floor)")


if __name__ == "__main__":
    main()
