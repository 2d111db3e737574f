"""The licence list means the same thing on the API, the web page and `vats licence list`: one
service (`vats.store.licence_filters.licence_page`), so every query below returns the same numbers
on all three."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from click.testing import CliRunner

from vats.api.testing import Server, running_server

AS_OF = "2026-11-02"
EXPIRIES = {0: date(2030, 12, 25), 1: date(2027, 1, 10), 2: date(2026, 3, 1), 3: None}
QUERIES = [
    {},
    {"q": "b2"},  # lower case: the numbers say "B2"
    {"q": "B2"},
    {"q": "甘肃"},
    {"q": "icp"},
    {"validity": "valid"},
    {"validity": "expiring"},  # inside the renewal horizon of 2026-11-02
    {"validity": "expired"},
    {"q": "b2", "validity": "expired"},
    {"region": "甘"},  # by the character numbers start with
    {"region": "hn"},  # by region code, any ASCII case
    {"region": "湘", "validity": "unknown"},  # its expiry is not stated
    {"service": "B25"},
    {"service": "b21", "q": "湘"},
]
LINK = re.compile(r'href="/licences/([^"/?]+)"')


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from vats.ingest.render import synthetic_licence
    from vats.store.db import make_engine, session_scope
    from vats.store.licences import import_licence
    from vats.store.organisations import list_organisations

    tmp = tmp_path_factory.mktemp("filters")
    with running_server(f"sqlite:///{tmp / 'vats.db'}", tmp, env={"VATS_AS_OF": AS_OF}) as srv:
        engine = make_engine(srv.db_url)
        with session_scope(engine, actor="setup") as s:
            (org,) = list_organisations(s)
            for seed, expiry in EXPIRIES.items():
                import_licence(s, licence=synthetic_licence(seed, expiry_date=expiry), organisation_id=org.id)
        engine.dispose()
        yield srv


def _api(server: Server, query: dict[str, str]) -> list[str]:
    with server.client("viewer") as c:
        body = c.get("/api/v1/licences", params=query).json()
    return [item["number"] for item in body["items"]]


def _web(server: Server, query: dict[str, str]) -> list[str]:
    client, _csrf = server.login("viewer")
    try:
        page = client.get("/licences", params=query)
    finally:
        client.close()
    assert page.status_code == 200
    return [n for n in LINK.findall(page.text) if n != "upload"]


def _cli(server: Server, query: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from vats.cli.main import cli

    monkeypatch.setenv("VATS_AS_OF", AS_OF)
    args = [arg for key, value in query.items() for arg in (f"--{key}", value)]
    result = CliRunner().invoke(cli, ["licence", "list", *args, "--format", "json", "--db", server.db_url])
    assert result.exit_code == 0, result.output
    return [row["number"] for row in json.loads(result.stdout)]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "all")
def test_api_web_and_cli_list_the_same_licences(
    server: Server, query: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from urllib.parse import unquote

    api = _api(server, query)
    web = [unquote(n) for n in _web(server, query)]
    cli = _cli(server, query, monkeypatch)
    assert api == web == cli
    if "region" in query:
        assert api and all(n[0] == ("甘" if query["region"] == "甘" else "湘") for n in api)
    if query == {"q": "b2"}:
        assert api == _api(server, {"q": "B2"}) and api  # ASCII case is ignored everywhere


def test_bad_validity_is_refused_naming_the_field(server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    from vats.cli.main import main

    with server.client("viewer") as c:
        assert c.get("/api/v1/licences", params={"validity": "soon"}).status_code in (400, 422)
        nowhere = c.get("/api/v1/licences", params={"region": "XX"})
        assert nowhere.status_code == 400 and "region" in nowhere.text
    client, _csrf = server.login("viewer")
    try:
        page = client.get("/licences", params={"q": "湘", "service": "Z99"})
    finally:
        client.close()
    assert page.status_code == 400 and "未知业务代码" in page.text and 'value="Z99"' in page.text
    assert 'value="湘"' in page.text  # the form comes back as typed
    with pytest.raises(SystemExit) as exit_info:
        main(["licence", "list", "--validity", "soon", "--db", server.db_url])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "validity" in err and "Traceback" not in err
