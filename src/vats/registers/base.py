"""What every register shares: the common columns, record lookup, version checks, date validation,
pagination, and the registry of registers that `vats status` and the web UI iterate over.

A register is declared once (`register(RegisterInfo(...))` in its package's `__init__`) so code that
needs "all registers" — open-item counts, navigation, export — never hard-codes the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from vats.model.clock import as_utc, china_date, now_utc
from vats.model.errors import ConflictError, InputError, NotFoundError
from vats.store.listing import ListResult, Page, paginate
from vats.store.scope import scope_of

if TYPE_CHECKING:
    from vats.registers.states import StateMachine


class RegisterColumns:
    """Columns every register table has. `version` drives optimistic concurrency (version_id_col)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence: Mapped[str] = mapped_column(String(64), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True, default=None
    )
    status: Mapped[str] = mapped_column(String(20), index=True)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, onupdate=now_utc)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy passes the class
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    #: prefix of `subject` strings ("case:42") that link this record's events
    subject_prefix: ClassVar[str] = ""
    #: what users call one record, for messages ("处置案件 / case")
    noun: ClassVar[str] = "record"

    @property
    def subject(self) -> str:
        return f"{self.subject_prefix}:{self.id}"


R = TypeVar("R", bound=RegisterColumns)
S = TypeVar("S", bound=BaseModel)


def parse_input(schema: type[S], values: dict[str, Any]) -> S:
    """Validate service arguments through the concept's pydantic schema; the first error becomes an
    InputError naming the field, so the CLI (exit 2) and the API (400) report it the same way."""
    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(f"取值无效 / invalid value: {message}", field=field) from None


@dataclass(frozen=True, slots=True)
class LicenceRef:
    """A stored licence a register record belongs to: its canonical number and organisation."""

    number: str
    organisation_id: int | None


def resolve_licence(session: Session, number: str) -> LicenceRef:
    """The stored licence with this number among those the session's caller may see; records about
    unknown licences are refused, because the rules engine can only derive deadlines for licences it
    knows. Another organisation's licence gets the same answer as a missing one (no probing)."""
    from vats.store.licences import get_licence

    record = get_licence(session, number=number.strip())
    if record is None:
        raise NotFoundError(
            f"未找到许可证 {number}（需先导入）/ licence {number} not found (it must be imported first)",
            field="licence",
        )
    return LicenceRef(number=record.number, organisation_id=record.organisation_id)


def get_or_raise(session: Session, model: type[R], record_id: int) -> R:
    """The record, or NotFoundError in both languages; invisible organisations look like missing ones."""
    record = session.get(model, record_id)
    if record is None or not visible(session, record.organisation_id):
        raise NotFoundError(f"{model.noun} {record_id} 不存在 / not found", field="id")
    return record


def visible(session: Session, organisation_id: int | None) -> bool:
    """Whether the session's principal may see a record (API sessions carry their organisation grants)."""
    return scope_of(session).sees(organisation_id)


def next_state(
    record: RegisterColumns, machine: StateMachine, action: str, *, expected_version: int | None
) -> str:
    """The state `action` leads to, after the optimistic-concurrency check; nothing is changed yet,
    so a service validates its input next and assigns the state last (no half-applied transition)."""
    check_version(record, expected_version, what=record.noun)
    return machine.apply(record.status, action, subject=f"{record.noun} {record.id}")


def check_version(record: RegisterColumns, expected_version: int | None, *, what: str) -> None:
    """Refuse a write based on a stale read before touching anything (the flush check backs this up)."""
    if expected_version is not None and expected_version != record.version:
        raise ConflictError(
            f"{what} {record.id} 已被他人修改（当前版本 {record.version}，你读取的是 {expected_version}）/ "
            f"{what} {record.id} changed since you read it (version {record.version}, expected "
            f"{expected_version}); re-read and retry",
            field="version",
        )


def not_future(value: date | datetime, *, field: str, today: date) -> None:
    """Records describe what happened: a date after today is a typing error, not a plan."""
    day = china_date(value) if isinstance(value, datetime) else value
    if day > today:
        raise InputError(f"日期不能晚于今天 {today} / date {day} is in the future", field=field)


def not_before(later: date | datetime, earlier: date | datetime, *, field: str, earlier_name: str) -> None:
    """`later` must not precede `earlier` (e.g. disposal before discovery)."""
    if isinstance(later, datetime) and isinstance(earlier, datetime):
        ok = as_utc(later) >= as_utc(earlier)
    else:
        a = china_date(later) if isinstance(later, datetime) else later
        b = china_date(earlier) if isinstance(earlier, datetime) else earlier
        ok = a >= b
    if not ok:
        raise InputError(
            f"不能早于{earlier_name}（{earlier}）/ must not be before {earlier_name} ({earlier})", field=field
        )


def list_records(
    session: Session,
    model: type[R],
    *,
    where: Sequence[Any] = (),
    page: Page | None = None,
    order_by: Sequence[Any] = (),
) -> ListResult[R]:
    """One filter-sort-paginate path for every register (used by CLI and API alike)."""
    page = page or Page()
    conditions = list(where)
    conditions += scope_of(session).where(model.organisation_id, unowned=True)
    stmt = select(model).where(*conditions).order_by(*order_by, model.id.desc())
    return paginate(session, stmt, page=page)


def common_filters(
    model: type[RegisterColumns],
    *,
    licence: str | None,
    status: str | None,
    open_only: bool,
    machine: StateMachine,
) -> list[Any]:
    """WHERE clauses every register's list supports: licence, status, open items only."""
    where: list[Any] = []
    if licence:
        where.append(model.licence == licence.strip())
    if status:
        if status not in machine.states:
            allowed = ", ".join(sorted(machine.states))
            raise InputError(f"未知状态 / unknown status {status!r} (allowed: {allowed})", field="status")
        where.append(model.status == status)
    if open_only:
        where.append(model.status.in_(sorted(machine.open_states)))
    return where


def open_counts(session: Session, *, licence: str | None = None) -> dict[str, int]:
    """Open items per register (the `vats status` overview), honouring the session's visibility."""
    from vats.registers.states import registers

    counts: dict[str, int] = {}
    for info in registers():
        model: type[RegisterColumns] = info.load_model()
        where = common_filters(model, licence=licence, status=None, open_only=True, machine=info.machine)
        where += scope_of(session).where(model.organisation_id, unowned=True)
        counts[info.key] = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    return counts
