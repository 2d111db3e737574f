"""Dossier pages on a real server: the expired reference licence gets the stop-operating path with its
sites and sources; items are tracked through CSRF-checked forms that keep what was typed after an
error; files are stored with SM3 and linked; submission and approval are recorded; a change dossier
shows both clocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.api.testing import Server

NUMBER = "渝B2-20210467"


@pytest.fixture(scope="module")
def officer(web_server: Server, seed_path: Path):  # type: ignore[no-untyped-def]
    with web_server.client("officer") as c, seed_path.open("rb") as fh:
        c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
    return web_server.login("officer")


def _open(client, csrf: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post("/dossiers", data={"csrf_token": csrf, **data}, follow_redirects=True)


def test_expired_licence_journey(officer, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    client, csrf = officer
    page = _open(client, csrf, licence=NUMBER)
    assert page.status_code == 200, page.text[-600:]
    url = str(page.url)
    text = page.text
    assert "已过期：停止经营并重新申请" in text and 'id="stop-list"' in text
    assert "maichetong.com.cn" in text and "第二十七条" in text
    assert 'id="launch-proof"' not in text  # an expired licence is not offered the renewal proof

    bad = client.post(
        f"{url}/items/stop_evidence",
        data={"csrf_token": csrf, "status": "ready", "owner": "王五", "note": "下线公告"},
    )
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    assert 'value="王五"' in bad.text and 'value="下线公告"' in bad.text  # kept after the error

    files = {"file": ("下线公告.pdf", b"%PDF-1.4 notice", "application/pdf")}
    refused = client.post(f"{url}/items/stop_evidence/attachments", data={"csrf_token": "x"}, files=files)
    assert refused.status_code == 403
    done = client.post(
        f"{url}/items/stop_evidence/attachments",
        data={"csrf_token": csrf},
        files=files,
        follow_redirects=True,
    )
    assert done.status_code == 200 and "下线公告.pdf" in done.text
    link = next(
        p.split('"', 1)[0] for p in done.text.split('href="')[1:] if "/attachments/" in p.split('"', 1)[0]
    )
    got = client.get(link)
    assert got.content == b"%PDF-1.4 notice" and got.headers["X-Content-SM3"] in done.text

    early = client.post(f"{url}/submit", data={"csrf_token": csrf, "submitted_at": "2026-11-02"})
    assert early.status_code == 400 and 'value="2026-11-02"' in early.text
    for item in ("stop_services", "new_application_form", "business_licence", "shareholding", "business_plan",
                 "security_measures", "truthfulness_pledge", "stop_evidence"):  # fmt: skip
        client.post(f"{url}/items/{item}/attachments", data={"csrf_token": csrf}, files=files)
        r = client.post(f"{url}/items/{item}", data={"csrf_token": csrf, "status": "ready"})
        assert r.status_code in (200, 303), r.text[-400:]
    submitted = client.post(
        f"{url}/submit", data={"csrf_token": csrf, "submitted_at": "2026-11-02"}, follow_redirects=True
    )
    assert 'id="dossier-submitted"' in submitted.text and 'id="dossier-approve"' in submitted.text
    zipped = client.get(submitted.text.split('id="export-zip" href="', 1)[1].split('"', 1)[0])
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"

    licence_page = client.get(f"/licences/{NUMBER}")
    assert 'id="dossier-link"' in licence_page.text
    listing = client.get(f"/dossiers?licence={NUMBER}")
    assert f'href="{url.split(str(client.base_url).rstrip("/"))[1]}"' in listing.text


def test_change_dossier_shows_both_clocks(officer) -> None:  # type: ignore[no-untyped-def]
    client, csrf = officer
    change = client.post(
        "/api/v1/changes",
        json={"licence": NUMBER, "kind": "merger", "decided_at": "2026-10-20", "effective_at": "2027-01-15"},
        headers={"X-CSRF-Token": csrf},
    )
    assert change.status_code == 201, change.text
    record = client.get(f"/registers/changes/{change.json()['id']}")
    assert 'id="open-change-dossier"' in record.text
    page = _open(client, csrf, change_id=str(change.json()["id"]))
    assert page.status_code == 200 and 'id="clock-conflict"' in page.text
    assert "电信条例 第十五条" in page.text and "第二十八条" in page.text


def test_bad_open_keeps_what_was_typed(officer) -> None:  # type: ignore[no-untyped-def]
    client, csrf = officer
    missing = _open(client, csrf, licence="京B2-20990001")
    assert missing.status_code == 404 and 'value="京B2-20990001"' in missing.text
    wrong = _open(client, csrf, change_id="abc")
    assert wrong.status_code == 400 and "change_id" in wrong.text and 'value="abc"' in wrong.text
