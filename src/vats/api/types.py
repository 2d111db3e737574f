"""Pydantic field types for API output.

`UtcDateTime` lives with the register schemas (the lowest layer that has output schemas) so the
registers and the API share one definition; it is re-exported here for the API's own routes.
"""

from __future__ import annotations

from vats.model.clock import as_utc
from vats.registers.schemas import UtcDateTime

__all__ = ["UtcDateTime", "as_utc"]
