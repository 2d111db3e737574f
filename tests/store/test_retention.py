"""Retention periods: taken from the rules library when it has the rule, else from retention.yaml."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from vats.model.errors import RefusedError
from vats.store.retention import Retention, check_delete, retention_for, retention_table


def test_every_configured_table_has_a_period_and_basis() -> None:
    table = retention_table()
    assert {"audit_log", "events", "disposal_cases"} <= set(table)
    for rule in table.values():
        assert rule.n > 0 and rule.unit in ("days", "months", "years") and rule.basis


def test_library_period_is_used_when_the_rule_exists() -> None:
    from vats.reference.rules_library import default_library

    rule = default_library().rule("retention.order292_records")
    assert rule is not None and rule.retention is not None
    disposal = retention_for("disposal_cases")
    assert disposal is not None and disposal.rule_id == "retention.order292_records"
    assert (disposal.n, disposal.unit) == (
        rule.retention.period or rule.retention.offset,
        rule.retention.unit,
    )


@pytest.mark.parametrize(
    ("start", "n", "unit", "until"),
    [
        (date(2026, 1, 31), 1, "months", date(2026, 2, 28)),
        (date(2024, 2, 29), 1, "years", date(2025, 2, 28)),
        (date(2026, 1, 1), 60, "days", date(2026, 3, 2)),
    ],
)
def test_until(start: date, n: int, unit: str, until: date) -> None:
    assert Retention("t", n, unit, "basis").until(start) == until


def test_check_delete_names_the_rule() -> None:
    created = datetime(2026, 5, 1, tzinfo=UTC)
    with pytest.raises(RefusedError, match="网络日志"):
        check_delete("events", {"recorded_at": created}, today=date(2026, 10, 31))
    check_delete("events", {"recorded_at": created}, today=date(2026, 11, 1))  # six months later: allowed
    check_delete("no_such_table", {"created_at": created}, today=date(2026, 5, 2))
