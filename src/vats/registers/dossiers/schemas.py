"""Dossier request bodies and the JSON shape the API and `--json` share."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from vats.registers.dossiers.service import DossierView


class DossierOpen(BaseModel):
    """Open a licence's renewal (or expired-licence) dossier, or a recorded change's dossier."""

    model_config = ConfigDict(extra="forbid")

    licence: str | None = Field(default=None, min_length=1, max_length=64)
    change_id: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one(self) -> DossierOpen:
        if (self.licence is None) == (self.change_id is None):
            raise ValueError("请给出许可证或变更登记编号之一 / give either licence or change_id")
        return self


class ItemUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, max_length=10)
    note: str | None = Field(default=None, max_length=200)


class DossierSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    submitted_at: date
    receipt_no: str | None = Field(default=None, max_length=100)
    not_continuing: bool = False


def _attachment(dossier_id: int, a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "filename": a.filename,
        "media_type": a.media_type,
        "size": a.size,
        "sm3": a.sm3,
        "url": f"/api/v1/dossiers/{dossier_id}/attachments/{a.id}",
    }


def view_json(view: DossierView) -> dict[str, Any]:
    """The dossier as JSON (the same shape the API returns)."""
    d = view.dossier
    out: dict[str, Any] = {
        "id": d.id,
        "licence": d.licence,
        "kind": d.kind,
        "kind_label": view.kind_label,
        "status": d.status,
        "status_label": view.status_label,
        "version": d.version,
        "title": view.checklist.title,
        "checklist_version": d.checklist_version,
        "opened_on": d.opened_on.isoformat(),
        "renewal_deadline": view.renewal_deadline.isoformat() if view.renewal_deadline else None,
        "late": view.late,
        "opens_by_itself": view.lead,
        "change_id": d.change_id,
        "family": d.family,
        "filing_id": d.filing_id,
        "submitted_at": d.submitted_at.isoformat() if d.submitted_at else None,
        "receipt_no": d.receipt_no,
        "approved_at": d.approved_at.isoformat() if d.approved_at else None,
        "revisions": [d.revision_before, d.revision_after] if d.revision_after else None,
        "diff": d.diff,
        "progress": view.progress_label,
        "sources": [c.label for c in view.checklist.sources],
        "items": [
            {
                "id": r.item.id,
                "label": r.item.label,
                "required": r.item.required,
                "note": r.item.note,
                "source": r.item.source.label,
                "unconfirmed": r.item.unconfirmed,
                "owner": r.owner,
                "status": r.status,
                "status_label": r.status_label,
                "remark": r.note,
                "attachments": [_attachment(d.id, a) for a in r.attachments],
            }
            for r in view.rows
        ],
    }
    if view.proof is not None:
        out["launch_proof"] = {
            "period": [
                view.proof.period_start.isoformat() if view.proof.period_start else None,
                view.proof.period_end.isoformat(),
            ],
            "source": view.proof.source.label(),
            "services": [
                {
                    "code": p.code,
                    "name": p.name,
                    "proven": p.proven,
                    "finding": p.finding,
                    "finding_id": getattr(p.problem(d.licence), "id", None),
                    "declared": [
                        {"kind": x.kind, "name": x.name, "domain": x.domain, "source": x.source}
                        for x in p.declared
                    ],
                    "seen": [
                        {
                            "result_id": s.result_id,
                            "domain": s.domain,
                            "checked_at": s.when,
                            "status": s.status_code,
                        }
                        for s in p.seen
                    ],
                }
                for p in view.proof.services
            ],
        }
    if view.stops is not None:
        out["stop"] = {
            "expired_on": view.stops.expired_on.isoformat(),
            "services": list(view.stops.services),
            "sources": [s.label() for s in view.stops.sources],
            "sites": [
                {
                    "kind": i.declared.kind,
                    "name": i.declared.name,
                    "domain": i.declared.domain,
                    "source": i.declared.source,
                    "services": list(i.services),
                    "last_seen": i.last_seen.when if i.last_seen else None,
                }
                for i in view.stops.items
            ],
        }
    if view.clocks is not None:
        binding = view.clocks.binding
        out["clocks"] = {
            "conflict": view.clocks.conflict,
            "binding": binding.rule_id if binding else None,
            "rules": [
                {
                    "rule": c.rule_id,
                    "title": c.title,
                    "anchor": c.anchor.isoformat() if c.anchor else None,
                    "anchor_label": c.anchor_label,
                    "due": c.due.isoformat() if c.due else None,
                    "sources": [s.label() for s in c.sources],
                }
                for c in view.clocks.clocks
            ],
        }
    return out
