"""Fixtures for the rules tests."""

from __future__ import annotations

import pytest

from factories import make_reference
from vats.model.licence import Licence


@pytest.fixture
def reference_licence() -> Licence:
    """The reference licence 渝B2-20210467, built by hand (independent of the ingest parser)."""
    return make_reference()
