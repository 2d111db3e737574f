"""Multipart form inputs of the register routes: uploads read no further than the attachment cap,
and dates parsed into a 4xx naming the field (form fields get no Pydantic validation of their own)."""

from __future__ import annotations

from datetime import date

from fastapi import UploadFile

from vats.model.errors import InputError
from vats.registers.upload import Upload


async def read_capped(upload: UploadFile) -> bytes:
    """The upload's bytes, read one byte past the attachment cap: enough for the service to refuse it."""
    from vats.registers.filings.attachments import max_attachment_bytes

    return await upload.read(max_attachment_bytes() + 1)


async def received(upload: UploadFile) -> Upload:
    """The upload as a register's `Upload`, read no further than `read_capped` reads."""
    return Upload(upload.filename or "", await read_capped(upload), upload.content_type)


def form_day(raw: str, *, field: str) -> date:
    """A YYYY-MM-DD form value as a date; anything else is an input error on `field`."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"日期格式应为 YYYY-MM-DD / not a date: {raw!r}", field=field) from None


__all__ = ["form_day", "read_capped", "received"]
