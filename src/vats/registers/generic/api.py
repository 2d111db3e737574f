"""`router_for(spec)`: a register over HTTP under /api/v1/<plural>, built from its spec.

Routes: list (with the spec's filters as query parameters), create, read, one POST per step with that
step's own body model (so OpenAPI documents each body exactly), and corrections. Every write answers
with the record and `ETag: "<version>"`; steps take `If-Match`. Endpoint functions get real
signatures (`__signature__`), so FastAPI, the OpenAPI schema and the web UI see ordinary endpoints.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer, etag
from vats.api.listing import Paged, PageParams, Paging, paged
from vats.registers.base import RegisterColumns
from vats.registers.generic import service
from vats.registers.generic.service import COMMON_FILTERS
from vats.registers.spec import RegisterSpec, Step
from vats.store.listing import ListResult

AsOf = Annotated[
    date | None, Query(description="期限计算日 / evaluate deadlines as of (default: today, Beijing)")
]
_KW, _NONE = inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.empty
_AS_OF = ("as_of", AsOf, None)
_WRITE = (("response", Response), ("session", DbSession), ("actor", Writer), ("expected", ExpectedVersion))


class CorrectionIn(BaseModel):
    """A correction of recorded values: which fields, their right values, and why."""

    changes: dict[str, Any] = Field(description="字段 → 更正后的值 / field -> corrected value", min_length=1)
    reason: str = Field(min_length=1, max_length=500, description="更正原因 / why")
    version: int | None = Field(default=None, description="读取时的版本（或用 If-Match）/ version read")


def one(
    session: Session,
    spec: RegisterSpec,
    record: RegisterColumns,
    *,
    response: Response,
    as_of: date | None = None,
) -> Any:
    """One record as the register's Out model, with `ETag: "<version>"` for a later If-Match."""
    session.flush()
    out = service.present(session, spec, [record], as_of=as_of)[0]
    response.headers["ETag"] = etag(out.version)
    return out


def many(
    request: Request,
    response: Response,
    session: Session,
    spec: RegisterSpec,
    result: ListResult[Any],
    *,
    paging: PageParams,
    as_of: date | None = None,
) -> Any:
    """The standard list envelope (`items`, `total`, `page`, `per_page` + Link headers)."""
    items = service.present(session, spec, result.items, as_of=as_of)
    return paged(request, response, items, result.total, paging)


def router_for(spec: RegisterSpec) -> APIRouter:
    """Every route of one register."""
    router = APIRouter(prefix=f"/{spec.plural}", tags=[spec.plural])
    out, id_name = spec.out, f"{spec.key}_id"
    title, noun = spec.title, spec.noun

    def list_records(**kw: Any) -> Any:
        filters = spec.filters.model_validate({name: kw[name] for name in spec.filters.model_fields})
        result = service.find(kw["session"], spec, filters=filters, page=kw["paging"])
        return many(
            kw["request"], kw["response"], kw["session"], spec, result, paging=kw["paging"], as_of=kw["as_of"]
        )

    filters = _params(
        *((name, Annotated[f.annotation, Query()], f.default) for name, f in _filter_fields(spec))
    )
    _reader = _params(("actor", Reader), ("paging", Paging), _AS_OF)
    _endpoint(
        router,
        "",
        "GET",
        f"list_{spec.plural}",
        list_records,
        [*_params(("request", Request), ("response", Response), ("session", DbSession)), *_reader, *filters],
        response_model=Paged[out],  # type: ignore[valid-type]
        summary=f"{title.zh}列表 / List {title.en.lower()} with their due dates",
    )

    def create(**kw: Any) -> Any:
        record = service.add(kw["session"], spec, values=kw["body"].model_dump())
        kw["response"].status_code = 201
        kw["response"].headers["Location"] = f"/api/v1/{spec.plural}/{record.id}"
        return one(kw["session"], spec, record, response=kw["response"])

    _endpoint(
        router,
        "",
        "POST",
        f"create_{spec.key}",
        create,
        _params(("body", Annotated[spec.create, Body()]), *_WRITE[:-1]),
        response_model=out,
        status_code=201,
        summary=str(spec.create_summary),
    )

    def read(**kw: Any) -> Any:
        record = service.get(kw["session"], spec, record_id=kw[id_name])
        return one(kw["session"], spec, record, response=kw["response"], as_of=kw["as_of"])

    _endpoint(
        router,
        f"/{{{id_name}}}",
        "GET",
        f"read_{spec.key}",
        read,
        _params((id_name, int), ("response", Response), ("session", DbSession), ("actor", Reader), _AS_OF),
        response_model=out,
        summary=f"{noun.zh} / One {noun.en}",
    )
    for step in spec.steps:
        _step_route(router, spec, step)
    _correction_route(router, spec)
    if spec.api_extras:
        spec.load(spec.api_extras)(router)
    return router


