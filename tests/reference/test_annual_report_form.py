"""The annual report form data file: the bundled year loads, and mistakes name file, line and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vats.model.errors import InputError
from vats.reference.annual_report import FORMS_DIR, available_years, load_form, load_form_file


def test_bundled_2025_form_mirrors_the_online_tables() -> None:
    form = load_form(2025)
    assert 2025 in available_years()
    titles = [s.title for s in form.sections]
    assert titles[:5] == ["企业基本情况", "服务质量", "经济效益", "网络信息安全", "业务发展"]
    assert titles[-1] == "互联网及相关业务统计表"
    withheld = {f.id for s in form.sections for f in s.fields if not f.publish}
    assert {"revenue", "cost", "telecom_revenue"} <= withheld
    window = form.window_for("CQ")
    assert (window.opens, window.due) == (date(2026, 1, 10), date(2026, 3, 31))
    assert {"late_until", "locked_from"} <= window.unconfirmed
    assert "第三十八条" in form.consequence.zh


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (FORMS_DIR / "2025.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "2025.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    """The last line holding `needle` (for a duplicate id, the repeat is the mistake)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, 1) if needle in line][-1]


@pytest.mark.parametrize(
    ("old", "new", "field_part"),
    [
        ("type: money, min: 0, publish: false}", "type: euros, min: 0, publish: false}", "type"),
        ("prefill: complaints.received}", "prefill: complaints.everything}", "prefill"),
        ("{id: tax,", "{id: revenue,", "id"),
        ("than: complaints_received,", "than: complaints_total,", "than"),
    ],
)
def test_mistakes_name_file_line_and_field(tmp_path: Path, old: str, new: str, field_part: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(InputError) as info:
        load_form_file(path)
    err = info.value
    assert err.source == str(path)
    assert err.field is not None and err.field.endswith(field_part)
    assert err.line == _line_of(path, new.split(",")[0].split("}")[0])


def test_a_year_without_a_form_is_refused_naming_year() -> None:
    with pytest.raises(InputError) as info:
        load_form(2013)
    assert info.value.field == "year"
