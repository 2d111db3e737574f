"""`vats lists match` against a stored licence and a counterparty file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inprocess_cli import run


def test_match_a_saved_list(
    seed_path: Path, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["licence", "import", str(seed_path), "--db", sqlite_url], capsys)
    assert code == 0, err
    listing = tmp_path / "不良名单.csv"
    listing.write_text(
        "企业名称,许可证编号,处理日期,列入事由,列入单位\n"
        "某公司,渝B2-20210467,2025-05-10,未按时报送年报,重庆市通信管理局\n"
        "供应商甲,,2025-05-10,违规,北京市通信管理局\n",
        encoding="utf-8",
    )
    partners = tmp_path / "cp.csv"
    partners.write_text("kind,name,uscc,licence\nsupplier,供应商甲有限公司,,\n", encoding="utf-8")
    code, out, _ = run(
        [
            "lists",
            "match",
            str(listing),
            "--counterparties",
            str(partners),
            "--db",
            sqlite_url,
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 1  # a licence of the portfolio is on the bad list
    data = json.loads(out)
    assert data["mapping"]["经营者名称"] == "企业名称" and data["rows"] == 2
    assert sorted(f["subject"] for f in data["findings"]) == ["供应商甲有限公司", "重庆万象优车科技有限公司"]
    code, out, _ = run(["lists", "match", str(listing), "--kind", "nope", "--db", sqlite_url], capsys)
    assert code == 2


def test_import_stores_and_records_each_hit_once(
    seed_path: Path, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["licence", "import", str(seed_path), "--db", sqlite_url], capsys)
    assert code == 0, err
    listing = tmp_path / "失信名单.csv"
    listing.write_text(
        "名称,编号,事由\n某公司,渝B2-20210467,虚假材料\n应用市场甲,,违规\n", encoding="utf-8"
    )  # fmt: skip
    partners = tmp_path / "交易方.csv"
    partners.write_text("角色,名称\n应用商店,应用市场甲有限公司\n朋友,乙\n", encoding="utf-8")
    org = "重庆万象优车科技有限公司"
    code, _, err = run(["lists", "counterparties", str(partners), "--org", org, "--db", sqlite_url], capsys)
    assert code == 2 and "第 3 行 role" in err  # nothing written
    partners.write_text("角色,名称\n应用商店,应用市场甲有限公司\n", encoding="utf-8")
    code, out, _ = run(["lists", "counterparties", str(partners), "--org", org, "--db", sqlite_url], capsys)
    assert code == 0 and "已添加 1" in out
    args = ["lists", "import", str(listing), "--org", org, "--kind", "dishonest", "--map", "licence=编号",
            "--map", "reason=3", "--db", sqlite_url, "--format", "json"]  # fmt: skip
    code, out, err = run(args, capsys)
    assert code == 0, err
    first = json.loads(out)
    assert first["mapping"] == {"经营者名称": "名称", "许可证编号": "编号", "列入事由": "事由"}
    assert len(first["new_findings"]) == 2 and any("虚假材料" in m for m in first["new_findings"])
    code, out, _ = run(args, capsys)
    assert json.loads(out)["new_findings"] == [] and json.loads(out)["known_findings"] == 2
    code, out, _ = run(["lists", "findings", "--org", org, "--db", sqlite_url, "--format", "json"], capsys)
    assert code == 0 and len(json.loads(out)) == 2
