"""Refuse an XLSX whose zip directory promises more than a sheet can need (a zip bomb).

The check reads only the central directory, before openpyxl inflates anything. It is sound because
Python's zipfile never inflates a member past the size its directory entry declares (it stops there
and fails the CRC check), so the declared sizes bound what reading the workbook can cost.
"""

from __future__ import annotations

import io
import zipfile

from vats.ingest.sheet.limits import SheetLimits
from vats.model.errors import InputError


def check_archive(data: bytes, *, limits: SheetLimits, source: str | None = None) -> None:
    """`InputError` unless `data` is a zip archive within the member, size and ratio caps."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError("不是有效的 XLSX 文件 / not a valid XLSX workbook (zip)", source=source) from None
    if len(members) > limits.max_members:
        raise InputError(
            f"XLSX 文件成员过多 / the workbook holds {len(members)} parts (at most {limits.max_members})",
            source=source,
        )
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise InputError(
                f"疑似压缩炸弹，拒绝读取 / refused: {info.filename} inflates {info.file_size} bytes "
                f"from {info.compress_size} (more than {limits.max_ratio}×)",
                source=source,
            )
    if total > limits.max_uncompressed:
        raise InputError(
            f"XLSX 解压后过大，拒绝读取 / refused: the workbook inflates to {total} bytes "
            f"(at most {limits.max_uncompressed})",
            source=source,
        )
