"""Regulator lists (不良名单, 失信名单, 拟注销, 许可证发放名单) matched against the portfolio and the
counterparties a user lists.

The lists are published as web pages behind captchas or as attachments; vats never scrapes them. The
user saves a list (CSV, XLSX, an HTML page, or pasted text), the columns are mapped (guessed from the
header, overridable), and every row is matched by unified social credit code, licence number and
normalised company name. Record fields follow the 2018 MIIT notice on the two lists: 经营者名称,
统一社会信用代码, 许可证编号, 处理日期, 列入事由, 列入单位. Matching is by dictionary look-up, so a
10,000-row list against 150,000 parties costs one pass over each.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from vats.model.errors import InputError
from vats.model.findings import Evidence, Finding, Severity
from vats.model.sources import Reliability, SourceRef

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
COLUMNS: dict[str, str] = {
    "name": "经营者名称",
    "uscc": "统一社会信用代码",
    "licence": "许可证编号",
    "date": "处理日期",
    "reason": "列入事由",
    "unit": "列入单位",
}
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("经营者名称", "企业名称", "公司名称", "单位名称", "名称", "name", "company"),
    "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "uscc"),
    "licence": ("许可证编号", "许可证号", "经营许可证编号", "licence", "license"),
    "date": ("处理日期", "列入日期", "日期", "date"),
    "reason": ("列入事由", "事由", "原因", "reason"),
    "unit": ("列入单位", "作出决定单位", "发布单位", "unit"),
}
LIST_KINDS: dict[str, str] = {
    "bad": "电信业务经营不良名单",
    "dishonest": "电信业务经营失信名单",
    "to_cancel": "拟注销企业名单",
    "issued": "许可证发放名单",
}
NOTICE = SourceRef(
    instrument="关于做好电信业务经营不良名单和失信名单管理工作的通知（工业和信息化部，2018 年 3 月）",
    reliability=Reliability.REPRINT,
)
ORDER42 = SourceRef(
    instrument="电信业务经营许可管理办法（工信部令第42号）",
    article="第三十七条",
    reliability=Reliability.REPRINT,
)


@dataclass(frozen=True, slots=True)
class Table:
    """A list as read: header cells and data rows (strings), with the 1-based line/row of each."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class ListEntry:
    line: int
    name: str | None
    uscc: str | None
    licence: str | None
    date: str | None
    reason: str | None
    unit: str | None


@dataclass(frozen=True, slots=True)
class Party:
    """Someone to watch: a portfolio company or licence, or a counterparty the user lists."""

    kind: str  # holding | licence | supplier | access_provider | app_store | customer | counterparty
    name: str | None = None
    uscc: str | None = None
    licence: str | None = None
    label: str | None = None  # where the party came from (licence number, counterparty file:line)
    name_key: str | None = None  # `normalise_name(name)` when the caller has worked it out already


@dataclass(frozen=True, slots=True)
class Hit:
    entry: ListEntry
    party: Party
    by: tuple[str, ...] = field(default=())  # uscc | licence | name


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030: what saved Chinese lists come in."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别的文本编码（应为 UTF-8 或 GBK）/ not UTF-8 or GBK text", field="file")


class _Tables(HTMLParser):
    """The rows of the first <table> of a saved page (cells as text)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._depth = 0
        self._done = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth += 1
        elif tag == "tr" and self._depth:
            self.rows.append([])
        elif tag in ("td", "th") and self._depth and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._depth:
            self._depth -= 1
            self._done = self._depth == 0 and bool(self.rows)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_table(data: bytes, *, filename: str) -> Table:
    """Read a saved list: .csv, .xlsx, .html/.htm, anything else as pasted text (tabs or 2+ spaces)."""
    if len(data) > MAX_BYTES:
        raise InputError(f"文件超过 {MAX_BYTES} 字节 / file larger than {MAX_BYTES} bytes", field="file")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    rows: list[list[str]]
    if suffix == "xlsx":
        from openpyxl import load_workbook

        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise InputError(
                f"无法读取 XLSX / unreadable workbook: {type(exc).__name__}", field="file"
            ) from None
        rows = [["" if v is None else str(v).strip() for v in r] for r in ws.iter_rows(values_only=True)]
    elif suffix in ("html", "htm"):
        parser = _Tables()
        parser.feed(decode_text(data))
        rows = parser.rows
    elif suffix == "csv":
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(decode_text(data)))]
    else:
        rows = [re.split(r"\t|\s{2,}", line.strip()) for line in decode_text(data).splitlines()]
    numbered = [(i, tuple(r)) for i, r in enumerate(rows, 1) if any(c for c in r)]
    if not numbered:
        raise InputError("名单为空 / the list is empty", field="file")
    if len(numbered) > MAX_ROWS + 1:
        raise InputError(f"名单超过 {MAX_ROWS} 行 / more than {MAX_ROWS} rows", field="file")
    return Table(header=numbered[0][1], rows=tuple(numbered[1:]))


def guess_mapping(header: Sequence[str]) -> dict[str, int]:
    """Column index per field, from the header's wording (first match wins)."""
    out: dict[str, int] = {}
    for key, words in SYNONYMS.items():
        for index, cell in enumerate(header):
            text = cell.strip().lower()
            if any(text == w.lower() or w.lower() in text for w in words) and index not in out.values():
                out[key] = index
                break
    return out


