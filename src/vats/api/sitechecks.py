"""Homepage-check reads shared by the API routes and the web pages: failing sites, runs and one
result, each limited to the licences the caller may see."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from sqlalchemy import select

from vats.api import views
from vats.api.deps import Principal
from vats.api.types import UtcDateTime
from vats.model.clock import today
from vats.model.errors import NotFoundError
from vats.store.listing import ListResult, Page, paginate


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    started_at: UtcDateTime
    finished_at: UtcDateTime
    actor: str
    scope: str
    sites: int
    sites_passed: int
    sites_failed: int


class ResultOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    run_id: int
    licence: str | None
    domain: str
    check: str = Field(validation_alias=AliasChoices("check_kind", "check"))  # the column's name
    outcome: str
    code: str
    message_zh: str
    message_en: str
    requested_url: str
    final_url: str | None
    status_code: int | None
    elapsed_ms: float
    body_sm3: str | None
    snippet: str | None
    checked_at: UtcDateTime
    evidence: dict[str, Any]


class FailureOut(BaseModel):
    domain: str
    licence: str | None
    code: str
    message_zh: str
    message_en: str
    checked_at: UtcDateTime
    result_id: int


def visible_numbers(session: Any, actor: Principal) -> set[str]:
    return {lic.number for lic in views.portfolio(session, actor, as_of=today()).licences}


def _named_within(run: RunOut, visible: set[str]) -> RunOut:
    """The run with its scope cut to the visible licence numbers ("all" and file names stay)."""
    numbers = run.scope.split(",")
    if not any(n in visible for n in numbers):
        return run
    return run.model_copy(update={"scope": ",".join(n for n in numbers if n in visible)})


def failures(session: Any, actor: Principal) -> list[FailureOut]:
    """Sites whose latest check failed, among the caller's licences."""
    from vats.report.notify.sites import latest_failures

    found = latest_failures(session, licences=visible_numbers(session, actor))
    return [FailureOut.model_validate(f, from_attributes=True) for f in found]


def runs(session: Any, actor: Principal, *, page: Page) -> ListResult[RunOut]:
    """Check runs, newest first; a non-admin sees runs that checked one of their licences, and the
    run's scope names only those."""
    from vats.store.checks import CheckResultRow, CheckRun

    query = select(CheckRun).order_by(CheckRun.id.desc())
    visible: set[str] | None = None
    if actor.organisations is not None:
        visible = visible_numbers(session, actor)
        checked = select(CheckResultRow.run_id).where(CheckResultRow.licence.in_(sorted(visible)))
        query = query.where(CheckRun.id.in_(checked))
    result = paginate(session, query, page=page)
    items = [RunOut.model_validate(r) for r in result]
    if visible is not None:
        items = [_named_within(item, visible) for item in items]
    return ListResult(items=items, total=result.total, page=page)


def result(session: Any, actor: Principal, *, result_id: int) -> ResultOut:
    """One stored result with its evidence; a result of an invisible licence is "not found"."""
    from vats.store.checks import CheckResultRow

    row = session.get(CheckResultRow, result_id)
    if row is None or (row.licence is not None and row.licence not in visible_numbers(session, actor)):
        raise NotFoundError(f"check result {result_id} not found / 未找到", field="id")
    return ResultOut.model_validate(row)
