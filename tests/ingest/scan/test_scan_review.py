"""A reviewer's edits to a scan reading: validated like the parser's own readings, noted as
warnings with the original reading, and refused naming the field."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from vats.ingest.document import read_licence
from vats.ingest.scan.review import EDITABLE, LABELS, apply_edits, field_text
from vats.model.errors import InputError


@pytest.fixture(scope="module")
def licence(seed_path: Path):  # type: ignore[no-untyped-def]
    return read_licence(seed_path)


def test_field_text_of_main_fields_and_paths(licence) -> None:  # type: ignore[no-untyped-def]
    assert field_text(licence, "number") == "渝B2-20210467"
    assert field_text(licence, "issue_date") == licence.issue_date.isoformat()
    assert field_text(licence, "issuer") == licence.issuer.name
    assert licence.sites[0].domain in field_text(licence, "sites[0]")
    assert field_text(licence, "sites[99]") == ""


def test_unchanged_values_change_nothing(licence) -> None:  # type: ignore[no-untyped-def]
    same = {name: field_text(licence, name) for name in EDITABLE}
    assert apply_edits(licence, same) is licence


def test_edits_are_validated_and_noted(licence) -> None:  # type: ignore[no-untyped-def]
    edited = apply_edits(
        licence, {"issue_date": "2021年5月20日", "company": " 新 公司 ", "number": "渝 B2-20210468"}
    )
    assert edited.issue_date == date(2021, 5, 20)
    assert edited.company == "新 公司" and edited.number == "渝B2-20210468"
    assert edited.number_info.canonical == "渝B2-20210468"
    notes = {w.raw for w in edited.warnings if w.code == "reviewed"}
    assert notes == {licence.company, licence.number, licence.issue_date.isoformat()}
    messages = {w.message.split(" / ")[0] for w in edited.warnings if w.code == "reviewed"}
    assert messages == {"公司：经人工更正", "许可证编号：经人工更正", "发证日期：经人工更正"}


def test_every_editable_field_has_a_chinese_label() -> None:
    assert set(LABELS) == set(EDITABLE)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", label) for label in LABELS.values())


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"number": "渝X9-1"}, "number"),
        ({"issue_date": "2021年13月1日"}, "issue_date"),
        ({"company": "   "}, "company"),
        ({"legal_representative": "长" * 501}, "legal_representative"),
        ({"expiry_date": "2000-01-01"}, "expiry_date"),
    ],
)
def test_bad_edits_name_the_field(licence, values: dict[str, str], field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        apply_edits(licence, values)
    assert caught.value.field == field
