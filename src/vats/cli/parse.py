"""`vats parse FILE|- [--format json|text]`: read a licence document and print it as data.

Kept light on purpose (start-up time is part of the product): click only at import, the ingest
pipeline when the command runs, Rich only for `--format text`, never pydantic.
"""

from __future__ import annotations

import sys

import click

from vats.model.errors import InputError
from vats.model.licence import Licence


def _read_stdin() -> Licence:
    from vats.ingest.decode import MAX_DOCUMENT_BYTES
    from vats.ingest.document import parse_licence_bytes

    data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(
            f"输入过大 / input larger than {MAX_DOCUMENT_BYTES // 1_048_576} MB", source="<stdin>"
        )
    return parse_licence_bytes(data, source_name="<stdin>")


def load(path: str) -> Licence:
    """Parse `path`, or standard input when `path` is `-`."""
    if path == "-":
        return _read_stdin()
    from vats.ingest.document import read_licence

    return read_licence(path)


@click.command(name="parse")
@click.argument("file", metavar="FILE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: 结构化数据 / the model as JSON; text: 可读摘要 / a readable summary",
)
def parse_command(file: str, fmt: str) -> None:
    """读取许可证文件并输出结构化数据 / Parse a licence document (text or PDF; `-` = stdin)."""
    licence = load(file)
    if fmt == "json":
        from vats.cli.common import print_json

        print_json(licence)
    else:
        print_summary(licence)


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
