"""The bundled example portfolio: synthetic licences, events and a declared inventory.

Four licence texts cover the layouts a user meets — a provincial 京B2 ICP+EDI licence with a
website and an app, a cross-regional B1.B2 licence with IDC/CDN coverage lists, an old ICP
certificate, and a 渝B2 licence that expires soon (rendered with scan noise). Companies, people
and sites are invented (made with `vats.ingest.render`). The demo and the docs build on these.
"""

from __future__ import annotations

from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent
LICENCE_FILES = (
    "beijing_icp_edi.txt",
    "cross_regional_idc_cdn.txt",
    "old_icp_certificate.txt",
    "chongqing_expiring_soon.txt",
)


def example_paths() -> tuple[Path, ...]:
    """The example licence files, in a stable order (they ship inside the package)."""
    return tuple(EXAMPLES_DIR / name for name in LICENCE_FILES)


def example_events_path() -> Path:
    """The example events file (format: `vats.rules.events.load_events`)."""
    return EXAMPLES_DIR / "events.yaml"


def example_inventory_path() -> Path:
    """The example declared inventory (format: `vats.checks.inventory.load_inventory`)."""
    return EXAMPLES_DIR / "inventory.yaml"
