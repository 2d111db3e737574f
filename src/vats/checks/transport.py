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
from collections.abc import AsyncIterator

import httpx

from vats.checks.net import IPAddress, NetPolicy, RefusedAddressError

ADDRESS_EXTENSION = "vats_address"


class _ClosingStream(httpx.AsyncByteStream):
    """Response body that closes its one-off transport when the body is closed."""

    def __init__(self, inner: httpx.AsyncByteStream, transport: httpx.AsyncHTTPTransport) -> None:
        self._inner = inner
        self._transport = transport

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            await self._transport.aclose()


class VettingTransport(httpx.AsyncBaseTransport):
    """Resolve → vet → connect to the vetted IP. Plain HTTP shares one pooled transport; each HTTPS
    request gets its own connection, because a pool keyed by IP could otherwise reuse a TLS session
    negotiated for a different host name on the same address."""

    def __init__(
        self, policy: NetPolicy, *, resolve_timeout: float = 5.0, max_connections: int = 100
    ) -> None:
        self.policy = policy
        self.resolve_timeout = resolve_timeout
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._plain = httpx.AsyncHTTPTransport(limits=limits)
        self._ssl = ssl.create_default_context()

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
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        addr, connect_port = await self.resolve(host, port)
        request.url = request.url.copy_with(host=str(addr), port=connect_port)
        if request.url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": host}
            one_off = httpx.AsyncHTTPTransport(
                verify=self._ssl, limits=httpx.Limits(max_keepalive_connections=0)
            )
            try:
                response = await one_off.handle_async_request(request)
            except BaseException:
                await one_off.aclose()
                raise
            assert isinstance(response.stream, httpx.AsyncByteStream)
            response.stream = _ClosingStream(response.stream, one_off)
        else:
            response = await self._plain.handle_async_request(request)
        response.extensions = {**response.extensions, ADDRESS_EXTENSION: str(addr)}
        return response

    async def aclose(self) -> None:
        await self._plain.aclose()
