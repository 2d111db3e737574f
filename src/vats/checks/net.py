"""Which addresses the crawler may connect to, and `--resolve` overrides (as curl has them).

The crawler fetches user-supplied domains, so it is a server-side request forgery risk: a domain
(or a redirect) may point at the machine itself, the office network or a cloud metadata service.
Policy, decided once here:

* public addresses are allowed;
* private, loopback, CGNAT (100.64/10), unique-local and unspecified addresses are refused unless
  `allow_private` is set (`--allow-private`);
* link-local (169.254/16, fe80::/10 — where cloud metadata services live), multicast, reserved and
  the known metadata endpoints (e.g. Alibaba Cloud's 100.100.100.200) are refused ALWAYS: no flag
  opens them, because no homepage legitimately lives there;
* a host mapped with `--resolve` is vetted like any other: mapping to a private or loopback
  address (how tests and demos check `dongchedi.com` against a server on 127.0.0.1) also needs
  `--allow-private`, so a copied command line cannot quietly point the crawler inward;
* IPv6 forms that carry an IPv4 address — IPv4-mapped (::ffff:0:0/96), 6to4 (2002::/16), Teredo
  (2001::/32) and NAT64 (64:ff9b::/96) — are judged by the IPv4 address they carry, so
  `2002:a9fe:a9fe::1` is the metadata address 169.254.169.254 and refused.

Vetting happens after DNS resolution and on every redirect hop, because the fetcher connects to the
vetted IP itself (see `vats.checks.transport`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from vats.model.errors import InputError, RefusedError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Metadata endpoints outside 169.254/16 (which is refused as link-local anyway).
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    {
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.ip_address("fd00:ec2::254"),  # AWS IMDS over IPv6
    }
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: the last 32 bits are IPv4
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215 local-use: a site's own translator


class RefusedAddressError(RefusedError):
    """The host resolved only to addresses the policy forbids; nothing was sent to it."""


def embedded_ipv4(addr: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo client, NAT64), if any."""
    if not isinstance(addr, ipaddress.IPv6Address):
        return None
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr.teredo is not None:
        return addr.teredo[1]
    if addr in NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def classify(addr: IPAddress) -> str:
    """Name the address class that matters for the policy: public, private, loopback, link_local …"""
    if (inner := embedded_ipv4(addr)) is not None:
        return classify(inner)
    if isinstance(addr, ipaddress.IPv6Address) and addr in NAT64_LOCAL:
        return "private"
    if addr in METADATA_ADDRESSES:
        return "metadata"
    if addr.is_link_local:
        return "link_local"
    if addr.is_multicast:
        return "multicast"
    if addr.is_unspecified:
        return "unspecified"
    if addr.is_loopback:
        return "loopback"
    if isinstance(addr, ipaddress.IPv4Address) and addr in CGNAT:
        return "private"
    if addr.is_private:
        return "private"
    if addr.is_reserved:
        return "reserved"
    return "public"


ALWAYS_REFUSED = frozenset({"metadata", "link_local", "multicast", "unspecified", "reserved"})
PRIVATE_CLASSES = frozenset({"private", "loopback"})


@dataclass(frozen=True, slots=True)
class ResolveRule:
    """`HOST:PORT:ADDR[:TARGET_PORT]` — connect to ADDR (and optionally another port) for HOST:PORT.

    The optional fourth part is a vats extension (curl splits it into `--connect-to`): a test server
    listens on an ephemeral port, so `dongchedi.com:80:127.0.0.1:8123` maps the standard port to it.
    PORT may be `*` for every port.
    """

    host: str
    port: int | None
    address: IPAddress
    target_port: int | None = None


def parse_resolve(spec: str) -> ResolveRule:
    """Parse one `--resolve` value; IPv6 addresses go in brackets (`example.com:443:[::1]`)."""
    host, sep, rest = spec.partition(":")
    port_text, sep2, addr_text = rest.partition(":")
    if not sep or not sep2 or not host or not addr_text:
        raise InputError(f"expected HOST:PORT:ADDR[:PORT], got {spec!r}", field="--resolve")
    target_port: int | None = None
    if addr_text.startswith("["):
        inner, _, tail = addr_text[1:].partition("]")
        addr_text = inner
        if tail:
            target_port = _port(tail.lstrip(":"), spec)
    elif addr_text.count(":") == 1:
        addr_text, tport = addr_text.split(":")
        target_port = _port(tport, spec)
    try:
        address = ipaddress.ip_address(addr_text)
    except ValueError:
        raise InputError(f"not an IP address: {addr_text!r} in {spec!r}", field="--resolve") from None
    port = None if port_text == "*" else _port(port_text, spec)
    return ResolveRule(host.lower().rstrip("."), port, address, target_port)


def _port(text: str, spec: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise InputError(f"not a port number: {text!r} in {spec!r}", field="--resolve")
    return int(text)


@dataclass(frozen=True, slots=True)
class NetPolicy:
    """The address policy plus the operator's `--resolve` map; shared by every request of a run."""

    allow_private: bool = False
    resolve: tuple[ResolveRule, ...] = field(default=())
    _index: dict[tuple[str, int | None], ResolveRule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # First rule for a (host, port) wins, as in curl; indexed because a fleet may map thousands.
        index: dict[tuple[str, int | None], ResolveRule] = {}
        for rule in self.resolve:
            index.setdefault((rule.host, rule.port), rule)
        object.__setattr__(self, "_index", index)

    def mapped(self, host: str, port: int) -> ResolveRule | None:
        """The `--resolve` rule for this host and port (exact port wins over `*`)."""
        host = host.lower().rstrip(".")
        return self._index.get((host, port)) or self._index.get((host, None))

    def vet(self, addr: IPAddress) -> str | None:
        """None when allowed, else the refused address class (`link_local`, `private` …)."""
        kind = classify(addr)
        if kind in ALWAYS_REFUSED:
            return kind
        if kind in PRIVATE_CLASSES and not self.allow_private:
            return kind
        return None

    def check_rules(self) -> None:
        """Refuse, before any connection, `--resolve` rules the policy would refuse anyway."""
        for rule in self.resolve:
            reason = self.vet(rule.address)
            if reason in PRIVATE_CLASSES:
                raise InputError(
                    f"--resolve 指向{reason}地址 {rule.address}，需加 --allow-private / "
                    f"{rule.host} maps to a {reason} address: add --allow-private",
                    field="--resolve",
                )
            if reason is not None:
                raise InputError(
                    f"--resolve 指向禁止的地址 {rule.address}（{reason}）/ "
                    f"{rule.host} maps to a refused address ({reason})",
                    field="--resolve",
                )
