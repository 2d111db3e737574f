"""One SM3 digest of everything the engine says about a seeded portfolio: the refactoring guard.

    .venv/bin/python -m benchmarks.engine_digest [--licences 300] [--events 3000]

Evaluates the `bench_engine` fixtures (seeded, deterministic) at three evaluation dates and hashes,
in output order, every field of every obligation (its explanation read line by line) and every
finding. Restructuring the engine must leave the digest unchanged: any difference in order, status,
text or citation changes it. Also evaluates each date with waivers and holder-wide events added, so
the paths that bypass the shared prototypes are covered too.
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from datetime import date

from vats.model.obligations import Evaluation, Event

AS_OF_DATES = (date(2025, 3, 31), date(2026, 1, 2), date(2026, 11, 28))


def _extra_events(events: list[Event]) -> list[Event]:
    """A few waivers and holder-wide events on top of the stream, so every engine path is exercised."""
    extra = [
        Event(
            "obligation_waived",
            date(2025, 1, 10),
            licence=e.licence,
            id=f"w{i}",
            fields={"rule": "licence.display_number", "reason": "digest"},
        )
        for i, e in enumerate(events[:40:4])
    ]
    extra.append(Event("site_check_passed", date(2025, 6, 1), licence=None, id="h1", fields={"domain": "x"}))
    return [*events, *extra]


def feed(evaluation: Evaluation, update: list[bytes]) -> None:
    """Append a canonical byte form of an evaluation to `update`."""
    for o in evaluation.obligations:
        for f in fields(o):
            value = getattr(o, f.name)
            if f.name == "explanation":
                value = tuple(str(line) for line in value)
            update.append(f"{f.name}={value!r}\n".encode())
        update.append(b"--\n")
    for finding in evaluation.findings:
        update.append(f"{finding!r}\n".encode())
    update.append(b"==\n")


def digest(licences: int, events: int) -> tuple[str, int, int]:
    """The digest, and the number of obligations and findings it covers."""
    from benchmarks.bench_engine import make_events, make_licences
    from vats.model.sm3 import sm3_hex
    from vats.rules.engine import evaluate

    lics = make_licences(licences)
    evs = make_events(lics, events)
    parts: list[bytes] = []
    obligations = findings = 0
    for stream in (evs, _extra_events(evs)):
        for as_of in AS_OF_DATES:
            result = evaluate(lics, stream, as_of)
            obligations += len(result.obligations)
            findings += len(result.findings)
            feed(result, parts)
    return sm3_hex(b"".join(parts)), obligations, findings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--licences", type=int, default=300)
    parser.add_argument("--events", type=int, default=3000)
    args = parser.parse_args()
    value, obligations, findings = digest(args.licences, args.events)
    print(f"{value}  ({args.licences} licences, {obligations} obligations, {findings} findings)")


if __name__ == "__main__":
    main()
