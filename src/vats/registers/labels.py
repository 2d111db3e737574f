"""Display names of the registers, read from `data/labels.yaml`: the one home of every register's
title, field labels, step summaries and state names (Chinese first, English second). Web pages, CLI
help and prompts, API summaries and CSV/XLSX headers all read them here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Label:
    """A name in Chinese first and English second: the one source of every field's display name."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


LABELS_PATH = Path(__file__).resolve().parent / "data" / "labels.yaml"


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
    import yaml

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
        fields=MappingProxyType({k: _label(v) for k, v in entry["fields"].items()}),
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
