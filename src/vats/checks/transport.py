"""An httpx transport that resolves every host itself, vets the addresses, and connects to the IP.

Doing the resolution here (instead of letting the socket layer do it) closes the DNS-rebinding gap:
the address that was checked is the address that is connected to, on the first request and on every
redirect hop. The original host stays in the `Host` header and in TLS SNI/certificate checks.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from vats.checks.net import IPAddress, NetPolicy, RefusedAddressError


class _VettingBackend(httpcore.AsyncNetworkBackend):
    """Network backend for HTTPS: connects to the vetted address of the host it is asked for.

    The connection pool stays keyed by host name, so a TLS connection is only ever reused for the
    host it was negotiated with (a pool keyed by IP could hand one host's session to another)."""

    def __init__(self, owner: VettingTransport) -> None:
        self._owner = owner
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addr, connect_port = await self._owner.resolve(host, port)
        return await self._inner.connect_tcp(
            str(addr),
            connect_port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class VettingTransport(httpx.AsyncBaseTransport):
    """Resolve → vet → connect to the vetted IP.

    Plain HTTP: the request URL is rewritten to the IP (the Host header keeps the name), so one pool
    serves every site on an address. HTTPS: a pool keyed by host name whose network backend
    resolves and vets (see `_VettingBackend`), so SNI, certificate checks and reuse stay per host.
    """

    def __init__(
        self,
        policy: NetPolicy,
        *,
        resolve_timeout: float = 5.0,
        max_connections: int = 100,
        ca_file: str | None = None,
    ) -> None:
        self.policy = policy
        self.resolve_timeout = resolve_timeout
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._plain = httpx.AsyncHTTPTransport(limits=limits)
        self._secure = httpx.AsyncHTTPTransport(limits=limits)
        # httpx does not expose httpcore's `network_backend`; swap in an equivalent pool that has ours.
        self._secure._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl.create_default_context(cafile=ca_file),  # ca_file: trust exactly these roots
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            network_backend=_VettingBackend(self),
        )

    async def resolve(self, host: str, port: int) -> tuple[IPAddress, int]:
        """The first allowed address for host:port (and the port to connect to), or refuse."""
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            candidates, mapped = [literal], False
        elif (rule := self.policy.mapped(host, port)) is not None:
            candidates, mapped = [rule.address], True
            port = rule.target_port or port
        else:
            candidates, mapped = await self._lookup(host, port), False
        refused: list[str] = []
        for addr in candidates:
            reason = self.policy.vet(addr, mapped=mapped)
            if reason is None:
                return addr, port
            refused.append(f"{addr} ({reason})")
        raise RefusedAddressError(
            f"拒绝连接 / refused to connect to {host}: {', '.join(refused)}",
            field="address",
        )

    async def _lookup(self, host: str, port: int) -> list[IPAddress]:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout=self.resolve_timeout
            )
        except (OSError, TimeoutError) as exc:
            raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
        seen: dict[IPAddress, None] = {}
        for _family, _type, _proto, _name, sockaddr in infos:
            seen.setdefault(ipaddress.ip_address(sockaddr[0]), None)
        return list(seen)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "https":
            return await self._secure.handle_async_request(request)
        host = request.url.host
        addr, connect_port = await self.resolve(host, request.url.port or 80)
        request.url = request.url.copy_with(host=str(addr), port=connect_port)
        return await self._plain.handle_async_request(request)

    async def aclose(self) -> None:
        await self._plain.aclose()
        await self._secure.aclose()


def peer_address(response: httpx.Response) -> str | None:
    """The IP address that served a response (what the vetting allowed), from the network stream."""
    stream = response.extensions.get("network_stream")
    info = stream.get_extra_info("server_addr") if stream is not None else None
    return str(info[0]) if info else None
