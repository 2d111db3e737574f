"""Pagination and the list envelope every /api/v1 list endpoint returns.

One shape everywhere: `{"items": [...], "total": N, "page": P, "per_page": K}` plus an RFC 8288
`Link` header with `next`/`prev`, so clients page through any list the same way.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel

from vats.store.listing import MAX_PER_PAGE, Page

T = TypeVar("T")


PageParams = Page  # the API's name for the one page type (vats.store.listing)


def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number")] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="items per page")] = 50,
) -> PageParams:
    return Page(number=page, per_page=per_page)


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
        links.append(f'<{request.url.include_query_params(page=params.number + 1)}>; rel="next"')
    if params.number > 1:
        links.append(f'<{request.url.include_query_params(page=params.number - 1)}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)
    return Paged[T](items=items, total=total, page=params.number, per_page=params.per_page)
