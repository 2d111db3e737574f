"""Tenancy matrix, web twin: every page and form × every non-admin role of organisation A (logged in
through the real form, CSRF token sent), aimed at organisation B's licence, records and users.

Like the API matrix: each route has cases or a reason in `NO_REFERENCE` (a new page without one
fails), refusals are 404/403 (a register form re-shown with its error is 400), reads show none of
B's data, and nothing changes (every table and the audit log, before and after).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenancy_world import (
    NAME_B,
    NUMBER_B,
    USER_B,
    World,
    b64,
    body_model,
    build,
    leaked,
    list_of_b,
    sample_values,
    snapshot,
)
from vats.api.deps import route_table
from vats.api.testing import Server
from vats.registers.states import registers

ATTACKERS = ("officer", "viewer", "auditor")
MISSING = "京B2-20990001"  # a well-formed number no organisation holds


@dataclass(frozen=True)
class Case:
    """`expect`: "refuse" (403/404), "form" (400/403/404: a form re-shown with its error), "read"
    (any status below 500, none of B's data), "own" (the caller's own upload shown back)."""

    method: str
    url: str
    data: dict[str, str] = field(default_factory=dict)
    files: dict[str, Any] | None = None
    expect: str = "refuse"


Cases = Callable[[World], list[Case]]
NO_REFERENCE = {
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    ("GET", "/.well-known/vats-keys.json"): "public: the audit and copy signing public keys, no tenant data",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public; signs in the named user only with their password",
    ("POST", "/logout"): "ends the caller's own session (and the matrix's)",
    ("POST", "/lang"): "the caller's language cookie",
    ("GET", "/calendar/{token}.ics"): "the feed secret is the credential",
    ("GET", "/account"): "the caller's own account",
    ("POST", "/account/token"): "creates a token for the caller",
    ("POST", "/account/feed"): "creates the caller's feed",
    ("POST", "/reminders/me"): "the caller's own reminder channel",
    ("POST", "/account/password"): "changes the caller's own password only",
    ("GET", "/verify/copy"): "public: answers only what the signed statement itself shows",
}


def _read(url: str, **params: str) -> Cases:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return lambda w: [Case("GET", f"{url}?{query}" if query else url, expect="read")]


def _sheet_b() -> bytes:
    """A sheet naming B's organisation and licence number."""
    return f"公司名称,许可证编号,有效期至\n{NAME_B},{NUMBER_B},2030-01-01\n".encode()


def _staged_cases(w: World, step: str) -> list[Case]:
    """A staged upload the caller does not own (or that never existed), and one aimed at B."""
    token = "A" * 32
    return [
        Case("POST", f"/licences/sheet/{step}", {"token": token}),
        Case("POST", f"/licences/sheet/{step}", {"token": token, "organisation_id": str(w.org_b)}),
    ]


def _register_lists(w: World) -> list[Case]:
    return [Case("GET", f"/registers/{p}?licence={NUMBER_B}", expect="read") for p in w.records]


def _register_creates(w: World) -> list[Case]:
    return [
        Case("POST", f"/registers/{p}", sample_values(body_model(p), licence=NUMBER_B), expect="form")
        for p in w.records
    ]


def _register_actions(w: World) -> list[Case]:
    cases = [
        Case("POST", f"/registers/organisations/{w.org_a}/grants", {"user": USER_B}),
        Case("POST", f"/registers/organisations/{w.org_b}/grants", {"user": "officer"}),
    ]
    for info in registers():
        rid = w.records[info.plural]
        for action in sorted({a for (_s, a) in info.machine.transitions}):
            try:
                model = body_model(info.plural, action)
            except Exception:  # an action without an HTTP route (file attachments)
                continue
            values = {"version": "1", **sample_values(model, licence=NUMBER_B)}
            cases.append(Case("POST", f"/registers/{info.plural}/{rid}/{action}", values))
    return cases


