"""Workpack request bodies and the JSON shape the API and `--json` share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from vats.rules.workpack import display

if TYPE_CHECKING:
    from vats.registers.workpacks.service import WorkpackView

Scalar = str | int | float | bool | None


class WorkpackOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    licence: str = Field(min_length=1, max_length=64)
    year: int = Field(ge=2017, le=2100)


class WorkpackFill(BaseModel):
    """Values to save: box key → value (empty string or null clears the box)."""

    model_config = ConfigDict(extra="forbid")

    values: dict[str, Scalar] = Field(max_length=500)


def view_json(view: WorkpackView) -> dict[str, Any]:
    """The workpack as JSON (the same shape the API returns)."""
    w, win = view.workpack, view.window
    return {
        "id": w.id,
        "licence": w.licence,
        "year": w.year,
        "status": w.status,
        "status_label": view.status_label,
        "version": w.version,
        "remaining": view.remaining,
        "remaining_label": view.remaining_label,
        "submitted_at": w.submitted_at.isoformat() if w.submitted_at else None,
        "filing_id": w.filing_id,
        "window": {
            "phase": win.phase,
            "label": win.label,
            "opens": win.opens.isoformat(),
            "due": win.due.isoformat(),
            "late_until": win.late_until.isoformat() if win.late_until else None,
            "locked_from": win.locked_from.isoformat() if win.locked_from else None,
            "unconfirmed": sorted(win.unconfirmed),
            "consequence": win.consequence,
        },
        "pledge": view.form.pledge.text,
        "fields": [
            {
                "key": r.slot.key,
                "section": r.slot.section.title,
                "label": r.slot.label,
                "type": r.slot.field.type,
                "value": r.value,
                "display": display(r.value),
                "source": r.source,
                "human_only": r.human_only,
                "entered": r.entered,
                "may_withhold": not r.slot.field.publish,
                "problems": [
                    {"code": p.code, "message": p.message, "blocking": p.blocking} for p in r.problems
                ],
            }
            for r in view.rows
        ],
        "problems": [
            {"key": p.key, "code": p.code, "message": p.message, "blocking": p.blocking}
            for p in view.problems
        ],
    }
