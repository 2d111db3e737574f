"""Spreadsheets of licences (XLSX, CSV) into validated licences, without a database.

`open_sheet` streams rows within `SheetLimits`, `map_columns` decides which column is which field,
`validate_sheet` checks each row and builds its licences. `vats.store.sheet` adds the checks that
need the database and imports; `vats.report.sheet` writes the error report and the export.
"""

from vats.ingest.sheet.columns import FIELDS, ColumnMap, map_columns, parse_overrides
from vats.ingest.sheet.limits import DEFAULT_LIMITS, SheetLimits
from vats.ingest.sheet.read import Sheet, SheetSource, open_sheet
from vats.ingest.sheet.rows import (
    ERROR,
    FROM_SHEET,
    WARNING,
    Problem,
    RowResult,
    RowValidator,
    validate_sheet,
)

__all__ = [
    "DEFAULT_LIMITS",
    "ERROR",
    "FIELDS",
    "FROM_SHEET",
    "WARNING",
    "ColumnMap",
    "Problem",
    "RowResult",
    "RowValidator",
    "Sheet",
    "SheetLimits",
    "SheetSource",
    "map_columns",
    "open_sheet",
    "parse_overrides",
    "validate_sheet",
]
