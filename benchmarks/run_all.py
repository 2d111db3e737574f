"""Every benchmark once, at a size that finishes in a few minutes (`make bench`).

    .venv/bin/python -m benchmarks.run_all [--only engine,report]

Each benchmark runs in its own process (so one's memory peak does not count against the next), with
the arguments below; the full-size runs behind BENCHMARKS.md use each script's own options
(`python -m benchmarks.<name> --help`). Exits 1 when any benchmark fails, naming it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

QUICK: dict[str, list[str]] = {
    "parse": ["--count", "1000"],
    "numbers": [],
    "engine": ["--sample", "50", "--repeat", "3"],
    "report": ["--licences", "10"],
    "checks": ["--sites", "500"],
    "store": ["--scale", "0.02", "--db", "both"],
    "web": ["--scale", "0.05", "--duration", "3"],
    "ocr": ["--licences", "reference", "--conditions", "clean200", "--max-pages", "1", "--speed-pages", "2"],
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="comma-separated subset of: " + ", ".join(QUICK))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(QUICK)
    unknown = sorted(set(names) - set(QUICK))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    failed = []
    for name in names:
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"benchmarks.bench_{name}", *QUICK[name]])
        print(f"-- {name}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
