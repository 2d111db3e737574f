"""What each kind of background job does, through the same services the API, web and CLI call.

`run` is the one entry point for a recorded job (`vats.store.background`): `vats serve` calls it in a
thread on SQLite, a `vats worker` calls it for a queued `vats.run_job` on PostgreSQL. Every kind is
idempotent, so a job delivered twice (a worker killed mid-job, a retry) changes nothing the second
time: site results are keyed by job and site, workpacks are created only where missing, a report of
a given day is rendered once, a list match writes only its own file, reminders and notices are sent
once per stage, a day has one checkpoint file, a scan is staged once under the token its job names.

Site checks fan out: with a queue, `fan_out` turns the job's sites into batches that any worker
takes (`check_batch`); in-process the whole list is crawled at once. Either way each site's result
and the job's progress commit together (`vats.store.checks.check_and_record`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from vats.api.settings import Settings
from vats.model.errors import VatsError
from vats.store import background
from vats.store.background import Link

if TYPE_CHECKING:
    from vats.checks.net import NetPolicy
    from vats.checks.results import SiteTarget

log = logging.getLogger("vats.jobs")

#: sites per queued check batch by default: one crawl (one client, one TLS context) serves a batch
BATCH_SITES = 20
INTERNAL_ERROR = "内部错误，详见服务器日志 / internal error, see the server log"
FanOut = Callable[[int, Sequence[Sequence["SiteTarget"]]], None]
#: queues a cold evaluation's slices, each `(after, until)` licence ids, for any worker to take
SliceOut = Callable[[int, Sequence[tuple[int, int]]], None]
SLICE_LICENCES = 1000  #: licences per slice of a cold evaluation


def check_key(kind: str, job_id: int, args: dict[str, Any]) -> str:
    """The key a job's site results are stored under: the period of a scheduled round (so a round
    is one result per site whichever job carries it), else the job itself."""
    return f"period:{args['period']}" if kind == "check_round" else f"job:{job_id}"


def _targets(engine: Engine, kind: str, args: dict[str, Any]) -> list[SiteTarget]:
    """The job's sites, each domain once (two licences listing one site check it once)."""
    from vats.store.checks import site_targets
    from vats.store.db import session_scope

    numbers = args.get("licences")
    with session_scope(engine, actor="system:jobs") as session:
        found = site_targets(session, numbers=numbers)
    if kind == "check_site":
        wanted = str(args["domain"]).lower()
        found = [t for t in found if t.domain.lower() == wanted]
    unique: dict[str, SiteTarget] = {}
    for t in found:
        unique.setdefault(t.domain, t)
    return list(unique.values())


def check_links(engine: Engine, job: background.BackgroundJob) -> list[Link]:
    """Where a finished check job's results are: the site's result, the licence, or the checks page."""
    from sqlalchemy import select

    from vats.store.checks import CheckResultRow, CheckRun, site_scope
    from vats.store.db import session_scope

    if job.kind == "check_site":
        scope = site_scope(check_key(job.kind, job.id, job.args), str(job.args["domain"]))
        with session_scope(engine, actor="system:jobs") as session:
            found = session.scalar(
                select(CheckResultRow.id)
                .join(CheckRun, CheckRun.id == CheckResultRow.run_id)
                .where(CheckRun.scope == scope)
                .order_by(CheckResultRow.id)
                .limit(1)
            )
        if found is not None:
            return [{"label": f"检查结果 {job.args['domain']}", "href": f"/checks/results/{found}"}]
    if job.kind in ("check_site", "check_licence"):
        number = str(job.args["licences"][0])
        return [{"label": f"许可证 {number}", "href": f"/licences/{number}"}]
    return [{"label": "网站检查", "href": "/checks"}]


