"""Scanned licences: per-field accuracy per print/capture condition, and OCR speed against the bare
engine on the same pages, same run.

    .venv/bin/python -m benchmarks.bench_ocr [--licences reference,chongqing_expiring_soon]
        [--conditions clean200,seal] [--speed-pages 10] [--max-pages 0]

Accuracy: each licence (the reference 渝B2-20210467 and the bundled examples) is rendered to
text (`vats.ingest.render`), printed onto A4 page images under each condition
(`vats.ingest.scan.paper`), read back with `read_scan`, and every field (main fields, each
service, site and provision) is compared with the parse of the same text.

Speed: a `--speed-pages` scan (the reference licence's pages repeated, 200 dpi PNG) is read by the
whole pipeline (`read_scan`: decode, seal search, OCR, layout, corrections, extraction, QR
search) and, page by page, by the bare RapidOCR engine with the same settings; the ratio is the
pipeline's overhead (target ≤ 1.3×). Peak RSS of the process is reported.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections import defaultdict
from pathlib import Path

from vats.ingest.document import parse_licence_text, read_licence
from vats.ingest.render import render_licence
from vats.ingest.scan.paper import Condition, compare_fields, licence_lines, render_pages, to_bytes

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "seeds" / "000_7a435923dd1aee64.txt"
EXAMPLES = ROOT / "src" / "vats" / "reference" / "examples"

CONDITIONS = {
    "clean150": Condition("150 dpi", dpi=150),
    "clean200": Condition("200 dpi", dpi=200),
    "clean300": Condition("300 dpi", dpi=300),
    "serif200": Condition("200 dpi, serif font", dpi=200, font="serif"),
    "skew+1": Condition("200 dpi, skew +1°", dpi=200, skew=1.0),
    "skew-1": Condition("200 dpi, skew −1°", dpi=200, skew=-1.0),
    "speckle": Condition("200 dpi, speckle 0.2%", dpi=200, speckle=0.002),
    "blur": Condition("200 dpi, blur r=1", dpi=200, blur=1.0),
    "jpeg60": Condition("200 dpi, JPEG q60", dpi=200, jpeg_quality=60),
    "seal": Condition("200 dpi, red seal over the issuer line", dpi=200, seal=True),
}


def _licence_files() -> dict[str, Path]:
    files = {"reference": REFERENCE}
    files.update({p.stem: p for p in sorted(EXAMPLES.glob("*.txt"))})
    return files


def _group(name: str) -> str:
    return name.split("[", 1)[0]


def _encode(image: object, condition: Condition) -> bytes:
    if condition.jpeg_quality:
        return to_bytes(image, "JPEG", quality=condition.jpeg_quality)  # type: ignore[arg-type]
    return to_bytes(image)  # type: ignore[arg-type]


def accuracy(licences: list[str], conditions: list[str], max_pages: int) -> None:
    from vats.ingest.scan.reading import read_scan

    files = _licence_files()
    print("| condition | main fields | services | sites | provisions | all fields | pages | s/page |")
    print("|---|---|---|---|---|---|---|---|")
    wrong: dict[str, list[str]] = defaultdict(list)
    for key in conditions:
        condition = CONDITIONS[key]
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        pages_read, seconds = 0, 0.0
        for name in licences:
            text = render_licence(read_licence(files[name]))
            expected = parse_licence_text(text)
            pages = render_pages(licence_lines(text), condition)
            if max_pages:
                pages = pages[:max_pages]
            start = time.perf_counter()
            reading = read_scan([(_encode(p, condition), f"{name}-{i}") for i, p in enumerate(pages, 1)])
            seconds += time.perf_counter() - start
            pages_read += len(pages)
            for field, right in compare_fields(expected, reading.licence).items():
                group = _group(field) if _group(field) in ("services", "sites", "provisions") else "main"
                for bucket in (group, "all"):
                    totals[bucket][0] += right
                    totals[bucket][1] += 1
                if not right:
                    wrong[key].append(f"{name}:{field}")
        cells = " | ".join(_pct(totals[b]) for b in ("main", "services", "sites", "provisions", "all"))
        print(
            f"| {condition.name} | {cells} | {pages_read} | {seconds / max(pages_read, 1):.1f} |", flush=True
        )
        if wrong[key]:
            print(f"wrong under {key}: {', '.join(wrong[key])}", flush=True)


def _pct(counts: list[int]) -> str:
    right, total = counts
    return f"{right}/{total} ({100 * right / total:.0f}%)" if total else "—"


def speed(pages_wanted: int) -> None:
    import numpy as np
    from PIL import Image

    from vats.ingest.scan import engine
    from vats.ingest.scan.reading import read_scan

    text = render_licence(read_licence(REFERENCE))
    rendered = render_pages(licence_lines(text), CONDITIONS["clean200"])
    pages = [rendered[i % len(rendered)] for i in range(pages_wanted)]
    files = [(to_bytes(p), f"page{i}.png") for i, p in enumerate(pages, 1)]
    engine._engine()  # load the models outside both timings
    load_before = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    for data, _ in files:  # bare engine: decode the same files, recognise, nothing else
        engine._engine()(np.asarray(Image.open(__import__("io").BytesIO(data)).convert("RGB")))
    bare, bare_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    reading = read_scan(files)
    pipeline, pipeline_cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = pages_wanted
    print(
        f"\n{n}-page scan (200 dpi PNG), load average {load_before:.1f} → {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores:\n"
        f"  pipeline {pipeline:.1f} s wall ({pipeline / n:.2f} s/page), {pipeline_cpu:.1f} CPU-s "
        f"({pipeline_cpu / n:.2f} CPU-s/page)\n"
        f"  bare RapidOCR {bare:.1f} s wall ({bare / n:.2f} s/page), {bare_cpu:.1f} CPU-s "
        f"({bare_cpu / n:.2f} CPU-s/page)\n"
        f"  overhead {pipeline / bare:.2f}× wall, {pipeline_cpu / bare_cpu:.2f}× CPU; "
        f"{len(reading.fields)} fields read; peak RSS {rss:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--licences", default=",".join(_licence_files()))
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument("--speed-pages", type=int, default=10)
    parser.add_argument("--max-pages", type=int, default=0, help="read only the first N pages (0 = all)")
    parser.add_argument(
        "--det-side",
        type=int,
        default=0,
        help="try another detection size (Det.limit_side_len; 0 = as shipped)",
    )
    args = parser.parse_args()
    if args.det_side:
        from vats.ingest.scan import engine

        engine.ENGINE_PARAMS["Det.limit_side_len"] = args.det_side
    licences = [n for n in args.licences.split(",") if n]
    conditions = [c for c in args.conditions.split(",") if c]
    if licences and conditions:
        accuracy(licences, conditions, args.max_pages)
    if args.speed_pages:
        speed(args.speed_pages)


if __name__ == "__main__":
    main()
