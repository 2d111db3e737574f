"""An httpx transport that resolves every host itself, vets the addresses, and connects to the IP.

Doing the resolution here (instead of letting the socket layer do it) closes the DNS-rebinding gap:
the address that was checked is the address that is connected to, on the first request and on every
redirect hop. The original host stays in the `Host` header and in TLS SNI/certificate checks.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx
from anyio.abc import SocketStream
from httpcore._backends.anyio import AnyIOStream  # httpcore's own wrapper of an anyio stream

from vats.checks.net import IPAddress, NetPolicy, RefusedAddressError

# How long a vetted resolution is reused within a run: a crawl asks for the same host on port 443,
# port 80 and every redirect hop; re-resolving each time costs a thread-pool DNS lookup. Short, so a
# long run still follows DNS changes; either way the vetted address is the one connected to.
RESOLVE_TTL = 30.0
RESOLVE_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class _Vetted:
    """One resolution outcome: the address and port to connect to, or why the host was refused."""

    expires: float
    address: IPAddress | None = None
    port: int = 0
    refused: str | None = None


async def open_tcp(addr: IPAddress, port: int, timeout: float | None) -> socket.socket:
    """A connected non-blocking TCP socket to one vetted address.

    One address needs no happy-eyeballs race, so this is a bare `sock_connect`: anyio's general
    `connect_tcp` (task group, cancel scopes) cost more CPU than the rest of a refused HTTPS attempt."""
    sock = socket.socket(socket.AF_INET6 if addr.version == 6 else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        async with asyncio.timeout(timeout):
            await asyncio.get_running_loop().sock_connect(sock, (str(addr), port))
    except TimeoutError:
        sock.close()
        raise httpx.ConnectTimeout(f"no connection to {addr} port {port} within {timeout:g} s") from None
    except OSError as exc:
        sock.close()
        raise httpx.ConnectError(f"cannot connect to {addr} port {port}: {exc.strerror or exc}") from None
    except BaseException:
        sock.close()
        raise
    return sock


class _VettingBackend(httpcore.AsyncNetworkBackend):
    """Network backend for HTTPS: connects to the vetted address of the host it is asked for.

    The connection pool stays keyed by host name, so a TLS connection is only ever reused for the
    host it was negotiated with (a pool keyed by IP could hand one host's session to another).
    A socket opened ahead by `VettingTransport.preconnected` is taken instead of dialling again."""

    def __init__(self, owner: VettingTransport) -> None:
        self._owner = owner
        self._inner = httpcore.AnyIOBackend()
        self.ready: dict[tuple[str, int], list[socket.socket]] = {}

    def take(self, host: str, port: int) -> socket.socket | None:
        """A socket opened ahead for host:port, if one is waiting."""
        waiting = self.ready.get((host, port))
        if not waiting:
            return None
        sock = waiting.pop()
        if not waiting:
            del self.ready[(host, port)]
        return sock

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        sock = self.take(host, port)
        if sock is None:
            addr, connect_port = await self._owner.resolve(host, port)
            sock = await open_tcp(addr, connect_port, timeout)
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AnyIOStream(await SocketStream.from_socket(sock))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.lru_cache(maxsize=8)
def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """One TLS context per process and trust store: loading the CA roots costs tens of milliseconds
    of CPU, which a worker running one short check job after another would pay for every job. A
    context is only read once built, so runs and threads share it."""
    return ssl.create_default_context(cafile=ca_file)


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
        self._vetted: dict[tuple[str, int], _Vetted] = {}
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        tls = tls_context(ca_file)  # ca_file: trust exactly these roots
        self._plain = httpx.AsyncHTTPTransport(limits=limits, verify=tls)
        self._secure = httpx.AsyncHTTPTransport(limits=limits, verify=tls)
        self._backend = _VettingBackend(self)
        # httpx does not expose httpcore's `network_backend`; swap in an equivalent pool that has ours.
        self._secure._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            network_backend=self._backend,
        )

    async def resolve(self, host: str, port: int) -> tuple[IPAddress, int]:
        """The first allowed address for host:port (and the port to connect to), or refuse."""
        key = (host, port)
        vetted = self._vetted.get(key)
        if vetted is None or vetted.expires < time.monotonic():
            vetted = await self._vet(host, port)
            if len(self._vetted) >= RESOLVE_CACHE_SIZE:
                del self._vetted[next(iter(self._vetted))]  # the oldest entry
            self._vetted[key] = vetted
        if vetted.address is None:
            raise RefusedAddressError(vetted.refused or host, field="address")
        return vetted.address, vetted.port

    async def _vet(self, host: str, port: int) -> _Vetted:
        expires = time.monotonic() + RESOLVE_TTL
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            candidates = [literal]
        elif (rule := self.policy.mapped(host, port)) is not None:
            candidates = [rule.address]
            port = rule.target_port or port
        else:
            candidates = await self._lookup(host, port)
        refused: list[str] = []
        for addr in candidates:
            reason = self.policy.vet(addr)
            if reason is None:
                return _Vetted(expires, addr, port)
            refused.append(f"{addr} ({reason})")
        return _Vetted(expires, refused=f"拒绝连接 / refused to connect to {host}: {', '.join(refused)}")

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

    @asynccontextmanager
    async def preconnected(self, url: httpx.URL) -> AsyncIterator[None]:
        """Resolve, vet and open the TCP connection for an HTTPS `url` before any HTTP machinery.

        A homepage's HTTPS attempt is often refused outright; failing here costs a socket and a
        connect instead of building a request and a pool connection. An opened socket is handed to
        the pool for this request (no second connection); one left unused is closed on exit."""
        host, port = url.raw_host.decode("ascii"), url.port or 443
        addr, connect_port = await self.resolve(host, port)
        sock = await open_tcp(addr, connect_port, self.resolve_timeout)
        self._backend.ready.setdefault((host, port), []).append(sock)
        try:
            yield
        finally:
            if (unused := self._backend.take(host, port)) is not None:
                unused.close()

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
        for waiting in self._backend.ready.values():
            for sock in waiting:
                sock.close()
        self._backend.ready.clear()


def peer_address(response: httpx.Response) -> str | None:
    """The IP address that served a response (what the vetting allowed), from the network stream."""
    stream = response.extensions.get("network_stream")
    info = stream.get_extra_info("server_addr") if stream is not None else None
    return str(info[0]) if info else None
