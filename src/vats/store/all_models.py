"""Import every module that declares tables, so `Base.metadata` is complete.

Export/import, the migrations-match-models test and `vats db` work generically over the metadata;
they call `load_all()` first. A module that another team has not written yet is skipped silently
(ImportError of that very module only) — a syntax or import error inside an existing module is not.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

MODEL_MODULES: tuple[str, ...] = (
    "vats.store.models",
    "vats.store.auditlog",
    "vats.store.audittree",
    "vats.store.checks",
    "vats.store.web",
    "vats.store.obligation_cache",
    "vats.store.profile_rows",
    "vats.store.copies",
    "vats.store.background",
    "vats.store.ratelimit",
    "vats.store.scans",
    "vats.registers.workspace.models",
    "vats.registers.workpacks.models",
    "vats.registers.watchlists.models",
    "vats.registers.dossiers.models",
)
"""Modules below the registers layer; the registers' models follow from `vats.registers.REGISTERS`."""


def load_all() -> MetaData:
    """Import every known model module and return the shared metadata."""
    registers = importlib.import_module("vats.registers").REGISTERS  # named, not imported: layers
    for name in (*MODEL_MODULES, *(f"vats.registers.{plural}.models" for plural in registers)):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
    from vats.store.base import Base

    return Base.metadata
