"""Polite, bounded homepage fetching: HTTPS then HTTP, redirects hop by hop, retries, a body cap.

Bounds everywhere, because the input is a user-supplied list of domains: a global and a per-host
semaphore (no unbounded queues: a caller awaits a slot), per-attempt deadlines, retries only where a
retry can help (5xx and timeouts), a streamed body cap, and a redirect limit. Every hop goes through
`VettingTransport`, so a redirect cannot lead the crawler to a forbidden address.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, replace
from types import TracebackType

import httpx

from vats.checks.decoding import ACCEPT_ENCODING, BadEncodingError, BoundedDecoder
from vats.checks.net import NetPolicy, RefusedAddressError
from vats.checks.results import Fetched, Hop
from vats.checks.transport import VettingTransport, peer_address
from vats.model.clock import now_utc

USER_AGENT = "vats/0.1 (+licence display check)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Failures of the HTTPS attempt after which the plain-HTTP homepage is tried.
FALLBACK_ERRORS = frozenset({"connect_error", "timeout", "transport_error"})
_NO_URL = httpx.URL("http://invalid./")  # final_url of a fetch whose URL did not even parse


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits of one crawl; the defaults suit a compliance officer's daily run."""

    timeout: float = 10.0  # per network operation (connect, read …)
    attempt_deadline: float = 30.0  # whole attempt, so a server dripping bytes cannot hold a slot
    max_redirects: int = 5
    retries: int = 2  # extra attempts after a 5xx or a timeout
    backoff: float = 0.5  # seconds before the first retry, doubled each time
    max_bytes: int = 5 * 1024 * 1024
    concurrency: int = 20
    per_host: int = 2
    user_agent: str = USER_AGENT
    ca_file: str | None = None  # PEM roots to trust instead of the system's (TLS inspection, tests)


