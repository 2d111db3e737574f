"""Launch-proof findings outside the dossier (both databases): each licence's latest renewal dossier in
progress gives its findings with the dossier's id; another organisation's session finds none; an
approved renewal gives none; the compliance report shows them with a link to the dossier."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from test_dossiers import VALID, Scope, _check, _store

from factories import NUMBER
from vats.registers.dossiers import service
from vats.registers.dossiers.daily import launch_findings
from vats.store.scope import Scope as SessionScope
from vats.store.scope import bind


def _renewal(scope: Scope) -> int:
    _store(scope)
    _check(scope, "maichetong.com.cn", datetime(2026, 5, 25, 2, tzinfo=UTC), 200)  # B25 proven
    with scope() as s:
        return service.open_renewal(s, licence=NUMBER, today=VALID).id


def test_findings_carry_their_dossier(scope: Scope) -> None:
    did = _renewal(scope)
    with scope() as s:
        found = launch_findings(s, licences=[NUMBER, "京B2-00000000"], today=VALID)
    assert list(found) == [NUMBER]
    [only] = found[NUMBER]
    assert only.dossier_id == did and only.href == f"/dossiers/{did}"
    assert only.finding.subject == "service:B21" and only.finding.sources[0].article == "第二十七条"
    with scope() as s:
        assert launch_findings(s, licences=[], today=VALID) == {}


def test_other_organisation_and_approved_renewal_find_nothing(scope: Scope) -> None:
    did = _renewal(scope)
    with scope() as s:
        bind(s, SessionScope.of("tester", {-1}))
        assert launch_findings(s, licences=[NUMBER], today=VALID) == {}
    with scope() as s:
        s.get(service.Dossier, did).status = service.APPROVED  # type: ignore[union-attr]
    with scope() as s:
        assert launch_findings(s, licences=[NUMBER], today=VALID) == {}


def test_compliance_report_links_each_finding_to_its_dossier(scope: Scope) -> None:
    from vats.report.compliance import build_report, render_html
    from vats.report.stored import stored_audits

    did = _renewal(scope)
    with scope() as s:
        audits = stored_audits(s, as_of=VALID, organisation_id=None, numbers=None, settings=None)
        launch = launch_findings(s, licences=[a.licence.number for a in audits], today=VALID)
    generated = datetime(2026, 6, 1, 2, tzinfo=UTC)
    report = build_report(
        audits, as_of=VALID, generated_at=generated, launch=launch, link_base="https://vats.example/"
    )
    html = render_html(report)
    assert f'<a href="https://vats.example/dossiers/{did}">#{did}</a>' in html
    assert "续期：业务开展证明" in html and "B21" in html
    plain = render_html(build_report(audits, as_of=VALID, generated_at=generated))
    assert "续期：业务开展证明" not in plain

    from openpyxl import load_workbook

    from vats.report.compliance_xlsx import render_xlsx

    sheet = load_workbook(io.BytesIO(render_xlsx(report)))["问题 Findings"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    linked = [r for r in rows if r[-1]]
    assert [(r[0], r[6], r[-1]) for r in linked] == [
        (NUMBER, "dossier.service_apps_only", f"https://vats.example/dossiers/{did}")
    ]
