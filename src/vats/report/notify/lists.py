"""Open regulator-list findings as notices: each stored finding is announced once (its id is the
notice key), so importing the same list again, which records no new finding, announces nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

STATUS = "on_list"


def list_notices(session: Session) -> list[tuple[str, str, str]]:
    """(key, status, Markdown line) for every open list finding, most severe first."""
    from vats.checks.regulator_lists import LIST_KINDS
    from vats.registers.watchlists.models import ListFinding
    from vats.store.models import Organisation

    names = {i: n for i, n in session.execute(select(Organisation.id, Organisation.name))}
    out = []
    for f in session.scalars(
        select(ListFinding).where(ListFinding.status == "open").order_by(ListFinding.id)
    ):
        out.append(
            (
                f"list-finding:{f.id}",
                STATUS,
                f"- **监管名单命中 on a regulator list** {names.get(f.organisation_id, '—')}："
                f"{f.message_zh}（{LIST_KINDS.get(f.list_kind, f.list_kind)}，负责人 {f.owner}）",
            )
        )
    return out
