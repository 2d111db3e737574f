"""Bounds on a spreadsheet upload, checked before and while it is read.

A sheet comes from outside: a wrong file, a million-row export or a zip bomb renamed to .xlsx must
be refused quickly and in bounded memory, before a single row is validated, let alone imported.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SheetLimits:
    """Caps for one sheet. The defaults fit a large agency's book with room to spare."""

    max_bytes: int = 20 * 1024 * 1024  # the file as uploaded
    max_rows: int = 50_000  # data rows (header rows not counted)
    max_columns: int = 64
    max_cell_chars: int = 4000
    # Sum of an XLSX's members, from the zip directory: 50,000 rows of licences take some 30 MiB of
    # XML. It also bounds openpyxl's own pass over a sheet that declares no dimension.
    max_uncompressed: int = 64 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, per member larger than `ratio_floor`
    ratio_floor: int = 1024 * 1024
    max_members: int = 2000


DEFAULT_LIMITS = SheetLimits()
