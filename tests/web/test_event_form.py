"""The generic event form (记录事件): its fields, types and Chinese labels come from event_types.yaml;
errors name the label and keep the input; a recorded event moves the engine at once."""

from __future__ import annotations

from pathlib import Path

from vats.api.testing import Server

NUMBER = "渝B2-20210467"


def test_record_a_grading_from_the_generic_form(web_server: Server, seed_path: Path) -> None:
    with web_server.client("officer") as c, seed_path.open("rb") as fh:
        c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
    officer, csrf = web_server.login("officer")
    try:
        page = officer.get("/events/new", params={"licence": NUMBER, "type": "network_unit_graded"})
        assert page.status_code == 200
        assert "定级级别" in page.text and "网络单元" in page.text and 'type="number"' in page.text
        assert "已完成个人信息保护自查" in page.text  # every type that can satisfy an obligation is offered
        form = {
            "csrf_token": csrf,
            "licence": NUMBER,
            "event_type": "network_unit_graded",
            "date": "2026-10-08",
        }
        missing = officer.post("/events", data={**form, "f_unit": "核心业务系统"})
        assert missing.status_code == 400 and "定级级别" in missing.text
        assert 'value="核心业务系统"' in missing.text  # what was typed is kept
        future = officer.post(
            "/events", data={**form, "date": "2027-01-01", "f_level": "2", "f_unit": "核心业务系统"}
        )
        assert future.status_code == 400 and "日期" in future.text
        done = officer.post("/events", data={**form, "f_level": "2", "f_unit": "核心业务系统"})
        assert done.status_code == 303
        foreign = officer.post(
            "/events", data={**form, "licence": "京B2-20990001", "f_level": "2", "f_unit": "x"}
        )
        assert foreign.status_code == 400 and "许可证" in foreign.text
    finally:
        officer.close()
    with web_server.client("viewer") as c:
        items = c.get(
            "/api/v1/obligations", params={"licence": NUMBER, "rule": "security.grading.filing"}
        ).json()
    assert [i["subject"] for i in items["items"]] == ["核心业务系统"]  # the grading triggered its filing duty
