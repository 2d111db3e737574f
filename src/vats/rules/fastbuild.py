"""Fast construction of frozen, slotted dataclasses (obligations, findings, evidence).

Its own module so the engine and the findings it derives can share it without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def frozen_builder(cls: type[T]) -> Callable[..., T]:
    """A fast positional constructor for a frozen, slotted dataclass `cls` (every field, in order).

    A frozen dataclass's `__init__` routes every field through `object.__setattr__`; with ~250,000
    obligations (and their findings) per portfolio run that alone cost over a second. The builder is
    a twin class with the identical slot layout whose `__init__` stores the fields directly and then
    switches the instance's class: the result is a genuine, still-frozen `cls` instance (tests compare
    it with the normal constructor), made in one call.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    params = ", ".join(names)
    body = "".join(f"    self.{name} = {name}\n" for name in names)
    namespace: dict[str, Any] = {}
    exec(f"def __init__(self, {params}):\n{body}    self.__class__ = cls\n", {"cls": cls}, namespace)
    twin: Callable[..., T] = type(
        f"_{cls.__name__}Builder", (), {"__slots__": tuple(names), "__init__": namespace["__init__"]}
    )
    return twin
