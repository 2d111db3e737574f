"""Every register's pages work from its API models alone: list, create through the generated form,
record page with state-change forms; invalid input is shown inline, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenancy_world import body_model, sample_values
from vats.api.testing import Server
from vats.registers.states import registers

NUMBER = "渝B2-20210467"


@pytest.fixture(scope="module")
def officer(web_server: Server, seed_path: Path):  # type: ignore[no-untyped-def]
    with web_server.client("officer") as c, seed_path.open("rb") as fh:
        c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
    client, csrf = web_server.login("officer")
    return client, csrf


@pytest.mark.parametrize("plural", [info.plural for info in registers()])
def test_create_through_generated_form(officer, plural: str) -> None:  # type: ignore[no-untyped-def]
    client, csrf = officer
    assert client.get(f"/registers/{plural}").status_code == 200
    form = {"csrf_token": csrf, **sample_values(body_model(plural), licence=NUMBER)}
    created = client.post(f"/registers/{plural}", data=form, follow_redirects=True)
    assert created.status_code == 200, created.text[-800:]
    assert f"/registers/{plural}/" in str(created.url)
    invalid = client.post(f"/registers/{plural}", data={"csrf_token": csrf, "licence": NUMBER})
    assert invalid.status_code == 400 and 'role="alert"' in invalid.text


def test_filing_page_attaches_and_links_files(officer) -> None:  # type: ignore[no-untyped-def]
    """The filing page's upload form stores the file (CSRF-checked) and links it for download."""
    client, csrf = officer
    form = {"csrf_token": csrf, "licence": NUMBER, "kind": "other", "title": "补充材料"}
    page = client.post("/registers/filings", data=form, follow_redirects=True)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    url = str(page.url)
    files = {"file": ("回执.pdf", b"%PDF-1.4 receipt", "application/pdf")}
    refused = client.post(f"{url}/attachments", data={"csrf_token": "wrong"}, files=files)
    assert refused.status_code == 403
    done = client.post(f"{url}/attachments", data={"csrf_token": csrf}, files=files, follow_redirects=True)
    assert done.status_code == 200 and "回执.pdf" in done.text
    link = done.text.split('href="/api/v1/filings/', 1)[1].split('"', 1)[0]
    download = client.get(f"/api/v1/filings/{link}")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 receipt"
    empty = client.post(
        f"{url}/attachments", data={"csrf_token": csrf}, files={"file": ("空.txt", b"", "text/plain")}
    )
    assert empty.status_code == 400 and 'role="alert"' in empty.text


def test_record_page_corrects_a_value_with_a_reason(officer) -> None:  # type: ignore[no-untyped-def]
    """The correction form changes one recorded value (CSRF-checked, version-checked, reason required)."""
    client, csrf = officer
    form = {
        "csrf_token": csrf,
        "licence": NUMBER,
        "received_at": "2026-10-28",
        "channel": "phone",
        "topic": "billing",
        "complainant_ref": "W-1",
    }
    page = client.post("/registers/complaints", data=form, follow_redirects=True)
    assert page.status_code == 200 and 'id="correct-field"' in page.text
    url = f"{page.url}/corrections"
    change = {
        "csrf_token": csrf,
        "version": "1",
        "field": "received_at",
        "value": "2026-10-30",  # not after the server's pinned today (VATS_AS_OF 2026-11-02)
        "reason": "录错",
    }
    assert client.post(url, data={**change, "csrf_token": "wrong"}).status_code == 403
    bad = client.post(url, data={**change, "value": "2026-13-45"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text and "received_at" in bad.text
    done = client.post(url, data=change, follow_redirects=True)
    assert done.status_code == 200 and "2026-10-30" in done.text
    stale = client.post(url, data={**change, "value": "2026-10-29"})  # version 1 was read; it is 2 now
    assert stale.status_code == 400 and 'role="alert"' in stale.text
