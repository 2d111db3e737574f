"""Annual report workpacks: open, view (pre-filled values with sources, what is left, problems), fill,
submit. Service functions with keyword-only arguments that the CLI, API and web call alike.

Submission is recorded through the filings register (an `annual_report` filing for the year, the
receipt attached, then submitted), so the obligation is satisfied by the event the rules already
know; the workpack then freezes its values and sources and refuses further edits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model import clock
from vats.model.errors import ConflictError, InputError, NotFoundError, RefusedError
from vats.reference.annual_report import AnnualReportForm, load_form
from vats.registers.base import check_version, get_or_raise, resolve_licence, visible
from vats.registers.upload import Upload
from vats.registers.workpacks.models import Workpack
from vats.registers.workpacks.prefill import Licensed, prefill_one, service_codes
from vats.rules.workpack import Plan, Prefilled, Problem, Slot, WindowState, coerce, slots, window_state
from vats.store.models import LicenceRecord
from vats.store.scope import scope_of

DRAFT, SUBMITTED = "draft", "submitted"
STATUS_LABELS = {DRAFT: "填写中", SUBMITTED: "已报送（只读）"}
MAX_VALUES_PER_SAVE = 500


@dataclass(frozen=True, slots=True)
class Row:
    """One box as shown: the value the report will carry, where it came from, and its problems."""

    slot: Slot
    value: Any
    prefilled: Prefilled | None
    entered: bool
    problems: tuple[Problem, ...]

    @property
    def human_only(self) -> bool:
        return self.slot.field.prefill is None

    @property
    def source(self) -> str:
        if self.entered:
            return "人工填写"
        if self.prefilled is not None:
            return self.prefilled.source
        return ""


@dataclass(frozen=True)
class WorkpackView:
    """A workpack as shown. The per-box rows are built on first use: a portfolio overview needs only
    the counts and problems, a page or export needs the rows."""

    workpack: Workpack
    form: AnnualReportForm
    window: WindowState
    remaining: int
    problems: tuple[Problem, ...]
    slot_list: tuple[Slot, ...]
    effective: Mapping[str, Any]
    prefill: Mapping[str, Prefilled]

    @cached_property
    def rows(self) -> tuple[Row, ...]:
        values = self.workpack.values or {}
        by_key: dict[str, list[Problem]] = {}
        for p in self.problems:
            by_key.setdefault(p.key, []).append(p)
        return tuple(
            Row(
                slot=s,
                value=self.effective.get(s.key),
                prefilled=self.prefill.get(s.field.prefill) if s.field.prefill else None,
                entered=values.get(s.key) is not None,
                problems=tuple(by_key.get(s.key, ())),
            )
            for s in self.slot_list
        )

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def flags(self) -> list[Problem]:
        return [p for p in self.problems if not p.blocking]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.workpack.status, self.workpack.status)

    @property
    def remaining_label(self) -> str:
        return f"还需填写 {self.remaining} 项" if self.remaining else "已全部填写"


def _record(session: Session, number: str) -> LicenceRecord:
    from vats.store.licences import get_licence

    record = get_licence(session, number=number)
    if record is None:
        raise NotFoundError(f"未找到许可证 {number} / licence {number} not found", field="licence")
    return record


def open_workpack(session: Session, *, licence: str, year: int) -> Workpack:
    """The workpack of a licence and report year, created as a draft the first time."""
    ref = resolve_licence(session, licence)
    if not isinstance(year, int) or isinstance(year, bool):
        raise InputError("年度应为整数 / year must be an integer", field="year")
    load_form(year)  # a year without a form is refused before anything is written
    found = session.scalar(select(Workpack).where(Workpack.licence == ref.number, Workpack.year == year))
    if found is not None:
        return found
    workpack = Workpack(
        licence=ref.number, organisation_id=ref.organisation_id, status=DRAFT, year=year, values={}
    )
    session.add(workpack)
    session.flush()
    return workpack


def get_workpack(session: Session, *, workpack_id: int) -> Workpack:
    return get_or_raise(session, Workpack, workpack_id)


def find_workpack(session: Session, *, licence: str, year: int) -> Workpack:
    """An existing workpack by licence and year (404 naming the licence when there is none)."""
    ref = resolve_licence(session, licence)
    found = session.scalar(select(Workpack).where(Workpack.licence == ref.number, Workpack.year == year))
    if found is None or not visible(session, found.organisation_id):
        raise NotFoundError(f"{ref.number} 尚无 {year} 年度年报底稿 / no {year} workpack", field="licence")
    return found


def list_workpacks(
    session: Session, *, licence: str | None = None, year: int | None = None
) -> list[Workpack]:
    stmt = select(Workpack).order_by(Workpack.year.desc(), Workpack.licence)
    if licence:  # a filter, not a reference: another organisation's number just finds nothing
        stmt = stmt.where(Workpack.licence == licence.strip())
    if year is not None:
        stmt = stmt.where(Workpack.year == year)
    stmt = stmt.where(*scope_of(session).where(Workpack.organisation_id, unowned=True))
    return list(session.scalars(stmt).all())


def _previous(session: Session, workpack: Workpack) -> Mapping[str, Any] | None:
    """Last year's report as filed, for the year-over-year flags."""
    prior = session.scalar(
        select(Workpack).where(Workpack.licence == workpack.licence, Workpack.year == workpack.year - 1)
    )
    if prior is None or not prior.frozen:
        return None
    return {k: v.get("value") for k, v in prior.frozen.get("values", {}).items()}


