"""A person's review of a scan reading: each field's text as read, and the licence with their edits.

The main fields a person can correct by typing are `EDITABLE`; business types, sites and provisions
are shown as read (with their boxes) and confirmed as a whole, since a wrong one is fixed by a
better scan or a text copy rather than by retyping a table. An edit is validated exactly as the
parser validates what it reads (the number grammar, the date forms), so a confirmed licence is
never less checked than a parsed one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from vats.model.errors import InputError
from vats.model.licence import Issuer, Licence, ParseWarning

#: Fields a reviewer may edit, in the order the review form shows them, with the Chinese label a
#: reader sees for each (the review page, its error messages and the reviewer's notes all use these).
LABELS: dict[str, str] = {
    "number": "许可证编号",
    "title": "许可证名称",
    "company": "公司",
    "legal_representative": "法定代表人",
    "issuer": "发证机关",
    "issue_date": "发证日期",
    "expiry_date": "有效期至",
    "copy_restriction": "复印件使用限制",
}
EDITABLE: tuple[str, ...] = tuple(LABELS)
#: Longest value accepted for an edited field (a copy restriction is the longest printed one).
MAX_VALUE = 500


def field_text(licence: Licence, name: str) -> str:
    """The value of one field (an editable one, or a provenance path like `sites[1]`) as text."""
    if name in EDITABLE:
        value = getattr(licence, name)
        if isinstance(value, Issuer):
            return value.name
        return "" if value is None else str(value)
    from vats.model.serialise import to_jsonable

    return _describe(_at_path(to_jsonable(licence), name))


def _at_path(data: Any, path: str) -> Any:
    for part in path.split("."):
        key, _, rest = part.partition("[")
        data = data.get(key) if isinstance(data, dict) else None
        while rest and data is not None:
            index, _, rest = rest.partition("]")
            rest = rest.lstrip("[")
            data = data[int(index)] if isinstance(data, list) and int(index) < len(data) else None
    return data


def _describe(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        parts = [_describe(v) for k, v in value.items() if k not in ("stated", "span", "number") and v]
        return " ".join(p for p in parts if p)
    if isinstance(value, list):
        return "、".join(_describe(v) for v in value)
    return str(value)


def apply_edits(licence: Licence, values: Mapping[str, str]) -> Licence:
    """The licence with the reviewer's values for the editable fields (`InputError` naming a bad one)."""
    from vats.ingest import numbers
    from vats.ingest.extract import read_date

    changes: dict[str, Any] = {}
    notes: list[ParseWarning] = []
    for name in EDITABLE:
        if name not in values:
            continue
        text = " ".join(values[name].split())
        if len(text) > MAX_VALUE:
            raise InputError(
                f"内容过长（最多 {MAX_VALUE} 字）/ longer than {MAX_VALUE} characters", field=name
            )
        if text == field_text(licence, name):
            continue
        if name == "number":
            try:
                info = numbers.parse(_required(text, name))
            except InputError as exc:
                raise InputError(
                    f"许可证编号无效 / invalid licence number: {exc.message}", field=name
                ) from None
            changes.update(number=info.canonical, number_info=info)
        elif name in ("issue_date", "expiry_date"):
            try:
                changes[name] = read_date(text) if text else None
            except ValueError:
                raise InputError("日期无法识别（如 2026-05-20）/ not a date", field=name) from None
        elif name == "issuer":
            changes[name] = Issuer(text, stated=True) if text else None
        elif name in ("company", "title"):
            changes[name] = _required(text, name)
        else:
            changes[name] = text or None
        notes.append(
            ParseWarning(
                "reviewed",
                f"{LABELS[name]}：经人工更正 / {name.replace('_', ' ')}: corrected by the reviewer",
                None,
                raw=field_text(licence, name),
            )
        )
    if not changes:
        return licence
    edited = dataclasses.replace(licence, **changes)
    if edited.issue_date and edited.expiry_date and edited.expiry_date < edited.issue_date:
        raise InputError(
            "有效期至早于发证日期 / the expiry date is before the issue date", field="expiry_date"
        )
    return dataclasses.replace(edited, warnings=(*edited.warnings, *notes))


def _required(text: str, name: str) -> str:
    if not text:
        raise InputError("不能为空 / required", field=name)
    return text
