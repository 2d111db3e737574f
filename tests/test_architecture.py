"""The layering rule, enforced: every import in src/vats points down the layer list, and the
database-free commands stay free of heavy frameworks (their start-up time is a product feature)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "vats"

# Lower number = lower layer. A module may import its own layer or any lower one.
LAYERS = {
    "model": 0,
    "reference": 1,
    "ingest": 2,
    "rules": 3,
    "checks": 4,
    "store": 5,
    "registers": 6,
    "report": 7,
    "api": 8,
    "web": 8,
    "cli": 8,
}
# Inside a register package, the api/cli modules are the thin top layer by design.
TOP_LAYER_FILES = {"api.py", "cli.py"}


def _layer_of(path: Path) -> int | None:
    rel = path.relative_to(SRC)
    if len(rel.parts) == 1:
        return None  # vats/__init__.py
    if rel.parts[0] == "registers" and rel.name in TOP_LAYER_FILES:
        return LAYERS["cli"]
    return LAYERS.get(rel.parts[0])


def _imported_layers(path: Path) -> list[tuple[int, str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str, int]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "vats" and len(parts) > 1 and parts[1] in LAYERS:
                found.append((LAYERS[parts[1]], name, node.lineno))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path: Path) -> None:
    own = _layer_of(path)
    if own is None:
        return
    upward = [f"line {line}: {name}" for layer, name, line in _imported_layers(path) if layer > own]
    assert not upward, f"{path.relative_to(SRC)} imports a higher layer: {upward}"


FAST_COMMAND_MODULES = [
    "vats.cli.main",
    "vats.cli.parse",
    "vats.cli.audit",
    "vats.cli.number",
    "vats.cli.calendar",
    "vats.cli.obligations",
    "vats.cli.rules",
    "vats.cli.report",
    "vats.report.compliance",  # WeasyPrint loads only when a PDF is rendered
]
HEAVY = [
    "sqlalchemy",
    "fastapi",
    "httpx",
    "uvicorn",
    "starlette",
    "openpyxl",
    "pdfplumber",
    "alembic",
    "weasyprint",
    "rapidocr",
    "onnxruntime",
    "cv2",
    "numpy",
    "pypdfium2",
    "zxingcpp",
    "pillow_heif",
]


@pytest.mark.parametrize("module", FAST_COMMAND_MODULES)
def test_database_free_commands_import_no_heavy_framework(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        f"print(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"