def check_batch(
    engine: Engine,
    *,
    job_id: int,
    targets: Sequence[SiteTarget],
    policy: NetPolicy | None = None,
    worker: str | None = None,
    per_transaction: int = 1,
) -> int:
    """Check one batch of a job's sites; the job is done when its last site is stored. Stored sites."""
    from vats.store.checks import check_and_record
    from vats.store.db import session_scope

    with session_scope(engine, actor="system:jobs") as session:
        job = session.get(background.BackgroundJob, job_id)
        if job is None or job.state != background.RUNNING:
            return 0  # retried after the job was finished or failed: nothing left to do
        kind, args, actor = job.kind, dict(job.args), job.actor
    try:
        stored = check_and_record(
            engine,
            targets=targets,
            key=check_key(kind, job_id, args),
            actor=actor,
            job_id=job_id,
            policy=policy,
            options={"worker": worker} if worker else None,
            per_transaction=per_transaction,
        )
    except Exception:  # the job shows failed with a retry button; a retry skips the sites stored
        log.exception("check batch of job %s failed", job_id)
        with session_scope(engine, actor="system:jobs") as session:
            background.fail(session, job_id=job_id, error=INTERNAL_ERROR)
        raise
    with session_scope(engine, actor="system:jobs") as session:
        job = session.get(background.BackgroundJob, job_id)
        if job is not None and job.done >= job.total:
            background.finish_if_complete(session, job_id=job_id, links=check_links(engine, job))
    return len(stored)


def _checks(
    engine: Engine,
    job: background.BackgroundJob,
    policy: NetPolicy | None,
    fan_out: FanOut | None,
    batch: int,
) -> bool:
    """Plan or run a check job; True when it finished here (in-process), False when fanned out."""
    from vats.store.checks import check_and_record
    from vats.store.db import session_scope

    targets = _targets(engine, job.kind, job.args)
    if not targets:
        raise VatsError("没有可检查的网站 / no site to check")
    with session_scope(engine, actor="system:jobs") as session:
        background.set_total(session, job_id=job.id, total=len(targets))
    if fan_out is not None:
        batches = [targets[i : i + batch] for i in range(0, len(targets), batch)]
        fan_out(job.id, batches)
        return False
    key = check_key(job.kind, job.id, job.args)
    check_and_record(
        engine,
        targets=targets,
        key=key,
        actor=job.actor,
        job_id=job.id,
        policy=policy,
        per_transaction=batch,
    )
    return True


def _slice_key(after: int, until: int) -> str:
    return f"{after}-{until}"


def _plan_cold(engine: Engine, job: background.BackgroundJob) -> list[tuple[int, int]]:
    """Mark unseen changes dirty and record the job's slices (a redelivery plans afresh: what the
    first plan's slices evaluated is no longer stale)."""
    from vats.store.db import session_scope
    from vats.store.obligation_chunks import plan_slices

    as_of = date.fromisoformat(str(job.args["as_of"]))
    size = int(job.args.get("size") or SLICE_LICENCES)
    with session_scope(engine, actor="system:jobs") as session:
        plan = plan_slices(session, as_of=as_of, size=size)
        row = session.get(background.BackgroundJob, job.id)
        assert row is not None
        counts = {_slice_key(a, u): n for a, u, n in plan.slices}
        row.args = {**row.args, "slices": counts, "sliced": [], "audit_seen": plan.audit_seen}
        row.done, row.total = 0, plan.licences
    return [(a, u) for a, u, _n in plan.slices]


def evaluate_slice(engine: Engine, *, job_id: int, after: int, until: int) -> int:
    """Evaluate one slice of a cold evaluation and count it once on the job; the slice that
    completes the job rebuilds the cache's tally and finishes it. Licences evaluated."""
    from vats.store.db import session_scope
    from vats.store.obligation_chunks import refresh_slice

    key = _slice_key(after, until)
    with session_scope(engine, actor="system:jobs") as session:
        job = session.get(background.BackgroundJob, job_id)
        if job is None or job.state != background.RUNNING:
            return 0  # retried after the job was finished or failed: nothing left to do
        as_of = date.fromisoformat(str(job.args["as_of"]))
    try:
        with session_scope(engine, actor="system:jobs") as session:
            evaluated = refresh_slice(session, as_of=as_of, after=after, until=until)
            job = session.get(background.BackgroundJob, job_id, with_for_update=True, populate_existing=True)
            assert job is not None
            counts, sliced = dict(job.args.get("slices") or {}), list(job.args.get("sliced") or [])
            if key in counts and key not in sliced:  # a slice run again is counted once
                sliced.append(key)
                job.args = {**job.args, "sliced": sliced}
                job.done = job.done + int(counts[key])
            complete = set(counts) <= set(sliced)
    except Exception:
        log.exception("slice %s of job %s failed", key, job_id)
        with session_scope(engine, actor="system:jobs") as session:
            background.fail(session, job_id=job_id, error=INTERNAL_ERROR)
        raise
    if complete:
        _finish_cold(engine, job_id)
    return evaluated


