"""Organisation profiles: stored per organisation, validated, and they decide whether the data-law
rules apply once the obligation cache is refreshed (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from vats.model.errors import InputError
from vats.store.db import session_scope
from vats.store.licences import import_licence
from vats.store.models import LicenceRecord
from vats.store.obligation_cache import CachedObligation
from vats.store.obligation_refresh import refresh_obligation_cache
from vats.store.profiles import parse_assignment, profile_of, profiles_by_licence, set_profile

AS_OF = date(2026, 9, 1)


def _cached_rules(engine: Engine, number: str) -> set[str]:
    with session_scope(engine, actor="t") as s:
        refresh_obligation_cache(s, as_of=AS_OF)
    with session_scope(engine, actor="t") as s:
        return set(s.scalars(select(CachedObligation.rule_id).where(CachedObligation.licence == number)))


def test_profile_turns_the_important_data_rule_on_for_its_licences(engine: Engine, seed_path: Path) -> None:
    with session_scope(engine, actor="t") as s:
        record = import_licence(s, path=seed_path)
        number, org = record.number, record.organisation_id
    assert org is not None
    assert "data.important_risk_assessment" not in _cached_rules(engine, number)
    with session_scope(engine, actor="t") as s:
        profile = set_profile(s, organisation_id=org, values={"important_data_processor": True})
        assert profile["important_data_processor"] is True and profile["large_platform"] is False
    assert "data.important_risk_assessment" in _cached_rules(engine, number)
    with session_scope(engine, actor="t") as s:
        assert profiles_by_licence(s, [number]) == {number: frozenset({"important_data_processor"})}
        set_profile(s, organisation_id=org, values={"important_data_processor": False})
        assert profile_of(s, organisation_id=org)["important_data_processor"] is False
    assert "data.important_risk_assessment" not in _cached_rules(engine, number)


def test_unknown_keys_and_values_are_refused_and_nothing_is_written(engine: Engine, seed_path: Path) -> None:
    with session_scope(engine, actor="t") as s:
        org = import_licence(s, path=seed_path).organisation_id
        assert org is not None
        with pytest.raises(InputError) as err:
            set_profile(s, organisation_id=org, values={"large_platform": True, "nonsense": True})
        assert err.value.field == "profile"
        assert profile_of(s, organisation_id=org)["large_platform"] is False
        assert s.scalar(select(LicenceRecord.number)) is not None
    with pytest.raises(InputError):
        parse_assignment("large_platform=maybe")
    assert parse_assignment("large_platform=是") == ("large_platform", True)


def test_stored_reports_see_the_profile(engine: Engine, seed_path: Path) -> None:
    from vats.report.stored import stored_audits

    with session_scope(engine, actor="t") as s:
        record = import_licence(s, path=seed_path)
        assert record.organisation_id is not None
        set_profile(s, organisation_id=record.organisation_id, values={"large_platform": True})
        (audit,) = stored_audits(s, as_of=AS_OF)
    assert "privacy.social_responsibility_report" in {o.rule_id for o in audit.obligations}
