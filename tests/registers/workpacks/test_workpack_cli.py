"""`vats workpack show|fill|export|submit` on a real database: sources shown, values saved, XLSX
written, submission recorded through the filings register and the workpack read-only afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from vats.cli.main import cli
from vats.model.errors import InputError, RefusedError
from vats.reference.annual_report import load_form


def _run(*args: str) -> tuple[int, str, BaseException | None]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout, r.exception


def test_cli_journey(db_url: str, licence: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VATS_AS_OF", "2026-03-20")
    code, out, exc = _run("workpack", "show", licence, "--year", "2025", "--db", db_url)
    assert code == 0, (out, exc)
    assert "还需填写" in out and "许可证 渝B2-20210467" in out and "报送期 2026-01-10 至 2026-03-31" in out
    code, out, exc = _run("workpack", "show", licence, "--year", "2025", "--db", db_url, "--json")
    data = json.loads(out)
    human = [f["key"] for f in data["fields"] if f["human_only"] and not f["display"]]
    assert data["remaining"] > 0 and "revenue" in human

    code, out, exc = _run(
        "workpack", "fill", licence, "--year", "2025", "--set", "staff=四十", "--db", db_url
    )
    assert isinstance(exc, InputError) and exc.field == "staff"
    code, out, exc = _run("workpack", "fill", licence, "--year", "2025", "--set", "staff", "--db", db_url)
    assert isinstance(exc, InputError) and exc.field == "--set"

    form = load_form(2025)
    values = {
        "pledge": form.pledge.text,
        "uscc": "91500112MA5UUUUU1X",
        "registered_capital": "1000",
        "address": "重庆市渝北区",
        "contact_name": "王五",
        "contact_phone": "023-12345678",
        "staff": "40",
        "service_commitment_published": "是",
        "revenue": "5000000",
        "cost": "3000000",
        "telecom_revenue": "2000000",
        "tax": "100000",
        "security_staff": "3",
        "security_officer": "赵六",
        "development.B25.launched": "开通",
        "development.B25.users": "12000",
        "development.B25.service_revenue": "2000000",
        "development.B21.launched": "未开通",
        "special_terms_complied": "否",
        "registered_users": "12000",
        "active_users": "3000",
        "internet_revenue": "2000000",
    }
    sets = [a for k, v in values.items() for a in ("--set", f"{k}={v}")]
    code, out, exc = _run("workpack", "fill", licence, "--year", "2025", *sets, "--db", db_url)
    assert code == 0, (out, exc)
    assert "还需填写" not in out and "已全部填写" in out

    xlsx = tmp_path / "年报.xlsx"
    code, out, exc = _run("workpack", "export", licence, "--year", "2025", "-o", str(xlsx), "--db", db_url)
    assert code == 0, (out, exc)
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).worksheets[0]
    assert ws["B4"].value == "承诺书（逐字输入）" and ws["C4"].value == form.pledge.text

    receipt = tmp_path / "回执.png"
    receipt.write_bytes(b"\x89PNG receipt")
    code, out, exc = _run(
        "workpack",
        "submit",
        licence,
        "--year",
        "2025",
        "--submitted-at",
        "2026-03-18",
        "--receipt",
        str(receipt),
        "--db",
        db_url,
        "--json",
    )
    assert code == 0, (out, exc)
    filed = json.loads(out)
    assert filed["status"] == "submitted" and filed["filing_id"]
    code, out, exc = _run("filing", "show", str(filed["filing_id"]), "--db", db_url, "--json")
    shown = json.loads(out)
    assert shown["status"] == "submitted" and shown["attachments"][0]["filename"] == "回执.png"
    code, out, exc = _run("workpack", "fill", licence, "--year", "2025", "--set", "staff=41", "--db", db_url)
    assert isinstance(exc, RefusedError)