def _finish_cold(engine: Engine, job_id: int) -> None:
    from vats.store.db import session_scope
    from vats.store.obligation_chunks import finish_slices

    links: list[Link] = [{"label": "义务列表", "href": "/obligations"}]
    with session_scope(engine, actor="system:jobs") as session:
        job = session.get(background.BackgroundJob, job_id)
        if job is None or job.state != background.RUNNING:
            return
        finish_slices(session, audit_seen=int(job.args["audit_seen"]))
        background.finish(session, job_id=job_id, links=links)


def _cold(engine: Engine, job: background.BackgroundJob, slice_out: SliceOut | None) -> bool:
    """Plan a cold evaluation and run its slices here, or queue them; True when it finished here."""
    slices = _plan_cold(engine, job)
    if not slices:
        _finish_cold(engine, job.id)
        return True
    if slice_out is not None:
        slice_out(job.id, slices)
        return False
    for after, until in slices:
        evaluate_slice(engine, job_id=job.id, after=after, until=until)
    return True


def _portfolio_principal(job: background.BackgroundJob) -> Any:
    from vats.api.deps import Principal, Role

    orgs = None if job.organisation_id is None else frozenset({job.organisation_id})
    return Principal(name=job.actor, role=Role.ADMIN if orgs is None else Role.OFFICER, organisations=orgs)


def _report(engine: Engine, job: background.BackgroundJob) -> tuple[list[Link], tuple[str, str, bytes]]:
    """The compliance report of the job's organisation (all licences for an administrator's job)."""
    from sqlalchemy.orm import Session

    from vats.api import views
    from vats.model.clock import in_beijing, now_utc
    from vats.registers.dossiers.daily import launch_findings
    from vats.report.compliance import MEDIA_TYPES, build_report, render

    fmt = str(job.args["format"])
    as_of = date.fromisoformat(str(job.args["as_of"]))
    with Session(engine) as session:
        p = views.portfolio(session, _portfolio_principal(job), as_of=as_of)
        audits = [a for a in map(p.audit_of, [lic.number for lic in p.licences]) if a is not None]
        launch = launch_findings(session, licences=[a.licence.number for a in audits], today=as_of)
    report = build_report(audits, as_of=as_of, generated_at=in_beijing(now_utc()), launch=launch)
    name = f"vats-report-{job.organisation_id or 'portfolio'}-{as_of.isoformat()}.{fmt}"
    data = render(report, fmt)  # type: ignore[arg-type]
    return [{"label": f"下载报告 {name}", "href": f"/jobs/{job.id}/file"}], (name, MEDIA_TYPES[fmt], data)


def _workpacks(engine: Engine, job: background.BackgroundJob) -> list[Link]:
    """The year's annual-report workpacks of the job's organisation, created where missing."""
    from vats.registers.workpacks.generate import generate_workpacks
    from vats.store.db import session_scope

    year = int(job.args["year"])
    organisations = None if job.organisation_id is None else [job.organisation_id]
    with session_scope(engine, actor=job.actor, organisations=organisations) as session:
        views = generate_workpacks(session, year=year)
        numbers = sorted(v.licence for v in views)
    return [{"label": f"{n} {year} 年报", "href": f"/licences/{n}/workpacks/{year}"} for n in numbers]


