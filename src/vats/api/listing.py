"""Pagination and the list envelope every /api/v1 list endpoint returns.

One shape everywhere: `{"items": [...], "total": N, "page": P, "per_page": K}` plus an RFC 8288
`Link` header with `next`/`prev`, so clients page through any list the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel

MAX_PER_PAGE = 500
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageParams:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def slice(self, items: Sequence[T]) -> list[T]:
        return list(items[self.offset : self.offset + self.per_page])


def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number")] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="items per page")] = 50,
) -> PageParams:
    return PageParams(page=page, per_page=per_page)


Paging = Annotated[PageParams, Depends(page_params)]


class Paged(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


def paged(request: Request, response: Response, items: list[T], total: int, params: PageParams) -> Paged[T]:
    """The envelope, with `Link` and `X-Total-Count` headers set on the response."""
    links = []
    if params.offset + params.per_page < total:
        links.append(f'<{request.url.include_query_params(page=params.page + 1)}>; rel="next"')
    if params.page > 1:
        links.append(f'<{request.url.include_query_params(page=params.page - 1)}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)
    return Paged[T](items=items, total=total, page=params.page, per_page=params.per_page)