def parse_mapping(pairs: Iterable[str], header: Sequence[str]) -> dict[str, int]:
    """`field=column` overrides (`name=2`, `uscc=信用代码`, or the Chinese field label as key)."""
    labels = {v: k for k, v in COLUMNS.items()}
    out: dict[str, int] = {}
    for pair in pairs:
        key, sep, col = pair.partition("=")
        key = labels.get(key.strip(), key.strip())
        if not sep or key not in COLUMNS:
            raise InputError(
                f"应为 字段=列，字段为 {', '.join(COLUMNS)} / expected field=column", field="--map"
            )
        col = col.strip()
        if col.isdigit() and 1 <= int(col) <= len(header):
            out[key] = int(col) - 1
        elif col in header:
            out[key] = header.index(col)
        else:
            raise InputError(f"没有此列 / no such column: {col!r}", field="--map")
    return out


def entries(table: Table, mapping: Mapping[str, int]) -> list[ListEntry]:
    """The rows as entries; a mapping with none of name, USCC or licence is refused."""
    if not {"name", "uscc", "licence"} & set(mapping):
        raise InputError(
            "至少需要映射经营者名称、统一社会信用代码或许可证编号之一 / map at least name, USCC or licence",
            field="--map",
        )

    def cell(row: tuple[str, ...], key: str) -> str | None:
        i = mapping.get(key)
        value = row[i].strip()[:500] if i is not None and i < len(row) else ""
        return value or None

    keys = ("name", "uscc", "licence", "date", "reason", "unit")
    return [ListEntry(line, *(cell(r, k) for k in keys)) for line, r in table.rows]


_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司")
_DROP = str.maketrans("", "", " \t\r\n\u3000·・.,，、()（）[]【】\"'“”‘’")
_SPACE = re.compile(r"\s")


def normalise_name(name: str) -> str:
    """A company name for comparison: NFKC (full-width folded), no spaces or brackets, lower case,
    without the legal-form suffix (有限公司 and the like vary between lists)."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", name).translate(_DROP)).lower()
    if text.endswith(_SUFFIXES):
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                return text[: -len(suffix)]
    return text


def code_key(text: str) -> str:
    """A USCC or licence number for comparison: full-width folded, no spaces, upper case."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).upper()


def match(list_entries: Sequence[ListEntry], parties: Sequence[Party]) -> list[Hit]:
    """Every (entry, party) pair that shares a USCC, a licence number or a normalised name."""
    by_uscc: dict[str, list[Party]] = {}
    by_licence: dict[str, list[Party]] = {}
    by_name: dict[str, list[Party]] = {}
    for p in parties:
        if p.uscc:
            by_uscc.setdefault(code_key(p.uscc), []).append(p)
        if p.licence:
            by_licence.setdefault(code_key(p.licence), []).append(p)
        if p.name:
            by_name.setdefault(p.name_key or normalise_name(p.name), []).append(p)
    hits: list[Hit] = []
    for e in list_entries:
        found: dict[int, tuple[Party, list[str]]] = {}
        for how, index, value in (
            ("uscc", by_uscc, code_key(e.uscc) if e.uscc else None),
            ("licence", by_licence, code_key(e.licence) if e.licence else None),
            ("name", by_name, normalise_name(e.name) if e.name else None),
        ):
            for p in index.get(value, ()) if value else ():
                found.setdefault(id(p), (p, []))[1].append(how)
        hits.extend(Hit(e, p, tuple(by)) for p, by in found.values())
    return hits


def hit_findings(hits: Sequence[Hit], *, list_kind: str, source: str) -> list[Finding]:
    """One finding per hit; a holding or licence on the bad or dishonest list is critical."""
    title = LIST_KINDS.get(list_kind, list_kind)
    out: list[Finding] = []
    for h in hits:
        own = h.party.kind in ("holding", "licence")
        severity = (
            Severity.CRITICAL
            if own and list_kind in ("bad", "dishonest")
            else Severity.HIGH
            if own or list_kind in ("bad", "dishonest", "to_cancel")
            else Severity.INFO
        )
        who = h.party.name or h.party.licence or h.party.uscc or "?"
        by = "、".join({"uscc": "统一社会信用代码", "licence": "许可证编号", "name": "名称"}[b] for b in h.by)
        out.append(
            Finding(
                id=f"regulator_list.{list_kind}",
                severity=severity,
                message_zh=f"{who}（{h.party.label or h.party.kind}）出现在{title}中（按{by}匹配）"
                + (f"：{h.entry.reason}" if h.entry.reason else ""),
                message_en=f"{who} ({h.party.kind}) is on the list {list_kind!r} (by {', '.join(h.by)})",
                licence=h.party.licence,
                subject=who,
                evidence=(
                    Evidence(
                        field="list",
                        value=h.entry.name or h.entry.uscc or h.entry.licence,
                        line=h.entry.line,
                        note=f"{source}；处理日期 {h.entry.date or '—'}；列入单位 {h.entry.unit or '—'}",
                    ),
                ),
                sources=(NOTICE, ORDER42),
                tags=("regulator_list", h.party.kind),
            )
        )
    out.sort(key=lambda f: (f.severity.rank, f.subject or ""))
    return out