def build_view(
    workpack: Workpack,
    *,
    record: Licensed,
    prefill: Mapping[str, Prefilled],
    previous: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> WorkpackView:
    """Everything a page or export shows, from facts already gathered."""
    form = load_form(workpack.year)
    if workpack.frozen:
        prefill = frozen_prefill(workpack.frozen)
    plan = plan_for(form, tuple(service_codes(record)))
    eff = plan.effective(workpack.values, prefill)
    missing = plan.remaining(eff)
    problems = plan.validate(eff, prefill=prefill, previous=previous, missing=missing)
    province = (record.data.get("number_info") or {}).get("region")
    return WorkpackView(
        workpack=workpack,
        form=form,
        window=window_state(form, province=province, today=today or clock.today()),
        remaining=len(missing),
        problems=tuple(problems),
        slot_list=plan.slots,
        effective=eff,
        prefill=prefill,
    )


_PLANS: dict[tuple[int, tuple[str, ...]], Plan] = {}


def plan_for(form: AnnualReportForm, services: tuple[str, ...]) -> Plan:
    """The boxes of a form for a set of services and what checking them asks, built once per
    combination (forms are cached)."""
    key = (form.year, services)
    found = _PLANS.get(key)
    if found is None:
        found = _PLANS[key] = Plan.of(form, slots(form, services))
    return found


def view_workpack(session: Session, *, workpack_id: int, today: date | None = None) -> WorkpackView:
    workpack = get_workpack(session, workpack_id=workpack_id)
    record = _record(session, workpack.licence)
    prefill = {} if workpack.frozen else prefill_one(session, record, year=workpack.year)
    return build_view(
        workpack, record=record, prefill=prefill, previous=_previous(session, workpack), today=today
    )


def _editable(workpack: Workpack, expected_version: int | None) -> None:
    check_version(workpack, expected_version, what=workpack.noun)
    if workpack.status != DRAFT:
        raise RefusedError(
            f"{workpack.year} 年度年报已报送，底稿只读 / the {workpack.year} report was submitted; read-only",
            field="status",
        )


def fill_workpack(
    session: Session,
    *,
    workpack_id: int,
    values: Mapping[str, Any],
    expected_version: int | None = None,
) -> Workpack:
    """Save entered values (a draft: nothing else is checked here). An empty value clears the box and
    brings back the pre-filled value, if any. Unknown keys and wrong types are refused, nothing saved."""
    workpack = get_workpack(session, workpack_id=workpack_id)
    _editable(workpack, expected_version)
    if len(values) > MAX_VALUES_PER_SAVE:
        raise InputError(f"一次最多保存 {MAX_VALUES_PER_SAVE} 项 / too many values", field="values")
    record = _record(session, workpack.licence)
    by_key = {s.key: s for s in plan_for(load_form(workpack.year), tuple(service_codes(record))).slots}
    updated = dict(workpack.values or {})
    for key, raw in values.items():
        slot = by_key.get(str(key))
        if slot is None:
            raise InputError(
                f"表单中没有此项 / no such field in the {workpack.year} form: {key}", field=str(key)
            )
        value = coerce(slot.field, raw, key=slot.key)
        if value is None:
            updated.pop(slot.key, None)
        else:
            updated[slot.key] = value
    workpack.values = updated
    session.flush()
    return workpack


def submit_workpack(
    session: Session,
    *,
    workpack_id: int,
    submitted_at: date,
    receipt: Upload,
    receipt_no: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Workpack:
    """Record that the report was filed online: through an annual-report filing with the receipt
    attached (its submission event satisfies the obligation), then freeze the workpack."""
    from vats.registers.filings import service as filings
    from vats.registers.filings.models import Filing

    today = today or clock.today()
    workpack = get_workpack(session, workpack_id=workpack_id)
    _editable(workpack, expected_version)
    view = view_workpack(session, workpack_id=workpack_id, today=today)
    if view.blocking:
        first = view.blocking[0]
        raise InputError(
            f"底稿尚有 {len(view.blocking)} 处问题（{view.remaining_label}），如：{first.message} / "
            f"{len(view.blocking)} problems remain",
            field=first.key,
        )
    filing = session.scalar(
        select(Filing).where(
            Filing.licence == workpack.licence,
            Filing.kind == "annual_report",
            Filing.year == workpack.year,
            Filing.status != "closed",
        )
    )
    if filing is not None and filing.status != "draft":
        raise ConflictError(
            f"申报 {filing.id} 已记录 {workpack.year} 年度年报提交 / filing {filing.id} already recorded it",
            field="filing",
        )
    if filing is None:
        filing = filings.add_filing(
            session, licence=workpack.licence, kind="annual_report", year=workpack.year
        )
    filings.attach_file(session, filing_id=filing.id, filename=receipt.filename, content=receipt.content)
    filings.submit_filing(
        session, filing_id=filing.id, submitted_at=submitted_at, receipt_no=receipt_no, today=today
    )
    workpack.frozen = {
        "values": {r.slot.key: {"value": r.value, "source": r.source} for r in view.rows},
        "prefill": {
            r.slot.field.prefill: {"value": r.prefilled.value, "source": r.prefilled.source}
            for r in view.rows
            if r.prefilled is not None and r.slot.field.prefill
        },
        "form_year": view.form.year,
    }
    workpack.filing_id = filing.id
    workpack.submitted_at = submitted_at
    workpack.status = SUBMITTED
    session.flush()
    return workpack


def frozen_prefill(frozen: Mapping[str, Any]) -> dict[str, Prefilled]:
    """The pre-filled values a submitted workpack was filed with."""
    return {k: Prefilled(v["value"], v["source"]) for k, v in frozen.get("prefill", {}).items()}
