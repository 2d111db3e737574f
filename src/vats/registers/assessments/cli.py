"""`vats assessment add|list|show|complete|report|close|correct`: the security-assessment register."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from vats.registers import cli as common
from vats.registers.assessments import MACHINE
from vats.registers.cli import ActorOpt, AsOfOpt, DbOpt, JsonOpt, PageOpt, PerPageOpt, VersionOpt

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.registers.assessments.models import Assessment

app = common.new_app("安全评估登记 / Security assessments register")

COLUMNS = ("kind", "scope", "level", "completed_at", "reported_at")
AssessmentId = Annotated[int, typer.Argument(help="评估编号 / assessment id")]


def _show(session: Session, assessment: Assessment, as_json: bool, as_of: str | None = None) -> None:
    from vats.registers.assessments.schemas import AssessmentOut

    common.show_one(session, assessment, schema=AssessmentOut, machine=MACHINE, as_json=as_json, as_of=as_of)


@app.command("add")
def add(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    kind: Annotated[str | None, typer.Option(help="评估类型 / kind code")] = None,
    scope: Annotated[str | None, typer.Option(help="评估范围 / scope")] = None,
    unit: Annotated[str | None, typer.Option(help="网络单元 / network unit")] = None,
    level: Annotated[int | None, typer.Option(help="定级级别 1–5 / grade")] = None,
    completed_at: Annotated[str | None, typer.Option(help="已完成日期 / completed (YYYY-MM-DD)")] = None,
    note: Annotated[str | None, typer.Option(help="备注 / note")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记评估 / Register an assessment (give --completed-at if it is already done)."""
    from vats.registers.assessments import service

    values = dict(
        licence=common.ask_text(licence, option="--licence", prompt="许可证编号 / licence"),
        kind=common.ask_code(kind, option="--kind", prompt="类型 / kind", vocab="assessment_kinds"),
        scope=common.ask_text(scope, option="--scope", prompt="范围 / scope"),
    )
    done = common.optional_date(completed_at, option="--completed-at")
    with common.open_session(db, actor) as session:
        assessment = service.add_assessment(session, unit=unit, level=level, note=note, **values)
        if done is not None:
            assessment = service.complete_assessment(session, assessment_id=assessment.id, completed_at=done)
        _show(session, assessment, as_json)


@app.command("list")
def list_(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    status: Annotated[str | None, typer.Option(help="状态 / status")] = None,
    kind: Annotated[str | None, typer.Option(help="类型 / kind")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只列未完成 / open items only")] = False,
    page: PageOpt = 1,
    per_page: PerPageOpt = 50,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出评估及报送期限 / List assessments with their report due date and status."""
    from vats.registers.assessments import service
    from vats.registers.assessments.schemas import AssessmentFilters, AssessmentOut
    from vats.store.listing import Page

    filters = AssessmentFilters(licence=licence, status=status, kind=kind, open_only=open_only)
    with common.open_session(db, actor) as session:
        result = service.list_assessments(session, filters=filters, page=Page(page, per_page))
        common.show_page(
            session,
            result,
            schema=AssessmentOut,
            machine=MACHINE,
            columns=COLUMNS,
            as_json=as_json,
            as_of=as_of,
        )


@app.command("show")
def show(
    assessment_id: AssessmentId,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """显示评估 / Show one assessment."""
    from vats.registers.assessments import service

    with common.open_session(db, actor) as session:
        _show(session, service.get_assessment(session, assessment_id=assessment_id), as_json, as_of)


@app.command("complete")
def complete(
    assessment_id: AssessmentId,
    completed_at: Annotated[str | None, typer.Option(help="完成日期 / completed (YYYY-MM-DD)")] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记完成 / Record completion (starts the 30-day report clock for new-business assessments)."""
    from vats.registers.assessments import service

    when = common.ask_date(completed_at, option="--completed-at", prompt="完成日期 / completed")
    with common.open_session(db, actor) as session:
        assessment = service.complete_assessment(
            session, assessment_id=assessment_id, completed_at=when, expected_version=expected_version
        )
        _show(session, assessment, as_json)


@app.command("report")
def report(
    assessment_id: AssessmentId,
    reported_at: Annotated[str | None, typer.Option(help="报送日期 / submitted (YYYY-MM-DD)")] = None,
    report_ref: Annotated[str | None, typer.Option(help="报告编号 / report reference")] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记报送 / Record submission of the written report."""
    from vats.registers.assessments import service

    when = common.ask_date(reported_at, option="--reported-at", prompt="报送日期 / submitted")
    with common.open_session(db, actor) as session:
        assessment = service.report_assessment(
            session,
            assessment_id=assessment_id,
            reported_at=when,
            report_ref=report_ref,
            expected_version=expected_version,
        )
        _show(session, assessment, as_json)


@app.command("close")
def close(
    assessment_id: AssessmentId,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """归档 / Close a reported assessment."""
    from vats.registers.assessments import service

    with common.open_session(db, actor) as session:
        assessment = service.close_assessment(
            session, assessment_id=assessment_id, expected_version=expected_version
        )
        _show(session, assessment, as_json)


common.add_correct_command(app, register="assessments", show=_show)
