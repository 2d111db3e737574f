"""HTTPS for real: a TLS fixture server with a throw-away CA, SNI and certificate checks by host name."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vats.checks.fetch import Fetcher, FetchSettings
from vats.checks.fixture_server import FixtureServer, Route
from vats.checks.net import NetPolicy, parse_resolve
from vats.checks.results import Fetched

SECURE = b"<html><body><footer>\xe6\xb8\x9dB2-20210467</footer></body></html>"
PLAIN = b"<html><body>plain</body></html>"


def _certificates(tmp: Path) -> tuple[Path, Path, Path]:
    """A CA and a leaf certificate for secure.test only (files: ca.pem, leaf.pem, leaf.key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vats test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "secure.test")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("secure.test")]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = tmp / "ca.pem", tmp / "leaf.pem", tmp / "leaf.key"
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(leaf.public_bytes(pem))
    paths[2].write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[FixtureServer, FixtureServer, Path]]:
    ca, cert, key = _certificates(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    routes = {"secure.test": Route(SECURE), "other.test": Route(SECURE)}
    with FixtureServer(routes, tls=tls) as secure, FixtureServer({h: Route(PLAIN) for h in routes}) as plain:
        yield secure, plain, ca


def _homepage(servers: Any, host: str, *, trust: bool) -> Fetched:
    secure, plain, ca = servers
    rules = (f"{host}:443:127.0.0.1:{secure.port}", f"{host}:80:127.0.0.1:{plain.port}")
    settings = FetchSettings(timeout=3.0, retries=0, ca_file=str(ca) if trust else None)
    policy = NetPolicy(allow_private=True, resolve=tuple(parse_resolve(r) for r in rules))

    async def run() -> Fetched:
        async with Fetcher(settings, policy) as fetcher:
            return await fetcher.homepage(host)

    return asyncio.run(run())


def test_https_served_with_trusted_certificate(servers: Any) -> None:
    got = _homepage(servers, "secure.test", trust=True)
    assert got.ok and got.final_url == "https://secure.test/" and got.body == SECURE
    assert got.hops[0].address == "127.0.0.1"


def test_untrusted_certificate_falls_back_to_http(servers: Any) -> None:
    got = _homepage(servers, "secure.test", trust=False)
    assert got.ok and got.final_url == "http://secure.test/" and got.body == PLAIN
    assert "https: connect_error" in (got.error_detail or "")


def test_certificate_checked_against_the_host_name_not_the_address(servers: Any) -> None:
    got = _homepage(servers, "other.test", trust=True)  # same server and CA, but the cert names secure.test
    assert got.final_url == "http://other.test/"
    assert "https: connect_error" in (got.error_detail or "")
