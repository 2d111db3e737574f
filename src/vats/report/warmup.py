"""Pay the PDF renderer's one-off costs before the first user asks for a PDF.

Importing WeasyPrint (Pango through cffi, fontTools, the CSS stack) and its first use of the CJK font
take seconds in a fresh process, far more than rendering a workpack afterwards. A server worker
calls `start_pdf_warmup()` once at start-up: a daemon thread imports the library and renders one
line of Chinese text, so the first export a user requests finds both done (a request that arrives
earlier waits on the same import instead of doing it again).
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)
SAMPLE = (
    "<html><head><style>html{font-family:'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC',sans-serif}"
    "</style></head><body><p>年报工作底稿 预热 0123</p></body></html>"
)
_started = threading.Event()


def warm_pdf() -> bool:
    """Import WeasyPrint and render a one-line CJK page, compile the workpack template and import the
    XLSX writer; False when PDF output is unavailable here."""
    try:
        import openpyxl  # noqa: F401 - imported for its import cost only

        from vats.report.workpack_export import environment

        environment().get_template("workpack.html")
        from weasyprint import HTML

        HTML(string=SAMPLE).write_pdf()
    except Exception as exc:  # no Pango, no fonts: PDF export reports that itself when asked
        log.info("pdf warm-up skipped: %s", exc)
        return False
    return True


def start_pdf_warmup() -> threading.Thread | None:
    """Start the warm-up once per process (later calls do nothing and return None)."""
    if _started.is_set():
        return None
    _started.set()
    thread = threading.Thread(target=warm_pdf, name="pdf-warmup", daemon=True)
    thread.start()
    return thread
