"""The catalogue of legal sources (`sources.yaml`): one id, full name, short name and reliability
per instrument. Everything that cites a law refers to it by id and prints `short`, so an instrument
is spelled one way across rules, validation, checks and registers; the rules loader rejects ids and
instrument names the catalogue does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vats.model.errors import InputError
from vats.model.sources import Reliability

DATA = Path(__file__).with_name("sources.yaml")


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    instrument: str  # full official name
    short: str  # how vats prints it in citations
    reliability: Reliability


@cache
def catalogue() -> dict[str, Instrument]:
    """Every catalogued instrument by id."""
    import yaml

    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))["sources"]
    return {
        key: Instrument(key, str(v["instrument"]), str(v["short"]), Reliability(v["reliability"]))
        for key, v in data.items()
    }


def source(ref: str) -> Instrument:
    """The instrument with id `ref`; an unknown id is refused naming the field."""
    found = catalogue().get(ref)
    if found is None:
        known = ", ".join(sorted(catalogue()))
        raise InputError(f"未知的法规来源 / unknown source {ref!r} (known: {known})", field="ref")
    return found


def short(ref: str) -> str:
    """The one spelling vats prints for the instrument `ref`."""
    return source(ref).short


def by_name(name: str) -> Instrument | None:
    """The instrument a full or short name denotes, if catalogued."""
    for item in catalogue().values():
        if name in (item.instrument, item.short):
            return item
    return None
