"""A file handed to a register, whichever door it came through: the web's and the API's multipart
uploads and the CLI's paths all arrive as one `Upload`, so a service names a file with one argument
instead of a name and a body that callers could pair up wrongly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vats.model.errors import InputError


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as received (name, bytes, declared media type)."""

    filename: str
    content: bytes
    media_type: str | None = None


def upload_from_path(path: Path, *, field: str) -> Upload:
    """A local file as an upload, refused above the attachment cap before a byte of it is read."""
    from vats.registers.filings.attachments import max_attachment_bytes

    try:
        size = path.stat().st_size
        if size > max_attachment_bytes():
            raise InputError(f"文件过大（{size} 字节）/ file too large", field=field)
        return Upload(path.name, path.read_bytes())
    except OSError as exc:
        raise InputError(f"无法读取文件 / cannot read file: {exc.strerror}", field=field) from None


__all__ = ["Upload", "upload_from_path"]
