"""Helpers for store tests: licences built without parsing (ingest's synthetic generator)."""

from __future__ import annotations

import dataclasses

from vats.model.licence import Licence, Service, Site, SiteKind


def make_licence(seed: int = 1, **overrides: object) -> Licence:
    """A synthetic licence (ingest's generator) with fields replaced as given."""
    from vats.ingest.render import synthetic_licence

    return dataclasses.replace(synthetic_licence(seed), **overrides)  # type: ignore[arg-type]


def site(domain: str, name: str | None = None) -> Site:
    return Site(kind=SiteKind.WEBSITE, name=name or domain, domain=domain, services=("B25",))


def service(code: str = "B25", coverage: tuple[str, ...] = ("重庆市",), **kw: object) -> Service:
    return Service(code=code, name="信息服务业务", coverage=coverage, **kw)  # type: ignore[arg-type]
