"""Text that came from outside (documents, register entries) made safe for spreadsheet cells.

Two hazards, both seen with exports that reach Excel or WPS:

* control characters (a scan's stray \\x0c, a pasted \\x1b) make openpyxl refuse the whole workbook;
  they are replaced by U+FFFD so the export still succeeds and the spot stays visible;
* text starting with `=`, `+`, `-` or `@` is taken for a formula (CSV/formula injection: a complaint
  saying `=HYPERLINK(...)` would become a live link). In XLSX the cell is typed as text, so the value
  is kept exactly; in CSV, which has no types, such a value gets a leading apostrophe (the usual
  convention, which spreadsheet programs hide) unless it is a plain number such as `-3`.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl refuses; \t \n \r are fine
_FORMULA_START = ("=", "+", "-", "@")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def clean_text(value: str) -> str:
    """`value` without the control characters a workbook cannot hold."""
    return _CONTROL.sub("\ufffd", value)


def looks_like_formula(value: str) -> bool:
    return value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value)


def csv_text(value: Any) -> Any:
    """A CSV field: formula-like text gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A value for `sheet.append`: text is cleaned and, when it looks like a formula, typed as text."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if not looks_like_formula(text):
        return text
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # stored and shown as the text it is, never evaluated
    return cell
