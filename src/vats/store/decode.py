"""Fast rebuild of model dataclasses from JSON the store itself wrote (`to_jsonable` output).

`from_jsonable` (pydantic) validates untrusted input and costs ~0.3 ms per licence; the portfolio
status reads 100,000 licences the store serialised itself, so it uses this decoder instead: one
closure per dataclass, derived once from the type hints (no per-model code to keep in step), that
converts dates, enums, tuples, mappings and nested dataclasses. Anything it does not understand
raises, and `to_licence` then falls back to pydantic, so an unexpected shape is never mis-read.
A test checks it agrees with `from_jsonable` on synthetic licences.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from functools import cache
from typing import Any

from vats.model.licence import Licence

Decoder = Callable[[Any], Any]


def _ident(value: Any) -> Any:
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _optional(inner: Decoder) -> Decoder:
    return lambda v: None if v is None else inner(v)


@cache
def decoder_for(tp: Any) -> Decoder:
    """A function turning the JSON form of `tp` back into a value of `tp`."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"unsupported union {tp}")
        return _optional(decoder_for(rest[0]))
    if origin is tuple:
        item = decoder_for(args[0])
        return lambda v: tuple(item(x) for x in _list(v))
    if origin in (Mapping, dict, typing.Mapping):
        value = decoder_for(args[1])
        return lambda v: {str(k): value(x) for k, x in v.items()}
    if tp in (str, int, bool, float, Any):
        return _ident
    if tp is date:
        return date.fromisoformat
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_decoder(tp)
    raise TypeError(f"unsupported type {tp!r}")


def _dataclass_decoder(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, decoder_for(hints[f.name])) for f in dataclasses.fields(cls) if f.init]

    def build(data: Any) -> Any:
        if not isinstance(data, dict):
            raise TypeError(f"{cls.__name__}: expected an object")
        return cls(**{name: dec(data[name]) for name, dec in fields if name in data})

    return build


@cache
def _adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Licence)


def to_licence(data: dict[str, Any]) -> Licence:
    """Rebuild the domain object from stored JSON: the fast decoder for data the store wrote, and
    pydantic validation (adapter built once) for anything it does not recognise."""
    try:
        fast: Licence = decoder_for(Licence)(data)
        return fast
    except (TypeError, ValueError, KeyError):
        licence: Licence = _adapter().validate_python(data)
        return licence
