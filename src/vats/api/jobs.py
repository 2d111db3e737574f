"""Background work the server runs: homepage checks and reminder dispatch.

Both the scheduler and the API's "run checks now" call these, with their own database session
(a check run can outlive the request that started it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from vats.model.clock import now_utc, today

log = logging.getLogger("vats.jobs")


def run_site_checks(
    engine: Engine,
    *,
    actor: str,
    numbers: Collection[str] | None = None,
    domains: Collection[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int | None:
    """Crawl the homepages of the given licences (all when None); store the run; return its id.

    Network access goes through the checks package's vetted fetcher (private addresses refused),
    so a user triggering a run cannot make the server probe the internal network.
    """
    from vats.checks.homepage import run_checks
    from vats.store.checks import record_run, site_targets
    from vats.store.db import session_scope

    with session_scope(engine, actor=actor) as session:
        targets = site_targets(session, numbers=numbers)
    if domains is not None:
        wanted = {d.lower() for d in domains}
        targets = [t for t in targets if t.domain.lower() in wanted]
    if not targets:
        return None
    started = now_utc()
    done = 0

    def counted(_report: Any) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(targets))

    if progress is not None:
        progress(0, len(targets))
    reports = run_checks(targets, on_report=counted)
    scope = "all" if numbers is None else ",".join(sorted(numbers))
    with session_scope(engine, actor=actor) as session:
        run = record_run(
            session, reports=reports, scope=scope, options={"trigger": actor}, started_at=started
        )
        session.flush()
        run_id = int(run.id)
    log.info("site checks stored", extra={"fields": {"run": run_id, "sites": len(targets)}})
    return run_id


def dispatch_notifications(engine: Engine, *, config_path: str | None) -> Any:
    """Send due-soon / overdue / failed-check notices once per state change."""
    from vats.report.notify import dispatch, load_config
    from vats.store.db import session_scope

    config = load_config(config_path)
    with session_scope(engine, actor="system:notify") as session:
        report = dispatch(session, as_of=today(), config=config)
    log.info(
        "notifications dispatched",
        extra={"fields": {"sent": len(report.sent), "skipped": report.skipped, "errors": report.errors}},
    )
    return report


def emit_checkpoint(
    engine: Engine, *, directory: str | None, webhook: str | None = None, keys_dir: str | None = None
) -> str | None:
    """Write today's signed tree head of the audit log outside the database, once per Beijing day.

    The file `vats-checkpoint-YYYY-MM-DD.json` in `directory` is the record that the day's checkpoint
    exists (a later round the same day does nothing); `webhook`, when set, receives the same JSON by
    POST so a second party holds a copy. Returns the file written, or None when nothing was due."""
    import json
    from pathlib import Path

    from vats.model.keyring import Keyring
    from vats.store.auditproof import make_checkpoint
    from vats.store.db import session_scope

    if not directory:
        return None
    target = Path(directory) / f"vats-checkpoint-{today().isoformat()}.json"
    if target.exists():
        return None
    with session_scope(engine, actor="system:checkpoint") as session:
        cp = make_checkpoint(session, ring=Keyring(Path(keys_dir) if keys_dir else None))
    document = cp.as_json()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False, indent=1)
    if webhook:
        import httpx

        httpx.post(webhook, json=document, timeout=10.0).raise_for_status()
    log.info("audit checkpoint emitted", extra={"fields": {"size": cp.size, "file": str(target)}})
    return str(target)


def site_check_scope(period: str, domain: str) -> str:
    """The stored scope of one site's check in one scheduled period: the job's idempotency key."""
    from vats.store.checks import site_scope

    return site_scope(f"period:{period}", domain)


def check_one_site(
    engine: Engine,
    *,
    period: str,
    target: Any,
    actor: str,
    policy: Any | None = None,
    settings: Any | None = None,
) -> int | None:
    """Check one homepage for one scheduled period and store it as its own run; the run's id, or
    None when the period's result for this site is stored already (`vats.store.checks.check_and_record`)."""
    from vats.store.checks import check_and_record

    ids = check_and_record(
        engine, targets=[target], key=f"period:{period}", actor=actor, policy=policy, settings=settings
    )
    return ids[0] if ids else None


def send_reminders(engine: Engine, *, as_of: date | None = None) -> Any:
    """Staged reminders to owners of open, dated obligations (`vats.report.notify.reminders`)."""
    from sqlalchemy.orm import Session

    from vats.api import views, workspace
    from vats.api.deps import Principal, Role
    from vats.model.obligations import ObligationStatus
    from vats.report.notify import reminders

    day = as_of or today()
    open_ = (ObligationStatus.OVERDUE, ObligationStatus.DUE_SOON, ObligationStatus.UPCOMING)
    with Session(engine) as session:
        p = views.portfolio(session, Principal(name="system:reminders", role=Role.ADMIN), as_of=day)
        dated = [o for o in p.obligations if o.status in open_ and o.due_date is not None]
        rows = workspace.rows(session, p, dated)
    items = [
        reminders.Item(
            obligation_id=r.target.id,
            licence=r.target.obligation.licence,
            organisation_id=r.target.organisation_id,
            title=r.target.obligation.title_zh,
            subject=r.target.obligation.subject,
            due=r.target.obligation.due_date,  # type: ignore[arg-type]
            owner=r.owner,
        )
        for r in rows
    ]
    report = reminders.send(engine, items=items, as_of=day)
    log.info(
        "reminders sent",
        extra={"fields": {"sent": len(report.sent), "skipped": report.skipped, "errors": report.errors}},
    )
    return report
