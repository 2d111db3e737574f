"""Registers the licence provisions require. Each is a package declared by its `spec.py`
(`RegisterSpec`); the generic service, API, CLI, web forms and exports are built from the specs.

`REGISTERS` is the only list of registers: the API, the CLI, the web navigation, the model loader
and the status overview all iterate `specs()`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vats.registers.spec import RegisterSpec

REGISTERS: tuple[str, ...] = ("cases", "complaints", "incidents", "assessments", "changes", "filings")


def specs() -> tuple[RegisterSpec, ...]:
    """Every register's spec in display order (each spec module is imported on first use)."""
    return tuple(importlib.import_module(f"vats.registers.{p}.spec").SPEC for p in REGISTERS)


def spec_for(name: str) -> RegisterSpec:
    """A register by its key ("case") or plural ("cases"); an unknown name is an input error."""
    for spec in specs():
        if name in (spec.key, spec.plural):
            return spec
    from vats.model.errors import InputError

    raise InputError(
        f"未知登记簿 / unknown register {name!r} (known: {', '.join(REGISTERS)})", field="register"
    )