CASES: dict[tuple[str, str], Cases] = {
    ("GET", "/"): _read("/"),
    ("GET", "/licences"): _read("/licences", q=NUMBER_B),
    ("GET", "/licences/upload"): _read("/licences/upload"),
    ("POST", "/licences/upload"): lambda w: [
        Case(
            "POST",
            "/licences/upload",
            {"organisation_id": str(w.org_b)},
            files={"document": ("b.txt", w.document, "text/plain")},
            expect="own",
        )
    ],
    ("GET", "/licences/sheet"): _read("/licences/sheet"),
    ("POST", "/licences/sheet"): lambda w: [
        Case(
            "POST",
            "/licences/sheet",
            {"organisation_id": str(w.org_b)},
            files={"file": ("b.csv", _sheet_b(), "text/csv")},
        )
    ],
    ("POST", "/licences/sheet/preview"): lambda w: _staged_cases(w, "preview"),
    ("POST", "/licences/sheet/import"): lambda w: _staged_cases(w, "import"),
    ("POST", "/licences/sheet/report"): lambda w: _staged_cases(w, "report"),
    ("POST", "/licences/confirm"): lambda w: [
        Case("POST", "/licences/confirm", {"document": b64(w.document), "organisation_id": str(w.org_b)}),
        Case("POST", "/licences/confirm", {"document": b64(w.document)}),
    ],
    ("GET", "/licences/{number}"): lambda w: [Case("GET", f"/licences/{NUMBER_B}")],
    ("GET", "/licences/review/{token}"): lambda w: [Case("GET", f"/licences/review/{w.scan_token_b}")],
    ("GET", "/licences/review/{token}/pages/{number}"): lambda w: [
        Case("GET", f"/licences/review/{w.scan_token_b}/pages/1")
    ],
    ("POST", "/licences/review/{token}"): lambda w: [
        Case("POST", f"/licences/review/{w.scan_token_b}", {"field_number": NUMBER_B})
    ],
    ("POST", "/licences/review/{token}/discard"): lambda w: [
        Case("POST", f"/licences/review/{w.scan_token_b}/discard")
    ],
    ("GET", "/licences/{number}/scan/{file_id}"): lambda w: [
        Case("GET", f"/licences/{NUMBER_B}/scan/{w.scan_file_b}"),
        Case("GET", f"/licences/{MISSING}/scan/{w.scan_file_b}"),
    ],
    ("GET", "/licences/{number}/diff"): lambda w: [Case("GET", f"/licences/{NUMBER_B}/diff?a=1&b=1")],
    ("GET", "/licences/{number}/copies/new"): lambda w: [Case("GET", f"/licences/{NUMBER_B}/copies/new")],
    ("POST", "/licences/{number}/copies"): lambda w: [
        Case(
            "POST",
            f"/licences/{NUMBER_B}/copies",
            {"recipient": "r", "purpose": "p", "until": "2026-09-30"},
            expect="form",
        )
    ],
    ("GET", "/copies"): _read("/copies", licence=NUMBER_B),
    ("GET", "/copies/{copy_id}"): lambda w: [Case("GET", f"/copies/{w.copy_b}")],
    ("GET", "/copies/{copy_id}/pdf"): lambda w: [Case("GET", f"/copies/{w.copy_b}/pdf")],
    ("POST", "/copies/{copy_id}/revoke"): lambda w: [
        Case("POST", f"/copies/{w.copy_b}/revoke", {"reason": "x"})
    ],
    ("GET", "/obligations"): _read("/obligations", licence=NUMBER_B),
    ("GET", "/calendar"): _read("/calendar"),
    ("GET", "/calendar.ics"): _read("/calendar.ics"),
    ("GET", "/checks"): _read("/checks"),
    ("GET", "/checks/results/{result_id}"): lambda w: [Case("GET", f"/checks/results/{w.check_result}")],
    ("GET", "/auditlog"): _read("/auditlog"),
    ("POST", "/auditlog/verify"): lambda w: [Case("POST", "/auditlog/verify", expect="read")],
    ("GET", "/registers"): _read("/registers"),
    ("GET", "/registers/{plural}"): _register_lists,
    ("POST", "/registers/{plural}"): _register_creates,
    ("GET", "/registers/{plural}/{record_id}"): lambda w: [
        Case("GET", f"/registers/{p}/{rid}") for p, rid in w.records.items()
    ],
    ("POST", "/registers/filings/{record_id}/attachments"): lambda w: [
        Case(
            "POST",
            f"/registers/filings/{w.records['filings']}/attachments",
            files={"file": ("x.pdf", b"%PDF-1.4 x", "application/pdf")},
        )
    ],
    ("POST", "/registers/{plural}/{record_id}/corrections"): lambda w: [
        Case(
            "POST",
            f"/registers/{p}/{rid}/corrections",
            {"field": "note", "value": "改", "reason": "试", "version": "1"},
        )
        for p, rid in w.records.items()
    ],
    ("POST", "/registers/{plural}/{record_id}/{action}"): _register_actions,
    ("GET", "/my"): _read("/my"),
    ("GET", "/management"): _read("/management"),
    ("GET", "/management.pdf"): _read("/management.pdf"),
    ("POST", "/checks/run"): lambda w: [
        Case("POST", "/checks/run", {"licence": NUMBER_B}),
        Case("POST", "/checks/run", {"licence": NUMBER_B, "domain": "b.example.cn"}),
    ],
    ("GET", "/jobs"): _read("/jobs"),
    ("POST", "/jobs"): lambda w: [
        Case("POST", "/jobs", {"kind": "report", "organisation_id": str(w.org_b), "format": "html"}),
        Case("POST", "/jobs", {"kind": "workpacks", "organisation_id": str(w.org_b), "year": "2025"}),
    ],
    ("POST", "/jobs/lists"): lambda w: [
        Case(
            "POST",
            "/jobs/lists",
            {"list_kind": "bad", "organisation_id": str(w.org_b)},
            files={"file": ("b.csv", _sheet_b(), "text/csv")},
        )
    ],
    ("GET", "/jobs/{job_id}"): lambda w: [Case("GET", f"/jobs/{w.job_b}")],
    ("GET", "/jobs/{job_id}/file"): lambda w: [Case("GET", f"/jobs/{w.job_b}/file")],
    ("POST", "/jobs/{job_id}/retry"): lambda w: [Case("POST", f"/jobs/{w.job_b}/retry")],
    ("GET", "/events/new"): _read("/events/new", licence=NUMBER_B, type="annual_report_filed"),
    ("POST", "/events"): lambda w: [
        Case(
            "POST",
            "/events",
            {
                "licence": NUMBER_B,
                "event_type": "annual_report_filed",
                "date": "2026-03-01",
                "f_year": "2025",
            },
            expect="form",
        )
    ],
    ("GET", "/reminders"): _read("/reminders"),
    ("GET", "/obligations/{ident}"): lambda w: [
        Case("GET", f"/obligations/{w.obligation_b}"),
        Case("GET", f"/obligations/{w.done_b}"),
    ],
    ("POST", "/obligations/{ident}/complete"): lambda w: [
        Case(
            "POST",
            f"/obligations/{w.obligation_b}/complete",
            {"done_on": "2026-10-01"},
            files={"files": ("x.pdf", b"%PDF-1.4 x", "application/pdf")},
        )
    ],
    ("POST", "/obligations/{ident}/owner"): lambda w: [
        Case("POST", f"/obligations/{w.obligation_b}/owner", {"owner": "officer"})
    ],
    ("POST", "/obligations/{ident}/reopen"): lambda w: [
        Case("POST", f"/obligations/{w.done_b}/reopen", {"reason": "x"})
    ],
    ("POST", "/obligations/{ident}/waivers"): lambda w: [
        Case("POST", f"/obligations/{w.obligation_b}/waivers", {"reason": "x", "expires_on": "2027-01-31"})
    ],
    ("POST", "/obligations/{ident}/waivers/{waiver_id}/{decision}"): lambda w: [
        Case("POST", f"/obligations/{w.obligation_b}/waivers/{w.waiver_b}/approve"),
        Case("POST", f"/obligations/{w.obligation_b}/waivers/{w.waiver_b}/reject"),
    ],
    ("POST", "/reminders/owners"): lambda w: [
        Case("POST", "/reminders/owners", {"organisation": str(w.org_b), "owner": "officer"}, expect="form"),
        Case("POST", "/reminders/owners", {"organisation": str(w.org_a), "owner": USER_B}, expect="form"),
    ],
    ("POST", "/reminders/channels/{channel}"): lambda w: [
        Case("POST", "/reminders/channels/wecom", {"url": "https://example.cn/robot"})
    ],
    ("POST", "/reminders/channels/{channel}/test"): lambda w: [
        Case("POST", "/reminders/channels/wecom/test")
    ],
    ("GET", "/admin/users"): lambda w: [Case("GET", "/admin/users")],
    ("POST", "/admin/users"): lambda w: [
        Case("POST", "/admin/users", {"name": "intruder", "role": "admin", "password": "long enough pass"})
    ],
    ("POST", "/admin/users/role"): lambda w: [
        Case("POST", "/admin/users/role", {"user": USER_B, "role": "admin"})
    ],
    ("POST", "/admin/users/disable"): lambda w: [Case("POST", "/admin/users/disable", {"user": USER_B})],
    ("POST", "/admin/users/enable"): lambda w: [Case("POST", "/admin/users/enable", {"user": USER_B})],
    ("POST", "/admin/users/password"): lambda w: [
        Case("POST", "/admin/users/password", {"user": USER_B, "password": "taken over 123"})
    ],
    ("POST", "/admin/users/grants"): lambda w: [
        Case("POST", "/admin/users/grants", {"user": "officer", "organisation": str(w.org_b)}),
        Case("POST", "/admin/users/grants", {"user": USER_B, "organisation": str(w.org_a)}),
    ],
    ("POST", "/admin/users/grants/revoke"): lambda w: [
        Case("POST", "/admin/users/grants/revoke", {"user": USER_B, "organisation": str(w.org_b)})
    ],
    ("GET", "/lists"): _read("/lists"),
    ("POST", "/lists"): lambda w: [
        Case(
            "POST",
            "/lists",
            {"organisation_id": str(w.org_b), "kind": "bad"},
            files={"file": ("b.csv", list_of_b(), "text/csv")},
            expect="form",
        ),
        Case(
            "POST",
            "/lists",
            {"organisation_id": str(w.org_b), "url": "http://127.0.0.1:9/l.csv"},
            expect="form",
        ),
    ],
    ("POST", "/lists/preview"): lambda w: [Case("POST", "/lists/preview", {"token": "A" * 32})],
    ("POST", "/lists/import"): lambda w: [
        Case("POST", "/lists/import", {"token": "A" * 32, "organisation_id": str(w.org_b)})
    ],
    ("GET", "/lists/{list_id}"): lambda w: [Case("GET", f"/lists/{w.list_b}")],
    ("POST", "/list-findings/{finding_id}"): lambda w: [
        Case("POST", f"/list-findings/{w.list_finding_b}", {"status": "closed"}),
        Case("POST", f"/list-findings/{w.list_finding_b}", {"owner": "officer"}),
    ],
    ("GET", "/counterparties"): _read("/counterparties"),
    ("POST", "/counterparties"): lambda w: [
        Case(
            "POST",
            "/counterparties",
            {"organisation_id": str(w.org_b), "role": "customer", "name": "x"},
            expect="form",
        )
    ],
    ("POST", "/counterparties/import"): lambda w: [
        Case(
            "POST",
            "/counterparties/import",
            {"organisation_id": str(w.org_b)},
            files={"file": ("c.csv", "角色,名称\n客户,x\n".encode(), "text/csv")},
            expect="form",
        )
    ],
    ("POST", "/counterparties/{counterparty_id}/delete"): lambda w: [
        Case("POST", f"/counterparties/{w.counterparty_b}/delete")
    ],
    ("GET", "/organisations/{organisation_id}/app-filings"): lambda w: [
        Case("GET", f"/organisations/{w.org_b}/app-filings")
    ],
    ("GET", "/licences/{number}/workpacks"): lambda w: [
        Case("GET", f"/licences/{NUMBER_B}/workpacks", expect="read")
    ],
    ("GET", "/licences/{number}/workpacks/{year}"): lambda w: [
        Case("GET", f"/licences/{NUMBER_B}/workpacks/2025")
    ],
    ("POST", "/licences/{number}/workpacks/{year}"): lambda w: [
        Case("POST", f"/licences/{NUMBER_B}/workpacks/2025")
    ],
    ("POST", "/workpacks/{workpack_id}/save"): lambda w: [
        Case("POST", f"/workpacks/{w.workpack}/save", {"v:staff": "1", "version": "1"})
    ],
    ("POST", "/workpacks/{workpack_id}/submit"): lambda w: [
        Case(
            "POST",
            f"/workpacks/{w.workpack}/submit",
            {"submitted_at": "2026-03-18", "version": "1"},
            files={"receipt": ("r.png", b"png", "image/png")},
        )
    ],
    ("GET", "/dossiers"): lambda w: [
        Case("GET", "/dossiers", expect="read"),
        Case("GET", "/dossiers?kind=expired", expect="read"),
        Case("GET", f"/dossiers?licence={NUMBER_B}", expect="read"),
    ],
    ("POST", "/dossiers"): lambda w: [
        Case("POST", "/dossiers", {"licence": NUMBER_B}, expect="form"),
        Case("POST", "/dossiers", {"change_id": str(w.records["changes"])}, expect="form"),
    ],
    ("POST", "/dossiers/due"): lambda w: [Case("POST", "/dossiers/due", expect="read")],
    ("GET", "/dossiers/{dossier_id}"): lambda w: [Case("GET", f"/dossiers/{w.dossier}")],
    ("POST", "/dossiers/{dossier_id}/items/{item}"): lambda w: [
        Case("POST", f"/dossiers/{w.dossier}/items/stop_services", {"owner": "x", "version": "2"})
    ],
    ("POST", "/dossiers/{dossier_id}/items/{item}/attachments"): lambda w: [
        Case(
            "POST",
            f"/dossiers/{w.dossier}/items/stop_services/attachments",
            files={"file": ("a.pdf", b"%PDF-1.4 a", "application/pdf")},
        )
    ],
    ("POST", "/dossiers/{dossier_id}/submit"): lambda w: [
        Case("POST", f"/dossiers/{w.dossier}/submit", {"submitted_at": "2026-11-30"})
    ],
    ("POST", "/dossiers/{dossier_id}/approve"): lambda w: [
        Case(
            "POST",
            f"/dossiers/{w.dossier}/approve",
            {"approved_at": "2026-11-30"},
            files={"document": ("l.txt", w.document, "text/plain")},
        )
    ],
    ("GET", "/account/sessions"): _read("/account/sessions"),
    ("POST", "/account/sessions/revoke"): lambda w: [
        Case("POST", "/account/sessions/revoke", {"handle": "f" * 64}),
    ],
}


