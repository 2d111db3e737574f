"""Uploads staged on the server between the pages of a multi-step import (the licence sheet, the
regulator lists).

A file input cannot be carried from one page to the next, and a base64 copy of a large file would
exceed the form field limit, so the bytes wait here under a random token bound to the uploading user:
"preview again with this mapping", "import" and "download the problem report" then act on the same
bytes. Staged files expire after `STAGE_TTL_S` and are removed on the next upload.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from vats.api.deps import Principal
from vats.model.errors import NotFoundError

STAGE_TTL_S = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
_EXPIRED = "上传的文件已过期，请重新上传 / the uploaded file expired: upload it again"


def _stage_dir() -> Path:
    path = Path(
        os.environ.get("VATS_SHEET_STAGE") or Path(tempfile.gettempdir()) / f"vats-sheets-{os.getuid()}"
    )
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if path.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"staging directory {path} is not private to this user")
    return path


def stage(data: bytes, name: str, user: Principal) -> str:
    """Keep `data` (uploaded as `name`) for `user`; the token names it on the following pages."""
    folder = _stage_dir()
    cutoff = time.time() - STAGE_TTL_S
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.who").write_text(f"{user.name}\n{name}", encoding="utf-8")
    return token


def staged(token: str, user: Principal) -> tuple[bytes, str]:
    """The staged bytes and file name; another user's or an expired token is simply not found."""
    if not _TOKEN.fullmatch(token):
        raise NotFoundError(_EXPIRED, field="token")
    folder = _stage_dir()
    try:
        who, _, name = (folder / f"{token}.who").read_text(encoding="utf-8").partition("\n")
        if who != user.name or (folder / f"{token}.bin").stat().st_mtime < time.time() - STAGE_TTL_S:
            raise FileNotFoundError(token)
        return (folder / f"{token}.bin").read_bytes(), name
    except OSError:
        raise NotFoundError(_EXPIRED, field="token") from None


__all__ = ["STAGE_TTL_S", "stage", "staged"]
