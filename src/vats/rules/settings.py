"""Engine settings: the configurable numbers (UNCONFIRMED facts, reminder horizons) in one place.

The defaults follow regulations.md. Numbers whose source is unconfirmed (the 30-day grading filing, the
15-day complaint reply, the hours for "immediately") or that are practice (address change "promptly")
are exposed by name so an organisation can set its own reading in an overrides YAML file:

    due_soon_days: 45
    roll_forward: true        # Civil Code art. 203 for "after" deadlines
    before_rule: earlier      # "before" deadlines on a rest day: earlier working day | keep
    numbers: {incident_report_hours: 2, grading_filing_days: 30}
    disabled_rules: [retention.order292_records]
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from vats.model.errors import InputError
from vats.reference.marked_yaml import load_marked, validation_error
from vats.rules.calendar import RollPolicy


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Everything `evaluate` can be tuned by; immutable so one instance can be shared across threads."""

    due_soon_days: int = 30  # status due_soon when the due date is this close
    horizon_days: int = 365  # recurring windows are expanded up to as_of + horizon
    lookback_days: int = 365  # past windows / satisfied events older than this are left out
    roll: RollPolicy = field(default_factory=RollPolicy)
    numbers: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    disabled_rules: frozenset[str] = frozenset()

    def number(self, name: str | None, default: int) -> int:
        """The configured value of a named number (e.g. `incident_report_hours`), else the rule's default."""
        if name is None:
            return default
        return self.numbers.get(name, default)


def known_numbers() -> dict[str, int]:
    """Every configurable number the bundled rules declare, with its default."""
    from vats.reference.rules_library import default_library

    out: dict[str, int] = {}
    for rule in default_library().rules:
        for spec in (rule.deadline, rule.evidence_max_age, rule.retention):
            if spec is not None and spec.setting and spec.offset is not None:
                out[spec.setting] = spec.offset
        att = rule.attest_every
        if att is not None and att.setting:
            out[att.setting] = att.period
    return out


def load_settings(path: str | Path) -> EngineSettings:
    """Read an overrides YAML file; unknown keys or number names are errors naming file and line."""
    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    class SettingsFile(BaseModel):
        model_config = ConfigDict(extra="forbid")
        due_soon_days: int = Field(default=30, ge=0)
        horizon_days: int = Field(default=365, ge=0)
        lookback_days: int = Field(default=365, ge=0)
        roll_forward: bool = True
        before_rule: str = Field(default="earlier", pattern="^(earlier|keep)$")
        numbers: dict[str, int] = Field(default_factory=dict)
        disabled_rules: list[str] = Field(default_factory=list)

    marked = load_marked(path)
    try:
        spec = SettingsFile.model_validate(marked.data or {})
    except ValidationError as exc:
        raise validation_error(exc, marked) from None
    known = known_numbers()
    for name in spec.numbers:
        if name not in known:
            raise marked.error(
                ("numbers", name),
                f"未知的可配置项 / unknown number {name!r}; known: {', '.join(sorted(known))}",
            )
    return EngineSettings(
        due_soon_days=spec.due_soon_days,
        horizon_days=spec.horizon_days,
        lookback_days=spec.lookback_days,
        roll=RollPolicy(roll_forward=spec.roll_forward, before_rule=spec.before_rule),
        numbers=MappingProxyType(dict(spec.numbers)),
        disabled_rules=frozenset(spec.disabled_rules),
    )


SETTINGS_ENV = "VATS_SETTINGS"


def configured_settings() -> EngineSettings:
    """The deployment's settings: the overrides file named by $VATS_SETTINGS, else the defaults.

    Every path that evaluates without being handed settings (the obligation cache, the web pages,
    workpack pre-fill, the engine's own default) reads this one function, so an organisation's
    reading of an UNCONFIRMED number holds everywhere, not only where a `--settings` option exists.
    """
    path = os.environ.get(SETTINGS_ENV, "").strip()
    return _settings_file(path) if path else EngineSettings()


@lru_cache(maxsize=4)
def _settings_file(path: str) -> EngineSettings:
    try:
        return load_settings(path)
    except OSError as exc:
        raise InputError(
            f"无法读取设置文件 / cannot read settings: {exc.strerror}", field=SETTINGS_ENV
        ) from None
    except InputError as exc:  # the file's own problem, named for the variable that chose the file
        raise InputError(exc.message, field=exc.field or SETTINGS_ENV) from None


def require_positive(value: int, *, field_name: str) -> int:
    """Guard for CLI-provided numbers."""
    if value < 0:
        raise InputError("不能为负数 / must not be negative", field=field_name)
    return value