def _step_route(router: APIRouter, spec: RegisterSpec, step: Step) -> None:
    id_name = f"{spec.key}_id"

    def take_step(**kw: Any) -> Any:
        values = kw["body"].model_dump() if step.body else None
        record = service.act(
            kw["session"],
            spec,
            record_id=kw[id_name],
            action=step.action,
            values=values,
            expected_version=kw["expected"],
        )
        return one(kw["session"], spec, record, response=kw["response"])

    body = [("body", Annotated[step.body, Body()])] if step.body else []
    _endpoint(
        router,
        f"/{{{id_name}}}/{step.path}",
        "POST",
        f"{step.action}_{spec.key}",
        take_step,
        _params((id_name, int), *body, *_WRITE),
        response_model=spec.out,
        summary=str(spec.summary(step.action)),
    )


def _correction_route(router: APIRouter, spec: RegisterSpec) -> None:
    """`POST /{plural}/{record_id}/corrections` (`registers.corrections`).

    A correction changes what was recorded, so it needs the version the caller read (If-Match or
    `version`), like every other change of a versioned record."""

    def correct(**kw: Any) -> Any:
        from vats.api.problems import PreconditionRequired

        body: CorrectionIn = kw["body"]
        wanted = kw["expected"] if kw["expected"] is not None else body.version
        if wanted is None:
            raise PreconditionRequired(
                'send If-Match: "<version>" or a version field / 需要版本号', field="If-Match"
            )
        record = service.correct(
            kw["session"],
            spec,
            record_id=kw["record_id"],
            changes=body.changes,
            reason=body.reason,
            expected_version=wanted,
        )
        return one(kw["session"], spec, record, response=kw["response"])

    _endpoint(
        router,
        "/{record_id}/corrections",
        "POST",
        "correct",
        correct,
        _params(("record_id", int), ("body", Annotated[CorrectionIn, Body()]), *_WRITE),
        response_model=spec.out,
        summary=f"更正 / Correct a {spec.key}'s recorded values (deadlines follow; the reason is kept)",
    )


def _filter_fields(spec: RegisterSpec) -> list[tuple[str, Any]]:
    """Filter fields in the API's order: licence, status, the register's own, then open_only."""
    fields = spec.filters.model_fields
    own = [name for name in fields if name not in COMMON_FILTERS]
    return [(name, fields[name]) for name in ("licence", "status", *own, "open_only")]


def _params(*items: tuple[Any, ...]) -> list[inspect.Parameter]:
    """Keyword-only parameters from (name, annotation) or (name, annotation, default)."""
    return [
        inspect.Parameter(item[0], _KW, annotation=item[1], default=item[2] if len(item) > 2 else _NONE)
        for item in items
    ]


def _endpoint(
    router: APIRouter,
    path: str,
    method: str,
    name: str,
    call: Callable[..., Any],
    params: list[inspect.Parameter],
    **route: Any,
) -> None:
    """Add `call` as an endpoint whose signature is `params` (what FastAPI injects and documents)."""
    call.__name__ = call.__qualname__ = name
    call.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    call.__annotations__ = {p.name: p.annotation for p in params}
    router.add_api_route(path, call, methods=[method], name=name, **route)
