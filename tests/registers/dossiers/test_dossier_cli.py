"""`vats dossier …` on a real database: open, attach, tick, export, submit, approve; bad input exits
with an InputError naming the option."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from vats.cli.main import cli
from vats.model.errors import InputError


def _run(*args: str) -> tuple[int, str, BaseException | None]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout, r.exception


def test_cli_journey(
    db_url: str, licence: str, tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VATS_AS_OF", "2026-06-01")
    code, out, exc = _run("dossier", "due", "--db", db_url)
    assert code == 0 and "新建 1 个" in out, (out, exc)
    code, out, exc = _run("dossier", "open", licence, "--db", db_url, "--json")
    data = json.loads(out)
    did, items = str(data["id"]), [i["id"] for i in data["items"]]
    assert data["kind"] == "renewal"
    material = tmp_path / "材料.pdf"
    material.write_bytes(b"%PDF-1.4 material")
    for item in items:
        code, out, exc = _run("dossier", "attach", did, item, str(material), "--db", db_url)
        assert code == 0 and "SM3" in out, (out, exc)
        code, out, exc = _run(
            "dossier", "item", did, item, "--status", "ready", "--owner", "王五", "--db", db_url
        )
        assert code == 0, (out, exc)
    code, out, exc = _run("dossier", "show", did, "--db", db_url)
    assert f"已备齐 {len(items)} / {len(items)} 项" in out and "业务开展证明" in out
    target = tmp_path / "d.zip"
    code, out, exc = _run("dossier", "export", did, "-o", str(target), "--db", db_url)
    assert code == 0 and len(zipfile.ZipFile(target).namelist()) == len(items) + 2
    code, out, exc = _run("dossier", "submit", did, "--submitted-at", "2026-06-01", "--db", db_url)
    assert code == 0 and "已登记提交" in out, (out, exc)
    code, out, exc = _run(
        "dossier", "approve", did, "--approved-at", "2026-06-01", "--document", str(seed_path), "--db", db_url
    )
    assert code == 0 and "已导入第 2 版（上一版 1）" in out, (out, exc)
    code, out, exc = _run("dossier", "list", "--status", "approved", "--db", db_url)
    assert "共 1 个" in out


def test_cli_bad_input_names_the_option(db_url: str, licence: str, tmp_path: Path) -> None:
    _code, _out, exc = _run("dossier", "open", "--db", db_url)
    assert isinstance(exc, InputError) and exc.field == "licence"
    code, out, exc = _run("dossier", "open", licence, "--db", db_url)
    assert code == 0, (out, exc)
    _code, _out, exc = _run(
        "dossier", "attach", "1", "business_licence", str(tmp_path / "nope.pdf"), "--db", db_url
    )
    assert isinstance(exc, InputError) and exc.field == "file"
    _code, _out, exc = _run("dossier", "list", "--kind", "weird", "--db", db_url)
    assert isinstance(exc, InputError) and exc.field == "kind"
