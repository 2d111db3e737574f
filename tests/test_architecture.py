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


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every absolute vats import of a module (also inside functions), outside `TYPE_CHECKING`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            found.extend((f"{node.module}.{alias.name}", node.lineno) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return [(name, line) for name, line in found if name.startswith("vats.")]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_api_routes_are_imported_only_inside_api(path: Path) -> None:
    """Routes are edges: what the web or CLI shares with them lives in a service module instead."""
    if path.relative_to(SRC).parts[0] == "api":
        return
    found = [f"line {line}: {name}" for name, line in _imports(path) if name.startswith("vats.api.routes")]
    assert not found, f"{path.relative_to(SRC)} imports API routes: {found}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_between_modules() -> None:
    """Imports inside functions count too: a lazy import hides a cycle from start-up, not from readers."""
    modules = {_module_name(p): p for p in _modules()}
    graph = {
        name: {m for m, _ in _imports(path) if m in modules and m != name} for name, path in modules.items()
    }
    assert _cycles(graph) == []
