"""A sequence written the first time it is read: for text most runs compute but few runs display.

A portfolio evaluation derives ~250,000 obligations, each with a numbered bilingual explanation, and
~10,000 distinct deadlines, each with its derivation steps. Counts, findings and the status cache never
read that text; the CLI, ICS, API and web pages read the few they show. Subclasses keep what they need
to write their items and implement `_render`; the result is kept, so each is written at most once.
It behaves as an immutable sequence and compares equal to a tuple or list with the same items.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class Deferred(Sequence[T]):
    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: tuple[T, ...] | None = None

    def _render(self) -> tuple[T, ...]:
        raise NotImplementedError

    def _all(self) -> tuple[T, ...]:
        items = self._items
        if items is None:
            items = self._items = self._render()
        return items

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            other = other._all()
        return isinstance(other, tuple | list) and self._all() == tuple(other)

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())
