"""One cell's text into a value: dates, licence numbers, business types, coverage, sites.

Each reader returns the value or raises `ValueError` whose message is the problem as the error
report shows it (Chinese first). Business types go through the same grammar as licence documents
(`extract_services`), numbers through `ingest.numbers.parse`, dates through `extract.read_date`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from vats.ingest.extract import read_date
from vats.ingest.extract_services import parse_service_text, split_list
from vats.ingest.normalise import clean_line
from vats.ingest.numbers import NumberError, parse
from vats.ingest.render import service_line
from vats.ingest.sheet.read import Cell, Formula
from vats.model.licence import Service, Site, SiteKind
from vats.model.numbers import LicenceNumber, NumberKind
from vats.reference import catalogue, regions
from vats.reference.regions import NATIONWIDE

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 in Excel's 1900 date system
_SERIAL_RANGE = (32874, 73051)  # 1990-01-01 .. 2100-01-01: anything else is not a licence date
_NUMBER_SPLIT = re.compile(r"[、,;\n/]+|\s{2,}")
_CODE = re.compile(r"^([AB]\d{1,2}(?:-\d)?)(?![\d])\s*[:：]?\s*")
_SERVICE_BREAK = re.compile(r"\n+|;(?=\s*(?:[AB]\d{1,2}\b|[AB]\d{1,2}-\d|[\u4e00-\u9fff]{2,30}?业务))")
_SITE_SPLIT = re.compile(r"[;\n、]+")
_SITE = re.compile(r"^(?P<name>[^()]*?)\s*(?:\((?P<inside>[^()]*)\))?$")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)
_APP = re.compile(r"^(?:app|应用|小程序)$", re.I)


def text_of(cell: Cell) -> str:
    """The cell as normalised text (full-width folded, spaces next to Chinese removed)."""
    if cell is None:
        return ""
    if isinstance(cell, Formula):
        raise ValueError("单元格是公式，请粘贴为数值 / the cell is a formula: paste it as a value")
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return "\n".join(line for raw in str(cell).splitlines() if (line := clean_line(raw)))


def date_of(cell: Cell) -> date | None:
    """A date from an Excel date cell, an Excel serial (46162) or printed text (2026/5/20,
    2026年5月20日, 2026.05.20, 2026-05-20)."""
    if isinstance(cell, Formula):
        text_of(cell)  # raises: a formula's cached value is not trusted
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, time | bool):
        raise ValueError(f"不是日期 / not a date: {cell}")
    if isinstance(cell, int | float) or (isinstance(cell, str) and cell.strip().isdigit()):
        serial = float(cell)
        if not _SERIAL_RANGE[0] <= serial < _SERIAL_RANGE[1]:
            raise ValueError(f"不是日期（Excel 序列号超出范围）/ not a date serial: {cell}")
        return _EXCEL_EPOCH + timedelta(days=int(serial))
    try:
        return read_date(text_of(cell))
    except ValueError:
        raise ValueError(f"日期无法识别 / not a date: {cell}") from None


def numbers_of(text: str) -> list[LicenceNumber]:
    """Every licence number in the cell (several may share one, separated by 、 , ; / or lines)."""
    found: list[LicenceNumber] = []
    for part in _NUMBER_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        try:
            info = parse(part)
        except NumberError as exc:
            raise ValueError(f"许可证编号有误 / bad licence number {part!r}: {exc.message}") from None
        if info.kind is NumberKind.ICP_FILING:
            raise ValueError(f"ICP 备案号不是经营许可证编号 / {part} is an ICP filing, not a licence number")
        found.append(info)
    if not found:
        raise ValueError("缺少许可证编号 / no licence number")
    return found


def coverage_of(text: str) -> tuple[str, ...]:
    """Region names (全国 or provinces, by any of their names) as the licence prints them."""
    names: dict[str, None] = {}
    for item in split_list(text.replace("\n", "、")):
        if item == NATIONWIDE:
            names[NATIONWIDE] = None
            continue
        region = regions.by_name(item)
        if region is None:
            raise ValueError(f"覆盖范围无法识别 / unknown region {item!r}")
        names[region.name] = None
    return tuple(names)


def services_of(text: str, *, coverage: tuple[str, ...]) -> tuple[tuple[Service, ...], list[str]]:
    """Business types with their 仅限/含/不含 qualifiers, plus warnings for unplaced qualifier text.

    A piece may start with its catalogue code (`B25 信息服务业务(仅限互联网信息服务)`) or be the code
    alone; the code and the name must agree."""
    services: list[Service] = []
    warnings: list[str] = []
    for raw in _SERVICE_BREAK.split(text):
        piece = raw.strip(" ;。")
        if not piece:
            continue
        code = None
        if (m := _CODE.match(piece)) is not None:
            code, piece = m.group(1), piece[m.end() :]
        if not piece:
            entry = catalogue.entry(code or "")
            if entry is None:
                raise ValueError(f"业务代码不在目录中 / unknown business code {code}")
            services.append(Service(code=entry.code, name=entry.name, coverage=coverage))
            continue
        parsed = parse_service_text(piece)
        entry = catalogue.match_service(parsed.name) if parsed is not None else None
        if parsed is None or entry is None:
            raise ValueError(f"业务种类不在目录中 / not a business type of the catalogue: {piece}")
        if code is not None and code != entry.code:
            raise ValueError(f"业务代码与名称不符 / code {code} does not name {parsed.name} ({entry.code})")
        warnings.extend(f"业务种类限定无法识别 / unrecognised qualifier: {left}" for left in parsed.leftover)
        services.append(
            Service(
                code=entry.code,
                name=parsed.name,
                limited_to=tuple(parsed.limited_to),
                includes=tuple(parsed.includes),
                excludes=tuple(parsed.excludes),
                coverage=tuple(parsed.coverage) or coverage,
                notes=tuple(parsed.notes),
            )
        )
    codes = [s.code for s in services]
    if len(set(codes)) != len(codes):
        raise ValueError(f"业务种类重复 / a business type is listed twice: {', '.join(codes)}")
    return tuple(services), warnings


def service_text(service: Service) -> str:
    """The cell text of one business type (code first, then the printed form)."""
    return f"{service.code} {service_line(service)}"


def sites_of(text: str, *, services: tuple[str, ...]) -> tuple[Site, ...]:
    """`懂车帝(dongchedi.com)、懂车帝(APP:dongchedi.com)、maichetong.com.cn` into sites and apps."""
    sites: dict[tuple[SiteKind, str, str], Site] = {}
    for raw in _SITE_SPLIT.split(text):
        entry = raw.strip()
        if not entry:
            continue
        m = _SITE.match(entry)
        if m is None:
            raise ValueError(f"网站/APP 无法识别 / cannot read site {entry!r} (name(domain) or name(APP))")
        name, inside = m.group("name").strip(), (m.group("inside") or "").strip()
        parts = [p.strip() for p in re.split(r"[:,]", inside) if p.strip()] if inside else []
        kind = SiteKind.WEBSITE
        if parts and _APP.match(parts[0]):
            kind, parts = SiteKind.APP, parts[1:]
        domain = parts[0].lower() if parts else ""
        if not inside and _DOMAIN.match(name):
            domain = name.lower()
        if domain and not _DOMAIN.match(domain):
            raise ValueError(f"域名无效 / not a domain: {domain!r}")
        if kind is SiteKind.WEBSITE and not domain:
            raise ValueError(f"网站缺少域名 / website {name!r} has no domain: write name(domain)")
        site = Site(kind=kind, name=name or domain, domain=domain, services=services)
        sites.setdefault((site.kind, site.name, site.domain), site)
    return tuple(sites.values())


def site_text(site: Site) -> str:
    """The cell text of one site, read back by `sites_of`."""
    if site.kind is SiteKind.APP:
        return f"{site.name}(APP:{site.domain})" if site.domain else f"{site.name}(APP)"
    return f"{site.name}({site.domain})"
