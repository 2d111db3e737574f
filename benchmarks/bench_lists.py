"""Matching a regulator list against a large portfolio and its counterparties.

    .venv/bin/python -m benchmarks.bench_lists [--rows 10000] [--licences 100000] [--counterparties 50000]

Synthetic parties (licences with company, USCC-shaped code and licence number; counterparties with
name and code) and a list whose rows hit about 1 % of them by each key, the rest unrelated. Reported:
reading the list (CSV, `read_table` + mapping), and `match` + `hit_findings`, best of 3, wall and
CPU (target ≤ 10 s for 10,000 rows against 150,000 parties).
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    from vats.checks.regulator_lists import Party, entries, guess_mapping, hit_findings, match, read_table

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--licences", type=int, default=100_000)
    parser.add_argument("--counterparties", type=int, default=50_000)
    args = parser.parse_args()
    parties = [
        Party(
            kind="licence",
            name=f"测试{i}网络科技有限公司",
            uscc=f"91500000MA{i:08d}",
            licence=f"渝B2-2021{i:04d}",
        )
        for i in range(args.licences)
    ] + [
        Party(kind="supplier", name=f"供应商{i}有限公司", uscc=f"91110000MB{i:08d}")
        for i in range(args.counterparties)
    ]
    lines = ["企业名称,统一社会信用代码,许可证编号,处理日期,列入事由,列入单位"]
    for r in range(args.rows):
        k = r % 100
        if k == 0:
            lines.append(f"测试{r}网络科技有限公司,,,2025-05-10,未报年报,重庆市通信管理局")
        elif k == 1:
            lines.append(f"某公司,91110000MB{r % args.counterparties:08d},,2025-05-10,违规,北京市通信管理局")
        elif k == 2:
            lines.append(f"某公司,,渝B2-2021{r % 10_000:04d},2025-05-10,违规,重庆市通信管理局")
        else:
            lines.append(f"无关企业{r}有限公司,92000000XX{r:08d},,2025-05-10,违规,北京市通信管理局")
    data = "\n".join(lines).encode()
    results = []
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        table = read_table(data, filename="list.csv")
        rows = entries(table, guess_mapping(table.header))
        read = time.perf_counter() - started
        findings = hit_findings(match(rows, parties), list_kind="bad", source="list.csv")
        results.append((time.perf_counter() - started, time.process_time() - cpu, read, len(findings)))
    wall, cpu, read, hits = min(results)
    print(f"rows {args.rows}, parties {len(parties)}: {wall:.2f} s wall ({cpu:.2f} s CPU), "
          f"reading {read:.2f} s, {hits} findings (target ≤ 10 s)")  # fmt: skip


if __name__ == "__main__":
    main()
