"""The control list on the web: standing duties with last evidence, next review and status; a control
attested with evidence (workspace action) or through the generic event form moves at once."""

from __future__ import annotations

from pathlib import Path

from vats.api.testing import Server

NUMBER = "渝B2-20210467"
PDF = b"%PDF-1.4\n% emergency plan review\n"


def _control(c, rule: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    items = c.get("/api/v1/obligations", params={"licence": NUMBER, "per_page": 500}).json()["items"]
    return next(i for i in items if i["rule_id"] == rule)


def test_controls_are_listed_apart_and_turn_current_when_attested(
    web_server: Server, seed_path: Path
) -> None:
    with web_server.client("officer") as c, seed_path.open("rb") as fh:
        c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
    officer, csrf = web_server.login("officer")
    try:
        dated = officer.get("/obligations", params={"view": "dated", "licence": NUMBER}).text
        assert "网络与信息安全人员和机构并报备" not in dated  # standing duties are not in the dated list
        page = officer.get("/obligations", params={"view": "controls", "licence": NUMBER}).text
        assert "<h2>控制项</h2>" in page and "下次复核日期" in page and "上次证据" in page
        assert "网络与信息安全人员和机构并报备" in page and "应立即复核（从未复核）" in page
        assert "持续性要求（无复核周期）" in page  # a standing duty without a review period

        with web_server.client("officer") as c:
            staff = _control(c, "security.staff_filing")
            assert staff["status"] == "due_soon" and staff["due_date"] is None
            url = f"/api/v1/obligations/{staff['id']}"
            done = c.post(
                f"{url}/completions",
                data={"done_on": "2026-10-08", "note": "应急预案已复核"},
                files={"files": ("预案.pdf", PDF, "application/pdf")},
            )
            assert done.status_code == 201, done.text
            after = c.get(url).json()
        assert after["status"] == "done" and after["due_date"] == "2027-10-08"
        assert after["evidence"][0]["filename"] == "预案.pdf"

        form = {"csrf_token": csrf, "licence": NUMBER, "event_type": "control_attested", "date": "2026-09-01"}
        new = officer.get("/events/new", params={"licence": NUMBER, "type": "control_attested"}).text
        assert "控制项已复核确认" in new and '<option value="retention.network_logs"' in new
        assert "网络日志留存不少于六个月</option>" in new  # the control offered by its Chinese title
        recorded = officer.post("/events", data={**form, "f_rule": "retention.network_logs"})
        assert recorded.status_code == 303

        page = officer.get("/obligations", params={"view": "controls", "licence": NUMBER}).text
        rows = page.split("<tbody>")[1].split("<tr>")
        staff_row = next(r for r in rows if "网络与信息安全人员和机构并报备" in r)
        assert "2026-10-08" in staff_row and "2027-10-08" in staff_row and "证据有效" in staff_row
        assert f"/obligations/{staff['id']}#evidence" in staff_row
        detail = officer.get(f"/obligations/{staff['id']}").text
        assert "下次复核日期</dt><dd>2027-10-08" in detail and "证据有效" in detail
        assert 'action="/obligations/' in detail  # attest again before the review
        assert '<h2 id="act-complete">复核确认</h2>' in detail
        assert '<button type="submit">复核确认</button>' in detail
        assert "记录完成" not in detail
        dated = officer.get("/obligations", params={"licence": NUMBER, "status": "overdue"}).text
        report = dated.split('href="/obligations/ob-')[1].split('"')[0]
        assert "记录完成" in officer.get(f"/obligations/ob-{report}").text
        logs_row = next(r for r in rows if "网络日志留存不少于六个月" in r)
        assert "2026-09-01" in logs_row and "2027-03-01" in logs_row
    finally:
        officer.close()
