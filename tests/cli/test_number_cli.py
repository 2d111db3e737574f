"""`vats number parse|find` through the real entry point (subprocess: exit codes and stdout)."""

from __future__ import annotations

import json
import subprocess
import sys

VATS = [sys.executable, "-m", "vats.cli.main"]


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VATS, *args], input=stdin, capture_output=True, text=True, check=False)


def test_parse_prints_json() -> None:
    out = _run("number", "parse", "渝B2-20210467")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["canonical"] == "渝B2-20210467"
    assert data["region"] == "CQ" and data["issuer"] == "重庆市通信管理局" and data["kind"] == "vats_licence"


def test_parse_invalid_exits_2_with_a_reason_and_no_traceback() -> None:
    out = _run("number", "parse", "京B2-20512418")
    assert out.returncode == 2
    assert "year 2051 out of range" in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == ""


def test_find_reads_stdin_and_prints_json_lines() -> None:
    html = '<p>ICP证：<a href="#">京ICP备11041704号-15</a>&nbsp;京B2-20202418</p>'
    out = _run("number", "find", stdin=html)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["kind"], r["canonical"]) for r in rows] == [
        ("icp_filing", "京ICP备11041704号-15"),
        ("vats_licence", "京B2-20202418"),
    ]
    assert rows[0]["label"] == "ICP证"
    assert all(html[r["start"] : r["end"]] == r["raw"] for r in rows)


def test_find_reads_gb18030_pages() -> None:
    page = "<p>备案号：京ICP备11041704号</p>".encode("gb18030")
    out = subprocess.run([*VATS, "number", "find"], input=page, capture_output=True, check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["canonical"] == "京ICP备11041704号"


def test_find_with_nothing_to_find_prints_nothing() -> None:
    out = _run("number", "find", stdin="nothing here")
    assert out.returncode == 0 and out.stdout == ""
    empty = _run("number", "find", stdin="")
    assert empty.returncode == 0 and empty.stdout == ""
