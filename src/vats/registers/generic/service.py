"""The one register service: add, act, get, find, correct and present records of any register.

Every register used to repeat these per action; now its spec says what differs (input models,
state machine, date order, implied events, hooks) and these functions do the rest, for the API, the
CLI, the web UI and jobs alike. The order of checks is the same for every step: input, visibility,
version and state, dates, the step's own guard — and only then is anything changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from vats.model import clock
from vats.model.clock import assume_beijing
from vats.registers.base import (
    RegisterColumns,
    common_filters,
    get_or_raise,
    list_records,
    next_state,
    parse_input,
    resolve_licence,
)
from vats.registers.corrections import correct_record
from vats.registers.events import DueSummary, due_summaries, sync_events
from vats.registers.generic.dates import check_dates, current
from vats.registers.schemas import DueOut, RecordOut
from vats.registers.spec import RegisterSpec
from vats.store.listing import ListResult, Page

COMMON_FILTERS = ("licence", "status", "open_only")
OutT = TypeVar("OutT", bound=RecordOut)


def add(session: Session, spec: RegisterSpec, *, values: Mapping[str, Any], today: date | None = None) -> Any:
    """Create a record in the machine's initial state and record the events it implies."""
    data = parse_input(spec.create, _given(values))
    fields = _instants(data)
    check_dates(spec, fields, fields, today=today or clock.today())
    ref = resolve_licence(session, fields.pop("licence"))
    extra = spec.before_create(session, data, ref) if spec.before_create else {}
    record = spec.load_model()(
        licence=ref.number,
        organisation_id=ref.organisation_id,
        status=spec.machine.initial,
        **{**fields, **extra},
    )
    session.add(record)
    session.flush()
    sync_events(session, record, spec.implied_events)
    return record


def act(
    session: Session,
    spec: RegisterSpec,
    *,
    record_id: int,
    action: str,
    values: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Any:
    """Take one step of the record's state machine with its input; refused steps change nothing."""
    step = spec.step(action)
    data = parse_input(step.body, _given(values or {})) if step and step.body else None
    record = get(session, spec, record_id=record_id)
    status = next_state(record, spec.machine, action, expected_version=expected_version)
    fields = _instants(data) if data is not None else {}
    if step and step.guard:
        step.guard(record, data)
    check_dates(spec, fields, {**current(record, spec), **fields}, today=today or clock.today())
    record.status = status
    if step and step.apply:
        step.apply(record, data)
    else:
        for name, value in fields.items():
            setattr(record, name, value)
    sync_events(session, record, spec.implied_events)
    session.flush()
    return record


def get(session: Session, spec: RegisterSpec, *, record_id: int) -> Any:
    """One record the caller may see (another organisation's looks like a missing one)."""
    return get_or_raise(session, spec.load_model(), record_id)


def find(
    session: Session,
    spec: RegisterSpec,
    *,
    filters: BaseModel | Mapping[str, Any] | None = None,
    page: Page | None = None,
) -> ListResult[Any]:
    """One page of records matching the register's filters, newest first."""
    if not isinstance(filters, BaseModel):
        filters = parse_input(spec.filters, _given(filters or {}))
    f = filters.model_dump()
    model = spec.load_model()
    where = common_filters(
        model, licence=f["licence"], status=f["status"], open_only=f["open_only"], machine=spec.machine
    )
    for name, value in f.items():
        if name not in COMMON_FILTERS and value is not None and value != "":
            where.append(getattr(model, name) == value)
    order_by = [getattr(model, name).desc() for name in spec.order_by]
    return list_records(session, model, where=where, page=page, order_by=order_by)


def correct(
    session: Session,
    spec: RegisterSpec,
    *,
    record_id: int,
    changes: Mapping[str, Any],
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Any:
    """Correct recorded values (`registers.corrections`): deadlines follow, the reason is kept."""
    return correct_record(
        session,
        register=spec.plural,
        record_id=record_id,
        changes=changes,
        reason=reason,
        expected_version=expected_version,
        today=today,
    )


def present(
    session: Session,
    spec: RegisterSpec,
    records: Sequence[RegisterColumns],
    *,
    as_of: date | None = None,
    with_due: bool = True,
) -> list[Any]:
    """Output models with the allowed actions and (one engine run for all) each record's due summary."""
    return to_out(session, spec.out, records, machine=spec.machine, as_of=as_of, with_due=with_due)


def to_out(
    session: Session,
    schema: type[OutT],
    records: Sequence[RegisterColumns],
    *,
    machine: Any,
    as_of: date | None = None,
    with_due: bool = True,
) -> list[OutT]:
    """`present` for a schema and machine given directly."""
    dues: dict[str, DueSummary | None] = {}
    if with_due and records:
        subjects = {r.subject: r.licence for r in records}
        dues = due_summaries(session, subjects=subjects, as_of=as_of or clock.today())
    out: list[OutT] = []
    for record in records:
        item = schema.model_validate(record, from_attributes=True)
        item.actions = list(machine.actions_from(record.status))
        item.due = DueOut.of(dues.get(record.subject))
        out.append(item)
    return out


def bind(spec: RegisterSpec, *actions: str) -> tuple[Callable[..., Any], ...]:
    """Named entry points (`add_case`, `get_case`, `list_cases`, `dispose_case` …) over the generic
    functions, taking the record id as `<key>_id`: what scripts and tests call a register by."""
    id_name = f"{spec.key}_id"

    def adder(session: Session, *, today: date | None = None, **values: Any) -> Any:
        return add(session, spec, values=values, today=today)

    def getter(session: Session, **ids: int) -> Any:
        return get(session, spec, record_id=ids[id_name])

    def lister(session: Session, *, filters: BaseModel | None = None, page: Page | None = None) -> Any:
        return find(session, spec, filters=filters, page=page)

    def stepper(action: str) -> Callable[..., Any]:
        def step(
            session: Session, *, expected_version: int | None = None, today: date | None = None, **values: Any
        ) -> Any:
            record_id = values.pop(id_name)
            return act(
                session,
                spec,
                record_id=record_id,
                action=action,
                values=values,
                expected_version=expected_version,
                today=today,
            )

        return step

    return (adder, getter, lister, *(stepper(a) for a in actions))


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    """Input values as given; None means "not given", so the model's default applies."""
    return {k: v for k, v in values.items() if v is not None}


def _instants(data: BaseModel) -> dict[str, Any]:
    """Validated values, with user-entered times made aware (no zone means Beijing time)."""
    return {
        name: assume_beijing(value) if isinstance(value, datetime) else value
        for name, value in ((n, getattr(data, n)) for n in type(data).model_fields)
    }
