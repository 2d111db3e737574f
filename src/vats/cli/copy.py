"""`vats copy issue|list|recipients|revoke|verify`: purpose-bound licence copies.

Issuing writes the copy (PDF, and PNG pages with --png) and registers it in one transaction;
`verify` checks a copy's signed statement offline: QR text, a text file holding it, or the copy's PNG
or PDF itself (the QR is read with zxing-cpp).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from vats.cli.auditlog import KEYS_OPTION
from vats.cli.common import print_json
from vats.cli.db import DB_OPTION

app = typer.Typer(
    help="许可证副本 / Purpose-bound licence copies", no_args_is_help=True, add_completion=False
)

MAX_CONTENT = 64 << 20


@app.callback()
def _group() -> None:
    """许可证副本 / Purpose-bound licence copies."""


@app.command("issue")
def issue_command(
    number: str = typer.Argument(..., help="许可证号 / licence number"),
    recipient: str = typer.Option(..., "--recipient", help="接收方 / recipient, e.g. 华为应用市场"),
    purpose: str = typer.Option(..., "--purpose", help="用途 / purpose, e.g. 上架审核使用"),
    until: str = typer.Option(..., "--until", help="副本有效期至 / copy valid until (YYYY-MM-DD)"),
    out: Path | None = typer.Option(
        None, "-o", "--output", help="PDF 文件 / PDF file (default: COPY-ID.pdf)"
    ),
    png: bool = typer.Option(False, "--png", help="另存 PNG 页面 / also write PNG pages"),
    db: str | None = DB_OPTION,
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """签发副本：水印、副本编号、签名二维码 / Issue a watermarked, signed, registered copy."""
    from vats.cli.common import parse_date
    from vats.report.copies import issue_copy
    from vats.report.files import write_bytes
    from vats.store.db import cli_session

    valid_until = parse_date(until, field="--until", default_today=False)
    with cli_session(db) as session:
        issued = issue_copy(session, number=number, recipient=recipient, purpose=purpose, until=valid_until)
        target = out or Path(f"{issued.copy.copy_id}.pdf")
        write_bytes(target, issued.pdf)
        written = [str(target)]
        if png:
            for n, page in enumerate(issued.pngs, start=1):
                suffix = "" if len(issued.pngs) == 1 else f"-{n}"
                page_path = target.with_name(f"{target.stem}{suffix}.png")
                write_bytes(page_path, page)
                written.append(str(page_path))
        row = issued.copy
    if json_out:
        print_json({**_row_json(row), "files": written})
        return
    sys.stdout.write(
        f"副本 / copy {row.copy_id}：{row.licence_number} 仅供 {row.recipient} {row.purpose}，"
        f"有效期至 {row.expires_on}\n" + "".join(f"  {w}\n" for w in written)
    )


def _row_json(row: object) -> dict[str, object]:
    from vats.model.clock import today

    fields = [
        "copy_id",
        "licence_number",
        "revision",
        "recipient",
        "purpose",
        "issued_on",
        "expires_on",
        "issued_at",
        "issued_by",
        "source",
        "source_sm3",
        "output_sm3",
        "kid",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    ]
    out: dict[str, object] = {f: getattr(row, f) for f in fields}
    state = row.state_on(today())  # type: ignore[attr-defined]
    out["state"], out["state_label"] = state.code, state.label
    return out


@app.command("list")
def list_command(
    recipient: str | None = typer.Option(None, "--recipient", help="按接收方 / by recipient"),
    number: str | None = typer.Option(None, "--licence", help="按许可证号 / by licence number"),
    state: str | None = typer.Option(None, "--state", help="valid / expired / revoked"),
    db: str | None = DB_OPTION,
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """副本登记簿 / The register of copies issued (newest first)."""
    from vats.model.clock import today
    from vats.store.copies import list_copies
    from vats.store.db import cli_session

    with cli_session(db) as session:
        rows = list_copies(session, recipient=recipient, number=number, state=state)
        data = [_row_json(r) for r in rows]
    if json_out:
        print_json(data)
        return
    as_of = today()
    for r in rows:
        s = r.state_on(as_of)
        sys.stdout.write(
            f"{r.copy_id}  {r.licence_number}  {r.recipient}  {r.purpose}  {r.issued_on}→{r.expires_on}  "
            f"{s.label} / {s.code}  {r.issued_by}\n"
        )
    if not rows:
        sys.stdout.write("无副本 / no copies\n")


@app.command("recipients")
def recipients_command(db: str | None = DB_OPTION, json_out: bool = typer.Option(False, "--json")) -> None:
    """接收方及副本数 / Recipients and how many copies each was given."""
    from vats.store.copies import recipients
    from vats.store.db import cli_session

    with cli_session(db) as session:
        found = recipients(session)
    if json_out:
        print_json([{"recipient": r, "copies": n} for r, n in found])
        return
    for r, n in found:
        sys.stdout.write(f"{r}  {n}\n")


@app.command("revoke")
def revoke_command(
    copy_id: str = typer.Argument(..., help="副本编号 / copy id, e.g. VC-7KQ3-M9XA"),
    reason: str | None = typer.Option(None, "--reason", help="撤销原因 / reason"),
    db: str | None = DB_OPTION,
) -> None:
    """立即撤销副本（记入审计日志）/ Revoke a copy at once (audited); verification then says 已撤销."""
    from vats.store.copies import revoke_copy
    from vats.store.db import cli_session

    with cli_session(db) as session:
        row = revoke_copy(session, copy_id=copy_id, reason=reason)
        copy_id, when = row.copy_id, row.revoked_at
    sys.stdout.write(f"已撤销 / revoked {copy_id} ({when})\n")


@app.command("verify")
def verify_command(
    qr: str = typer.Argument(
        ...,
        help="二维码内容、其文本文件或副本 PNG/PDF / QR text, a file holding it, or the copy's PNG/PDF",
    ),
    content: Path | None = typer.Option(
        None,
        "--content",
        help="副本所依据的原件 / the source the copy was made from (digest check)",
    ),
    keys: Path | None = KEYS_OPTION,
    register: bool = typer.Option(
        False, "--register", help="同时核对副本登记簿（撤销）/ also check the register (revocation)"
    ),
    db: str | None = DB_OPTION,
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
        text = _qr_from_file(candidate)
    raw = None
    if content is not None:
        if not content.is_file() or content.stat().st_size > MAX_CONTENT:
            raise InputError(f"无法读取或过大 / cannot read {content} (or over 64 MB)", field="--content")
        raw = content.read_bytes()
    if register:
        from vats.store.copies import verify_online
        from vats.store.db import cli_session

        with cli_session(db) as session:
            verdict = verify_online(session, text=text, keys=_keys(keys))
        if raw is not None and verdict.state is cs.State.VALID:
            verdict = cs.verify(text, _keys(keys), today=today(), content=raw, revoked=())
    else:
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


def _qr_from_file(path: Path) -> str:
    """The copy statement in a file: a PNG/JPEG/PDF's QR code (zxing-cpp), else the file's text."""
    from vats.ingest.ocr import is_image
    from vats.ingest.pdf import is_pdf
    from vats.model import copystatement as cs
    from vats.model.errors import InputError

    if path.stat().st_size > MAX_CONTENT:
        raise InputError("文件过大（>64 MB）/ file over 64 MB", field="qr")
    raw = path.read_bytes()
    if is_pdf(raw) or is_image(raw):
        from vats.ingest.qr import qr_texts

        found = [t for t in qr_texts(raw, field="qr") if f"{cs.PREFIX}." in t]
        if not found:
            raise InputError("文件中没有 vats 副本二维码 / no vats copy QR code in the file", field="qr")
        return found[0]
    if len(raw) > cs.MAX_TEXT:
        raise InputError("二维码文本过长 / QR text too long", field="qr")
    return raw.decode("utf-8", errors="replace")