def _web_routes() -> set[tuple[str, str]]:
    from vats.api.app import create_app

    table = route_table(create_app(database_url="sqlite://"))
    return {(m, p) for m, p, _r in table if not p.startswith("/api/")}


def test_every_page_and_form_has_a_case() -> None:
    routes = _web_routes()
    missing = sorted(routes - set(CASES) - set(NO_REFERENCE))
    assert missing == [], f"web routes without a tenancy case: {missing}"
    stale = sorted((set(CASES) | set(NO_REFERENCE)) - routes)
    assert stale == [], f"cases for routes that no longer exist: {stale}"


@pytest.fixture(scope="module")
def world(web_server: Server, seed_path: Path) -> World:
    return build(web_server, seed_path)


@pytest.fixture(scope="module")
def sessions(world: World) -> dict[str, tuple[httpx.Client, str]]:
    return {role: world.server.login(role) for role in ATTACKERS}


EXPECTED = {"refuse": {403, 404}, "form": {400, 403, 404}}
KEYS = sorted(CASES)


@pytest.mark.parametrize(("method", "path"), KEYS, ids=[f"{m} {p}" for m, p in KEYS])
def test_tenancy(world: World, sessions, method: str, path: str) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(world)
    for role in ATTACKERS:
        client, csrf = sessions[role]
        for case in CASES[(method, path)](world):
            if case.method == "GET":
                response = client.get(case.url)
            else:
                response = client.post(case.url, data={"csrf_token": csrf, **case.data}, files=case.files)
            where = f"{role} {case.method} {case.url} {case.data}"
            assert response.status_code < 500, f"{where} -> {response.status_code}"
            if case.expect in EXPECTED:
                assert response.status_code in EXPECTED[case.expect], f"{where} -> {response.status_code}"
            elif case.expect == "read" and NUMBER_B in case.url:
                # the page shows back the filter that was typed: it must look exactly as it does
                # for a number that exists nowhere
                control = client.get(case.url.replace(NUMBER_B, MISSING))
                shown = response.text.count(NUMBER_B), response.text.count(NAME_B)
                assert shown == (control.text.count(MISSING), 0), f"{where} leaked B's data"
            elif case.expect == "read":
                assert leaked(response, world) == [], f"{where} leaked B's data"
    assert snapshot(world) == before, f"{method} {path} changed B's data"


def test_grant_through_the_register_route_is_refused(world: World) -> None:
    """The reported attack: an officer of A grants A to B's user through the register form; B's
    user must still not see A afterwards (checked as that user)."""
    client, csrf = world.server.login("officer")
    response = client.post(
        f"/registers/organisations/{world.org_a}/grants", data={"csrf_token": csrf, "user": USER_B}
    )
    assert response.status_code == 404
    outsider, _csrf = world.server.login(USER_B)
    assert outsider.get(f"/api/v1/organisations/{world.org_b}").status_code == 200
    assert outsider.get(f"/api/v1/organisations/{world.org_a}").status_code == 404