def _list_match(engine: Engine, job: background.BackgroundJob) -> tuple[list[Link], tuple[str, str, bytes]]:
    """A saved regulator list matched against the job's organisation (every organisation for an
    administrator's job): the findings as a CSV file kept with the job."""
    import csv
    import io

    from sqlalchemy import select

    from vats.checks.regulator_lists import entries, guess_mapping, hit_findings, match, read_table
    from vats.store.db import session_scope
    from vats.store.parties import portfolio_parties

    row = background.BackgroundJob
    with session_scope(engine, actor=job.actor) as session:
        data = session.scalar(select(row.input).where(row.id == job.id))
        parties = portfolio_parties(session, organisation_id=job.organisation_id)
    if data is None or not job.input_name:
        raise VatsError("任务没有名单文件 / the job has no list file")
    table = read_table(data, filename=job.input_name)
    items = entries(table, guess_mapping(table.header))
    list_kind = str(job.args["list_kind"])
    findings = hit_findings(match(items, parties), list_kind=list_kind, source=job.input_name)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["严重程度", "许可证编号", "对象", "说明", "名单行"])
    for f in findings:
        line = f.evidence[0].line if f.evidence else None
        writer.writerow([f.severity.value, f.licence or "", f.subject or "", f.message_zh, line or ""])
    name = f"vats-list-match-{job.id}.csv"
    label = f"下载比对结果 {name}（{len(items)} 行名单，{len(findings)} 个命中）"
    return [{"label": label, "href": f"/jobs/{job.id}/file"}], (
        name,
        "text/csv; charset=utf-8",
        out.getvalue().encode("utf-8-sig"),
    )


def _reminders(engine: Engine, settings: Settings) -> list[Link]:
    from vats.api import jobs

    jobs.dispatch_notifications(engine, config_path=settings.notify_config)
    opened = jobs.open_due_dossiers(engine)  # renewal dossiers whose day has come, each opened once
    jobs.send_reminders(engine)
    return [
        {"label": "提醒记录", "href": "/reminders"},
        {"label": f"新建申请材料包 {opened} 个", "href": "/dossiers"},
    ]


def _checkpoint(engine: Engine, settings: Settings) -> list[Link]:
    from vats.api import jobs

    jobs.emit_checkpoint(engine, directory=settings.checkpoint_dir, webhook=settings.checkpoint_webhook)
    return [{"label": "审计日志", "href": "/auditlog"}]


def run(
    engine: Engine,
    *,
    job_id: int,
    policy: NetPolicy | None = None,
    fan_out: FanOut | None = None,
    slice_out: SliceOut | None = None,
    redelivered: bool = False,
    settings: Settings | None = None,
    batch: int = BATCH_SITES,
) -> str | None:
    """Run one recorded job to its end (or, for a queued check, plan its batches); the state it is
    left in, or None when another delivery has it or it is finished already."""
    from vats.store.db import session_scope

    settings = settings or Settings.from_env()
    with session_scope(engine, actor="system:jobs") as session:
        take = background.reclaim if redelivered else background.claim
        job = take(session, job_id=job_id)
        if job is None:
            return None
        session.expunge(job)
    try:
        output = None
        if job.kind in background.CHECK_KINDS:
            if not _checks(engine, job, policy, fan_out, max(1, batch)):
                return background.RUNNING
            links = check_links(engine, job)
        elif job.kind == "cold_evaluate":
            return background.DONE if _cold(engine, job, slice_out) else background.RUNNING
        elif job.kind == "report":
            links, output = _report(engine, job)
        elif job.kind == "workpacks":
            links = _workpacks(engine, job)
        elif job.kind == "list_match":
            links, output = _list_match(engine, job)
        elif job.kind == "scan_read":
            from vats.api.scanread import run_scan_job

            links = run_scan_job(engine, job=job)
        elif job.kind == "reminders":
            links = _reminders(engine, settings)
        else:
            links = _checkpoint(engine, settings)
        with session_scope(engine, actor="system:jobs") as session:
            background.finish(session, job_id=job_id, links=links, output=output)
        return background.DONE
    except Exception as exc:  # recorded on the job (shown with a retry button); the process goes on
        if isinstance(exc, VatsError):
            message = str(exc.args[0]) if exc.args else exc.describe()
        else:
            log.exception("job %s (%s) failed", job_id, job.kind)
            message = INTERNAL_ERROR
        with session_scope(engine, actor="system:jobs") as session:
            background.fail(session, job_id=job_id, error=message)
        return background.FAILED
