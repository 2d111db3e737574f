"""Matching a regulator list against a large portfolio and its counterparties.

    .venv/bin/python -m benchmarks.bench_lists [--rows 10000] [--licences 100000] [--counterparties 50000]
        [--stored sqlite|postgresql]

Synthetic parties (licences with company, USCC-shaped code and licence number; counterparties with
name and code) and a list whose rows hit about 1 % of them by each key, the rest unrelated. Reported:
reading the list (CSV, `read_table` + mapping), and `match` + `hit_findings`, best of 3, wall and
CPU (target ≤ 10 s for 10,000 rows against 150,000 parties).

With `--stored`, the same parties are stored (one organisation holding the licences, its
counterparties) and the list goes through `registers.watchlists.service.import_list`: the list and
its entries written, the parties read back from the database, matched, findings recorded; then the
same list imported again (every hit already recorded, so none is added).
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
    parser.add_argument("--stored", choices=("sqlite", "postgresql"), default=None)
    args = parser.parse_args()
    data = list_bytes(args.rows, args.counterparties)
    if args.stored:
        stored(args, data)
        return
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


def list_bytes(n_rows: int, n_counterparties: int) -> bytes:
    """The list: 1 % of rows name a licence's company, 1 % a counterparty's code, 1 % a licence number."""
    lines = ["企业名称,统一社会信用代码,许可证编号,处理日期,列入事由,列入单位"]
    for r in range(n_rows):
        k = r % 100
        if k == 0:
            lines.append(f"测试{r}网络科技有限公司,,,2025-05-10,未报年报,重庆市通信管理局")
        elif k == 1:
            lines.append(f"某公司,91110000MB{r % n_counterparties:08d},,2025-05-10,违规,北京市通信管理局")
        elif k == 2:
            lines.append(f"某公司,,渝B2-2021{r % 10_000:04d},2025-05-10,违规,重庆市通信管理局")
        else:
            lines.append(f"无关企业{r}有限公司,92000000XX{r:08d},,2025-05-10,违规,北京市通信管理局")
    return "\n".join(lines).encode()


def stored(args: argparse.Namespace, data: bytes) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from benchmarks.bench_sheet import database
    from vats.registers.watchlists.models import Counterparty
    from vats.registers.watchlists.service import import_list
    from vats.store.db import make_engine, session_scope
    from vats.store.models import LicenceRecord, Organisation

    now = datetime.now(UTC)
    with database(args.stored) as url:
        engine = make_engine(url)
        with session_scope(engine, actor="bench") as s:
            org = Organisation(name="代办客户集合")
            s.add(org)
            s.flush()
            s.execute(
                insert(LicenceRecord),
                [
                    {"number": f"渝B2-2021{i:04d}" if i < 10_000 else f"渝B2-{i:08d}",
                     "company": f"测试{i}网络科技有限公司", "organisation_id": org.id, "data": {},
                     "created_at": now, "updated_at": now, "current_revision": 1, "archived": False,
                     "version": 1}
                    for i in range(args.licences)
                ],
            )  # fmt: skip
            s.execute(
                insert(Counterparty),
                [
                    {"organisation_id": org.id, "role": "supplier", "name": f"供应商{i}有限公司",
                     "uscc": f"91110000MB{i:08d}", "created_at": now, "version": 1}
                    for i in range(args.counterparties)
                ],
            )  # fmt: skip
            org_id = org.id
        for label in ("first import", "same list again"):
            started, cpu = time.perf_counter(), time.process_time()
            with session_scope(engine, actor="bench") as s:
                done = import_list(
                    s, organisation_id=org_id, kind="bad", data=data, filename="list.csv", actor="b"
                )
                hits, new = done.hits, len(done.new_findings)
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            print(f"{args.stored} {label}: {wall:.2f} s wall ({used:.2f} s CPU), {hits} hits, "
                  f"{new} new findings (target ≤ 10 s)")  # fmt: skip
        engine.dispose()


if __name__ == "__main__":
    main()
