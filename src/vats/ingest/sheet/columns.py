"""Which column holds which field: automatic from common Chinese and English headers, editable.

Agencies and legal teams label the same column many ways (许可证编号, 经营许可证号, Licence No.);
headers are compared after folding width, case, spaces, punctuation and bracketed notes such as
（必填）. A user's mapping (`--map 列名=field`, or the web form) overrides the guess column by column;
mapping a column to `-` ignores it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vats.model.errors import InputError

#: The fields a sheet row can give, in the order the export writes them, with their Chinese labels.
FIELDS: dict[str, str] = {
    "company": "公司名称",
    "uscc": "统一社会信用代码",
    "number": "许可证编号",
    "services": "业务种类",
    "coverage": "覆盖范围",
    "issue_date": "发证日期",
    "expiry_date": "有效期至",
    "sites": "网站/APP",
    "owner": "负责人",
    "legal_representative": "法定代表人",
}
REQUIRED = ("number", "company")
IGNORE = "-"

_ALIASES: dict[str, tuple[str, ...]] = {
    "company": (
        "公司名称",
        "公司",
        "企业名称",
        "单位名称",
        "经营者名称",
        "经营单位",
        "持证主体",
        "持证公司",
        "被许可人",
        "company",
        "companyname",
        "holder",
        "licensee",
    ),
    "uscc": (
        "统一社会信用代码",
        "信用代码",
        "社会信用代码",
        "统一代码",
        "uscc",
        "creditcode",
        "unifiedsocialcreditcode",
    ),
    "number": (
        "许可证编号",
        "许可证号",
        "经营许可证编号",
        "经营许可证号",
        "证书编号",
        "证号",
        "编号",
        "licencenumber",
        "licensenumber",
        "licenceno",
        "licenseno",
        "licence",
        "license",
        "number",
    ),
    "services": (
        "业务种类",
        "业务类型",
        "业务种类及服务项目",
        "业务种类服务项目",
        "许可业务",
        "经营范围",
        "services",
        "service",
        "businesstype",
        "businesstypes",
    ),
    "coverage": ("覆盖范围", "业务覆盖范围", "服务范围", "coverage", "region", "regions"),
    "issue_date": ("发证日期", "颁发日期", "发证时间", "issuedate", "issued", "dateofissue"),
    "expiry_date": (
        "有效期至",
        "有效期",
        "到期日期",
        "到期日",
        "有效期截止",
        "有效期截止日期",
        "截止日期",
        "expirydate",
        "expiry",
        "expires",
        "validuntil",
        "expirationdate",
    ),
    "sites": (
        "网站/app",
        "网站app",
        "网站和app",
        "网站及app",
        "网站",
        "网站名称",
        "网站域名",
        "域名",
        "app",
        "app名称",
        "sites",
        "site",
        "websites",
        "websitesapps",
        "domains",
    ),
    "owner": ("负责人", "联系人", "经办人", "责任人", "owner", "contact", "responsible"),
    "legal_representative": ("法定代表人", "法人", "法人代表", "legalrepresentative"),
}

_NOTE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_NOISE = re.compile(r"[\s_:：*＊.。、,，;；\-—/／&＆'\"]+")


def header_key(text: str) -> str:
    """A header folded for comparison: `许可证编号（必填）` and `Licence No.` -> `许可证编号`, `licenceno`."""
    folded = text.translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}).lower()
    return _NOISE.sub("", _NOTE.sub("", folded))


_LOOKUP: dict[str, str] = {header_key(a): name for name, aliases in _ALIASES.items() for a in aliases}


def guess_field(header: str) -> str | None:
    """The field a header names, or None."""
    key = header_key(header)
    return _LOOKUP.get(key) if key else None


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """`columns[i]` is the field of column i (None: ignored); `headers` as printed in the sheet."""

    headers: tuple[str, ...]
    columns: tuple[str | None, ...]

    def index_of(self, name: str) -> int | None:
        return next((i for i, f in enumerate(self.columns) if f == name), None)

    def header_of(self, name: str) -> str:
        """The sheet's header for a field (what the error report names), else the field's label."""
        i = self.index_of(name)
        return self.headers[i] if i is not None and self.headers[i] else FIELDS.get(name, name)

    def as_dict(self) -> dict[str, str]:
        """{header: field} for the columns in use (the editable mapping the UI shows)."""
        return {h: f for h, f in zip(self.headers, self.columns, strict=True) if f and h}


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """`["许可证号=number", "备注=-"]` -> {header: field}; `InputError` naming `map` when malformed."""
    result: dict[str, str] = {}
    for pair in pairs:
        header, sep, name = pair.partition("=")
        if not sep or not header.strip():
            raise InputError(f"映射应为 列名=字段 / mapping must be COLUMN=FIELD, got {pair!r}", field="map")
        result[header.strip()] = name.strip()
    return result


def map_columns(headers: Sequence[str], overrides: Mapping[str, str] | None = None) -> ColumnMap:
    """Guess each column's field, apply `overrides`, and check the result.

    Raises `InputError` (field `map`) for an override naming an unknown column or field, a field
    mapped to two columns, or a required field (number, company) without a column.
    """
    columns: list[str | None] = [guess_field(h) for h in headers]
    seen: set[str] = set()
    for i, name in enumerate(columns):  # a second column guessed as the same field stays unmapped
        if name is not None and name in seen:
            columns[i] = None
        elif name is not None:
            seen.add(name)
    for header, name in (overrides or {}).items():
        if name and name != IGNORE and name not in FIELDS:
            raise InputError(
                f"未知字段 / unknown field {name!r} (known: {', '.join(FIELDS)}, or - to ignore)", field="map"
            )
        matches = [i for i, h in enumerate(headers) if h.strip() == header]
        if not matches:
            raise InputError(f"表中没有列 / the sheet has no column {header!r}", field="map")
        target = None if name in ("", IGNORE) else name
        if target is not None:
            columns = [None if c == target else c for c in columns]
        for i in matches:
            columns[i] = target
    taken = [c for c in columns if c is not None]
    twice = sorted({c for c in taken if taken.count(c) > 1})
    if twice:
        raise InputError(
            f"字段映射到多列 / fields mapped to several columns: {', '.join(twice)}", field="map"
        )
    missing = [name for name in REQUIRED if name not in taken]
    if missing:
        labels = "、".join(FIELDS[m] for m in missing)
        raise InputError(
            f"找不到必需的列：{labels} / no column for {', '.join(missing)}; map one with 列名=字段",
            field="map",
        )
    return ColumnMap(tuple(headers), tuple(columns))
