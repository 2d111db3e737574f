"""`vats copy verify QR-TEXT|FILE`: check a purpose-bound licence copy's signed statement offline."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from vats.cli.auditlog import KEYS_OPTION
from vats.cli.common import print_json

app = typer.Typer(
    help="许可证副本 / Purpose-bound licence copies", no_args_is_help=True, add_completion=False
)

MAX_CONTENT = 64 << 20


@app.callback()
def _group() -> None:
    """许可证副本 / Purpose-bound licence copies (issuing them comes with the copies register)."""


@app.command("verify")
def verify_command(
    qr: str = typer.Argument(..., help="二维码内容或其文本文件 / QR text, or a text file holding it"),
    content: Path | None = typer.Option(
        None,
        "--content",
        help="副本所依据的原件 / the source the copy was made from (digest check)",
    ),
    keys: Path | None = KEYS_OPTION,
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """有效 / 已过期 / 已撤销 / 非本单位签发 / 已被篡改：exit 0 valid, 1 expired or revoked, 6 otherwise."""
    from vats.cli.auditlog import _keys
    from vats.model import copystatement as cs
    from vats.model.clock import today
    from vats.model.errors import ExitCode, InputError

    text = qr
    candidate = Path(qr)
    if len(qr) < 1024 and candidate.is_file():
        if candidate.stat().st_size > cs.MAX_TEXT:
            raise InputError(
                "只接受二维码文本，PDF/PNG 请先扫码 / only QR text is read: scan a PDF or PNG first",
                field="qr",
            )
        text = candidate.read_text(encoding="utf-8", errors="replace")
    raw = None
    if content is not None:
        if not content.is_file() or content.stat().st_size > MAX_CONTENT:
            raise InputError(f"无法读取或过大 / cannot read {content} (or over 64 MB)", field="--content")
        raw = content.read_bytes()
    verdict = cs.verify(text, _keys(keys), today=today(), content=raw)
    if json_out:
        print_json(
            {
                "state": verdict.state.code,
                "label": verdict.state.label,
                "statement": verdict.statement,
                "reason": verdict.reason,
                "revocation_checked": verdict.revocation_checked,
            }
        )
    else:
        sys.stdout.write(verdict.describe() + "\n")
    if verdict.state is cs.State.VALID:
        return
    expired_or_revoked = verdict.state in (cs.State.EXPIRED, cs.State.REVOKED)
    raise typer.Exit(int(ExitCode.FINDINGS if expired_or_revoked else ExitCode.INTEGRITY))
