"""The one filter-sort-paginate helper: every list (CLI, API, web, registers) pages the same way.

A page is 1-based and capped so a single request cannot pull a whole table; the total is counted
over the same filtered statement, so `total` and `items` never disagree about the filters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from vats.model.errors import InputError

MAX_PER_PAGE = 500
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page:
    """1-based page request; `per_page` is capped at MAX_PER_PAGE."""

    number: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        if self.number < 1:
            raise InputError("页码从 1 开始 / page numbers start at 1", field="page")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InputError(f"每页 1–{MAX_PER_PAGE} 条 / per_page 1–{MAX_PER_PAGE}", field="per_page")

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    def slice(self, items: Sequence[T]) -> list[T]:
        """This page of an already materialised sequence (e.g. evaluated obligations)."""
        return list(items[self.offset : self.offset + self.per_page])


@dataclass(frozen=True, slots=True)
class ListResult(Generic[T]):
    items: list[T]
    total: int
    page: Page

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)


def paginate(
    session: Session, stmt: Select[Any], *, page: Page, total: int | None = None, rows: bool = False
) -> ListResult[Any]:
    """Run `stmt` for one page. Entities come back as objects (`rows=True`: as Row tuples).

    `total` may be passed when the caller already knows it (e.g. a cached count).
    """
    if total is None:
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = session.scalar(counted) or 0
    paged = stmt.offset(page.offset).limit(page.per_page)
    items = list(session.execute(paged).all()) if rows else list(session.scalars(paged))
    return ListResult(items=items, total=total, page=page)
