"""What changed between two revisions of a licence: dates, holder, sites, and the licensed scope.

Works on the stored parsed JSON (the `to_jsonable` form of `Licence`), so it needs no parsing and can
compare revisions imported by older vats versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_SCALARS = ("company", "legal_representative", "issue_date", "expiry_date", "title")
_SCOPE_PARTS = ("limited_to", "includes", "excludes", "coverage")


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class LicenceDiff:
    """The differences, grouped the way an officer reads them."""

    number: str
    changes: list[FieldChange] = field(default_factory=list)
    sites_added: list[str] = field(default_factory=list)
    sites_removed: list[str] = field(default_factory=list)
    sites_changed: list[FieldChange] = field(default_factory=list)
    services_added: list[str] = field(default_factory=list)
    services_removed: list[str] = field(default_factory=list)
    scope_changes: list[FieldChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.changes,
                self.sites_added,
                self.sites_removed,
                self.sites_changed,
                self.services_added,
                self.services_removed,
                self.scope_changes,
            )
        )


def _site_key(site: dict[str, Any]) -> str:
    return f"{site.get('kind', '?')}:{site.get('domain') or site.get('name')}"


def _label(site: dict[str, Any]) -> str:
    return f"{site.get('name')} ({site.get('domain') or site.get('kind')})"


def diff_licences(a: dict[str, Any], b: dict[str, Any]) -> LicenceDiff:
    """Differences from revision `a` to revision `b`."""
    result = LicenceDiff(number=str(b.get("number") or a.get("number")))
    for key in _SCALARS:
        if a.get(key) != b.get(key):
            result.changes.append(FieldChange(key, a.get(key), b.get(key)))

    sites_a = {_site_key(s): s for s in a.get("sites") or ()}
    sites_b = {_site_key(s): s for s in b.get("sites") or ()}
    result.sites_added.extend(_label(sites_b[k]) for k in sites_b if k not in sites_a)
    result.sites_removed.extend(_label(sites_a[k]) for k in sites_a if k not in sites_b)
    for key in sites_a.keys() & sites_b.keys():
        for part in ("name", "server_location", "access_providers", "app_stores", "services"):
            if sites_a[key].get(part) != sites_b[key].get(part):
                result.sites_changed.append(
                    FieldChange(
                        f"{_label(sites_b[key])}.{part}", sites_a[key].get(part), sites_b[key].get(part)
                    )
                )

    svc_a = {s["code"]: s for s in a.get("services") or ()}
    svc_b = {s["code"]: s for s in b.get("services") or ()}
    result.services_added.extend(f"{c} {svc_b[c].get('name', '')}".strip() for c in svc_b if c not in svc_a)
    result.services_removed.extend(f"{c} {svc_a[c].get('name', '')}".strip() for c in svc_a if c not in svc_b)
    for code in svc_a.keys() & svc_b.keys():
        for part in _SCOPE_PARTS:
            before, after = list(svc_a[code].get(part) or ()), list(svc_b[code].get(part) or ())
            if before != after:
                result.scope_changes.append(FieldChange(f"{code}.{part}", before, after))
    result.scope_changes.sort(key=lambda c: c.field)
    result.sites_changed.sort(key=lambda c: c.field)
    return result


def render_diff(diff: LicenceDiff, *, a_label: str, b_label: str) -> str:
    """Readable text, Chinese first."""
    lines = [f"许可证 {diff.number}：{a_label} → {b_label} / licence {diff.number}: {a_label} -> {b_label}"]
    if diff.empty:
        lines.append("无变化 / no differences")
        return "\n".join(lines)
    for c in diff.changes:
        lines.append(f"  ~ {c.field}: {c.before} -> {c.after}")
    for s in diff.services_added:
        lines.append(f"  + 业务 / service {s}")
    for s in diff.services_removed:
        lines.append(f"  - 业务 / service {s}")
    for c in diff.scope_changes:
        lines.append(
            f"  ~ 范围 / scope {c.field}: {', '.join(c.before) or '—'} -> {', '.join(c.after) or '—'}"
        )
    for s in diff.sites_added:
        lines.append(f"  + 网站 / site {s}")
    for s in diff.sites_removed:
        lines.append(f"  - 网站 / site {s}")
    for c in diff.sites_changed:
        lines.append(f"  ~ 网站 / site {c.field}: {c.before} -> {c.after}")
    return "\n".join(lines)
