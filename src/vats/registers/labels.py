"""Display names of the registers (Chinese first, English second). Column, field and action labels
live in each register's `labels.yaml` (web catalogues, export headers, spec field labels); titles,
step summaries and state names in `data/names.yaml`. Web pages, CLI help and prompts, API
summaries and CSV/XLSX headers all read them here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from vats.model.errors import InputError

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Label:
    """A name in Chinese first and English second: the one source of every field's display name."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


LABELS_PATH = Path(__file__).resolve().parent / "data" / "names.yaml"


@dataclass(frozen=True, slots=True)
class RegisterText:
    title: Label
    noun: Label  # one record: Label("案件", "case")
    create: Label  # what creating a record does
    steps: Mapping[str, Label]
    fields: Mapping[str, Label]
    states: Mapping[str, str]  # Chinese names of the machine's states


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(LABELS_PATH.read_text(encoding="utf-8"))
    return data


def _label(pair: list[str]) -> Label:
    zh, en = pair
    return Label(zh, en)


@cache
def register_text(key: str) -> RegisterText:
    """A register's display names, by its key ("case")."""
    entry = _texts()[key]
    return RegisterText(
        title=_label(entry["title"]),
        noun=_label(entry["noun"]),
        create=_label(entry["create"]),
        steps=MappingProxyType({k: _label(v) for k, v in entry["steps"].items()}),
        fields=MappingProxyType({k: _label(v) for k, v in entry.get("fields", {}).items()}),
        states=MappingProxyType(dict(entry.get("states", {}))),
    )


@lru_cache(maxsize=1)
def common_labels() -> Mapping[str, Label]:
    """Labels of the columns every register has (`RegisterColumns`, `RecordOut`, the common filters)."""
    return MappingProxyType({k: _label(v) for k, v in _texts()["common"].items()})


def state_label(key: str, state: str) -> str:
    """The Chinese name of a register's state, or the state itself where none is declared."""
    if key not in _texts():
        return state
    return register_text(key).states.get(state, state)


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


def for_register(plural: str) -> dict[str, Label]:
    """Column, field and action labels of one register package (empty if it declares none)."""
    return next((r.labels for r in all_registers() if r.register == plural), {})
