"""`vats licence import|list|show|diff` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from store_cli import vats


def test_import_list_show_diff(db_url: str, seed_path: Path, tmp_path: Path) -> None:
    first = vats("licence", "import", str(seed_path), "--db", db_url)
    assert first.returncode == 0, first.stderr
    assert "渝B2-20210467" in first.stdout
    again = vats("licence", "import", str(seed_path), "--db", db_url)
    assert "unchanged" in again.stdout
    # A re-issued document: one site line removed, the expiry moved
    text = seed_path.read_text(encoding="utf-8")
    number = "渝B2-20210467"
    listed = json.loads(vats("licence", "list", "--format", "json", "--db", db_url).stdout)
    assert [r["number"] for r in listed] == [number]
    shown = json.loads(vats("licence", "show", number, "--db", db_url).stdout)
    domains = [s["domain"] for s in shown["licence"]["sites"]]
    assert domains and shown["revision"] == 1
    rev_id = str(shown["revisions"][0]["id"])
    by_id = json.loads(vats("licence", "show", rev_id, "--db", db_url).stdout)
    assert by_id["licence"]["number"] == number and len(by_id["revisions"]) == 1
    changed = tmp_path / "reissued.txt"
    changed.write_text(text.replace(domains[0], "new-site.example.cn"), encoding="utf-8")
    second = vats("licence", "import", str(changed), "--db", db_url)
    assert "revision 2" in second.stdout, second.stdout + second.stderr
    diff = vats("licence", "diff", f"{number}@1", f"{number}@2", "--db", db_url)
    assert diff.returncode == 0, diff.stderr
    assert "+ 网站 / site" in diff.stdout and "new-site.example.cn" in diff.stdout
    assert "- 网站 / site" in diff.stdout and domains[0] in diff.stdout
    as_json = json.loads(
        vats("licence", "diff", f"{number}@1", f"{number}@2", "--format", "json", "--db", db_url).stdout
    )
    assert any("new-site.example.cn" in s for s in as_json["sites_added"])


def test_errors_are_clear(sqlite_url: str, tmp_path: Path) -> None:
    missing = vats("licence", "import", str(tmp_path / "nope.txt"), "--db", sqlite_url)
    assert missing.returncode == 2 and "nope.txt" in missing.stderr and "Traceback" not in missing.stderr
    unknown = vats("licence", "show", "京B2-20990001", "--db", sqlite_url)
    assert unknown.returncode == 2 and "京B2-20990001" in unknown.stderr


def test_an_ofd_e_licence_imports_and_a_bomb_image_stores_nothing(sqlite_url: str, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
    from ofd_factory import ofd_package

    lines = ["中华人民共和国增值电信业务经营许可证", "经营许可证编号:渝B2-20210467"]
    lines += ["公司名称:重庆万象优车科技有限公司", "发证日期:2026年05月20日", "有效期至:2026年10月20日"]
    ofd = tmp_path / "e.ofd"
    ofd.write_bytes(ofd_package([lines], signed=True))
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + b"\x00\x00\x00\x0dIHDR"
        + (20_000).to_bytes(4, "big") * 2
        + b"\x08\x00\x00\x00\x00"
    )
    refused = vats("licence", "import", str(bomb), "--db", sqlite_url)
    assert refused.returncode == 2 and "bomb.png" in refused.stderr and "Traceback" not in refused.stderr
    assert json.loads(vats("licence", "list", "--format", "json", "--db", sqlite_url).stdout) == []
    imported = vats("licence", "import", str(ofd), "--db", sqlite_url)
    assert imported.returncode == 0, imported.stderr
    assert "渝B2-20210467" in imported.stdout


def test_revision_lines_are_printed_only_after_the_commit(pg_url: str, seed_path: Path) -> None:
    import psycopg

    assert vats("db", "upgrade", "--db", pg_url).returncode == 0
    # A deferred constraint trigger fails the transaction at COMMIT, after every flush succeeded.
    with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused at commit'; "
            "END $$ LANGUAGE plpgsql"
        )
        conn.execute(
            "CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON licences "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    failed = vats("licence", "import", str(seed_path), "--db", pg_url)
    assert failed.returncode != 0
    assert "revision" not in failed.stdout, failed.stdout


def test_several_scan_pages_import_as_one_licence_with_their_files(
    sqlite_url: str, seed_path: Path, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from vats.ingest.document import read_licence
    from vats.ingest.render import render_licence
    from vats.ingest.scan.paper import Condition, licence_lines, render_pages, to_bytes
    from vats.model.sm3 import sm3_hex
    from vats.store.db import make_engine, session_scope
    from vats.store.scans import ORIGINAL, PAGE, ScanFile

    text = render_licence(read_licence(seed_path))
    paths = []
    for index, page in enumerate(render_pages(licence_lines(text), Condition(dpi=150))[:2], 1):
        paths.append(tmp_path / f"p{index}.png")
        paths[-1].write_bytes(to_bytes(page))
    done = vats("licence", "import", *map(str, paths), "--db", sqlite_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("渝B2-20210467") == 1 and "revision 1" in done.stdout
    again = vats("licence", "import", *map(str, paths), "--db", sqlite_url)
    assert again.returncode == 0 and "unchanged" in again.stdout
    engine = make_engine(sqlite_url)
    with session_scope(engine, actor="test") as s:
        files = s.scalars(select(ScanFile).order_by(ScanFile.kind, ScanFile.position)).all()
        kept = [(f.kind, f.name, f.sm3) for f in files]
    engine.dispose()
    assert [k for k in kept if k[0] == ORIGINAL] == [
        (ORIGINAL, "p1.png", sm3_hex(paths[0].read_bytes())),
        (ORIGINAL, "p2.png", sm3_hex(paths[1].read_bytes())),
    ]
    assert sum(1 for k in kept if k[0] == PAGE) == 2
