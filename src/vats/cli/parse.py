"""`vats parse FILE…|- [--format json|text]`: read a licence document and print it as data.

Several files are the pages of one scanned licence (`vats parse p1.jpg p2.jpg`). For scans the
JSON adds per-field `confidence`, `provenance.<field>.page/box`, `review`, `under_seal` and
`qr_codes`; OCR loads only when a scan is actually read.

Kept light on purpose (start-up time is part of the product): click only at import, the ingest
pipeline when the command runs, Rich only for `--format text`, never pydantic.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from vats.model.errors import InputError
from vats.model.licence import Licence

if TYPE_CHECKING:
    from vats.ingest.document import Parsed


def _read_stdin() -> Parsed:
    from vats.ingest.decode import MAX_DOCUMENT_BYTES
    from vats.ingest.document import parse_document_bytes

    data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(
            f"输入过大 / input larger than {MAX_DOCUMENT_BYTES // 1_048_576} MB", source="<stdin>"
        )
    return parse_document_bytes(data, source_name="<stdin>")


def load(path: str) -> Licence:
    """Parse `path`, or standard input when `path` is `-`."""
    return load_all([path]).licence


def load_all(paths: Sequence[str]) -> Parsed:
    """Parse one licence from `paths` (standard input when the only path is `-`)."""
    if list(paths) == ["-"]:
        return _read_stdin()
    if "-" in paths:
        raise InputError("标准输入不能与文件同用 / '-' (stdin) cannot be combined with files", source="FILE")
    from vats.ingest.document import read_documents

    return read_documents(paths)


@click.command(name="parse")
@click.argument("files", metavar="FILE…", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: 结构化数据 / the model as JSON; text: 可读摘要 / a readable summary",
)
def parse_command(files: tuple[str, ...], fmt: str) -> None:
    """读取许可证文件并输出结构化数据 / Parse a licence document (text, PDF, scan pages; `-` = stdin)."""
    parsed = load_all(files)
    if fmt == "json":
        from vats.cli.common import print_json

        if parsed.scan is not None:
            from vats.ingest.scan.reading import jsonable

            print_json(jsonable(parsed.scan))
        elif parsed.ofd is not None:
            from vats.model.serialise import to_jsonable

            data = to_jsonable(parsed.licence)
            data["signature"] = parsed.ofd.signature_result
            data["signatures"] = to_jsonable(parsed.ofd.signatures)
            data["seal_images"] = list(parsed.ofd.seal_images)
            print_json(data)
        else:
            print_json(parsed.licence)
    else:
        print_summary(parsed.licence)
        print_extras(parsed)


def print_extras(parsed: Parsed) -> None:
    """For scans: fields to check, fields under a seal, QR payloads; for OFD: the signature check."""
    lines: list[str] = []
    if parsed.scan is not None:
        scan = parsed.scan
        review = ", ".join(f"{n} ({scan.fields[n].confidence:.2f})" for n in scan.review())
        lines.append(f"需人工核对 / To check by hand: {review or '—'}")
        under = ", ".join(n for n, f in scan.fields.items() if f.under_seal)
        lines.append(f"位于印章下 / Under a seal: {under or '—'}")
        for code in scan.codes:
            lines.append(f"核验二维码内容 / Verification QR code: {code}")
        for ident in scan.identifiers:
            state = "校验通过 / check ok" if ident.check_ok else "校验位不符 / check character wrong"
            lines.append(f"证照标识 / E-licence identifier: {ident.identifier} ({state})")
    if parsed.ofd is not None:
        lines.append(f"电子签章 / Electronic seal: {parsed.ofd.signature_result}")
        lines.extend(f"  {c.path}: {c.result} — {c.reason}" for c in parsed.ofd.signatures)
    for line in lines:
        sys.stdout.write(line + "\n")


def print_summary(licence: Licence) -> None:
    """A readable Rich summary: main page, business types, sites, provisions, warnings."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"{licence.title}  {licence.number}", style="bold", markup=False, highlight=False)
    issuer = "—"
    if licence.issuer:
        issuer = licence.issuer.name + (
            "" if licence.issuer.stated else " (据编号推定 / inferred from the number)"
        )
    for label, value in (
        ("公司名称 / Company", licence.company),
        ("法定代表人 / Legal representative", licence.legal_representative or "—"),
        ("发证机关 / Issuer", issuer),
        ("发证日期 / Issued", str(licence.issue_date or "—")),
        ("有效期至 / Expires", str(licence.expiry_date or "—")),
        ("复印限制 / Copy restriction", licence.copy_restriction or "—"),
        ("来源 / Source", f"{licence.source.path} ({licence.source.encoding})" if licence.source else "—"),
    ):
        console.print(f"  {label}: {value}", markup=False, highlight=False)
    services = Table(title="业务种类 / Business types")
    for column in ("代码 Code", "名称 Name", "仅限 Limited to", "不含 Excludes", "覆盖范围 Coverage"):
        services.add_column(column)
    for svc in licence.services:
        coverage = "、".join(svc.coverage) + ("" if svc.coverage_stated else " (推定 inferred)")
        services.add_row(svc.code, svc.name, "、".join(svc.limited_to), "、".join(svc.excludes), coverage)
    console.print(services)
    if licence.sites:
        sites = Table(title="网站与应用 / Websites and apps")
        for column in ("类型 Kind", "名称 Name", "域名 Domain", "业务 Types", "接入/应用商店 Access/stores"):
            sites.add_column(column)
        for site in licence.sites:
            providers = "、".join(site.access_providers or site.app_stores)
            sites.add_row(site.kind.value, site.name, site.domain, ", ".join(site.services), providers)
        console.print(sites)
    items = sum(len(p.items) for p in licence.provisions)
    console.print(
        f"特别规定事项 / Special provisions: {len(licence.provisions)} 条 articles, {items} 项 items"
    )
    if licence.warnings:
        console.print(f"[yellow]解析提示 / Parse warnings ({len(licence.warnings)}):[/yellow]")
        for warning in licence.warnings:
            where = f"line {warning.line}: " if warning.line else ""
            console.print(f"  {where}[{warning.code}] {warning.message}", markup=False, highlight=False)
