"""The bundled example portfolio: synthetic licences, events and a declared inventory.

Four licence texts cover the layouts a user meets — a provincial 京B2 ICP+EDI licence with a
website and an app, a cross-regional B1.B2 licence with IDC/CDN coverage lists, an old ICP
certificate, and a 渝B2 licence that expires soon (rendered with scan noise). Companies, people
and sites are invented (made with `vats.ingest.render`). The demo and the docs build on these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent
LICENCE_FILES = (
    "beijing_icp_edi.txt",
    "cross_regional_idc_cdn.txt",
    "old_icp_certificate.txt",
    "chongqing_expiring_soon.txt",
)


@dataclass(frozen=True, slots=True)
class ExamplePaths:
    """Where the example files are: licences in a stable order, the events and inventory files."""

    licences: tuple[Path, ...]
    events: Path
    inventory: Path


def example_paths() -> ExamplePaths:
    """Paths of the bundled example portfolio (files ship inside the package)."""
    return ExamplePaths(
        licences=tuple(EXAMPLES_DIR / name for name in LICENCE_FILES),
        events=EXAMPLES_DIR / "events.yaml",
        inventory=EXAMPLES_DIR / "inventory.yaml",
    )
