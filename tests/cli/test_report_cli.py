"""`vats report` end to end through the real entry point: files written whole, formats, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from inprocess_cli import run


def test_pdf_from_the_seed_document_with_events(
    seed_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(
        "- {type: illegal_info_disposed, date: 2026-09-28, subject: 'case:42'}\n", encoding="utf-8"
    )
    out = tmp_path / "报告.pdf"
    code, stdout, _ = run(
        ["report", str(seed_path), "-e", str(events), "--as-of", "2026-11-28", "-o", str(out)], capsys
    )
    assert code == 0
    assert "1 licences" in stdout and str(out) in stdout
    assert out.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.yaml", "报告.pdf"]  # no partial left


def test_format_follows_the_suffix_unless_told(
    licence_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = tmp_path / "r.html"
    assert run(["report", str(licence_file), "--as-of", "2026-11-28", "-o", str(html)], capsys)[0] == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    forced = tmp_path / "r.out"
    code, _, _ = run(
        ["report", str(licence_file), "--as-of", "2026-11-28", "-o", str(forced), "--format", "html"], capsys
    )
    assert code == 0 and forced.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    sheet = tmp_path / "r.xlsx"
    assert run(["report", str(licence_file), "--as-of", "2026-11-28", "-o", str(sheet)], capsys)[0] == 0
    assert sheet.read_bytes()[:2] == b"PK"  # a zip container: the workbook


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["-o", "{tmp}/r.txt"], "--output"),  # no format for this suffix
        (["-o", "{tmp}/r.pdf", "--format", "docx"], "--format"),
        (["-o", "{tmp}/missing/r.pdf"], "cannot write the report"),
        (["-o", "{tmp}/r.pdf", "--as-of", "2026-13-01"], "--as-of"),
    ],
)
def test_bad_input_exits_2_naming_the_problem_and_writes_nothing(
    licence_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    needle: str,
) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    code, _, err = run(["report", str(licence_file), *[a.format(tmp=tmp_path) for a in extra]], capsys)
    assert code == 2
    assert needle in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_missing_licence_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["report", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "r.pdf")], capsys)
    assert code == 2 and "nope.txt" in err
    assert not (tmp_path / "r.pdf").exists()


def test_stored_licences_of_one_organisation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without files the report reads the database: one client's licences (`--org`) or named ones."""
    from vats.ingest.render import synthetic_licence
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.licences import import_licence
    from vats.store.organisations import add_organisation

    url = f"sqlite:///{tmp_path / 'vats.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine, actor="t") as s:
        a = add_organisation(s, name="客户甲").id
        b = add_organisation(s, name="客户乙").id
        mine = import_licence(s, licence=synthetic_licence(5), organisation_id=a).number
        theirs = import_licence(s, licence=synthetic_licence(2), organisation_id=b).number
    engine.dispose()
    out = tmp_path / "client.html"
    code, stdout, _ = run(
        ["report", "--db", url, "--org", "客户甲", "--as-of", "2026-11-28", "-o", str(out)], capsys
    )
    assert code == 0 and "1 licences" in stdout
    page = out.read_text(encoding="utf-8")
    assert mine in page and theirs not in page
    named = tmp_path / "named.xlsx"
    assert run(["report", "--db", url, "-l", theirs, "-l", mine, "-o", str(named)], capsys)[0] == 0
    for argv, needle in (
        (["report", "--db", url, "-l", "京B2-20990001", "-o", str(tmp_path / "x.pdf")], "京B2-20990001"),
        (["report", "--db", url, "--org", "没有这家", "-o", str(tmp_path / "x.pdf")], "没有这家"),
        (["report", str(out), "--org", "客户甲", "-o", str(tmp_path / "x.pdf")], "--org"),
    ):
        code, _, err = run(argv, capsys)
        assert code == 2 and needle in err, argv
    assert not (tmp_path / "x.pdf").exists()
