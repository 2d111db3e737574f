"""Licence-number finding throughput on generated HTML pages, against trivial scans of the same text.

    .venv/bin/python -m benchmarks.bench_numbers [--mb 4] [--repeat 3]

Measures, on one core, over the same few MB of generated pages (CSS with hex colours, scripts with
base64 blobs, CJK paragraphs, and a footer per page whose numbers are split by tags and entities):
  baseline count   — `str.count("ICP")` (a C-speed scan that understands nothing);
  baseline regex   — `re.finditer(r"\\d{8}")` counted (one trivial precompiled regex pass);
  find             — `vats.ingest.numbers.find` on the whole text (what `vats number find` runs);
  cli              — `vats number find < pages.html` start to exit, and the same on empty input
                     (process start-up), against `python -c pass`.
Results are printed as MB/s and as ratios to the baselines measured in the same run. Target: ≥ 5 MB/s.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FOOTERS = [
    '<p>ICP证：<a href="https://beian.miit.gov.cn/" target="_blank">{filing}</a>&nbsp;|&nbsp;'
    "增值电信业务经营许可证：<span>{licence}</span></p>",
    "<div class='ft'>经营许可证编号:{licence}{filing}</div>",
    '<p>{licence_tagged}&emsp;<a href="https://beian.miit.gov.cn">{filing_entity}</a></p>',
    "<p>Copyright © 2024 某某科技有限公司 版权所有 {filing}</p>",
    "<p>京 ICP 证 {icp6} 号 &middot; {cross}(全网)</p>",
]
CJK = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"  # noqa: E501


BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _licence(rng: random.Random) -> str:
    prefix = rng.choice(["京", "渝", "沪", "粤", "川", "浙", "", "合字"])
    classes = rng.choice(["B2", "B1.B2", "A2.B1.B2"])
    return f"{prefix}{classes}-{rng.randint(2005, 2025)}{rng.randint(0, 9999):04d}"


def _filing(rng: random.Random) -> str:
    char = rng.choice("京沪粤蜀陇浙苏")
    year = rng.randint(2005, 2025)
    digits = f"{year if rng.random() < 0.5 else year % 100:02d}{rng.randint(0, 999999):06d}"
    return f"{char}ICP备{digits}号-{rng.randint(1, 30)}"


def _page(rng: random.Random) -> tuple[str, int]:
    """One page and the number of numbers its footer carries."""
    css = "".join(f".c{i}{{color:#A1B2C{i % 10};margin:{i}px}}" for i in range(rng.randint(20, 60)))
    blob = "".join(rng.choice(BASE64) for _ in range(600))
    paras = "".join(
        f"<p class='t{i}'>{''.join(rng.choice(CJK) for _ in range(rng.randint(40, 160)))}</p>"
        for i in range(12)
    )
    licence, filing = _licence(rng), _filing(rng)
    footer = rng.choice(FOOTERS).format(
        licence=licence,
        filing=filing,
        licence_tagged=licence[:-4] + "<span>" + licence[-4:] + "</span>",
        filing_entity=filing.replace("号", "&#x53F7;"),
        icp6=f"{rng.randint(0, 25):02d}{rng.randint(0, 9999):04d}",
        cross=f"B2-{rng.randint(2005, 2025)}{rng.randint(0, 9999):04d}",
    )
    expected = 1 if "Copyright" in footer else 2
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}</style>"
        f"<script>var img='data:image/png;base64,{blob}';</script></head><body><nav>"
        + "".join(f"<a href='/p/{i}'>{rng.choice(CJK)}{rng.choice(CJK)}</a>" for i in range(15))
        + f"</nav><main>{paras}</main><footer>{footer}</footer></body></html>\n"
    )
    return page, expected


def generate(mb: float, seed: int = 7) -> tuple[str, int]:
    rng = random.Random(seed)
    parts: list[str] = []
    size = expected = 0
    while size < mb * 1_000_000:
        page, n = _page(rng)
        parts.append(page)
        size += len(page.encode("utf-8"))
        expected += n
    return "".join(parts), expected


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _process(args: list[str], stdin: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        with stdin.open("rb") as fh:
            start = time.perf_counter()
            subprocess.run(args, stdin=fh, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from vats.ingest.numbers import find

    text, expected = generate(args.mb)
    megabytes = len(text.encode("utf-8")) / 1_000_000
    find("京ICP备11041704号")  # warm caches: regions file, compiled grammar

    trivial = re.compile(r"\d{8}")
    t_count = _best(lambda: text.count("ICP"), args.repeat)
    t_regex = _best(lambda: sum(1 for _ in trivial.finditer(text)), args.repeat)
    t_find = _best(lambda: find(text), args.repeat)
    hits = find(text)

    vats = str(Path(sys.executable).with_name("vats"))
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "pages.html"
        pages.write_text(text, encoding="utf-8")
        empty = Path(tmp) / "empty.html"
        empty.write_text("", encoding="utf-8")
        t_cli = _process([vats, "number", "find"], pages, args.repeat)
        t_start = _process([vats, "number", "find"], empty, args.repeat)
        t_python = _process([sys.executable, "-c", "pass"], empty, args.repeat)

    def rate(seconds: float) -> str:
        return f"{megabytes / seconds:8.1f} MB/s"

    print(f"input: {megabytes:.2f} MB of generated HTML, {expected} numbers expected, {len(hits)} found")
    print(f"baseline str.count     {rate(t_count)}")
    print(f"baseline re.finditer   {rate(t_regex)}")
    print(f"find (in process)      {rate(t_find)}   = {t_find / t_regex:.1f}x the time of the trivial regex")
    print(f"vats number find (CLI) {rate(t_cli)}   end to end, start-up included")
    print(
        f"  start-up: {t_start * 1000:.0f} ms for empty input (python -c pass: {t_python * 1000:.0f} ms); "
        f"beyond start-up {rate(max(t_cli - t_start, 1e-9))}"
    )
    if len(hits) != expected:
        sys.exit(f"mismatch: expected {expected} numbers, found {len(hits)}")


if __name__ == "__main__":
    main()
