"""Instructions per portfolio evaluation, counted by valgrind: a measure a busy machine cannot distort.

    .venv/bin/python -m benchmarks.engine_instructions [--licences 1000]

Wall-clock numbers on a shared 2-core machine swing by 2x with whatever else runs; cachegrind counts
the instructions the interpreter executes, which repeat to within a fraction of a percent. The child
process builds the same seeded fixtures as `bench_engine` and evaluates them once or twice; the
difference between the two counts is one `evaluate` call, without start-up and fixture building.
Needs Debian's `valgrind` (about 50x slower than a normal run: ~2 minutes per 1,000 licences).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys

_CHILD = """
import sys
from benchmarks.bench_engine import AS_OF, make_events, make_licences
from vats.reference.rules_library import default_library
from vats.rules.calendar import default_calendar
from vats.rules.engine import evaluate

default_calendar()
default_library()
licences = make_licences({licences})
events = make_events(licences, {licences} * 10)
for _ in range({repeat}):
    result = evaluate(licences, events, AS_OF)
    result = None
"""


def count(licences: int, repeat: int) -> int:
    """Total instructions of a child run (cachegrind's `I refs`)."""
    code = _CHILD.format(licences=licences, repeat=repeat)
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    done = subprocess.run([*cmd, sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--licences", type=int, default=1000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian package: valgrind)")
    once, twice = count(args.licences, 1), count(args.licences, 2)
    per_run = twice - once
    print(
        f"evaluate, {args.licences} licences, {args.licences * 10} events: {per_run / 1e9:.3f} G instructions"
    )


if __name__ == "__main__":
    main()
