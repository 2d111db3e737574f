"""`vats sites` end to end: the reference licence's three websites on a loopback fleet.

maichetong.com.cn displays the number (compliant), autoengine.com does not, dongchedi.com redirects
to a domain the licence does not list. Evidence is stored on SQLite and PostgreSQL and read back
with `vats sites history`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vats.checks.fixture_server import FixtureServer, Route

LICENCE = "渝B2-20210467"
FOOTER = (
    f"<div class='footer'>© 2026 重庆万象优车科技有限公司 经营许可证编号：{LICENCE} "
    "<a href='https://beian.miit.gov.cn/'>渝ICP备2021000467号-1</a></div>"
)


def _page(title: str, footer: str) -> bytes:
    head = f"<head><meta charset='utf-8'><title>{title}</title></head>"
    return f"<html>{head}<body><h1>{title}</h1>{footer}</body></html>".encode()


FLEET = {
    "maichetong.com.cn": Route(_page("卖车通", FOOTER)),
    "autoengine.com": Route(_page("巨懂车", "<div class='footer'>© 2026 巨懂车</div>")),
    "dongchedi.com": Route(status=301, location="http://www.dcd-promo.test/"),
    "www.dcd-promo.test": Route(_page("推广", FOOTER)),
}


EXPIRED = "expired_number"  # the reference licence's number, shown after its expiry


@pytest.fixture
def fleet() -> Iterator[FixtureServer]:
    with FixtureServer(FLEET) as server:
        yield server


def vats(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "VATS_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "vats.cli.main", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=120,
    )


def resolve_args(server: FixtureServer) -> list[str]:
    return [arg for r in server.resolve_args() for arg in ("--resolve", r)] + ["--allow-private"]


def by_domain(report: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {s["domain"]: {r["check"]: r["code"] for r in s["results"]} for s in report["sites"]}


def test_reference_fleet_checked_without_database(
    fleet: FixtureServer, seed_path: Path, tmp_path: Path
) -> None:
    out = vats(
        "sites",
        "check",
        str(seed_path),
        *resolve_args(fleet),
        "--format",
        "json",
        env={"XDG_DATA_HOME": str(tmp_path)},
    )
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    codes = by_domain(report)
    assert list(codes) == ["maichetong.com.cn", "autoengine.com", "dongchedi.com"]
    # The reference licence expired on 2026-10-20: a homepage still showing its number fails.
    assert codes["maichetong.com.cn"] == {
        "homepage_reachable": "ok",
        "redirect_within_licence": "no_redirect",
        "licence_number_displayed": EXPIRED,
        "filing_number_linked": "filing_linked",
    }
    assert codes["autoengine.com"]["licence_number_displayed"] == "missing"
    assert codes["dongchedi.com"]["redirect_within_licence"] == "redirect_unlisted"
    assert [s["passed"] for s in report["sites"]] == [False, False, False]
    assert report["run_id"] is None
    assert not list(tmp_path.rglob("*.db"))  # nothing stored without a database
    assert fleet.user_agents and all(ua.startswith("vats/0.1") for ua in fleet.user_agents)


def test_text_output_is_bilingual(fleet: FixtureServer, seed_path: Path) -> None:
    out = vats("sites", "check", str(seed_path), *resolve_args(fleet))
    assert out.returncode == 1
    assert "首页未显示许可证编号" in out.stdout and "is not displayed" in out.stdout
    assert "3 个网站，3 个不通过 / 3 sites, 3 failed" in out.stdout


@pytest.mark.slow
def test_evidence_stored_and_history_answers_by_day(
    fleet: FixtureServer, seed_path: Path, db_url: str
) -> None:
    out = vats("sites", "check", str(seed_path), *resolve_args(fleet), "--format", "json", "--db", db_url)
    assert out.returncode == 1, out.stderr
    run_id = json.loads(out.stdout)["run_id"]
    assert isinstance(run_id, int)

    today = datetime.now(UTC).astimezone(timezone_cn()).date()
    hist = vats(
        "sites", "history", "dongchedi.com", "--db", db_url, "--format", "json", "--on", today.isoformat()
    )
    assert hist.returncode == 0, hist.stderr
    rows = json.loads(hist.stdout)
    assert {r["code"] for r in rows} >= {"redirect_unlisted", EXPIRED}
    assert all(r["run_id"] == run_id for r in rows)
    assert any(r["final_url"] == "http://www.dcd-promo.test/" and r["body_sm3"] for r in rows)

    before = (today - timedelta(days=1)).isoformat()
    empty = vats("sites", "history", "dongchedi.com", "--db", db_url, "--format", "json", "--on", before)
    assert json.loads(empty.stdout) == []

    from vats.store.db import make_engine, session_scope
    from vats.store.events import list_events

    engine = make_engine(db_url)
    with session_scope(engine, actor="test") as session:
        events = {(e.type, e.fields["domain"]) for e in list_events(session, licence=LICENCE)}
    engine.dispose()
    assert events == {
        ("site_check_failed", "maichetong.com.cn"),
        ("site_check_failed", "autoengine.com"),
        ("site_check_failed", "dongchedi.com"),
    }


def test_stored_results_are_insert_only(fleet: FixtureServer, seed_path: Path, sqlite_url: str) -> None:
    from vats.model.errors import RefusedError
    from vats.store.checks import CheckResultRow
    from vats.store.db import make_engine, session_scope

    assert vats("sites", "check", str(seed_path), *resolve_args(fleet), "--db", sqlite_url).returncode == 1
    engine = make_engine(sqlite_url)
    with pytest.raises(RefusedError), session_scope(engine, actor="test") as session:
        row = session.query(CheckResultRow).first()
        assert row is not None
        row.outcome = "pass"
        session.flush()
    with pytest.raises(RefusedError), session_scope(engine, actor="test") as session:
        session.delete(session.query(CheckResultRow).first())
        session.flush()
    engine.dispose()


def test_check_all_from_store_and_watch_iterations(
    fleet: FixtureServer, seed_path: Path, sqlite_url: str
) -> None:
    assert vats("licence", "import", str(seed_path), "--db", sqlite_url).returncode == 0
    out = vats(
        "sites",
        "watch",
        "--all",
        "--every",
        "1s",
        "--iterations",
        "2",
        "--db",
        sqlite_url,
        "--format",
        "json",
        *resolve_args(fleet),
    )
    assert out.returncode == 0, out.stderr  # watch reports, it does not gate
    runs = json_documents(out.stdout)
    assert len(runs) == 2 and runs[0]["run_id"] != runs[1]["run_id"]
    assert [s["domain"] for s in runs[1]["sites"]] == ["maichetong.com.cn", "autoengine.com", "dongchedi.com"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resolve", "dongchedi.com:80"], "--resolve"),
        (["--resolve", "dongchedi.com:80:127.0.0.1"], "--allow-private"),
        (["--resolve", "dongchedi.com:80:10.0.0.7"], "--allow-private"),
        (["--resolve", "dongchedi.com:80:[2002:a9fe:a9fe::1]", "--allow-private"], "link_local"),
        (["--every", "soon"], "--every"),
    ],
)
def test_bad_arguments_exit_2(seed_path: Path, args: list[str], message: str) -> None:
    command = "watch" if "--every" in args else "check"
    out = (
        vats("sites", command, str(seed_path), *args, "--iterations", "1")
        if command == "watch"
        else vats("sites", command, str(seed_path), *args)
    )
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_metadata_redirect_refused_even_with_allow_private(seed_path: Path) -> None:
    routes = dict(FLEET, **{"dongchedi.com": Route(status=302, location="http://169.254.169.254/latest/")})
    with FixtureServer(routes) as server:
        out = vats(
            "sites", "check", str(seed_path), *resolve_args(server), "--allow-private", "--format", "json"
        )
    codes = by_domain(json.loads(out.stdout))
    assert codes["dongchedi.com"]["homepage_reachable"] == "refused_address"


def timezone_cn() -> Any:
    from vats.model.clock import CHINA

    return CHINA


def json_documents(text: str) -> list[Any]:
    """Consecutive JSON documents printed by successive runs."""
    decoder, docs, pos = json.JSONDecoder(), [], 0
    while pos < len(text.rstrip()):
        doc, pos = decoder.raw_decode(text, pos)
        docs.append(doc)
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return docs


def test_check_all_includes_declared_sites_no_licence_lists(
    fleet: FixtureServer, seed_path: Path, sqlite_url: str, tmp_path: Path
) -> None:
    inventory = tmp_path / "inventory.csv"
    inventory.write_text("kind,name,domain,licence\nsite,推广页,www.dcd-promo.test,渝B2-20210467\n", "utf-8")
    assert vats("licence", "import", str(seed_path), "--db", sqlite_url).returncode == 0
    assert vats("inventory", "import", str(inventory), "--db", sqlite_url).returncode == 0
    out = vats("sites", "check", "--all", "--db", sqlite_url, "--format", "json", *resolve_args(fleet))
    report = json.loads(out.stdout)
    assert [s["domain"] for s in report["sites"]][-1] == "www.dcd-promo.test"
    # it shows the number of the licence it declares, which has expired
    assert by_domain(report)["www.dcd-promo.test"]["licence_number_displayed"] == EXPIRED


def test_target_neither_file_nor_number(tmp_path: Path) -> None:
    out = vats("sites", "check", str(tmp_path / "nosuch.txt"), env={"XDG_DATA_HOME": str(tmp_path)})
    assert out.returncode == 2 and "neither an existing file nor a licence number" in out.stderr
    assert not list(tmp_path.rglob("*.db"))
