"""Register labels: each register's `labels.yaml` names every column, input field and action in
Chinese and English. It is the only home of those names: the web catalogues merge them
(`vats.web.i18n`), and table exports take their column headers from them (`vats.report.tables`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from vats.model.errors import InputError

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Label:
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class RegisterLabels:
    register: str
    tables: tuple[str, ...]
    labels: dict[str, Label]


def _load(path: Path) -> RegisterLabels:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        labels = {str(k): Label(str(v["zh"]), str(v["en"])) for k, v in data["labels"].items()}
        return RegisterLabels(path.parent.name, tuple(data["tables"]), labels)
    except (KeyError, TypeError) as exc:
        raise InputError(f"{path}: every label needs zh and en ({exc})", field="labels") from None


@cache
def all_registers() -> tuple[RegisterLabels, ...]:
    """The labels of every register package, in package-name order."""
    return tuple(_load(p) for p in sorted(HERE.glob("*/labels.yaml")))


def for_table(table: str) -> dict[str, Label]:
    """Column labels of a register table (empty for tables no register declares)."""
    for register in all_registers():
        if table in register.tables:
            return register.labels
    return {}


def terms(lang: str) -> dict[str, str]:
    """term → label in `lang` ("zh-CN" or "en") over every register, for the web catalogues."""
    out: dict[str, str] = {}
    for register in all_registers():
        for term, label in register.labels.items():
            out[term] = label.en if lang == "en" else label.zh
    return out
