"""The PDF warm-up renders a CJK line once per process; the server factory starts it only when asked."""

from __future__ import annotations

import sys

from vats.report import warmup


def test_warm_pdf_renders_and_starts_once() -> None:
    assert warmup.warm_pdf() is True
    assert "weasyprint" in sys.modules
    first = warmup.start_pdf_warmup()
    assert first is not None
    first.join(timeout=60)
    assert not first.is_alive()
    assert warmup.start_pdf_warmup() is None
