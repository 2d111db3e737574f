"""Split the reference licence's 特别规定事项 into articles and items for coverage tests.

The ingest parser (INGEST) owns real parsing; this deliberately small splitter lets the coverage test
run against the seed text on its own, and `test_coverage` also runs through `read_licence` when the
parser is available.
"""

from __future__ import annotations

import re

from vats.model.licence import Provision, ProvisionItem

NUMS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
ARTICLE = re.compile(r"^(十[一二三四五六七八九]?|[一二三四五六七八九])、", re.M)
ITEM = re.compile(r"^[(（](十[一二三四五六七八九]?|[一二三四五六七八九])[)）]", re.M)


def zh_to_int(text: str) -> int:
    if text.startswith("十"):
        return 10 + (NUMS[text[1]] if len(text) > 1 else 0)
    return NUMS[text]


def split_provisions(licence_text: str) -> tuple[Provision, ...]:
    body = licence_text[licence_text.index("特别规定事项") :]
    body = re.sub(r"^经营许可证编号.*$|^## 特别规定事项$", "", body, flags=re.M)
    starts = list(ARTICLE.finditer(body))
    out: list[Provision] = []
    for i, m in enumerate(starts):
        chunk = body[m.start() : starts[i + 1].start() if i + 1 < len(starts) else len(body)]
        items = list(ITEM.finditer(chunk))
        head = chunk[: items[0].start()] if items else chunk
        parsed = tuple(
            ProvisionItem(
                zh_to_int(it.group(1)),
                chunk[it.start() : items[j + 1].start() if j + 1 < len(items) else None].strip(),
            )
            for j, it in enumerate(items)
        )
        out.append(Provision(zh_to_int(m.group(1)), head.strip(), parsed))
    return tuple(out)