class _HostSlots:
    """Per-host semaphores that disappear when unused, so thousands of hosts cost nothing at rest."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        sem, users = self._slots.get(host, (asyncio.Semaphore(self._size), 0))
        self._slots[host] = (sem, users + 1)
        try:
            async with sem:
                yield
        finally:
            sem, users = self._slots[host]
            if users == 1:
                del self._slots[host]
            else:
                self._slots[host] = (sem, users - 1)


class _Failure(Exception):
    """An attempt that produced no usable response, with the evidence code to report."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class Fetcher:
    """Use as `async with Fetcher(settings, policy) as f: await f.homepage("example.com")`."""

    def __init__(self, settings: FetchSettings | None = None, policy: NetPolicy | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.policy = policy or NetPolicy()
        self._global = asyncio.Semaphore(self.settings.concurrency)
        self._hosts = _HostSlots(self.settings.per_host)
        self._client: httpx.AsyncClient | None = None
        self._transport: VettingTransport | None = None

    async def __aenter__(self) -> Fetcher:
        self._transport = transport = VettingTransport(
            self.policy,
            resolve_timeout=self.settings.timeout,
            max_connections=self.settings.concurrency,
            ca_file=self.settings.ca_file,
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(self.settings.timeout),
            headers={
                "User-Agent": self.settings.user_agent,
                "Accept": "text/html,*/*;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            follow_redirects=False,
            trust_env=False,  # a proxy would defeat address vetting
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = self._transport = None

    async def homepage(self, domain: str) -> Fetched:
        """Fetch `https://domain/`, falling back to `http://domain/` when HTTPS cannot be reached."""
        secure = await self.fetch(f"https://{domain}/", preconnect=True)
        if secure.error not in FALLBACK_ERRORS:
            return secure
        plain = await self.fetch(f"http://{domain}/")
        note = f"https: {secure.error}: {secure.error_detail}"
        detail = f"{plain.error_detail}; {note}" if plain.error else note
        return replace(plain, attempts=plain.attempts + secure.attempts, error_detail=detail)

    async def fetch(self, url: str, *, preconnect: bool = False) -> Fetched:
        """Follow redirects hop by hop from `url`; never raises for network trouble (see `error`).

        `preconnect`: open the first hop's TCP connection before building the request (see
        `VettingTransport.preconnected`) — for the HTTPS attempt, which is often refused."""
        started = time.perf_counter()
        fetched_at = now_utc()
        hops: list[Hop] = []
        attempts = 0
        current = _NO_URL
        try:
            current = _url(url)
            for _ in range(self.settings.max_redirects + 1):
                first = preconnect and not hops and current.scheme == "https"
                hop, body, ctype, truncated, tries = await self._with_retries(current, first)
                attempts += tries
                hops.append(hop)
                if hop.status in REDIRECT_STATUSES and hop.location:
                    current = _url(hop.location, base=current)
                    if current.scheme not in ("http", "https"):
                        raise _Failure("bad_redirect", f"redirect to unsupported scheme: {current}")
                    continue
                return Fetched(
                    requested_url=url,
                    final_url=str(current),
                    status=hop.status,
                    body=body,
                    content_type=ctype,
                    truncated=truncated,
                    elapsed_ms=_ms(started),
                    hops=tuple(hops),
                    attempts=attempts,
                    fetched_at=fetched_at,
                )
            raise _Failure("too_many_redirects", f"more than {self.settings.max_redirects} redirects")
        except _Failure as failure:
            return Fetched(
                requested_url=url,
                final_url=str(current),
                status=hops[-1].status if hops else None,
                elapsed_ms=_ms(started),
                hops=tuple(hops),
                attempts=max(attempts, 1),
                fetched_at=fetched_at,
                error=failure.code,
                error_detail=failure.detail,
            )

    async def _with_retries(
        self, url: httpx.URL, preconnect: bool
    ) -> tuple[Hop, bytes, str | None, bool, int]:
        """One hop, retried with exponential backoff on 5xx answers and timeouts only."""
        settings = self.settings
        for attempt in range(settings.retries + 1):
            last = attempt == settings.retries
            try:
                hop, body, ctype, truncated = await self._attempt(url, preconnect)
            except _Failure as failure:
                if failure.code != "timeout" or last:
                    if failure.code == "timeout" and attempt:
                        failure.detail += f" (after {attempt + 1} attempts)"
                    raise
            else:
                if hop.status is None or hop.status < 500 or last:
                    return hop, body, ctype, truncated, attempt + 1
            await asyncio.sleep(settings.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, url: httpx.URL, preconnect: bool) -> tuple[Hop, bytes, str | None, bool]:
        assert self._client is not None and self._transport is not None, (
            "use Fetcher as an async context manager"
        )
        started = time.perf_counter()
        connected: AbstractAsyncContextManager[None] = (
            self._transport.preconnected(url) if preconnect else nullcontext()
        )
        try:
            async with (
                self._global,
                self._hosts.hold(url.host),
                asyncio.timeout(self.settings.attempt_deadline),
                connected,
                self._client.stream("GET", url) as response,
            ):
                body, truncated = await self._read_capped(response)
                hop = Hop(
                    url=str(url),
                    status=response.status_code,
                    address=peer_address(response),
                    elapsed_ms=_ms(started),
                    location=response.headers.get("location"),
                )
                return hop, body, response.headers.get("content-type"), truncated
        except RefusedAddressError as exc:
            raise _Failure("refused_address", exc.message) from None
        except BadEncodingError as exc:
            raise _Failure("bad_encoding", f"{url}: {exc}") from None
        except (httpx.TimeoutException, TimeoutError):
            raise _Failure("timeout", f"no answer within {self.settings.timeout:g} s from {url}") from None
        except httpx.ConnectError as exc:
            raise _Failure("connect_error", f"{url}: {exc}") from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise _Failure("transport_error", f"{url}: {type(exc).__name__}: {exc}") from None
        except (httpx.InvalidURL, UnicodeError, ValueError) as exc:  # e.g. an unencodable host name
            raise _Failure("bad_url", f"{url}: {exc}") from None

    async def _read_capped(self, response: httpx.Response) -> tuple[bytes, bool]:
        """Read at most `max_bytes` decoded (and as many raw); stop and report truncation.

        The raw stream is decoded here rather than by httpx, slice by slice (see `BoundedDecoder`),
        so a compression bomb stops at the cap instead of inflating whole in memory; the raw cap
        ends an endless body that decodes to nothing."""
        cap = self.settings.max_bytes
        decoder = BoundedDecoder(response.headers.get("content-encoding"))
        out = bytearray()
        received = 0
        async for raw in response.aiter_raw():
            received += len(raw)
            for piece in decoder.feed(raw):
                out += piece
                if len(out) > cap:
                    return bytes(out[:cap]), True
            if received > cap:
                return bytes(out), True
        return bytes(out), False


def _url(text: str, *, base: httpx.URL | None = None) -> httpx.URL:
    """Parse a URL (or resolve a Location against `base`); unusable ones are a reported failure."""
    try:
        return base.join(text) if base is not None else httpx.URL(text)
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise _Failure("bad_url", f"{text!r}: {exc}") from None


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
