"""Issuing a purpose-bound licence copy: validate, sign the statement, draw the copy, register it.

The one service API, web and CLI call alike. It runs inside the caller's transaction: the register
row, the signature and the rendered file come from one call, and any failure (a bad input, an
unreadable scan, a missing font, a wrong key passphrase) leaves nothing registered.

The statement's digest is the SM3 of the stored document the copy was made from (the current
revision's bytes), as `vats.model.copystatement` defines it: the holder can show that a copy was
made from that exact original (`vats copy verify QR --content ORIGINAL`).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from vats.model import copystatement as cs
from vats.model.clock import today
from vats.model.keyring import Keyring
from vats.model.sm3 import sm3_hex
from vats.report import copy_render
from vats.store import copies as store
from vats.store.models import LicenceRevision

VERIFY_PATH = "/verify/copy"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def verify_url(base: str | None = None) -> str:
    """Where a phone scanning the QR lands: VATS_PUBLIC_URL (the server's public address, which wins
    over the address a request came in on, e.g. behind a proxy), else `base`, plus the page."""
    root = (os.environ.get("VATS_PUBLIC_URL") or base or DEFAULT_PUBLIC_URL).rstrip("/")
    return root + VERIFY_PATH


@dataclass(frozen=True, slots=True)
class IssuedCopy:
    copy: store.LicenceCopy
    rendered: copy_render.RenderedCopy

    @property
    def pdf(self) -> bytes:
        return self.rendered.pdf

    @property
    def pngs(self) -> tuple[bytes, ...]:
        """The pages as PNG files (encoded on first use)."""
        return self.rendered.pngs


_PAGES: OrderedDict[str, tuple[str, list]] = OrderedDict()  # type: ignore[type-arg]
PAGE_CACHE = 8  # licences whose page images a process keeps (a few MB each)


def _cached_pages(
    digest: str, revision: LicenceRevision | None, licence_data: dict[str, object]
) -> tuple[str, list]:  # type: ignore[type-arg]
    """The base pages of a source, made once per process: every copy of the same document starts
    from the same pixels (layout and rasterising are most of the cost of a copy)."""
    found = _PAGES.get(digest)
    if found is None:
        found = _source_pages(revision, licence_data)
        _PAGES[digest] = found
        while len(_PAGES) > PAGE_CACHE:
            _PAGES.popitem(last=False)
    else:
        _PAGES.move_to_end(digest)
    return found


def _source_pages(revision: LicenceRevision | None, licence_data: dict[str, object]) -> tuple[str, list]:  # type: ignore[type-arg]
    """("scan", pages) from the stored PDF or image, else ("rendering", pages) of the licence data."""
    if revision is not None and revision.media_type == "application/pdf":
        return "scan", copy_render.pages_from_pdf(revision.content)
    if revision is not None and revision.media_type.startswith("image/"):
        return "scan", copy_render.pages_from_image(revision.content)
    from vats.ingest.render import render_licence
    from vats.store.licences import to_licence

    licence = to_licence(dict(licence_data))
    return "rendering", copy_render.pages_from_text(licence.title, render_licence(licence))


def issue_copy(
    session: Session,
    *,
    number: str,
    recipient: str,
    purpose: str,
    until: date | None,
    ring: Keyring | None = None,
    public_url: str | None = None,
    as_of: date | None = None,
) -> IssuedCopy:
    """Issue one copy of licence `number` (in the caller's organisation scope) and register it."""
    as_of = as_of or today()
    request, licence = store.check_request(
        session, number=number, recipient=recipient, purpose=purpose, until=until, as_of=as_of
    )
    revision = session.scalar(
        select(LicenceRevision)
        .options(undefer(LicenceRevision.content))
        .where(LicenceRevision.licence_id == licence.id, LicenceRevision.revision == licence.current_revision)
    )
    if revision is not None:
        source_sm3 = revision.sm3
    else:  # never imported as a document: the digest of the data the rendering shows
        from vats.store.licences import _canon_bytes

        source_sm3 = sm3_hex(_canon_bytes(licence.data))
    source, pages = _cached_pages(source_sm3, revision, licence.data)
    copy_id = store.new_copy_id(session)
    ring = ring or Keyring()
    statement = cs.CopyStatement(
        copy_id=copy_id,
        licence=licence.number,
        recipient=request.recipient,
        purpose=request.purpose,
        issued=as_of,
        expires=request.until,
        digest=source_sm3,
    )
    qr_text = cs.sign(statement, ring, verify_url=verify_url(public_url))
    marks = copy_render.CopyMarks(
        copy_id=copy_id,
        recipient=request.recipient,
        purpose=request.purpose,
        issued=as_of.isoformat(),
        expires=request.until.isoformat(),
        qr_text=qr_text,
    )
    rendered = copy_render.render_copy(pages, marks)
    row = store.record_copy(
        session,
        request=request,
        licence=licence,
        copy_id=copy_id,
        issued_on=as_of,
        revision=revision.revision if revision is not None else None,
        source=source,
        source_sm3=source_sm3,
        output_sm3=sm3_hex(rendered.pdf),
        kid=ring.active_kid(),
        statement=qr_text,
        pdf=rendered.pdf,
    )
    return IssuedCopy(copy=row, rendered=rendered)
