"""What a homepage check produces: plain, frozen data that the CLI prints and the store keeps.

The result types are pure (stdlib only) so a licence FILE can be checked and reported without a
database; `vats.store.checks` turns them into insert-only evidence rows when a store is configured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from vats.model.sources import SourceRef


class Outcome(StrEnum):
    """PASS and WARN do not fail a run; FAIL and ERROR make `vats sites check` exit 1."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"  # the homepage could not be fetched (refused address, timeout, HTTP error)

    @property
    def failed(self) -> bool:
        return self in (Outcome.FAIL, Outcome.ERROR)


class CheckKind(StrEnum):
    """The questions asked of one homepage."""

    REACHABLE = "homepage_reachable"
    LICENCE_NUMBER = "licence_number_displayed"
    FILING_NUMBER = "filing_number_linked"
    REDIRECT = "redirect_within_licence"


@dataclass(frozen=True, slots=True)
class Hop:
    """One request of a redirect chain: where it went, what answered, which vetted address served it."""

    url: str
    status: int | None
    address: str | None = None
    elapsed_ms: float = 0.0
    location: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched homepage (or the reason there is none). `body` is capped at the fetcher's limit."""

    requested_url: str
    final_url: str | None
    status: int | None
    body: bytes = b""
    content_type: str | None = None
    truncated: bool = False
    elapsed_ms: float = 0.0
    hops: tuple[Hop, ...] = ()
    attempts: int = 1
    fetched_at: datetime | None = None
    error: str | None = None  # code: refused_address, timeout, connect_error, too_many_redirects …
    error_detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class Snippet:
    """Where a number was seen: its text, position in the page's visible text, and its HTML context."""

    text: str
    number: str
    start: int
    end: int
    in_footer: bool = False
    link: str | None = None
    where: str = "visible"  # visible | alt | hidden


@dataclass(frozen=True, slots=True)
class CheckEvidence:
    """Everything needed to answer "was it displayed on that day": URLs, status, timing, digest, snippet."""

    requested_url: str
    final_url: str | None
    status: int | None
    elapsed_ms: float
    fetched_at: datetime | None
    body_sm3: str | None
    body_bytes: int
    truncated: bool = False
    encoding: str | None = None
    hops: tuple[Hop, ...] = ()
    snippets: tuple[Snippet, ...] = ()
    error: str | None = None
    error_detail: str | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One answer about one domain. `code` is a stable machine-readable reason (e.g. `alt_text_only`)."""

    domain: str
    check: CheckKind
    outcome: Outcome
    code: str
    message_zh: str
    message_en: str
    evidence: CheckEvidence
    licence: str | None = None
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteTarget:
    """A homepage to check and what it must show: the licence's number and the domains it lists."""

    domain: str
    licence: str | None  # canonical licence number expected on the page
    listed_domains: frozenset[str] = field(default_factory=frozenset)
    name: str | None = None
    expires: date | None = None  # the licence's expiry: a number shown after it is no longer valid


@dataclass(frozen=True, slots=True)
class SiteReport:
    """Every check result for one domain; `passed` is what the continuous display obligation needs."""

    target: SiteTarget
    results: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return not any(r.outcome.failed for r in self.results)
