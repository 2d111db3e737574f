"""申报材料登记 — annual reports (licence provision 十四), renewal, not-continuing and change
applications, with their receipt numbers and attached files.

State machine: draft --submit--> submitted --close--> closed; files may be attached until closed
(`filings.attachments`, the register's one irregular action). Submitting emits the kind's event
(`annual_report_filed` with the year, `renewal_applied`, `not_continuing_reported`,
`provincial_licence_cancelled`); a change application is recorded on the change itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vats.registers.filings.schemas import SHAPES, FilingSubmit
from vats.registers.spec import CLOSE, Implied, Listing, RegisterSpec, Step, Values
from vats.registers.states import flow
from vats.registers.vocab import vocabulary

MACHINE = flow(
    "filing",
    "draft --submit--> submitted --close--> closed",
    open_states=("draft",),
    loops={"attach": ("draft", "submitted")},
)


def implied_events(filing: Any) -> list[Implied]:
    """Once submitted, the event its kind's duty is waiting for (annual reports carry their year)."""
    done = vocabulary().term("filing_kinds", filing.kind, field="kind").done_event
    if filing.submitted_at is None or not done:
        return []
    return [Implied(done, filing.submitted_at, {"year": filing.year})]


def _one_live_report_per_year(session: Any, data: Any, ref: Any) -> Mapping[str, Any]:
    """Refuse a second open filing of a kind for the same year; title a filing after its kind."""
    from sqlalchemy import select

    from vats.model.errors import ConflictError
    from vats.registers.filings.models import Filing

    if data.year is not None:
        clash = session.scalar(
            select(Filing.id).where(
                Filing.licence == ref.number,
                Filing.kind == data.kind,
                Filing.year == data.year,
                Filing.status != "closed",
            )
        )
        if clash is not None:
            raise ConflictError(
                f"{data.year} 年度已有申报 {clash} / filing {clash} already covers {data.year}", field="year"
            )
    term = vocabulary().term("filing_kinds", data.kind, field="kind")
    return {"title": data.title or (f"{term.zh} {data.year}" if data.year else term.zh)}


def _filed_after_the_year(filing: Any, data: Any) -> None:
    from vats.model.errors import InputError

    if filing.year is not None and data.submitted_at.year <= filing.year:
        raise InputError(
            f"{filing.year} 年度年报应在次年提交 / the {filing.year} report is filed in {filing.year + 1}",
            field="submitted_at",
        )


def _year_of_annual_reports(values: Values) -> Iterable[str]:
    kind = values.get("kind")
    needs_year = kind and vocabulary().term("filing_kinds", kind, field="kind").needs_year
    return ("year",) if needs_year else ()


STEPS = (Step("submit", FilingSubmit, guard=_filed_after_the_year, on_create=True), CLOSE)
LISTING = Listing(("kind", "year", "title", "submitted_at", "receipt_no"))

SPEC = RegisterSpec(
    "filings",
    "vats.registers.filings.models:Filing",
    MACHINE,
    SHAPES,
    STEPS,
    implied_events,
    LISTING,
    create_needs=_year_of_annual_reports,
    before_create=_one_live_report_per_year,
    cli_options={"receipt_no": "--receipt"},
    api_extras="vats.registers.filings.api:extend_router",
    cli_extras="vats.registers.filings.cli:extend_app",
)
