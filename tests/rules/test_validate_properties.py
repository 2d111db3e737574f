"""Property tests for the date logic of validation: expiry, renewal deadline and validity length."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from vats.ingest.numbers import parse
from vats.model.licence import Licence
from vats.rules.calendar import default_calendar
from vats.rules.validate import VALIDITY_TOLERANCE_DAYS, renewal_deadline, validate

BASE = Licence(
    number="渝B2-20210467",
    number_info=parse("渝B2-20210467"),
    company="重庆万象优车科技有限公司",
    legal_representative="马骏",
)
days = st.dates(min_value=date(2024, 6, 1), max_value=date(2026, 12, 31))


def _ids(licence: Licence, as_of: date) -> set[str]:
    return {f.id for f in validate(licence, as_of=as_of)}


@settings(deadline=None)  # the first example loads the rules library and the holiday calendar
@given(days)
def test_renewal_deadline_is_the_last_working_day_on_or_before_expiry_minus_90(expiry: date) -> None:
    deadline = renewal_deadline(expiry)
    plain = expiry - timedelta(days=90)
    calendar = default_calendar()
    assert deadline <= plain
    assert calendar.is_working_day(deadline)
    assert all(not calendar.is_working_day(plain - timedelta(days=k)) for k in range((plain - deadline).days))


@settings(deadline=None)
@given(days, st.integers(min_value=-400, max_value=400))
def test_expired_exactly_after_the_expiry_day(expiry: date, offset: int) -> None:
    as_of = expiry + timedelta(days=offset)
    licence = dataclasses.replace(BASE, issue_date=expiry.replace(year=expiry.year - 5), expiry_date=expiry)
    found = _ids(licence, as_of)
    assert ("licence.expired" in found) is (offset > 0)
    assert ("licence.renewal_deadline_passed" in found) is (as_of > renewal_deadline(expiry))
    assert not {"licence.renewal_deadline_passed", "licence.renewal_deadline_near"} <= found


@settings(deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)), st.integers(-2000, 400))
def test_validity_finding_iff_length_is_off_by_more_than_the_tolerance(issued: date, delta: int) -> None:
    try:
        five_years = issued.replace(year=issued.year + 5)
    except ValueError:
        five_years = issued.replace(year=issued.year + 5, day=28)
    expiry = five_years + timedelta(days=delta)
    licence = dataclasses.replace(BASE, issue_date=issued, expiry_date=expiry)
    found = _ids(licence, issued)
    unusual = "licence.validity_unusual" in found or "licence.dates_inconsistent" in found
    assert unusual is (abs(delta) > VALIDITY_TOLERANCE_DAYS)
