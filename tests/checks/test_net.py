from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vats.checks.net import NetPolicy, classify, parse_resolve
from vats.model.errors import InputError


@pytest.mark.parametrize(
    ("addr", "kind"),
    [
        ("93.184.216.34", "public"),
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("100.64.1.1", "private"),
        ("169.254.169.254", "link_local"),
        ("100.100.100.200", "metadata"),
        ("::1", "loopback"),
        ("fe80::1", "link_local"),
        ("::ffff:169.254.169.254", "link_local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_classify(addr: str, kind: str) -> None:
    assert classify(ipaddress.ip_address(addr)) == kind


def test_metadata_refused_even_with_allow_private() -> None:
    policy = NetPolicy(allow_private=True)
    assert policy.vet(ipaddress.ip_address("169.254.169.254")) == "link_local"
    assert policy.vet(ipaddress.ip_address("100.100.100.200")) == "metadata"


def test_private_needs_the_flag_even_when_mapped() -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    assert NetPolicy().vet(loopback) == "loopback"
    assert NetPolicy(allow_private=True).vet(loopback) is None
    assert NetPolicy().vet(ipaddress.ip_address("8.8.8.8")) is None
    mapped = NetPolicy(resolve=(parse_resolve("a.test:80:127.0.0.1"),))
    with pytest.raises(InputError, match="--allow-private") as info:
        mapped.check_rules()
    assert info.value.field == "--resolve"
    NetPolicy(allow_private=True, resolve=mapped.resolve).check_rules()
    with pytest.raises(InputError, match="link_local"):
        NetPolicy(allow_private=True, resolve=(parse_resolve("a.test:80:169.254.169.254"),)).check_rules()


@pytest.mark.parametrize(
    ("addr", "kind"),
    [
        ("2002:a9fe:a9fe::1", "link_local"),  # 6to4 of 169.254.169.254
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:0a00:0001::1", "private"),  # 6to4 of 10.0.0.1
        ("2002:5db8:d822::1", "public"),  # 6to4 of 93.184.216.34
        ("64:ff9b::a9fe:a9fe", "link_local"),  # NAT64 of 169.254.169.254
        ("64:ff9b::7f00:1", "loopback"),
        ("64:ff9b:1::1", "private"),  # local-use NAT64
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:100.100.100.200", "metadata"),
        # Teredo: server 65.54.227.120, client 169.254.169.254 stored inverted (0x5601 5601)
        ("2001:0:4136:e378:8000:63bf:5601:5601", "link_local"),
    ],
)
def test_embedded_ipv4_decides(addr: str, kind: str) -> None:
    assert classify(ipaddress.ip_address(addr)) == kind
    if kind != "public":
        assert NetPolicy(allow_private=kind in ("loopback", "private")).vet(ipaddress.ip_address(addr)) in (
            None if kind in ("loopback", "private") else kind,
        )


def test_parse_resolve_forms() -> None:
    rule = parse_resolve("DongCheDi.com:80:127.0.0.1")
    assert (rule.host, rule.port, str(rule.address), rule.target_port) == (
        "dongchedi.com",
        80,
        "127.0.0.1",
        None,
    )
    rule = parse_resolve("dongchedi.com:80:127.0.0.1:8123")
    assert rule.target_port == 8123
    rule = parse_resolve("example.com:443:[::1]:9443")
    assert (str(rule.address), rule.target_port) == ("::1", 9443)
    rule = parse_resolve("example.com:*:[::1]")
    assert rule.port is None and str(rule.address) == "::1"


@pytest.mark.parametrize(
    "bad", ["example.com", "example.com:80", "example.com:x:1.2.3.4", "e.com:80:not-an-ip"]
)
def test_parse_resolve_rejects(bad: str) -> None:
    with pytest.raises(InputError) as err:
        parse_resolve(bad)
    assert err.value.field == "--resolve"


def test_exact_port_rule_beats_wildcard() -> None:
    policy = NetPolicy(resolve=(parse_resolve("a.test:*:127.0.0.2"), parse_resolve("a.test:80:127.0.0.3")))
    assert str(policy.mapped("A.test.", 80).address) == "127.0.0.3"  # type: ignore[union-attr]
    assert str(policy.mapped("a.test", 443).address) == "127.0.0.2"  # type: ignore[union-attr]
    assert policy.mapped("b.test", 80) is None


@given(
    host=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){1,3}", fullmatch=True),
    port=st.integers(1, 65535),
    addr=st.ip_addresses(),
    target=st.one_of(st.none(), st.integers(1, 65535)),
)
def test_parse_resolve_round_trips(host: str, port: int, addr: Any, target: int | None) -> None:
    text = f"[{addr}]" if addr.version == 6 else str(addr)
    spec = f"{host}:{port}:{text}" + (f":{target}" if target else "")
    rule = parse_resolve(spec)
    assert (rule.host, rule.port, rule.address, rule.target_port) == (host, port, addr, target)
